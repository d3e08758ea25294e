"""Every change in the admin history keeps the old and new value of each field, shown on the History page."""

from io import StringIO

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command

from catalog.models import Author, Paper, Venue
from history.models import FieldChange
from tests.admin_support import make_user, paper_form_data
from tests.fake_sources import ABSTRACT
from tests.test_refresh_papers import SAE_AUTHORS, papers, refresh, sources  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

SEED_URL = "https://arxiv.org/pdf/2403.00745"


@pytest.fixture
def maintainer(client):
    client.force_login(make_user("maintainer", superuser=True))
    return client


def changes(obj):
    entries = LogEntry.objects.filter(object_id=str(obj.pk), content_type__model=obj._meta.model_name)
    return [(c.field, c.old, c.new) for c in FieldChange.objects.filter(entry__in=entries).order_by("id")]


def test_an_admin_save_keeps_each_fields_old_and_new_value_and_shows_them(seeded, maintainer):
    paper = Paper.objects.select_related("venue").get(url=SEED_URL)
    old_date, old_venue = paper.date.isoformat(), paper.venue.name
    icml = Venue.objects.create(name="ICML 2099")
    data = paper_form_data(paper, date="2024-03-31", venue=icml.pk)
    assert maintainer.post(f"/admin/catalog/paper/{paper.pk}/change/", data).status_code == 302
    assert changes(paper) == [("Venue", old_venue, "ICML 2099"), ("Date", old_date, "2024-03-31")]
    page = maintainer.get(f"/admin/catalog/paper/{paper.pk}/history/").content.decode()
    assert '<th scope="col">Before</th>' in page
    assert f'<tr><th scope="row">Date</th><td>{old_date}</td><td>2024-03-31</td></tr>' in page


def test_a_link_edited_in_the_inline_form_keeps_its_old_address(seeded, maintainer):
    paper = Paper.objects.filter(links__kind="code").first()
    link = paper.links.order_by("kind", "position", "id").first()
    data = paper_form_data(paper)
    index = list(paper.links.order_by("kind", "position", "id")).index(link)
    data[f"links-{index}-url"] = "https://example.org/moved-code"
    assert maintainer.post(f"/admin/catalog/paper/{paper.pk}/change/", data).status_code == 302
    ((field, old, new),) = changes(paper)
    assert field.startswith("paper link “") and field.endswith("”: Url")
    assert (old, new) == (link.url, "https://example.org/moved-code")


def test_a_bulk_action_keeps_the_old_and_new_value(seeded, maintainer):
    paper = Paper.objects.select_related("venue").get(url=SEED_URL)
    icml = Venue.objects.create(name="ICML 2099")
    data = {"action": "set_venue", "venue": icml.pk, "_selected_action": [paper.pk], "index": 0}
    assert maintainer.post("/admin/catalog/paper/", data).status_code == 302
    assert changes(paper) == [("venue", paper.venue.name, "ICML 2099")]


def test_a_readme_sync_keeps_the_old_and_new_value(seeded, seed_text, tmp_path):
    paper = Paper.objects.get(url=SEED_URL)
    old = paper.date.isoformat()
    line = next(line for line in seed_text.split("\n") if SEED_URL in line)
    edited = seed_text.replace(line, line.replace(f"| {old} |", "| 2020-01-01 |"))
    path = tmp_path / "README.md"
    path.write_text(edited, encoding="utf-8")
    call_command("import_readme", str(path), "--sync", stdout=StringIO(), stderr=StringIO())
    assert ("date", old, "2020-01-01") in changes(paper)


def test_a_metadata_refresh_keeps_the_old_and_new_values_it_fills_but_not_the_citation_counts(sources, papers, client):  # noqa: F811
    refresh("--skip-github")

    sae = papers["sae"]
    entry = LogEntry.objects.get(object_id=str(sae.pk), content_type__model="paper")
    assert entry.change_message == "Filled from arXiv by the metadata refresh."
    assert (entry.user.username, entry.user.is_active, entry.user.has_usable_password()) == (
        "metadata-refresh",
        False,
        False,
    ), "an account that names the work and can never sign in"
    assert changes(sae) == [
        ("Authors", "", ", ".join(SAE_AUTHORS)),
        ("Abstract", "", ABSTRACT),
        ("DOI", "", "10.48550/arXiv.2403.00745"),
        ("ArXiv primary category", "", "cs.LG"),
    ], "the authors in their order; neither the citation count nor the arXiv id derived from the URL"
    assert ("OpenReview id", "", "Abc123XyZ") in changes(papers["openreview"]), "set from its URL"
    assert changes(papers["blog"]) == [], "nothing changed, nothing logged"

    Paper.objects.filter(pk=sae.pk).update(citation_count=1)
    logged = LogEntry.objects.count()
    refresh("--skip-github", "--all")
    assert Paper.objects.get(pk=sae.pk).citation_count == 412 and LogEntry.objects.count() == logged

    client.force_login(make_user("maintainer", superuser=True))
    page = client.get(f"/admin/catalog/paper/{sae.pk}/history/").content.decode()
    assert "metadata-refresh" in page and '<tr><th scope="row">ArXiv primary category</th><td>(empty)</td>' in page


def test_an_author_renamed_in_the_admin_keeps_the_old_and_new_name(db, maintainer):
    author = Author.objects.create(name="Hoagy Cuningham", slug="hoagy-cuningham")
    data = {"name": "Hoagy Cunningham", "slug": "hoagy-cunningham"}
    assert maintainer.post(f"/admin/catalog/author/{author.pk}/change/", data).status_code == 302
    assert changes(author) == [
        ("Name", "Hoagy Cuningham", "Hoagy Cunningham"),
        ("Slug", "hoagy-cuningham", "hoagy-cunningham"),
    ]
