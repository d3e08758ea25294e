"""Pieces of SQL shared by the catalog's derived data that database triggers keep (the search index, the
catalog's version, the papers' code flags)."""

# The functions redo what a statement wrote: little work, which PostgreSQL's JIT would compile first at a cost of
# about a second a statement whenever the planner overestimates it (as on tables not analyzed yet).
POSTGRESQL_FUNCTION_SETTINGS = "SET jit = off"


def postgresql_trigger_function(name, body) -> str:
    """A PostgreSQL function for statement triggers, running `body` (statements ending with `;`)."""
    return (
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql {POSTGRESQL_FUNCTION_SETTINGS} "
        f"AS $$ BEGIN {body} RETURN NULL; END $$"
    )


def postgresql_statement_triggers(name, table, function, events) -> list[str]:
    """Triggers running `function` once per statement of each of `events` on `table`, with the rows it wrote."""
    transitions = {
        "insert": "REFERENCING NEW TABLE AS new_rows ",
        "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows ",
        "delete": "REFERENCING OLD TABLE AS old_rows ",
        "truncate": "",
    }
    return [
        f"CREATE TRIGGER {name}_{event} AFTER {event.upper()} ON {table} {transitions[event]}"
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        for event in events
    ]


def sqlite_trigger_names(cursor, prefix) -> list[str]:
    """The names of the SQLite triggers that begin with `prefix`."""
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s ESCAPE '\\'",
        [prefix.replace("_", "\\_") + "%"],
    )
    return [name for (name,) in cursor.fetchall()]
