"""A migration that rebuilds catalog tables (as SQLite does for most field changes) leaves search working, with no
step of its own: `migrate` sets the index and the version triggers aside and builds them again afterwards, from
the declaration in catalog/search_index.py, a text added there included.

Run on SQLite and on PostgreSQL (DATABASE_URL=postgres://...): every test holds on both.
"""

import dataclasses
import shutil
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from taggit.models import Tag

from catalog import catalog_version, search_index
from catalog.models import Paper, PaperLink, Venue
from tests.test_search import assert_index_in_step, papers, resources

pytestmark = pytest.mark.django_db(transaction=True)

SCRATCH_PACKAGE = "scratch_catalog_migrations"
# NOT NULL columns: SQLite adds each by making its table again (copy, drop, rename).
SCRATCH_MIGRATION = """
from django.db import migrations, models

NOTE = dict(blank=True, max_length=10, db_default="")


class Migration(migrations.Migration):
    dependencies = [("catalog", "{leaf}")]

    operations = [
        migrations.AddField("paper", "note", models.CharField(**NOTE)),
        migrations.AddField("paperlink", "note", models.CharField(**NOTE)),
        migrations.AddField("venue", "note", models.CharField(**NOTE)),
        migrations.AddField("resource", "note", models.CharField(**NOTE)),
        migrations.AddField("catalogstate", "note", models.CharField(**NOTE)),
    ]
"""


@pytest.fixture
def scratch_migration(tmp_path, settings, seeded):
    """The catalog's migrations and one more that rebuilds five of its tables; the name of the last real one."""
    (leaf,) = MigrationLoader(connection).graph.leaf_nodes("catalog")
    package = tmp_path / SCRATCH_PACKAGE
    shutil.copytree(Path(__file__).parent.parent / "catalog" / "migrations", package)
    (package / "0999_scratch_notes.py").write_text(SCRATCH_MIGRATION.format(leaf=leaf[1]), encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    settings.MIGRATION_MODULES = {"catalog": SCRATCH_PACKAGE}
    yield leaf[1]
    call_command("migrate", "catalog", leaf[1], verbosity=0, stdout=StringIO())
    sys.path.remove(str(tmp_path))
    sys.modules.pop(SCRATCH_PACKAGE, None)


def migrate(target):
    call_command("migrate", "catalog", target, verbosity=0, stdout=StringIO())


def with_paper_notes_indexed(monkeypatch):
    """The declaration with one more line: the papers' new `note` column, weighted B."""
    papers_with_notes = dataclasses.replace(
        search_index.PAPERS, texts=(*search_index.PAPERS.texts, search_index.field("note", search_index.B))
    )
    monkeypatch.setattr(search_index, "PAPERS", papers_with_notes)
    monkeypatch.setattr(search_index, "INDEXES", (papers_with_notes, search_index.RESOURCES))


def assert_every_edit_reaches_the_index():
    paper = Paper.objects.exclude(venue=None).first()
    version = catalog_version.current_state().version
    Paper.objects.filter(pk=paper.pk).update(title="Zymurgy of transformers")
    PaperLink.objects.create(paper=paper, kind="code", label="Code", url="https://x.org/quokka")
    Venue.objects.filter(pk=paper.venue_id).update(name="Wombat Workshop")
    assert papers("zymurgy quokka wombat") == ["Zymurgy of transformers"]
    assert catalog_version.current_state().version > version
    assert_index_in_step()


def test_a_migration_rebuilding_the_catalog_tables_leaves_search_working(scratch_migration):
    found = papers("superposition")
    assert found

    migrate("0999_scratch_notes")

    assert papers("superposition") == found
    assert resources("transformer")
    assert_index_in_step()
    assert_every_edit_reaches_the_index()

    migrate(scratch_migration)  # removing the columns rebuilds the tables again

    assert papers("zymurgy") == ["Zymurgy of transformers"]
    assert_index_in_step()


def test_a_migration_rebuilding_the_entry_tables_leaves_the_topics_readable(scratch_migration):
    """The topic views (catalog/topics.py) read the tables the migration rebuilds: set aside, then made again."""
    softmax = Paper.objects.get(title="Softmax Linear Units")

    migrate("0999_scratch_notes")

    assert [tag.slug for tag in softmax.topics.all()] == ["sae"]
    assert Paper.objects.with_topic(Tag.objects.get(slug="sae")).count() == 31

    migrate(scratch_migration)

    assert [tag.slug for tag in softmax.topics.all()] == ["sae"]


def test_a_text_added_to_the_declaration_is_searchable_after_migrate(scratch_migration, monkeypatch):
    with_paper_notes_indexed(monkeypatch)

    migrate("0999_scratch_notes")

    paper = Paper.objects.order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE catalog_paper SET note = 'numbat' WHERE id = %s", [paper.pk])
    assert papers("numbat") == [paper.title]
    assert search_index.installed(connection)
    assert_index_in_step()
    assert_every_edit_reaches_the_index()

    monkeypatch.undo()
    migrate(scratch_migration)

    assert search_index.installed(connection)
    assert papers("numbat") == []
    assert_index_in_step()


def test_migrate_with_nothing_to_apply_builds_a_missing_index_and_leaves_a_built_one(seeded):
    found = papers("superposition")
    search_index.drop(connection)
    assert not search_index.installed(connection)

    call_command("migrate", verbosity=0, stdout=StringIO())

    assert search_index.installed(connection)
    assert papers("superposition") == found
    assert_index_in_step()
