"""What an import leaves behind besides the catalog. It writes without the per-row triggers on SQLite: afterwards
the search index, the version and the triggers are as if it had not, and an import that fails leaves them as they
were. It pauses the garbage collector while it runs, and leaves it on.

Run on SQLite and on PostgreSQL (DATABASE_URL=postgres://...): every test holds on both.
"""

import datetime as dt
import gc
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from catalog import catalog_version
from catalog.models import Paper, PaperLink, Venue
from catalog.search_index import INDEXES
from catalog.services.readme_import import DocumentWriter
from tests.conftest import SEED_README
from tests.test_search import assert_index_in_step, index_rows, papers

pytestmark = pytest.mark.django_db


def triggers() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        else:
            cursor.execute("SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1")
        return cursor.fetchall()


def database_state() -> dict:
    return {
        "triggers": triggers(),
        "index": [index_rows(index) for index in INDEXES],
        "version": catalog_version.current_state(),
        "papers": list(Paper.objects.order_by("pk").values_list("pk", "title")),
    }


def import_seed(*args):
    call_command("import_readme", str(SEED_README), *args, stdout=StringIO(), stderr=StringIO())


def test_an_import_leaves_the_triggers_as_migrate_installed_them_and_fills_the_index(prior):
    installed = triggers()
    before = catalog_version.current_state().version

    import_seed(*prior)

    assert triggers() == installed
    assert catalog_version.current_state().version > before
    assert_index_in_step()
    assert papers("superposition")


def test_an_import_failing_after_every_row_is_written_leaves_everything_as_it_was(prior, monkeypatch):
    before = database_state()
    written = DocumentWriter.flush

    def flush_then_fail(writer):
        written(writer)
        raise CommandError("the disk is full")

    monkeypatch.setattr(DocumentWriter, "flush", flush_then_fail)

    with pytest.raises(CommandError, match="the disk is full"):
        import_seed(*prior)

    assert database_state() == before


def test_an_import_refused_for_a_bad_value_or_a_dry_run_leaves_everything_as_it_was(prior, tmp_path):
    bad = tmp_path / "README.md"
    title = "Token Erasure as a Footprint of Implicit Vocabulary Items in LLMs"
    bad.write_text(SEED_README.read_text(encoding="utf-8").replace(title, "T" * 600), encoding="utf-8")
    before = database_state()

    with pytest.raises(CommandError):
        call_command("import_readme", str(bad), *prior, stdout=StringIO(), stderr=(errors := StringIO()))
    assert "title: Ensure this value has at most 500 characters" in errors.getvalue()
    import_seed(*prior, "--dry-run")

    assert database_state() == before


def test_after_an_import_every_edit_still_reaches_the_index_and_moves_the_version_on(seeded):
    def edited(change) -> bool:
        before = catalog_version.current_state().version
        change()
        return catalog_version.current_state().version > before

    paper = Paper.objects.exclude(venue=None).first()
    venue = paper.venue
    section = paper.section

    assert edited(lambda: Paper.objects.filter(pk=paper.pk).update(title="Zymurgy of transformers"))
    assert papers("zymurgy") == ["Zymurgy of transformers"]
    assert edited(lambda: PaperLink.objects.create(paper=paper, kind="code", label="Code", url="https://x.org/quokka"))
    assert papers("quokka") == ["Zymurgy of transformers"]
    assert edited(lambda: Venue.objects.filter(pk=venue.pk).update(name="Wombat Workshop"))
    assert "Zymurgy of transformers" in papers("wombat")
    new = Paper(title="Numbat circuits", url="https://x.org/numbat", date=dt.date(2024, 1, 1), section=section)
    assert edited(new.save)
    assert papers("numbat") == ["Numbat circuits"]
    assert edited(new.delete)
    assert papers("numbat") == []
    assert_index_in_step()


def test_the_garbage_collector_is_on_after_an_import_that_succeeds_or_fails(prior, tmp_path):
    bad = tmp_path / "README.md"
    bad.write_bytes(b"# Title\ncaf\xe9 au lait\n")
    import_seed(*prior)
    assert gc.isenabled()
    with pytest.raises(CommandError):
        call_command("import_readme", str(bad), "--replace", stdout=StringIO(), stderr=StringIO())
    assert gc.isenabled()
