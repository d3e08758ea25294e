from django.apps import AppConfig
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.signals import post_migrate, pre_migrate


def set_derived_data_aside(sender, using, plan=None, **kwargs):
    """Before `migrate` applies anything: no trigger or view may name a table a migration is about to rebuild."""
    from catalog import catalog_version, code_links, search_index, topics

    if plan:
        catalog_version.remove_triggers(connections[using])
        search_index.drop(connections[using])
        topics.drop(connections[using])
        code_links.drop(connections[using])


def rebuild_derived_data(sender, using, **kwargs):
    """After `migrate` (and `flush`): the catalog's version triggers, its search index, its topic views and its
    papers' code flags as declared."""
    from catalog import catalog_version, code_links, search_index, topics

    connection = connections[using]
    if catalog_version.sync_triggers(connection):
        catalog_version.bump(connection)
    if (
        not search_index.installed(connection)
        and search_index.MIGRATION in MigrationRecorder(connection).applied_migrations()
    ):
        search_index.build(connection)
    topics.build(connection)
    code_links.build(connection)


class CatalogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self):
        pre_migrate.connect(set_derived_data_aside, sender=self)
        post_migrate.connect(rebuild_derived_data, sender=self)
        from catalog import renames

        renames.connect()
