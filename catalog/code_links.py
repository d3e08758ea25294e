"""Whether a paper has a code link (`Paper.has_code`), kept in the paper's row by database triggers.

The code filter and the counts by code read it from the paper's row, or from an index holding it, instead of
looking each paper's links up. Triggers keep it right whatever writes the links (`save()`, `update()`, bulk
writes, cascades, fixtures, raw SQL) and whatever writes the paper: a paper written with a stale value (a form
saving every column) gets the right one back in the same statement. Like the catalog's other derived data, the
triggers are set aside before `migrate` and made again afterwards (catalog/apps.py), which also puts right every
paper whose value is wrong; an import on SQLite sets them aside with the other row triggers and puts the papers
right once at the end (catalog/services/row_triggers.py).
"""

from catalog.models import Paper, PaperLink
from catalog.triggers import (
    POSTGRESQL_FUNCTION_SETTINGS,
    postgresql_statement_triggers,
    postgresql_trigger_function,
    sqlite_trigger_names,
)

PAPERS = Paper._meta.db_table
LINKS = PaperLink._meta.db_table
TRIGGER_PREFIX = "catalog_has_code_"
PG_LINKS_FUNCTION = f"{TRIGGER_PREFIX}links"
PG_PAPER_FUNCTION = f"{TRIGGER_PREFIX}paper"
DIFFERS = {"sqlite": "IS NOT", "postgresql": "IS DISTINCT FROM"}


def has_code(paper_id: str) -> str:
    """SQL: whether the paper whose id is the SQL `paper_id` has a code link (along the links' index)."""
    return f"EXISTS (SELECT 1 FROM {LINKS} l WHERE l.paper_id = {paper_id} AND l.kind = '{PaperLink.Kind.CODE}')"


def fill_statement(connection, paper_ids: str | None = None) -> str:
    """SQL: put right every paper whose value is wrong, or only those whose id is in `paper_ids` (SQL)."""
    value = has_code(f"{PAPERS}.id")
    among = f"id IN ({paper_ids}) AND " if paper_ids else ""
    return f"UPDATE {PAPERS} SET has_code = {value} WHERE {among}has_code {DIFFERS[connection.vendor]} {value}"


def _sqlite_triggers(connection) -> list[str]:
    writes = [
        ("link_insert", f"INSERT ON {LINKS}", "NEW.paper_id"),
        ("link_update", f"UPDATE OF paper_id, kind ON {LINKS}", "OLD.paper_id, NEW.paper_id"),
        ("link_delete", f"DELETE ON {LINKS}", "OLD.paper_id"),
        ("paper_insert", f"INSERT ON {PAPERS}", "NEW.id"),
        ("paper_update", f"UPDATE OF has_code ON {PAPERS}", "NEW.id"),
    ]
    return [
        f"CREATE TRIGGER {TRIGGER_PREFIX}{name} AFTER {event} BEGIN {fill_statement(connection, ids)}; END"
        for name, event, ids in writes
    ]


def _postgresql_statements(connection) -> list[str]:
    written = {
        "INSERT": "SELECT paper_id FROM new_rows",
        "UPDATE": "SELECT paper_id FROM new_rows UNION SELECT paper_id FROM old_rows",
        "DELETE": "SELECT paper_id FROM old_rows",
    }
    branches = " ".join(
        f"{'IF' if not index else 'ELSIF'} TG_OP = '{operation}' THEN {fill_statement(connection, ids)};"
        for index, (operation, ids) in enumerate(written.items())
    )
    return [
        postgresql_trigger_function(PG_LINKS_FUNCTION, f"{branches} END IF;"),
        *postgresql_statement_triggers(PG_LINKS_FUNCTION, LINKS, PG_LINKS_FUNCTION, ["insert", "update", "delete"]),
        f"CREATE FUNCTION {PG_PAPER_FUNCTION}() RETURNS trigger LANGUAGE plpgsql {POSTGRESQL_FUNCTION_SETTINGS} "
        f"AS $$ BEGIN NEW.has_code := {has_code('NEW.id')}; RETURN NEW; END $$",
        f"CREATE TRIGGER {PG_PAPER_FUNCTION} BEFORE INSERT OR UPDATE OF has_code ON {PAPERS} "
        f"FOR EACH ROW EXECUTE FUNCTION {PG_PAPER_FUNCTION}()",
    ]


def drop(connection) -> None:
    """Remove the triggers (found by name)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in sqlite_trigger_names(cursor, TRIGGER_PREFIX):
                cursor.execute(f"DROP TRIGGER {name}")
        else:
            for function in (PG_LINKS_FUNCTION, PG_PAPER_FUNCTION):
                cursor.execute(f"DROP FUNCTION IF EXISTS {function}() CASCADE")


def build(connection) -> bool:
    """Make the triggers again and put right every paper whose value is wrong, once the papers have the column;
    True if made."""
    tables = set(connection.introspection.table_names())
    if not {PAPERS, LINKS} <= tables:
        return False
    with connection.cursor() as cursor:
        columns = {column.name for column in connection.introspection.get_table_description(cursor, PAPERS)}
    if "has_code" not in columns:
        return False
    drop(connection)
    statements = _sqlite_triggers(connection) if connection.vendor == "sqlite" else _postgresql_statements(connection)
    with connection.cursor() as cursor:
        for statement in [*statements, fill_statement(connection)]:
            cursor.execute(statement)
    return True
