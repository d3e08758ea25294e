"""The full-text index of papers and resources, filled and kept in step by triggers in the database.

Triggers catch every write, whatever makes it: a form, a bulk import, queryset.update() in an admin action, a
merge, loaddata. A paper's row is made again when its title, URL or venue changes, when its venue is renamed,
and when one of its links is added, changed or deleted; a resource's when its name, description or URL changes
or one of its links does.

SQLite: one FTS5 table per model (rowid = the entry's id) with row triggers. PostgreSQL: one table of weighted
tsvectors per model under a GIN index, with statement triggers that read the changed rows from transition tables
(one refresh per import or bulk update, not one per row). The models of these tables are unmanaged.

On SQLite, a later migration that rebuilds catalog_paper, catalog_resource, catalog_venue or a link table (most
AlterField operations do) drops the triggers on that table: run `create_index` again after it.
"""

import string

import catalog.search
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

# Every word of the index and of a query is a run of letters and digits: ASCII punctuation becomes a space, so
# that PostgreSQL's parser splits URLs, hosts and hyphenated words where SQLite's unicode61 tokenizer does.
PUNCTUATION = string.punctuation


def sql_string(text):
    return "'" + text.replace("'", "''") + "'"


AGGREGATES = {
    "sqlite": "group_concat(l.label || ' ' || l.url, ' ')",
    "postgresql": "string_agg(l.label || ' ' || l.url, ' ')",
}


class Index:
    """One model's index: its table, the SQL of its first two texts, and the columns whose change re-indexes it."""

    def __init__(self, *, name, table, columns, texts, joins, watched, link_table, link_key):
        self.name, self.table, self.columns, self.texts, self.joins = name, table, columns, texts, joins
        self.watched, self.link_table, self.link_key = watched, link_table, link_key
        self.fts, self.search = f"{table}_fts", f"{table}_search"

    def rows(self, vendor):
        """SELECT of (id, first text, second text, links) of the entries, to be followed by a WHERE on e.id."""
        links = f"(SELECT {AGGREGATES[vendor]} FROM {self.link_table} l WHERE l.{self.link_key} = e.id)"
        if vendor == "sqlite":
            links = f"e.url || coalesce(' ' || {links}, '')"
        else:
            links = f"concat_ws(' ', e.url, {links})"
        first, second = self.texts
        return f"SELECT e.id, {first}, {second}, {links} FROM {self.table} e {self.joins}"


PAPERS = Index(
    name="paper",
    table="catalog_paper",
    columns=("title", "venue", "links"),
    texts=("e.title", "coalesce(v.name, '')"),
    joins="LEFT JOIN catalog_venue v ON v.id = e.venue_id",
    watched=("title", "url", "venue_id"),
    link_table="catalog_paperlink",
    link_key="paper_id",
)
RESOURCES = Index(
    name="resource",
    table="catalog_resource",
    columns=("name", "description", "links"),
    texts=("e.name", "e.description"),
    joins="",
    watched=("name", "description", "url"),
    link_table="catalog_resourcelink",
    link_key="resource_id",
)


# SQLite


def sqlite_sync(index, ids):
    """Statements that make again the FTS rows of the entries whose ids `ids` gives (a list or a SELECT)."""
    columns = ", ".join(index.columns)
    return (
        f"DELETE FROM {index.fts} WHERE rowid IN ({ids}); "
        f"INSERT INTO {index.fts}(rowid, {columns}) {index.rows('sqlite')} WHERE e.id IN ({ids});"
    )


def sqlite_statements(index):
    fts, table, link_table, key = index.fts, index.table, index.link_table, index.link_key
    columns = ", ".join(index.columns)
    statements = [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({columns}, tokenize = 'unicode61 remove_diacritics 2')",
        f"INSERT INTO {fts}(rowid, {columns}) {index.rows('sqlite')}",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {sqlite_sync(index, 'NEW.id')} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {', '.join(index.watched)} ON {table} "
        f"BEGIN {sqlite_sync(index, 'OLD.id, NEW.id')} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN DELETE FROM {fts} WHERE rowid = OLD.id; END",
        f"CREATE TRIGGER {fts}_link_insert AFTER INSERT ON {link_table} BEGIN {sqlite_sync(index, f'NEW.{key}')} END",
        f"CREATE TRIGGER {fts}_link_update AFTER UPDATE ON {link_table} "
        f"BEGIN {sqlite_sync(index, f'OLD.{key}, NEW.{key}')} END",
        f"CREATE TRIGGER {fts}_link_delete AFTER DELETE ON {link_table} BEGIN {sqlite_sync(index, f'OLD.{key}')} END",
    ]
    if index is PAPERS:
        papers_of_venue = "SELECT id FROM catalog_paper WHERE venue_id = NEW.id"
        statements.append(
            f"CREATE TRIGGER {fts}_venue_update AFTER UPDATE OF name ON catalog_venue "
            f"BEGIN {sqlite_sync(index, papers_of_venue)} END"
        )
    return statements


# PostgreSQL


def postgresql_statements(index):
    search, table, name, key = index.search, index.table, index.name, index.link_key
    spaces = " " * len(PUNCTUATION)
    weighted = " || ".join(
        f"setweight(to_tsvector('simple', translate({column}, {sql_string(PUNCTUATION)}, '{spaces}')), '{weight}')"
        for column, weight in (("r.text1", "A"), ("r.text2", "B"), ("r.text3", "C"))
    )
    changed = " OR ".join(f"n.{column} IS DISTINCT FROM o.{column}" for column in index.watched)
    statements = [
        f"CREATE TABLE {search} ({name}_id bigint PRIMARY KEY, document tsvector NOT NULL)",
        f"CREATE INDEX {search}_document ON {search} USING gin (document)",
        f"""CREATE FUNCTION {search}_refresh(ids bigint[]) RETURNS void LANGUAGE sql AS $$
            DELETE FROM {search} WHERE {name}_id = ANY(ids);
            INSERT INTO {search} ({name}_id, document)
            SELECT r.id, {weighted}
            FROM ({index.rows('postgresql')} WHERE e.id = ANY(ids)) AS r(id, text1, text2, text3);
        $$""",
        f"""CREATE FUNCTION {search}_sync() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                PERFORM {search}_refresh(ARRAY(SELECT id FROM new_rows));
            ELSIF TG_OP = 'UPDATE' THEN
                PERFORM {search}_refresh(ARRAY(
                    SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {changed}
                ));
            ELSIF TG_OP = 'DELETE' THEN
                DELETE FROM {search} WHERE {name}_id IN (SELECT id FROM old_rows);
            ELSE
                TRUNCATE {search};
            END IF;
            RETURN NULL;
        END $$""",
        f"""CREATE FUNCTION {search}_link_sync() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                PERFORM {search}_refresh(ARRAY(SELECT {key} FROM new_rows));
            ELSIF TG_OP = 'UPDATE' THEN
                PERFORM {search}_refresh(ARRAY(SELECT {key} FROM new_rows UNION SELECT {key} FROM old_rows));
            ELSIF TG_OP = 'DELETE' THEN
                PERFORM {search}_refresh(ARRAY(SELECT {key} FROM old_rows));
            ELSE
                PERFORM {search}_refresh(ARRAY(SELECT id FROM {table}));
            END IF;
            RETURN NULL;
        END $$""",
        f"SELECT {search}_refresh(ARRAY(SELECT id FROM {table}))",
    ]
    for target, function in ((table, f"{search}_sync"), (index.link_table, f"{search}_link_sync")):
        statements += [
            f"CREATE TRIGGER {search}_insert AFTER INSERT ON {target} REFERENCING NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
            f"CREATE TRIGGER {search}_update AFTER UPDATE ON {target} "
            f"REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
            f"CREATE TRIGGER {search}_delete AFTER DELETE ON {target} REFERENCING OLD TABLE AS old_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
            f"CREATE TRIGGER {search}_truncate AFTER TRUNCATE ON {target} FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        ]
    if index is PAPERS:
        statements += [
            f"""CREATE FUNCTION {search}_venue_sync() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM {search}_refresh(ARRAY(
                    SELECT e.id FROM {table} e JOIN new_rows n ON n.id = e.venue_id JOIN old_rows o ON o.id = n.id
                    WHERE n.name IS DISTINCT FROM o.name
                ));
                RETURN NULL;
            END $$""",
            f"CREATE TRIGGER {search}_update AFTER UPDATE ON catalog_venue "
            f"REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {search}_venue_sync()",
        ]
    return statements


def postgresql_drop_statements(index):
    search = index.search
    targets = (index.table, index.link_table) + (("catalog_venue",) if index is PAPERS else ())
    functions = ["refresh(bigint[])", "sync()", "link_sync()"] + (["venue_sync()"] if index is PAPERS else [])
    return (
        [
            f"DROP TRIGGER IF EXISTS {search}_{event} ON {target}"
            for target in targets
            for event in ("insert", "update", "delete", "truncate")
        ]
        + [f"DROP FUNCTION {search}_{function}" for function in functions]
        + [f"DROP TABLE {search}"]
    )


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = sqlite_statements(PAPERS) + sqlite_statements(RESOURCES)
    elif vendor == "postgresql":
        statements = postgresql_statements(PAPERS) + postgresql_statements(RESOURCES)
    else:
        raise RuntimeError(f"Full-text search needs SQLite or PostgreSQL, not {vendor}.")
    for statement in statements:
        schema_editor.execute(statement, params=None)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        triggers = ("insert", "update", "delete", "link_insert", "link_update", "link_delete", "venue_update")
        statements = [
            f"DROP TRIGGER IF EXISTS {index.fts}_{trigger}" for index in (PAPERS, RESOURCES) for trigger in triggers
        ]
        statements += [f"DROP TABLE {index.fts}" for index in (PAPERS, RESOURCES)]
    else:
        statements = postgresql_drop_statements(PAPERS) + postgresql_drop_statements(RESOURCES)
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0004_link_checks_and_repositories'),
    ]

    operations = [
        migrations.CreateModel(
            name='PaperFTS',
            fields=[
                ('paper', models.OneToOneField(db_column='rowid', db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='fts', serialize=False, to='catalog.paper')),
                ('document', catalog.search.FTS5Field(db_column='catalog_paper_fts')),
            ],
            options={
                'db_table': 'catalog_paper_fts',
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='PaperSearchVector',
            fields=[
                ('paper', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='search_vector', serialize=False, to='catalog.paper')),
                ('document', django.contrib.postgres.search.SearchVectorField()),
            ],
            options={
                'db_table': 'catalog_paper_search',
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='ResourceFTS',
            fields=[
                ('resource', models.OneToOneField(db_column='rowid', db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='fts', serialize=False, to='catalog.resource')),
                ('document', catalog.search.FTS5Field(db_column='catalog_resource_fts')),
            ],
            options={
                'db_table': 'catalog_resource_fts',
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='ResourceSearchVector',
            fields=[
                ('resource', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='search_vector', serialize=False, to='catalog.resource')),
                ('document', django.contrib.postgres.search.SearchVectorField()),
            ],
            options={
                'db_table': 'catalog_resource_search',
                'managed': False,
            },
        ),
        migrations.RunPython(create_index, drop_index),
    ]
