"""Many rows written at once on SQLite without the catalog's row triggers, inside the caller's transaction.

On SQLite the triggers of the catalog's version (catalog/catalog_version.py), of its search index
(catalog/search_index.py) and of its papers' code flags (catalog/code_links.py) run once for each row written,
and a paper's index row is made again for each of its links: for a README of a hundred thousand papers, most of
the time of the import. `row_triggers_suspended()` drops them for a block of writes, then fills the search index
anew with one statement per model and sets the papers' code flags in one more, puts the triggers back as they
were and moves the version on once. SQLite's DDL is transactional: a block that fails rolls the triggers back
with the rest of the transaction. PostgreSQL's triggers run once per statement already; there the block runs
with them.
"""

from contextlib import contextmanager

from django.db import connection
from django.db.transaction import TransactionManagementError

from catalog import catalog_version, code_links, search_index


@contextmanager
def row_triggers_suspended():
    if connection.vendor != "sqlite":
        yield
        return
    if not connection.in_atomic_block:
        raise TransactionManagementError("The catalog's triggers can only be suspended inside a transaction.")
    triggers = _row_triggers()
    with connection.cursor() as cursor:
        for name, _ in triggers:
            cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for statement in [*search_index.fill_statements(connection), code_links.fill_statement(connection)]:
            cursor.execute(statement)
        for _, sql in triggers:
            cursor.execute(sql)
    catalog_version.bump(connection)


def _row_triggers() -> list[tuple[str, str]]:
    """(name, CREATE statement) of the triggers of the catalog's version, of its search index and of its papers'
    code flags."""
    prefixes = (catalog_version.SQLITE_TRIGGER_PREFIX, *search_index.trigger_prefixes(), code_links.TRIGGER_PREFIX)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        return [(name, sql) for name, sql in cursor.fetchall() if name.startswith(prefixes)]
