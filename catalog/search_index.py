"""The full-text index of papers and resources: which texts of an entry it holds and how much each weighs, declared
once here; the tables, functions and triggers of both databases are made from this declaration.

Adding a text is one line in PAPERS or RESOURCES (`field("authors", B)`): the next `migrate` builds the index
again with it. The index is derived data. Before `migrate` applies anything it is set aside (`drop`), since a
migration that rebuilds a catalog table on SQLite would break triggers that name that table; after `migrate`,
and whenever what the database holds differs from this declaration, it is built and filled again (`build`).
The import writes without its triggers on SQLite and fills it once afterwards (`fill_statements`).

SQLite: one FTS5 table per model (rowid = the entry's id, a column per text) with row triggers. PostgreSQL: one
table of weighted tsvectors per model under a GIN index, with statement triggers that read the changed rows from
transition tables (one refresh per import or bulk update, not one per row), texts and query words without
their accents (unaccent). Triggers catch every write, whatever makes it: a form, a bulk import, queryset.update()
in an admin action, a merge, loaddata.
"""

import hashlib
import string
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, transaction

from catalog.triggers import (
    POSTGRESQL_FUNCTION_SETTINGS,
    postgresql_statement_triggers,
    postgresql_trigger_function,
    sqlite_trigger_names,
)

# A text's weight: a word found in an A text outranks one in a B text, and so on (PostgreSQL's four classes).
A, B, C, D = "A", "B", "C", "D"
# SQLite's bm25 weight for each class: far enough apart that a title match outranks a venue match, which
# outranks a link match, for entries of usual lengths.
BM25_WEIGHTS = {A: 10.0, B: 2.0, C: 0.5, D: 0.1}
TSVECTOR_CONFIG = "simple"
# Every word of the index and of a query is a run of letters and digits: ASCII punctuation becomes a space, so
# that PostgreSQL's parser splits URLs, hosts and hyphenated words where SQLite's unicode61 tokenizer does.
PUNCTUATION = string.punctuation
# PostgreSQL: the punctuation as a regular expression's bracket expression, each character escaped. translate()
# compares each character of a text with each of its list: a kilobyte of abstract took about a millisecond, ten
# times what the expression takes.
PUNCTUATION_PATTERN = "[" + "".join("\\" + char for char in PUNCTUATION) + "]"
FTS5_TOKENIZER = "unicode61 remove_diacritics 2"
# The migration from which on the index is built from this declaration (before it, migrations made it).
MIGRATION = ("catalog", "0011_search_index_from_declaration")


@dataclass(frozen=True)
class Source:
    """Another table whose rows enter a text: a write to one of its rows re-indexes the entries whose
    `entry_column` equals the row's `key`; `watched` names the columns whose update matters (None: any write).
    With `through` (a table, its column naming the entry, its column naming this table's row), the entries are
    those the rows of that table link to the written row."""

    table: str
    key: str
    entry_column: str
    watched: tuple[str, ...] | None = None
    through: tuple[str, str, str] | None = None

    def entry_ids(self, index, keys) -> str:
        """SQL giving the ids of the entries of `index` that the rows whose `key` is in `keys` (SQL) enter."""
        if self.through:
            table, entry, row = self.through
            return f"SELECT {entry} FROM {table} WHERE {row} IN ({keys})"
        if self.entry_column == "id":
            return keys
        return f"SELECT id FROM {index.table} WHERE {self.entry_column} IN ({keys})"


@dataclass(frozen=True)
class Text:
    """One indexed text of an entry: its name (an FTS5 column), weight, SQL per database over the entry's row
    `e`, the entry's columns whose change re-indexes it, and the other tables it reads."""

    name: str
    weight: str
    sql: dict[str, str]
    watched: tuple[str, ...]
    sources: tuple[Source, ...] = ()

    def named_sources(self):
        """(name, source): the text's name for its first source, numbered after it for the others."""
        return [(self.name + (f"{number + 1}" if number else ""), source) for number, source in enumerate(self.sources)]


def field(column, weight) -> Text:
    """A text column of the entry itself."""
    sql = f"coalesce(e.{column}, '')"
    return Text(column, weight, {"sqlite": sql, "postgresql": sql}, (column,))


def related(name, weight, *, table, column) -> Text:
    """The `column` of the row of `table` the entry's foreign key `<name>_id` points to (empty without one)."""
    sql = f"coalesce((SELECT r.{column} FROM {table} r WHERE r.id = e.{name}_id), '')"
    source = Source(table, key="id", entry_column=f"{name}_id", watched=(column,))
    return Text(name, weight, {"sqlite": sql, "postgresql": sql}, (f"{name}_id",), (source,))


def links(weight, *, table, key) -> Text:
    """The entry's URL, then the label and URL of each of its links (rows of `table` whose `key` is the entry)."""
    of_entry = f"FROM {table} l WHERE l.{key} = e.id"
    label_and_url = "l.label || ' ' || l.url"
    sql = {
        # SQLite reads the links along the index of `key`, in a fixed order.
        "sqlite": f"e.url || coalesce(' ' || (SELECT group_concat({label_and_url}, ' ') {of_entry}), '')",
        "postgresql": f"concat_ws(' ', e.url, (SELECT string_agg({label_and_url}, ' ' ORDER BY l.id) {of_entry}))",
    }
    return Text("links", weight, sql, ("url",), (Source(table, key=key, entry_column="id"),))


def names(name, weight, *, through, entry_key, row_key, table, column="name") -> Text:
    """The `column` of the rows of `table` linked to the entry by rows of `through` (`entry_key` naming the entry,
    `row_key` the row), in the order of `through`'s `position`: e.g. a paper's authors."""
    row_text = f"(SELECT r.{column} FROM {table} r WHERE r.id = t.{row_key})"
    sql = {
        # SQLite reads the rows along the index of `entry_key`, in a fixed order.
        "sqlite": f"coalesce((SELECT group_concat(r.{column}, ' ') FROM {through} t JOIN {table} r "
        f"ON r.id = t.{row_key} WHERE t.{entry_key} = e.id), '')",
        # PostgreSQL looks each row up by id: a join, planned with statistics that do not count yet what a long
        # transaction wrote (an import), could read all of `table` for every entry.
        "postgresql": f"coalesce((SELECT string_agg({row_text}, ' ' ORDER BY t.position, t.id) "
        f"FROM {through} t WHERE t.{entry_key} = e.id), '')",
    }
    sources = (
        Source(through, key=entry_key, entry_column="id"),
        Source(table, key="id", entry_column="id", watched=(column,), through=(through, entry_key, row_key)),
    )
    return Text(name, weight, sql, (), sources)


@dataclass(frozen=True)
class Index:
    name: str
    table: str
    texts: tuple[Text, ...]

    @property
    def fts(self) -> str:
        return f"{self.table}_fts"

    @property
    def search(self) -> str:
        return f"{self.table}_search"

    @property
    def columns(self) -> list[str]:
        return [text.name for text in self.texts]

    @property
    def bm25_weights(self) -> list[float]:
        return [BM25_WEIGHTS[text.weight] for text in self.texts]

    def rows(self, vendor) -> str:
        """SELECT of (id, text, ...) of the entries, to be followed by a WHERE on e.id."""
        return f"SELECT e.id, {', '.join(text.sql[vendor] for text in self.texts)} FROM {self.table} e"


PAPERS = Index(
    "paper",
    "catalog_paper",
    (
        field("title", A),
        names(
            "authors",
            B,
            through="catalog_paperauthor",
            entry_key="paper_id",
            row_key="author_id",
            table="catalog_author",
        ),
        related("venue", B, table="catalog_venue", column="name"),
        field("abstract", C),
        links(D, table="catalog_paperlink", key="paper_id"),
    ),
)
RESOURCES = Index(
    "resource",
    "catalog_resource",
    (
        field("name", A),
        field("description", B),
        links(C, table="catalog_resourcelink", key="resource_id"),
    ),
)
INDEXES = (PAPERS, RESOURCES)


def index_of(model) -> Index:
    (index,) = [index for index in INDEXES if index.table == model._meta.db_table]
    return index


def _check(connection):
    if connection.vendor not in ("sqlite", "postgresql"):
        raise NotImplementedError(f"Full-text search needs SQLite or PostgreSQL, not {connection.vendor}.")


# SQLite


def _sqlite_sync(index, ids) -> str:
    """Statements that make again the FTS rows of the entries whose ids `ids` gives (a list or a SELECT)."""
    return (
        f"DELETE FROM {index.fts} WHERE rowid IN ({ids}); "
        f"INSERT INTO {index.fts}(rowid, {', '.join(index.columns)}) {index.rows('sqlite')} WHERE e.id IN ({ids});"
    )


def _sqlite_source_ids(index, source, *rows) -> str:
    return source.entry_ids(index, ", ".join(f"{row}.{source.key}" for row in rows))


def _sqlite_triggers(index) -> list[str]:
    fts, table = index.fts, index.table
    watched = ", ".join(column for text in index.texts for column in text.watched)
    triggers = [
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {_sqlite_sync(index, 'NEW.id')} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {watched} ON {table} "
        f"BEGIN {_sqlite_sync(index, 'OLD.id, NEW.id')} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN DELETE FROM {fts} WHERE rowid = OLD.id; END",
    ]
    for text in index.texts:
        for text_name, source in text.named_sources():
            name = f"{fts}_{text_name}"
            if source.watched:
                triggers.append(
                    f"CREATE TRIGGER {name}_update AFTER UPDATE OF {', '.join(source.watched)} ON {source.table} "
                    f"BEGIN {_sqlite_sync(index, _sqlite_source_ids(index, source, 'OLD', 'NEW'))} END"
                )
                continue
            for event, rows in (("insert", ("NEW",)), ("update", ("OLD", "NEW")), ("delete", ("OLD",))):
                triggers.append(
                    f"CREATE TRIGGER {name}_{event} AFTER {event.upper()} ON {source.table} "
                    f"BEGIN {_sqlite_sync(index, _sqlite_source_ids(index, source, *rows))} END"
                )
    return triggers


def _sqlite_table(index) -> str:
    return f"CREATE VIRTUAL TABLE {index.fts} USING fts5({', '.join(index.columns)}, tokenize = '{FTS5_TOKENIZER}')"


def _sqlite_fill(index) -> list[str]:
    return [
        f"DELETE FROM {index.fts}",
        f"INSERT INTO {index.fts}(rowid, {', '.join(index.columns)}) {index.rows('sqlite')}",
    ]


def _sqlite_installed(cursor, index) -> set[str]:
    cursor.execute(
        "SELECT sql FROM sqlite_master "
        "WHERE (type = 'trigger' AND name LIKE %s ESCAPE '\\') OR (type = 'table' AND name = %s)",
        [f"{index.fts}\\_%", index.fts],
    )
    return {sql for (sql,) in cursor.fetchall()}


def _sqlite_drop(cursor, index) -> list[str]:
    names = sqlite_trigger_names(cursor, f"{index.fts}_")
    return [f"DROP TRIGGER {name}" for name in names] + [f"DROP TABLE IF EXISTS {index.fts}"]


# PostgreSQL


def _sql_string(text) -> str:
    return "'" + text.replace("'", "''") + "'"


def _postgresql_document(index) -> str:
    return " || ".join(
        f"setweight(to_tsvector('{TSVECTOR_CONFIG}', regexp_replace(unaccent({text.sql['postgresql']}), "
        f"{_sql_string(PUNCTUATION_PATTERN)}, ' ', 'g')), '{text.weight}')"
        for text in index.texts
    )


def _postgresql_statements(index) -> list[str]:
    search, table, name = index.search, index.table, index.name
    refresh = f"{search}_refresh"
    changed = " OR ".join(f"n.{column} IS DISTINCT FROM o.{column}" for text in index.texts for column in text.watched)
    statements = [
        f"CREATE TABLE {search} ({name}_id bigint PRIMARY KEY, document tsvector NOT NULL)",
        f"CREATE INDEX {search}_document ON {search} USING gin (document)",
        f"CREATE FUNCTION {refresh}(ids bigint[]) RETURNS void LANGUAGE sql {POSTGRESQL_FUNCTION_SETTINGS} AS $$ "
        f"DELETE FROM {search} WHERE {name}_id = ANY(ids); "
        f"INSERT INTO {search} ({name}_id, document) "
        f"SELECT e.id, {_postgresql_document(index)} FROM {table} e WHERE e.id = ANY(ids); $$",
        postgresql_trigger_function(
            f"{search}_sync",
            f"IF TG_OP = 'INSERT' THEN PERFORM {refresh}(ARRAY(SELECT id FROM new_rows)); "
            f"ELSIF TG_OP = 'UPDATE' THEN PERFORM {refresh}(ARRAY("
            f"SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {changed})); "
            f"ELSIF TG_OP = 'DELETE' THEN DELETE FROM {search} WHERE {name}_id IN (SELECT id FROM old_rows); "
            f"ELSE TRUNCATE {search}; END IF;",
        ),
        *postgresql_statement_triggers(search, table, f"{search}_sync", ("insert", "update", "delete", "truncate")),
    ]
    for text in index.texts:
        for text_name, source in text.named_sources():
            statements += _postgresql_source_statements(index, f"{search}_{text_name}", source)
    return statements


def _postgresql_source_statements(index, name, source) -> list[str]:
    """The function and triggers that re-index the entries a write to `source`'s table changes."""
    refresh, function = f"{index.search}_refresh", f"{name}_sync"

    def ids(rows):
        return source.entry_ids(index, f"SELECT {source.key} FROM {rows}")

    if source.watched:
        differs = " OR ".join(f"n.{column} IS DISTINCT FROM o.{column}" for column in source.watched)
        updated = f"(SELECT n.* FROM new_rows n JOIN old_rows o ON o.{source.key} = n.{source.key} WHERE {differs}) u"
        body = f"PERFORM {refresh}(ARRAY({ids(updated)}));"
        events = ("update",)
    else:
        body = (
            f"IF TG_OP = 'INSERT' THEN PERFORM {refresh}(ARRAY({ids('new_rows')})); "
            f"ELSIF TG_OP = 'UPDATE' THEN PERFORM {refresh}(ARRAY({ids('new_rows')} UNION {ids('old_rows')})); "
            f"ELSIF TG_OP = 'DELETE' THEN PERFORM {refresh}(ARRAY({ids('old_rows')})); "
            f"ELSE PERFORM {refresh}(ARRAY(SELECT id FROM {index.table})); END IF;"
        )
        events = ("insert", "update", "delete", "truncate")
    return [
        postgresql_trigger_function(function, body),
        *postgresql_statement_triggers(name, source.table, function, events),
    ]


def _postgresql_fingerprint(index) -> str:
    return hashlib.sha256("\n".join(_postgresql_statements(index)).encode()).hexdigest()[:32]


def _postgresql_fill(index) -> list[str]:
    return [f"TRUNCATE {index.search}", f"SELECT {index.search}_refresh(ARRAY(SELECT id FROM {index.table}))"]


def _postgresql_drop(cursor, index) -> list[str]:
    cursor.execute(
        "SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.proname LIKE %s ESCAPE '\\' "
        "AND p.pronamespace = current_schema()::regnamespace",
        [f"{index.search}\\_%"],
    )
    functions = [f"DROP FUNCTION IF EXISTS {signature} CASCADE" for (signature,) in cursor.fetchall()]
    return functions + [f"DROP TABLE IF EXISTS {index.search}"]


# The index as a whole


def fill_statements(connection) -> list[str]:
    """Statements that make every row of the index again from the catalog as it is."""
    _check(connection)
    fill = _sqlite_fill if connection.vendor == "sqlite" else _postgresql_fill
    return [statement for index in INDEXES for statement in fill(index)]


def trigger_prefixes() -> tuple[str, ...]:
    """The start of the name of every SQLite trigger of the index."""
    return tuple(f"{index.fts}_" for index in INDEXES)


def installed(connection) -> bool:
    """Whether the database holds the index as declared here, tables, functions and triggers."""
    _check(connection)
    with connection.cursor() as cursor:
        for index in INDEXES:
            if connection.vendor == "sqlite":
                if _sqlite_installed(cursor, index) != {_sqlite_table(index), *_sqlite_triggers(index)}:
                    return False
            else:
                cursor.execute("SELECT obj_description(to_regclass(%s), 'pg_class')", [index.search])
                if cursor.fetchone()[0] != _postgresql_fingerprint(index):
                    return False
    return True


def drop(connection) -> None:
    """Remove the index, whatever declaration it was made from (its triggers and functions found by name)."""
    _check(connection)
    with connection.cursor() as cursor:
        for index in INDEXES:
            statements = (
                _sqlite_drop(cursor, index) if connection.vendor == "sqlite" else _postgresql_drop(cursor, index)
            )
            for statement in statements:
                cursor.execute(statement)


def build(connection) -> None:
    """Make the index as declared here and fill it, unless the database holds it so already."""
    if installed(connection):
        return
    drop(connection)
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            _create(connection, cursor)
    except DatabaseError as error:
        raise ImproperlyConfigured(
            f"The search index declared in catalog/search_index.py cannot be built on this database: {error}. "
            "Is a column it names not migrated yet?"
        ) from error


def _create(connection, cursor):
    for index in INDEXES:
        if connection.vendor == "sqlite":
            statements = [_sqlite_table(index), *_sqlite_triggers(index)]
        else:
            statements = [
                *_postgresql_statements(index),
                f"COMMENT ON TABLE {index.search} IS {_sql_string(_postgresql_fingerprint(index))}",
            ]
        for statement in statements:
            cursor.execute(statement)
    for statement in fill_statements(connection):
        cursor.execute(statement)
