from django.apps import AppConfig


class AnnuaireConfig(AppConfig):
    name = "annuaire"
    verbose_name = "annuaire des structures publiques"
