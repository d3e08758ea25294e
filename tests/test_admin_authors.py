"""Papers' authors, abstract and identifiers in the admin, and the add form's lookup of a pasted reference."""

import datetime as dt

import pytest

from catalog.models import Author, Paper, PaperAuthor, Section, SectionKind, Venue
from tests.admin_support import inline_management, make_user, paper_form_data
from tests.fake_http import Answer
from tests.fake_sources import ABSTRACT, ARXIV_PAPERS, NOTES, S2_PAPERS, fake_sources


@pytest.fixture
def section(db):
    return Section.objects.create(title="Papers", level=2, kind=SectionKind.PAPERS)


@pytest.fixture
def maintainer(client, db):
    client.force_login(make_user("maintainer", superuser=True))
    return client


@pytest.fixture
def sources(settings):
    with fake_sources(settings, arxiv_papers=ARXIV_PAPERS, notes=NOTES, s2_papers=S2_PAPERS) as running:
        yield running


def new_paper(section, names, **changes):
    data = {
        "title": "A New Paper",
        "url": "https://example.org/new-paper",
        "venue": "",
        "date": "2024-06-06",
        "section": section.pk,
        "tags": "",
        "position": "",
        **inline_management("links"),
        **inline_management("paper_authors", total=len(names)),
        **changes,
    }
    for index, name in enumerate(names):
        data.update({f"paper_authors-{index}-name": name, f"paper_authors-{index}-position": str(index)})
    return data


def names(paper):
    return [author.name for author in paper.author_list]


def test_authors_typed_in_the_inline_are_made_once_and_kept_in_order(maintainer, section):
    Author.objects.create(name="Chris Olah")

    response = maintainer.post(
        "/admin/catalog/paper/add/",
        new_paper(
            section, ["Nelson  Elhage", "Chris Olah"], abstract="What it finds.", doi="https://doi.org/10.1000/XYZ"
        ),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    paper = Paper.objects.get(title="A New Paper")
    assert names(paper) == ["Nelson Elhage", "Chris Olah"]
    assert Author.objects.filter(name="Chris Olah").count() == 1
    assert Author.objects.get(name="Nelson Elhage").slug == "nelson-elhage"
    assert (paper.abstract, paper.doi) == ("What it finds.", "10.1000/XYZ")


def test_authors_are_reordered_and_replaced_on_the_change_form(maintainer, section):
    paper = Paper.objects.create(title="P", url="https://example.org/p", date=dt.date(2024, 1, 1), section=section)
    for position, name in enumerate(["Ann A", "Ben B", "Cat C"]):
        PaperAuthor.objects.create(paper=paper, author=Author.objects.create(name=name), position=position)
    data = paper_form_data(paper)
    data.update({"paper_authors-0-position": "2", "paper_authors-2-position": "0", "paper_authors-1-name": "Dan D"})

    response = maintainer.post(f"/admin/catalog/paper/{paper.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert names(Paper.objects.get(pk=paper.pk)) == ["Cat C", "Dan D", "Ann A"]
    assert Author.objects.filter(name="Ben B").exists(), "an author is not renamed from one of its papers"


@pytest.mark.parametrize(
    ("changes", "authors", "field", "message"),
    [
        ({}, ["Ann A", "ann a"], "paper_authors", "ann a is already an author of this paper."),
        ({"doi": "not a doi"}, [], "doi", "Enter a DOI"),
        ({"openreview_id": "https://example.org/forum?id=x"}, [], "openreview_id", "Enter the forum id"),
        ({"openreview_id": "a b"}, [], "openreview_id", "only letters, digits"),
    ],
)
def test_bad_authors_and_identifiers_are_field_errors(maintainer, section, changes, authors, field, message):
    response = maintainer.post("/admin/catalog/paper/add/", new_paper(section, authors, **changes))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Paper.objects.exists() and not Author.objects.exists()


def test_an_openreview_url_in_the_id_field_is_kept_as_its_id(maintainer, section):
    data = new_paper(section, [], openreview_id="https://openreview.net/forum?id=Abc123XyZ")

    assert maintainer.post("/admin/catalog/paper/add/", data).status_code == 302
    assert Paper.objects.get().openreview_id == "Abc123XyZ"


def test_the_add_form_offers_the_lookup_and_the_change_form_does_not(maintainer, section):
    add = maintainer.get("/admin/catalog/paper/add/").content.decode()
    assert 'data-lookup-url="/admin/catalog/paper/lookup/"' in add
    assert "js/admin-paper-lookup.js" in add
    paper = Paper.objects.create(title="P", url="https://example.org/p", date=dt.date(2024, 1, 1), section=section)
    assert "data-lookup-url" not in maintainer.get(f"/admin/catalog/paper/{paper.pk}/change/").content.decode()


def lookup(client, reference):
    return client.get("/admin/catalog/paper/lookup/", {"reference": reference})


def test_a_pasted_arxiv_url_gives_the_fields_to_fill_in(maintainer, sources):
    response = lookup(maintainer, "https://arxiv.org/pdf/2403.00745v2")

    assert response.status_code == 200
    assert response.json() == {
        "source": "arXiv",
        "url": "https://arxiv.org/abs/2403.00745",
        "title": ARXIV_PAPERS["2403.00745"]["title"],
        "date": "2024-03-01",
        "authors": ARXIV_PAPERS["2403.00745"]["authors"],
        "abstract": ABSTRACT,
        "doi": "10.48550/arXiv.2403.00745",
        "openreview_id": "",
        "arxiv_primary_category": "cs.LG",
    }


def test_an_openreview_url_and_a_doi_are_looked_up_at_their_source(maintainer, sources):
    forum = lookup(maintainer, "https://openreview.net/forum?id=Abc123XyZ").json()
    assert (forum["source"], forum["url"]) == ("OpenReview", "https://openreview.net/forum?id=Abc123XyZ")
    assert forum["authors"] == ["Trenton Bricken", "Adly Templeton"] and forum["openreview_id"] == "Abc123XyZ"

    doi = lookup(maintainer, "doi:10.1000/xyz").json()
    assert (doi["source"], doi["url"], doi["title"]) == (
        "Semantic Scholar",
        "https://doi.org/10.1000/xyz",
        "A journal paper",
    )
    assert doi["date"] == ""


@pytest.mark.parametrize(
    ("reference", "status", "message"),
    [
        ("2499.99999", 404, "arXiv does not know 2499.99999. Check it, or fill in the fields by hand."),
        ("https://openreview.net/forum?id=Nope", 404, "OpenReview does not know Nope."),
        ("sparse autoencoders", 400, "Paste an arXiv id or URL, an OpenReview URL or a DOI."),
    ],
)
def test_what_cannot_be_looked_up_gets_a_clear_message(maintainer, sources, reference, status, message):
    response = lookup(maintainer, reference)

    assert response.status_code == status
    assert message in response.json()["error"]


def test_a_source_that_does_not_answer_gets_a_clear_message(maintainer, sources):
    sources.arxiv.fake.then.append(Answer(503, {"Content-Type": "text/plain", "Retry-After": "30"}, b"Rate exceeded."))

    response = lookup(maintainer, "2403.00745")

    assert response.status_code == 502
    assert response.json()["error"] == (
        "arXiv is busy (HTTP 503 'Rate exceeded.'). Try again later, or fill in the fields by hand."
    )
    assert len(sources.arxiv.requests) == 1, "the maintainer is not kept waiting"


def test_a_source_out_of_reach_gets_a_clear_message(maintainer):
    response = lookup(maintainer, "2403.00745")

    assert response.status_code == 502
    assert "arXiv could not be reached" in response.json()["error"]


def test_the_lookup_is_for_staff_who_may_add_papers(db, client, sources):
    assert lookup(client, "2403.00745").status_code == 302, "anonymous: to the sign-in page"
    client.force_login(make_user("reader", permissions=["view_paper"]))
    assert lookup(client, "2403.00745").status_code == 403
    assert sources.arxiv.requests == []


def test_authors_are_listed_and_searched_in_the_admin(maintainer, section):
    paper = Paper.objects.create(title="P", url="https://example.org/p", date=dt.date(2024, 1, 1), section=section)
    PaperAuthor.objects.create(paper=paper, author=Author.objects.create(name="Neel Nanda"), position=0)
    Venue.objects.create(name="ICLR")

    authors = maintainer.get("/admin/catalog/author/", {"q": "nanda"}).content.decode()
    papers = maintainer.get("/admin/catalog/paper/", {"q": "Nanda"}).content.decode()

    assert "Neel Nanda" in authors and "neel-nanda" in authors
    assert f"/admin/catalog/paper/{paper.pk}/change/" in papers
