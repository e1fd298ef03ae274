from django.apps import AppConfig


class StructuresConfig(AppConfig):
    name = "structures"
    verbose_name = "structures"

    def ready(self):
        from django.db.models.signals import post_migrate

        from structures import search_index

        post_migrate.connect(search_index.ensure, sender=self)
