"""Backups: `export_fixtures`, then `loaddata` into an empty database, restores what the README cannot hold.

Run on SQLite by default and on PostgreSQL with DATABASE_URL set.
"""

import datetime as dt
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from taggit.models import Tag, TaggedItem

from catalog.models import CatalogState, Paper, Resource, Section, Venue, VenueKind

pytestmark = pytest.mark.django_db(transaction=True)


def change_what_the_readme_cannot_hold():
    """Tags, a venue kind, a pinned position: kept by the database and the fixture only."""
    paper = Paper.objects.filter(venue__isnull=False).order_by("pk").first()
    paper.tags.add("backup-restore")
    paper.position_pinned = True
    paper.save()
    Resource.objects.order_by("pk").first().tags.add("backup-restore")
    Venue.objects.filter(pk=paper.venue_id).update(kind=VenueKind.WORKSHOP)


def beyond_the_readme():
    """What the README does not show, row by row."""
    return {
        "papers": list(Paper.objects.order_by("pk").values_list("pk", "position", "position_pinned", "render_hints")),
        "paper tags": sorted(Paper.objects.values_list("pk", "tags__slug")),
        "resource tags": sorted(Resource.objects.values_list("pk", "tags__slug")),
        "resources": list(Resource.objects.order_by("pk").values_list("pk", "position", "render_hints")),
        # Sections are keyed by slug in the fixture: loaddata may give them other ids.
        "sections": list(Section.objects.order_by("slug").values_list("slug", "position", "render_hints")),
        "venue kinds": sorted(Venue.objects.values_list("name", "kind")),
    }


def export_fixtures(path):
    call_command("export_fixtures", "-o", str(path), stdout=StringIO())
    return path.read_bytes()


def catalog_rows():
    content = [
        model
        for model in apps.get_app_config("catalog").get_models()
        if model._meta.managed and model is not CatalogState
    ]
    models = [*content, Tag, TaggedItem]
    return {model.__name__: model.objects.count() for model in models}


def test_export_fixtures_then_loaddata_into_an_empty_database_restores_it_byte_for_byte(seeded, export, tmp_path):
    change_what_the_readme_cannot_hold()
    before, readme = beyond_the_readme(), export()
    assert any(hints for *_, hints in before["papers"]) and any(hints for *_, hints in before["resources"])
    assert ("backup-restore" in {slug for _, slug in before["paper tags"]}) and before["resource tags"]
    backup = export_fixtures(tmp_path / "backup.json")

    call_command("flush", interactive=False, verbosity=0)
    assert set(catalog_rows().values()) == {0}
    call_command("loaddata", str(tmp_path / "backup.json"), verbosity=0)

    assert export_fixtures(tmp_path / "restored.json") == backup
    assert beyond_the_readme() == before
    assert export() == readme


def test_a_restored_catalog_takes_new_entries(seeded, tmp_path):
    export_fixtures(tmp_path / "backup.json")
    call_command("flush", interactive=False, verbosity=0)
    call_command("loaddata", str(tmp_path / "backup.json"), verbosity=0)
    highest = Paper.objects.order_by("-pk").values_list("pk", flat=True).first()
    paper = Paper.objects.create(
        title="Added after the restore",
        url="https://example.org/after-restore",
        date=dt.date(2025, 1, 1),
        section=Paper.objects.get(pk=highest).section,
    )
    paper.tags.add("after-restore")
    assert paper.pk > highest


def test_a_time_within_the_first_millisecond_of_a_second_restores_to_the_same_bytes(seeded, tmp_path):
    moment = dt.datetime(2026, 1, 1, 12, 0, 1, 500, tzinfo=dt.UTC)
    Paper.objects.filter(pk=Paper.objects.order_by("pk").first().pk).update(updated_at=moment)
    backup = export_fixtures(tmp_path / "backup.json")
    assert '"updated_at": "2026-01-01T12:00:01Z"' in backup.decode()
    call_command("flush", interactive=False, verbosity=0)
    call_command("loaddata", str(tmp_path / "backup.json"), verbosity=0)
    assert export_fixtures(tmp_path / "restored.json") == backup
