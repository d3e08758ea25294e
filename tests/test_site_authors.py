"""Authors, abstracts, identifiers and citations on the public pages and outputs."""

import csv
import datetime as dt
import io
import json

import pytest

from catalog.models import Author, Paper, Section, SectionKind, Venue
from catalog.page_cache import HIT, STATUS_HEADER
from catalog.services.authors import set_authors
from tests.test_bibtex import parse_bibtex
from tests.test_site_pages import parsed

pytestmark = pytest.mark.django_db

SAE_AUTHORS = ["Hoagy Cunningham", "Aidan Ewart", "Logan Riggs", "Robert Huben", "Lee Sharkey"]


@pytest.fixture
def catalog(db):
    section = Section.objects.create(title="SAE papers", level=2, kind=SectionKind.PAPERS)
    iclr = Venue.objects.create(name="ICLR", kind="conference")

    def paper(title, day, *, authors=(), citations=None, **fields):
        fields = {"url": f"https://example.org/{day}", **fields}
        made = Paper.objects.create(
            title=title, date=dt.date(2024, 1, day), section=section, citation_count=citations, **fields
        )
        set_authors({made: list(authors)})
        return made

    return {
        "sae": paper(
            "Sparse Autoencoders Find Highly Interpretable Features",
            10,
            authors=SAE_AUTHORS,
            citations=412,
            venue=iclr,
            url="https://arxiv.org/abs/2309.08600",
            arxiv_id="2309.08600",
            canonical_url="https://arxiv.org/abs/2309.08600",
            arxiv_primary_category="cs.LG",
            doi="10.48550/arXiv.2309.08600",
            abstract="First paragraph about superposition.\n\nSecond paragraph about features.",
        ),
        "pair": paper("Two authors only", 5, authors=["Aidan Ewart", "Jane Roe"], citations=3),
        "none": paper("No authors known", 20),
        "uncited": paper("Cited by nobody yet", 1, authors=["Jane Roe"], citations=0),
    }


def test_list_entries_show_three_authors_then_et_al(catalog, client):
    html = parsed(client, "/papers/")

    assert html.texts("p", cls="paper-authors") == [
        "Hoagy Cunningham, Aidan Ewart, Logan Riggs et al.",
        "Aidan Ewart, Jane Roe",
        "Jane Roe",
    ]
    assert "/authors/aidan-ewart/" in html.hrefs()


def test_the_detail_page_shows_all_authors_and_the_abstract_without_repeating_its_header(catalog, client):
    paper = catalog["sae"]

    html = parsed(client, paper.get_absolute_url())

    assert html.texts("p", cls="detail-authors") == [", ".join(SAE_AUTHORS)]
    assert [f"/authors/{slug}/" for slug in ("hoagy-cunningham", "lee-sharkey")] == [
        href for href in html.hrefs() if href in ("/authors/hoagy-cunningham/", "/authors/lee-sharkey/")
    ]
    assert html.texts("p", within="section")[:2] == [
        "First paragraph about superposition.",
        "Second paragraph about features.",
    ]
    meta = html.texts("p", cls="detail-meta")[0]
    assert "ICLR (conference)" in meta and "10 January 2024" in meta and "412 citations (Semantic Scholar)" in meta
    facts = dict(zip(html.texts("dt"), html.texts("dd"), strict=True))
    assert facts == {
        "Section": "SAE papers",
        "arXiv": "2309.08600 (cs.LG)",
        "DOI": "10.48550/arXiv.2309.08600",
    }
    assert "https://doi.org/10.48550/arXiv.2309.08600" in html.hrefs()
    bibtex = parse_bibtex(html.find("pre", id="bibtex")[0].raw)[0]
    assert bibtex["key"] == "cunningham2024sparse"
    assert bibtex["author"].startswith("Cunningham, Hoagy and Ewart, Aidan and")


def meta_tags(html):
    return [
        (element.attrs.get("name") or element.attrs.get("property"), element.attrs["content"])
        for element in html.find("meta")
        if "content" in element.attrs
    ]


def test_the_detail_page_carries_highwire_and_opengraph_tags(catalog, client):
    paper = catalog["sae"]

    tags = meta_tags(parsed(client, paper.get_absolute_url()))

    assert [value for name, value in tags if name == "citation_author"] == SAE_AUTHORS
    expected = {
        ("citation_title", paper.title),
        ("citation_publication_date", "2024/01/10"),
        ("citation_conference_title", "ICLR"),
        ("citation_arxiv_id", "2309.08600"),
        ("citation_doi", "10.48550/arXiv.2309.08600"),
        ("citation_pdf_url", "https://arxiv.org/pdf/2309.08600"),
        ("og:type", "article"),
        ("og:title", paper.title),
        ("og:url", f"http://testserver{paper.get_absolute_url()}"),
        ("og:description", "First paragraph about superposition. Second paragraph about features."),
    }
    assert expected <= set(tags)


def test_a_paper_without_authors_or_abstract_has_no_empty_parts(catalog, client):
    html = parsed(client, catalog["none"].get_absolute_url())

    assert html.find("p", cls="detail-authors") == [] and html.find("section", cls="abstract") == []
    tags = dict(meta_tags(html))
    assert "citation_author" not in tags and "citation_pdf_url" not in tags
    assert "citation" not in html.texts("p", cls="detail-meta")[0]


def test_an_author_page_lists_their_papers_newest_first(catalog, client, django_assert_num_queries):
    html = parsed(client, "/authors/aidan-ewart/")

    assert html.texts("h1") == ["Aidan Ewart"]
    assert html.texts("h3", cls="paper-title") == [catalog["sae"].title, catalog["pair"].title]
    assert "/papers/?author=aidan-ewart" in html.hrefs()
    parsed(client, "/authors/nobody/", status=404)
    parsed(client, "/authors/aidan-ewart/?page=9", status=404)
    # the catalog's version, the author, the count, the page's papers, their authors, links and tags
    Author.objects.create(name="Unrelated")
    with django_assert_num_queries(7):
        client.get("/authors/jane-roe/")
    with django_assert_num_queries(1):
        assert client.get("/authors/jane-roe/")[STATUS_HEADER] == HIT


def test_the_author_filter_narrows_the_list_and_its_outputs(catalog, client):
    html = parsed(client, "/papers/?author=jane-roe")
    assert html.texts("h3", cls="paper-title") == [catalog["pair"].title, catalog["uncited"].title]
    assert html.find("input", name="author", value="jane-roe"), "kept when other filters are applied"
    assert "Jane Roe" in " ".join(html.texts("ul", cls="active-filters"))

    data = client.get("/papers.json?author=jane-roe").json()
    assert [paper["title"] for paper in data["papers"]] == [catalog["pair"].title, catalog["uncited"].title]
    assert data["papers"][0]["authors"] == ["Aidan Ewart", "Jane Roe"]
    rows = list(csv.DictReader(io.StringIO(client.get("/papers.csv?author=hoagy-cunningham").content.decode())))
    assert [row["authors"] for row in rows] == ["; ".join(SAE_AUTHORS)]
    assert len(parse_bibtex(client.get("/papers.bib?author=jane-roe").content.decode())) == 2

    response = client.get("/papers.json?author=nobody")
    assert response.status_code == 400 and "author" in json.loads(response.content)["errors"]


def test_sorting_by_citations_puts_the_most_cited_first_and_the_unknown_last(catalog, client):
    html = parsed(client, "/papers/?sort=-citations")

    assert html.texts("h3", cls="paper-title") == [
        catalog["sae"].title,
        catalog["pair"].title,
        catalog["uncited"].title,
        catalog["none"].title,
    ]
    titles = [paper["title"] for paper in client.get("/papers.json?sort=-citations").json()["papers"]]
    assert titles[0] == catalog["sae"].title and titles[-1] == catalog["none"].title
    assert "Most cited" in html.texts("option")


def test_the_sitemap_lists_the_authors_of_papers(catalog, client):
    Author.objects.create(name="Nobody Yet")

    assert "http://testserver/sitemap-authors.xml" in client.get("/sitemap.xml").content.decode()
    xml = client.get("/sitemap-authors.xml").content.decode()

    assert "http://testserver/authors/aidan-ewart/" in xml and "/authors/nobody-yet/" not in xml
