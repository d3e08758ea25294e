"""On PostgreSQL, search documents fold accents (unaccent), as SQLite's FTS5 index does: "uber" finds "Über"."""

import importlib

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

links_in_order = importlib.import_module("catalog.migrations.0009_search_links_in_order")
search_index = links_in_order.search_index

ROWS = "AS r(id, text1, text2, text3)"
UNACCENTED_ROWS = (
    "SELECT u.id, unaccent(u.text1), unaccent(u.text2), unaccent(u.text3) FROM ({rows}) AS u(id, text1, text2, text3)"
)


def refresh_function(index, *, unaccented):
    """The CREATE OR REPLACE statement of `index`'s refresh function, its texts `unaccented` or as they are."""
    statement = links_in_order.refresh_function(index, links_in_order.ORDERED_LINKS)
    if not unaccented:
        return statement
    start = statement.index("FROM (") + len("FROM (")
    end = statement.index(f") {ROWS}")
    rows = statement[start:end]
    return statement[:start] + UNACCENTED_ROWS.format(rows=rows) + statement[end:]


def rewrite(*, unaccented):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for index in (search_index.PAPERS, search_index.RESOURCES):
            schema_editor.execute(refresh_function(index, unaccented=unaccented), params=None)
            schema_editor.execute(f"SELECT {index.search}_refresh(ARRAY(SELECT id FROM {index.table}))", params=None)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0009_search_links_in_order"),
    ]

    operations = [
        UnaccentExtension(),
        migrations.RunPython(rewrite(unaccented=True), rewrite(unaccented=False)),
    ]
