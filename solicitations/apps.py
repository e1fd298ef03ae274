from django.apps import AppConfig


class SolicitationsConfig(AppConfig):
    name = "solicitations"
    verbose_name = "Sollicitations"
