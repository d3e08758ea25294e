from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def track_catalog_changes(sender, using, **kwargs):
    from catalog import state

    if state.sync_triggers(connections[using]):
        state.bump(connections[using])


class CatalogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self):
        post_migrate.connect(track_catalog_changes, sender=self)
        from catalog import renames

        renames.connect()
