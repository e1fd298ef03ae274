from django.apps import AppConfig


class DepositsConfig(AppConfig):
    name = "deposits"
    verbose_name = "dépôts"

    def ready(self):
        from deposits import selectors
        from invoices import deposit_selectors

        deposit_selectors.register(item_of_invoice=selectors.item_of_invoice)
