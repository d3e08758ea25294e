"""A hostile title, description, venue or tag name is shown as text everywhere, never run as markup."""

import datetime
import json

import pytest
from taggit.models import Tag

from catalog.models import Paper, PaperLink, Resource, Section, Venue, VenueKind
from tests.admin_support import make_user
from tests.test_bibtex import parse_bibtex

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
MARKERS = ["<script>alert(", "<img src=x onerror"]


@pytest.fixture
def hostile(seeded):
    section = Section.objects.filter(kind="papers").first()
    venue = Venue.objects.create(name="Venue " + PAYLOAD, kind=VenueKind.CONFERENCE)
    paper = Paper.objects.create(
        section=section,
        title="Paper " + PAYLOAD,
        url="https://example.org/evil",
        venue=venue,
        date=datetime.date(2030, 1, 1),
    )
    PaperLink.objects.create(paper=paper, kind="code", label="Code " + PAYLOAD, url="https://example.org/code")
    tag = Tag.objects.create(name="Tag " + PAYLOAD, slug="evil-tag")
    paper.tags.add(tag)
    resource = Resource.objects.create(
        section=Section.objects.filter(kind="resources").first(),
        name="Tool " + PAYLOAD,
        url="https://example.org/tool",
        description="Does " + PAYLOAD,
    )
    resource.tags.add(tag)
    return paper, resource


def assert_escaped(response, url):
    assert response.status_code == 200, url
    body = response.content.decode()
    assert not [marker for marker in MARKERS if marker in body], url
    return body


def test_public_pages_show_hostile_values_as_text(hostile, client):
    paper, resource = hostile
    urls = [
        "/",
        "/papers/",
        "/papers/?q=Paper",
        "/papers/?tag=evil-tag",
        paper.get_absolute_url(),
        resource.get_absolute_url(),
        "/resources/",
        "/venues/",
        "/tags/",
        paper.section.get_absolute_url(),
    ]
    for url in urls:
        body = assert_escaped(client.get(url), url)
        assert "&lt;script&gt;alert(" in body, url


def test_admin_pages_show_hostile_values_as_text(hostile, client):
    paper, resource = hostile
    client.force_login(make_user("admin", superuser=True))
    tag = Tag.objects.get(slug="evil-tag")
    urls = [
        "/admin/catalog/paper/",
        "/admin/catalog/paper/?q=Paper",
        f"/admin/catalog/paper/{paper.pk}/change/",
        f"/admin/catalog/paper/{paper.pk}/history/",
        "/admin/catalog/resource/",
        f"/admin/catalog/resource/{resource.pk}/change/",
        "/admin/catalog/venue/",
        f"/admin/catalog/venue/{paper.venue_id}/change/",
        "/admin/taggit/tag/",
        f"/admin/taggit/tag/{tag.pk}/change/",
        f"/admin/catalog/paper/{paper.pk}/delete/",
        "/admin/readme/",
    ]
    for url in urls:
        assert_escaped(client.get(url), url)


def test_the_feed_json_and_bibtex_hold_hostile_values_as_data(hostile, client):
    paper, _ = hostile
    feed = assert_escaped(client.get("/papers/feed/?tag=evil-tag"), "feed")
    assert "Paper &lt;script&gt;alert(" in feed

    response = client.get("/papers.json?tag=evil-tag")
    body = assert_escaped(response, "json")
    assert "<" not in body and ">" not in body and "&" not in body
    data = json.loads(body)["papers"][0]
    assert data["title"] == paper.title and data["venue"]["name"] == paper.venue.name
    assert data["code"][0]["label"] == "Code " + PAYLOAD

    bibtex = assert_escaped(client.get("/papers.bib?tag=evil-tag"), "bibtex")
    entry = parse_bibtex(bibtex)[0]
    assert entry["title"].startswith(r"{Paper \textless{}script\textgreater{}alert(")
    assert bibtex.count("@") == 1


def test_the_csv_keeps_hostile_values_exact(hostile, client):
    """A CSV is data, not a page: the values stay exact (a spreadsheet shows them as text)."""
    response = client.get("/papers.csv?tag=evil-tag")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Paper " + PAYLOAD.replace('"', '""') in response.content.decode()
