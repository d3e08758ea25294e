"""The search index leaves the migrations: from here on catalog/search_index.py declares it, and it is built from
that declaration after every `migrate` (catalog/apps.py). This drops the index migrations 0005, 0009 and 0010
made; going back makes it again as they left it."""

import importlib

from django.db import migrations

from catalog import search_index

made_by_0005 = importlib.import_module("catalog.migrations.0005_search_index")
links_in_order = importlib.import_module("catalog.migrations.0009_search_links_in_order")
without_accents = importlib.import_module("catalog.migrations.0010_search_without_accents")


def drop_index(apps, schema_editor):
    search_index.drop(schema_editor.connection)


def make_index_of_0010(apps, schema_editor):
    search_index.drop(schema_editor.connection)
    made_by_0005.create_index(apps, schema_editor)
    links_in_order.rewrite(links_in_order.ORDERED_LINKS)(apps, schema_editor)
    without_accents.rewrite(unaccented=True)(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0010_search_without_accents"),
    ]

    operations = [
        migrations.RunPython(drop_index, make_index_of_0010),
    ]
