"""Authors and abstracts in the database and the fixture, never in the README."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from catalog.models import Author, Paper, PaperAuthor
from catalog.services.authors import authors_named, set_authors

pytestmark = pytest.mark.django_db


def credit(paper, names, abstract="An abstract.\n\nTwo paragraphs."):
    set_authors({paper: names})
    Paper.objects.filter(pk=paper.pk).update(abstract=abstract, doi="10.1000/xyz", citation_count=12)


def export_fixture(path: Path) -> str:
    call_command("export_fixtures", "-o", str(path), stdout=StringIO(), stderr=StringIO())
    return path.read_text(encoding="utf-8")


def test_authors_get_unique_slugs_from_their_names():
    made = authors_named(["Chris Olah", "Chris  Olah", "Chris-Olah", "李雷", "Łukasz Kaiser"])

    assert list(made) == ["Chris Olah", "Chris-Olah", "李雷", "Łukasz Kaiser"]
    assert [author.slug for author in made.values()] == ["chris-olah", "chris-olah-2", "author", "ukasz-kaiser"]
    assert authors_named(["Chris Olah"])["Chris Olah"].pk == made["Chris Olah"].pk


def test_authors_and_abstracts_never_reach_the_readme(seeded, export, seed_text):
    for paper in Paper.objects.all()[:20]:
        credit(paper, ["Ann Author", "Ben Author"], abstract="| not | a | row |\n\n[**link**](https://x.org)")

    assert export() == seed_text


def test_the_fixture_carries_authors_in_order_by_natural_key_and_loads_back(seeded, tmp_path, export, seed_text):
    papers = list(Paper.objects.order_by("pk")[:3])
    credit(papers[0], ["Zoe Last", "Adam First"])
    credit(papers[1], ["Adam First"])
    text = export_fixture(tmp_path / "catalog.json")
    assert export_fixture(tmp_path / "again.json") == text, "deterministic"
    objects = json.loads(text)
    authors = [obj for obj in objects if obj["model"] == "catalog.author"]
    credits = [obj for obj in objects if obj["model"] == "catalog.paperauthor"]
    assert authors == [
        {"model": "catalog.author", "fields": {"name": "Adam First", "slug": "adam-first"}},
        {"model": "catalog.author", "fields": {"name": "Zoe Last", "slug": "zoe-last"}},
    ]
    assert [credit["fields"]["author"] for credit in credits] == [["zoe-last"], ["adam-first"], ["adam-first"]]
    first = next(obj for obj in objects if obj["model"] == "catalog.paper" and obj["pk"] == papers[0].pk)
    assert first["fields"]["abstract"] == "An abstract.\n\nTwo paragraphs." and first["fields"]["doi"] == "10.1000/xyz"
    assert "citation_count" not in first["fields"] and "arxiv_answered_at" not in first["fields"]

    PaperAuthor.objects.all().delete()
    Author.objects.all().delete()
    Paper.objects.filter(pk__in=[paper.pk for paper in papers]).update(abstract="")
    call_command("loaddata", str(tmp_path / "catalog.json"), stdout=StringIO())

    assert [author.name for author in Paper.objects.get(pk=papers[0].pk).author_list] == ["Zoe Last", "Adam First"]
    assert Paper.objects.get(pk=papers[0].pk).abstract == "An abstract.\n\nTwo paragraphs."
    assert export() == seed_text


def test_replacing_the_catalog_leaves_no_author_without_papers(seeded, seed_text, tmp_path):
    credit(Paper.objects.first(), ["Ann Author"])
    readme = tmp_path / "README.md"
    readme.write_text(seed_text, encoding="utf-8")

    call_command("import_readme", str(readme), "--replace", stdout=StringIO(), stderr=StringIO())

    assert not Author.objects.exists()
