from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run` and the tests (load_demo_data); not installed in production."""

    name = "demo"
    verbose_name = "données de démonstration"
