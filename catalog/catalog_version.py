"""The catalog's version: one row that every write to a catalog table moves on, in the same transaction.

Database triggers do the counting, so every kind of write counts: `save()`, `delete()`, `update()`,
`bulk_create()`, cascades, fixtures and raw SQL alike. On SQLite a trigger runs for each row written; on
PostgreSQL, once per statement. The triggers are removed before `migrate` applies anything and installed again
after it (catalog/apps.py): SQLite drops a table's triggers when a migration rebuilds the table, and a trigger
naming a table being rebuilt breaks the migration. `migrate` also moves the version on, so pages cached by the
code of the previous release are not served by the new one.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone
from taggit.models import Tag

from catalog.models import CatalogState, CheckRun, FormerTagSlug, FormerVenueName, LinkCheck, ReadmeFormat
from catalog.triggers import sqlite_trigger_names

STATE_TABLE = CatalogState._meta.db_table
STATE_QUERY = f"SELECT version, changed_at FROM {STATE_TABLE} WHERE id = 1"
PG_FUNCTION = "catalog_state_bump"
SQLITE_TRIGGER_PREFIX = "catalog_state_"

UPSERT = {
    "sqlite": (
        f"INSERT INTO {STATE_TABLE} (id, version, changed_at) VALUES (1, 1, strftime('%Y-%m-%d %H:%M:%f', 'now')) "
        f"ON CONFLICT (id) DO UPDATE SET version = {STATE_TABLE}.version + 1, changed_at = excluded.changed_at"
    ),
    "postgresql": (
        f"INSERT INTO {STATE_TABLE} (id, version, changed_at) VALUES (1, 1, clock_timestamp()) "
        f"ON CONFLICT (id) DO UPDATE SET version = {STATE_TABLE}.version + 1, changed_at = EXCLUDED.changed_at"
    ),
}


@dataclass(frozen=True)
class State:
    version: int
    changed_at: datetime | None

    @property
    def token(self) -> str:
        """The version and the microsecond of the change: names this state in ETags, cache keys and file names."""
        stamp = int(self.changed_at.timestamp() * 1_000_000) if self.changed_at else 0
        return f"{self.version}.{stamp}"


def current_state() -> State:
    """The version and time of the last committed catalog change (version 0 before any).

    Read on every request for a cached page, so in plain SQL: building the ORM query would cost more than running it.
    """
    with connection.cursor() as cursor:
        cursor.execute(STATE_QUERY)
        row = cursor.fetchone()
    if row is None:
        return State(0, None)
    version, changed_at = row
    # SQLite gives the UTC time it stores without a time zone.
    return State(version, changed_at if timezone.is_aware(changed_at) else changed_at.replace(tzinfo=UTC))


def watched_tables() -> list[str]:
    """Every table of the catalog app that public pages show, and taggit's tags."""
    # Former tag slugs and venue names change only with their tag or venue, which moves the version on; the README's
    # line ending shows only in the README, which no cached page holds; check runs only in the admin.
    unpublished = {
        STATE_TABLE,
        CheckRun._meta.db_table,
        LinkCheck._meta.db_table,
        FormerTagSlug._meta.db_table,
        FormerVenueName._meta.db_table,
        ReadmeFormat._meta.db_table,
    }
    models = [
        model
        for model in apps.get_app_config("catalog").get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.db_table not in unpublished
    ]
    return sorted({model._meta.db_table for model in models} | {Tag._meta.db_table})


def _upsert(connection) -> str:
    try:
        return UPSERT[connection.vendor]
    except KeyError:
        raise ImproperlyConfigured(
            f"The catalog's change tracking supports SQLite and PostgreSQL, not {connection.vendor}."
        ) from None


def _sqlite_statements(tables, *, install):
    for table in tables:
        for event in ("INSERT", "UPDATE", "DELETE"):
            name = f"{SQLITE_TRIGGER_PREFIX}{table}_{event.lower()}"
            yield f"DROP TRIGGER IF EXISTS {name}"
            if install:
                yield f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {UPSERT['sqlite']}; END"


def _postgresql_statements(tables, *, install):
    if install:
        yield (
            f"CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {UPSERT['postgresql']}; RETURN NULL; END; $$"
        )
    for table in tables:
        name = f"catalog_state_{table}"
        yield f"DROP TRIGGER IF EXISTS {name} ON {table}"
        if install:
            yield (
                f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}()"
            )
    if not install:
        yield f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()"


def sync_triggers(connection) -> bool:
    """Install the triggers when the state table exists, remove them when it does not; True if installed."""
    _upsert(connection)
    existing = set(connection.introspection.table_names())
    install = STATE_TABLE in existing
    tables = [table for table in watched_tables() if table in existing]
    statements = _sqlite_statements if connection.vendor == "sqlite" else _postgresql_statements
    with connection.cursor() as cursor:
        for statement in statements(tables, install=install):
            cursor.execute(statement)
    return install


def remove_triggers(connection) -> None:
    """Remove the triggers, whichever tables they were installed on (found by name)."""
    _upsert(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in sqlite_trigger_names(cursor, SQLITE_TRIGGER_PREFIX):
                cursor.execute(f"DROP TRIGGER {name}")
        else:
            cursor.execute(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}() CASCADE")


def bump(connection) -> None:
    """Move the version on, as any catalog write does."""
    with connection.cursor() as cursor:
        cursor.execute(_upsert(connection))
