from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "comptes utilisateurs"

    def ready(self):
        from accounts.services import send_requested_activation_link
        from structures.signals import activation_link_requested

        activation_link_requested.connect(send_requested_activation_link, dispatch_uid="accounts.activation")
