"""On PostgreSQL, an entry's links enter its search document in the order they were added, whatever plan the
database picks for the aggregate (without an ORDER BY, planner statistics could reorder them). SQLite reads
them along its index, in a fixed order, and is left as it is."""

import importlib

from django.db import migrations

search_index = importlib.import_module("catalog.migrations.0005_search_index")

UNORDERED_LINKS = search_index.AGGREGATES["postgresql"]
ORDERED_LINKS = "string_agg(l.label || ' ' || l.url, ' ' ORDER BY l.id)"


def refresh_function(index, links):
    """The CREATE OR REPLACE statement of `index`'s refresh function, its links aggregated by `links`."""
    (statement,) = [s for s in search_index.postgresql_statements(index) if f"FUNCTION {index.search}_refresh(" in s]
    return statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1).replace(UNORDERED_LINKS, links)


def rewrite(links):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for index in (search_index.PAPERS, search_index.RESOURCES):
            schema_editor.execute(refresh_function(index, links), params=None)
            schema_editor.execute(f"SELECT {index.search}_refresh(ARRAY(SELECT id FROM {index.table}))", params=None)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0008_paper_id_venue_index"),
    ]

    operations = [
        migrations.RunPython(rewrite(ORDERED_LINKS), rewrite(UNORDERED_LINKS)),
    ]
