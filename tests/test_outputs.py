"""The papers as JSON, CSV and BibTeX, the sitemap, robots.txt and the health check."""

import csv
import datetime as dt
import io
import json
from unittest import mock
from xml.etree import ElementTree

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q
from django.urls import reverse

from catalog import sitemaps
from catalog.models import Paper, PaperLink, Resource, Section, Venue, VenueKind
from catalog.page_cache import HIT, STATUS_HEADER
from catalog.paper_records import EXPORT_CHUNK_SIZE
from catalog.services.authors import set_authors
from catalog.views.outputs import CSV_HEADER, JSON_MAX_PAGE_SIZE, JSON_PAGE_SIZE, JSON_VERSION
from tests.pages import PUBLIC_PAGES
from tests.test_bibtex import parse_bibtex
from tests.topics import having_topic

pytestmark = pytest.mark.django_db


def words_anywhere(word):
    in_title_venue_or_url = Q(title__icontains=word) | Q(venue__name__icontains=word) | Q(url__icontains=word)
    return in_title_venue_or_url | Q(links__url__icontains=word) | Q(links__label__icontains=word)


SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
FILTERED_QUERIES = [
    ("venue=ICLR", lambda papers: papers.filter(venue__name="ICLR")),
    ("venue=ICLR&venue=NeurIPS", lambda papers: papers.filter(venue__name__in=["ICLR", "NeurIPS"])),
    ("venue_kind=workshop", lambda papers: papers.filter(venue__kind=VenueKind.WORKSHOP)),
    ("tag=sae", lambda papers: having_topic(papers, "sae")),
    ("tag=sae&tag=steering", lambda papers: having_topic(having_topic(papers, "sae"), "steering")),
    ("year=2023", lambda papers: papers.filter(date__year=2023)),
    ("date_after=2024-06-01", lambda papers: papers.filter(date__gte=dt.date(2024, 6, 1))),
    ("date_before=2022-12-31", lambda papers: papers.filter(date__lte=dt.date(2022, 12, 31))),
    ("has_code=true", lambda papers: papers.filter(links__kind=PaperLink.Kind.CODE).distinct()),
    ("has_code=false", lambda papers: papers.exclude(links__kind=PaperLink.Kind.CODE)),
    ("q=superposition", lambda papers: papers.filter(words_anywhere("superposition")).distinct()),
    (
        "venue=arXiv&year=2024&tag=sae",
        lambda papers: having_topic(papers.filter(venue__name="arXiv", date__year=2024), "sae"),
    ),
]
BAD_QUERIES = [
    "year=abc",
    "venue=%27%3B--",
    "venue=NoSuchVenue",
    "tag=nope",
    "tag=%00",
    "section=no-such-section",
    "date_after=2024-13-45",
    "has_code=maybe",
    "sort=password",
    "venue_kind=magazine",
    "q=" + "x" * 10000,
    "date_after=2024-06-01&date_before=2024-01-01",
]


def get_json(client, query=""):
    response = client.get(f"/papers.json?{query}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def all_json_papers(client, query=""):
    papers, url = [], f"/papers.json?{query}&page_size={JSON_MAX_PAGE_SIZE}"
    while url:
        data = client.get(url).json()
        papers += data["papers"]
        url = data["next"]
    return papers


def content(response) -> bytes:
    """The body of an answer, streamed (a full-catalog download, from its file) or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def get_csv_rows(client, query=""):
    response = client.get(f"/papers.csv?{query}")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(content(response).decode("utf-8"))))


def get_bibtex_text(client, query=""):
    response = client.get(f"/papers.bib?{query}")
    assert response.status_code == 200
    return content(response).decode("utf-8")


def get_bibtex(client, query=""):
    return parse_bibtex(get_bibtex_text(client, query))


def test_every_output_answers(seeded, client):
    # /healthz asks on a connection of its own, which cannot read the schema this test's open transaction holds
    # (SQLite's shared in-memory test database): its own tests below run without a transaction of writes.
    for name in ["papers-json", "papers-all-json", "papers-csv", "papers-bib", "paper-feed", "sitemap", "robots"]:
        assert client.get(reverse(f"catalog:{name}")).status_code == 200, name


def test_json_has_a_versioned_paginated_shape(seeded, client):
    data = get_json(client)
    assert data.keys() == {"version", "count", "page", "pages", "page_size", "next", "previous", "papers"}
    assert (data["version"], data["page"], data["page_size"]) == (1, 1, JSON_PAGE_SIZE)
    assert data["count"] == Paper.objects.count()
    assert data["pages"] == -(-data["count"] // JSON_PAGE_SIZE)
    assert len(data["papers"]) == JSON_PAGE_SIZE
    assert data["previous"] is None
    assert data["next"] == "http://testserver/papers.json?page=2"


@pytest.mark.parametrize("query", ["", "tag=sae&sort=title", "q=zebra"])
def test_the_whole_json_has_every_paper_as_the_pages_have_them(seeded, client, query):
    Paper.objects.filter(pk=Paper.objects.first().pk).update(title="Zebra <b>circuits</b> & more")
    response = client.get(f"/papers-all.json?{query}")
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="papers-all.json"'
    text = content(response).decode()
    assert "<b>" not in text, "markup is escaped as in the pages"
    papers = all_json_papers(client, query)
    assert json.loads(text) == {"version": JSON_VERSION, "papers": papers, "count": len(papers)}


def test_json_describes_each_paper(seeded, client):
    paper = Paper.objects.get(title__startswith="Interpretability in the Wild")
    paper.tags.set(["circuits", "patching"])
    set_authors({paper: ["Kevin Wang", "Alexandre Variengien"]})
    Paper.objects.filter(pk=paper.pk).update(
        abstract="How GPT-2 small identifies indirect objects.",
        arxiv_id="2211.00593",
        openreview_id="NpsVSN6o4ul",
        citation_count=512,
    )
    (entry,) = get_json(client, "q=Interpretability+in+the+Wild")["papers"]
    assert entry == {
        "id": paper.pk,
        "title": paper.title,
        "url": paper.url,
        "venue": {"name": paper.venue.name, "kind": paper.venue.kind},
        "date": paper.date.isoformat(),
        "section": {"slug": paper.section.slug, "title": paper.section.title},
        "star_repo": paper.star_repo or None,
        "code": [{"label": link.label, "url": link.url} for link in paper.code_links],
        "blog": [{"label": link.label, "url": link.url} for link in paper.blog_links],
        "tags": ["circuits", "patching"],
        "authors": ["Kevin Wang", "Alexandre Variengien"],
        "abstract": "How GPT-2 small identifies indirect objects.",
        "arxiv_id": "2211.00593",
        "doi": None,
        "openreview_id": "NpsVSN6o4ul",
        "citation_count": 512,
        "detail_url": f"http://testserver{paper.get_absolute_url()}",
    }


def test_outputs_give_a_papers_own_tags_and_those_its_section_implies(seeded, client):
    """ "Softmax Linear Units" has no tag of its own; the SAE section it is listed in implies `sae`."""
    paper = Paper.objects.get(title="Softmax Linear Units")
    paper.tags.set(["neurons"])
    query = f"id={paper.pk}"

    (entry,) = get_json(client, query)["papers"]
    (row,) = get_csv_rows(client, query)
    (bibtex,) = get_bibtex(client, query)
    assert (entry["tags"], row["tags"], bibtex["keywords"]) == (["neurons", "sae"], "neurons, sae", "neurons, sae")

    paper.section = Section.objects.get(slug="others")
    paper.save()
    (entry,) = get_json(client, query)["papers"]
    (row,) = get_csv_rows(client, query)
    (bibtex,) = get_bibtex(client, query)
    assert (entry["tags"], row["tags"], bibtex["keywords"]) == (["neurons"], "neurons", "neurons")


def test_json_papers_without_venue_repo_or_links_have_null_and_empty_values(seeded, client):
    paper = Paper.objects.create(
        title="Zzz lonely paper", url="https://example.org/z", date=dt.date(2030, 1, 1), section=Section.objects.first()
    )
    entry = get_json(client)["papers"][0]
    assert entry["id"] == paper.pk
    assert (entry["venue"], entry["star_repo"], entry["code"], entry["blog"], entry["tags"]) == (None, None, [], [], [])
    assert (entry["authors"], entry["abstract"], entry["doi"], entry["citation_count"]) == ([], "", None, None)


def test_json_pages_walk_every_paper_once_in_order(seeded, client):
    papers = all_json_papers(client)
    assert [paper["id"] for paper in papers] == list(
        Paper.objects.order_by("-date", "position", "id").values_list("id", flat=True)
    )


def test_json_next_and_previous_keep_the_filters_in_their_canonical_order(seeded, client):
    data = get_json(client, "year=2024&page_size=10&page=2&utm_source=x")
    assert data["next"] == "http://testserver/papers.json?page=3&page_size=10&year=2024"
    assert data["previous"] == "http://testserver/papers.json?page=1&page_size=10&year=2024"
    assert len(data["papers"]) == 10


def test_json_honours_sort(seeded, client):
    titles = [paper["title"] for paper in all_json_papers(client, "sort=title")]
    assert titles == sorted(titles, key=str.lower)


@pytest.mark.parametrize("query, expected", FILTERED_QUERIES)
def test_json_honours_each_filter(seeded, client, query, expected):
    want = set(expected(Paper.objects.all()).values_list("id", flat=True))
    assert want, "the seed catalog has papers for this filter"
    assert want != set(Paper.objects.values_list("id", flat=True))
    assert get_json(client, query)["count"] == len(want)
    assert {paper["id"] for paper in all_json_papers(client, query)} == want


@pytest.mark.parametrize("query", BAD_QUERIES)
@pytest.mark.parametrize("url", ["/papers.json", "/papers-all.json", "/papers.csv", "/papers.bib"])
def test_bad_filter_values_are_400_with_a_message(seeded, client, url, query):
    response = client.get(f"{url}?{query}")
    assert response.status_code == 400
    field = query.split("&")[-1].split("=")[0]
    if url.endswith(".json"):
        assert field in response.json()["errors"]
    else:
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response.content.decode().startswith(f"{field}: ")


@pytest.mark.parametrize(
    "query, field",
    [("page=abc", "page"), ("page=0", "page"), ("page_size=0", "page_size"), ("page_size=100000", "page_size")],
)
def test_json_bad_page_values_are_400(seeded, client, query, field):
    response = client.get(f"/papers.json?{query}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_json_page_past_the_end_is_404_with_a_message(seeded, client):
    response = client.get("/papers.json?page=999999")
    assert response.status_code == 404
    assert "no page 999999" in response.json()["errors"]["page"][0]


def test_json_an_empty_result_is_one_empty_page(seeded, client):
    data = get_json(client, "year=1999")
    assert (data["count"], data["pages"], data["papers"], data["next"]) == (0, 1, [], None)


@pytest.mark.parametrize("query", ["", "page_size=10", f"page_size={JSON_MAX_PAGE_SIZE}"])
def test_json_runs_a_fixed_number_of_queries(seeded, client, django_assert_num_queries, query):
    # the catalog's version, count, the page with venue and section, its links, its tags, its authors
    with django_assert_num_queries(6):
        client.get(f"/papers.json?{query}")
    with django_assert_num_queries(1):
        assert client.get(f"/papers.json?{query}")[STATUS_HEADER] == HIT


def test_json_filtered_by_venue_and_tag_still_runs_a_fixed_number_of_queries(seeded, client, django_assert_num_queries):
    # the catalog's version, and the venue and tag values are checked against the database first
    with django_assert_num_queries(8):
        client.get(f"/papers.json?venue=arXiv&tag=sae&page_size={JSON_MAX_PAGE_SIZE}")


def test_csv_has_a_header_and_one_row_per_paper(seeded, client):
    response = client.get("/papers.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="papers.csv"'
    rows = get_csv_rows(client)
    assert list(rows[0]) == CSV_HEADER
    assert [int(row["id"]) for row in rows] == list(Paper.objects.values_list("id", flat=True))


def test_csv_row_holds_the_paper_with_its_links_in_one_cell(seeded, client):
    paper = Paper.objects.filter(links__kind=PaperLink.Kind.CODE).filter(links__kind=PaperLink.Kind.BLOG).first()
    paper.tags.set(["sae", "circuits"])
    set_authors({paper: ["Ann Author", "Ben Author"]})
    Paper.objects.filter(pk=paper.pk).update(abstract="Line one.\n\nLine two.", doi="10.1000/xyz", citation_count=3)
    paper.refresh_from_db()
    row = next(row for row in get_csv_rows(client) if row["id"] == str(paper.pk))
    assert row == {
        "id": str(paper.pk),
        "title": paper.title,
        "url": paper.url,
        "venue": paper.venue.name if paper.venue else "",
        "venue_kind": paper.venue.kind if paper.venue else "",
        "date": paper.date.isoformat(),
        "section": paper.section.title,
        "star_repo": paper.star_repo,
        "code": "; ".join(f"{link.label}: {link.url}" for link in paper.code_links),
        "blog": "; ".join(f"{link.label}: {link.url}" for link in paper.blog_links),
        "tags": "circuits, sae",
        "authors": "Ann Author; Ben Author",
        "abstract": "Line one.\n\nLine two.",
        "arxiv_id": paper.arxiv_id,
        "doi": "10.1000/xyz",
        "openreview_id": "",
        "citation_count": "3",
    }


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_cannot_start_a_spreadsheet_formula(seeded, client, start):
    paper = Paper.objects.exclude(links__kind=PaperLink.Kind.CODE).first()
    Paper.objects.filter(pk=paper.pk).update(title=f'{start}HYPERLINK("https://evil.example")')
    PaperLink.objects.create(paper=paper, kind=PaperLink.Kind.CODE, label=f"{start}cmd", url="https://example.org/c")
    row = next(row for row in get_csv_rows(client) if row["id"] == str(paper.pk))
    assert row["title"] == f'\'{start}HYPERLINK("https://evil.example")'
    assert row["code"].startswith(f"'{start}cmd: ")


@pytest.mark.parametrize("query, expected", FILTERED_QUERIES)
def test_csv_and_bibtex_honour_the_filters(seeded, client, query, expected):
    want = set(expected(Paper.objects.all()).values_list("id", flat=True))
    assert {int(row["id"]) for row in get_csv_rows(client, query)} == want
    entries = get_bibtex(client, query)
    assert len(entries) == len(want)
    assert {entry["url"] for entry in entries} == set(Paper.objects.filter(pk__in=want).values_list("url", flat=True))


def test_exports_of_a_few_papers_run_a_fixed_number_of_queries(seeded, client, django_assert_num_queries):
    # the catalog's version, the venue value, then one chunk of papers, for the CSV with its links, tags and
    # authors; BibTeX reads the papers' authors and topics and the catalog's keys (the version, then every paper's
    # first author and title, once per version)
    for url, queries in [("/papers.csv?venue=arXiv", 6), ("/papers.bib?venue=arXiv", 7)]:
        with django_assert_num_queries(queries):
            rendered = client.get(url).content
        with django_assert_num_queries(1):
            response = client.get(url)
        assert (response[STATUS_HEADER], response.content) == (HIT, rendered)


@pytest.mark.parametrize("url", ["/papers.csv", "/papers-all.json"])
def test_exports_load_many_papers_chunk_by_chunk(seeded, client, django_assert_num_queries, url):
    section = Section.objects.filter(papers__isnull=False).first()
    synthetic = [
        Paper(
            title=f"Synthetic {number}",
            url=f"https://example.org/{number}",
            date=dt.date(2020, 1, 1),
            section=section,
            position=10_000 + number,
        )
        for number in range(2 * EXPORT_CHUNK_SIZE + 1)
    ]
    Paper.objects.bulk_create(synthetic)
    total = Paper.objects.count()
    chunks = -(-total // EXPORT_CHUNK_SIZE)
    # the catalog's version, one query read in chunks, and each chunk's links, tags and authors
    with django_assert_num_queries(2 + 3 * chunks):
        text = content(client.get(url)).decode()
    papers = json.loads(text)["papers"] if url.endswith(".json") else list(csv.DictReader(io.StringIO(text)))
    assert len(papers) == total and chunks == 3


def test_bibtex_has_one_entry_per_paper_with_unique_keys(seeded, client):
    response = client.get("/papers.bib")
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="papers.bib"'
    entries = get_bibtex(client)
    assert len(entries) == Paper.objects.count()
    assert len({entry["key"] for entry in entries}) == len(entries)
    assert all(entry["title"] and entry["year"] and entry["url"] for entry in entries)


def test_bibtex_keys_stay_the_same_under_any_filter(seeded, client):
    everything = {entry["key"]: entry for entry in get_bibtex(client)}
    filtered = get_bibtex(client, "tag=sae")
    assert filtered and all(everything[entry["key"]] == entry for entry in filtered)
    monosemanticity = Paper.objects.get(title__startswith="Towards Monosemanticity")
    transcoders = Paper.objects.get(title="Transcoders Find Interpretable LLM Feature Circuits")
    keys = {entry["key"] for entry in filtered}
    assert {"anon2023monosemanticity", "anon2024transcoders"} <= keys
    set_authors({monosemanticity: ["Trenton Bricken", "Adly Templeton"], transcoders: ["Jacob Dunefsky"]})
    keys = {entry["key"] for entry in get_bibtex(client, "tag=sae")}
    assert {"bricken2023monosemanticity", "dunefsky2024transcoders"} <= keys


def test_bibtex_export_writes_each_paper_as_a_complete_entry(seeded, client):
    monosemanticity = Paper.objects.get(title__startswith="Towards Monosemanticity")
    set_authors({monosemanticity: ["Trenton Bricken", "Adly Templeton", "Chris Olah"]})
    Paper.objects.filter(pk=monosemanticity.pk).update(doi="10.1000/mono_semantic")
    text = get_bibtex_text(client, "tag=sae")
    assert (
        "@misc{bricken2023monosemanticity,\n"
        "  author = {Bricken, Trenton and Templeton, Adly and Olah, Chris},\n"
        "  title = {{Towards Monosemanticity: Decomposing Language Models With Dictionary Learning}},\n"
        "  howpublished = {Anthropic},\n"
        "  year = {2023},\n"
        "  month = oct,\n"
        "  doi = {10.1000/mono\\_semantic},\n"
        "  url = {https://transformer-circuits.pub/2023/monosemantic-features/index.html},\n"
        "  keywords = {sae, superposition},\n"
        "}\n"
    ) in text
    assert (
        "@misc{anon2024transcoders,\n"
        "  title = {{Transcoders Find Interpretable LLM Feature Circuits}},\n"
        "  year = {2024},\n"
        "  month = jun,\n"
        "  eprint = {2406.11944},\n"
        "  archivePrefix = {arXiv},\n"
        "  url = {https://arxiv.org/pdf/2406.11944},\n"
        "  keywords = {circuits, sae},\n"
        "}\n"
    ) in text


def test_bibtex_arxiv_papers_are_misc_with_eprint(seeded, client):
    arxiv_papers = get_bibtex(client, "venue=arXiv")
    assert len(arxiv_papers) == Paper.objects.filter(venue__name="arXiv").count()
    on_arxiv = [entry for entry in arxiv_papers if "arxiv.org" in entry["url"]]
    assert on_arxiv
    assert all(entry["type"] == "misc" and entry["archivePrefix"] == "arXiv" and entry["eprint"] for entry in on_arxiv)


def test_exports_of_an_empty_result(seeded, client):
    assert get_csv_rows(client, "year=1999") == []
    assert get_bibtex(client, "year=1999") == []


def test_robots_allows_all_but_the_admin_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines and "Allow: /" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def sitemap_urls(client):
    """The <url> elements of every sitemap the index lists."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    urls = []
    for location in ElementTree.fromstring(index.content).findall("sm:sitemap/sm:loc", SITEMAP_NS):
        response = client.get(location.text.removeprefix("http://testserver"))
        assert response.status_code == 200, location.text
        urls += ElementTree.fromstring(response.content).findall("sm:url", SITEMAP_NS)
    return urls


def test_sitemap_lists_the_pages_every_paper_resource_and_section(seeded, client):
    locations = [url.find("sm:loc", SITEMAP_NS).text for url in sitemap_urls(client)]
    assert len(locations) == len(set(locations))
    expected = PUBLIC_PAGES + [entry.get_absolute_url() for entry in [*Paper.objects.all(), *Resource.objects.all()]]
    expected += [section.get_absolute_url() for section in Section.objects.all()]
    assert sorted(locations) == sorted(f"http://testserver{path}" for path in expected)


def test_a_large_catalog_is_listed_in_sitemap_pages(seeded, client, monkeypatch):
    monkeypatch.setattr(sitemaps.PaperSitemap, "limit", 50)
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    pages = [element.text for element in index.findall("sm:sitemap/sm:loc", SITEMAP_NS) if "papers" in element.text]
    assert len(pages) == -(-Paper.objects.count() // 50) > 1
    assert pages[1] == "http://testserver/sitemap-papers.xml?p=2"
    locations = {url.find("sm:loc", SITEMAP_NS).text for url in sitemap_urls(client)}
    assert {f"http://testserver{paper.get_absolute_url()}" for paper in Paper.objects.all()} <= locations


def test_sitemap_entries_carry_their_last_change(seeded, client):
    paper = Paper.objects.first()
    url = next(
        url for url in sitemap_urls(client) if url.find("sm:loc", SITEMAP_NS).text.endswith(paper.get_absolute_url())
    )
    assert url.find("sm:lastmod", SITEMAP_NS).text == paper.updated_at.date().isoformat()


def test_healthz_is_ok_with_the_database_and_never_cached(client):
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok")
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_database_fails(client):
    with mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert "no-cache" in response["Cache-Control"]


def test_outputs_refuse_other_methods(client):
    assert client.post("/papers.json").status_code == 405
    assert client.post("/healthz").status_code == 405


def test_an_unused_venue_still_filters_to_nothing(seeded, client):
    Venue.objects.create(name="Empty Venue", kind=VenueKind.JOURNAL)
    assert get_json(client, "venue=Empty+Venue")["count"] == 0
