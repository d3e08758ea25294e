"""Search over papers' authors and abstracts: title > authors > abstract, an index in step with every author edit.

Run on SQLite (FTS5) and on PostgreSQL (tsvector) with DATABASE_URL=postgres://...: every test holds on both.
"""

import datetime as dt

import pytest

from catalog.models import Author, Paper, PaperAuthor, Section
from catalog.services.authors import set_authors
from tests.test_search import assert_index_in_step, papers

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(db):
    """Papers whose only match for "cunningham" is, in turn, the title, an author, the abstract."""
    section = Section.objects.create(title="Papers", level=1)

    def paper(title, day, *, authors=(), abstract=""):
        made = Paper.objects.create(
            title=title,
            url=f"https://example.org/{day}",
            date=dt.date(2024, 1, day),
            section=section,
            position=day * 10,
            abstract=abstract,
        )
        set_authors({made: list(authors)})
        return made

    paper("Replicating Cunningham et al. on small models", 1)
    paper("Sparse autoencoders find interpretable features", 2, authors=["Hoagy Cunningham", "Aidan Ewart"])
    paper("Feature circuits in language models", 3, abstract="We build on the dictionaries of Cunningham and others.")
    paper("Attention heads of GPT-2", 4, authors=["Ann Olsson"], abstract="Induction heads in two-layer models.")
    return section


def test_an_authors_name_finds_their_papers_ranked_title_then_author_then_abstract(catalog):
    assert papers("cunningham") == [
        "Replicating Cunningham et al. on small models",
        "Sparse autoencoders find interpretable features",
        "Feature circuits in language models",
    ]
    assert papers('"hoagy cunningham"') == ["Sparse autoencoders find interpretable features"]
    assert papers("induction") == ["Attention heads of GPT-2"]
    assert_index_in_step()


def test_the_index_follows_authors_added_renamed_and_removed(catalog):
    paper = Paper.objects.get(title__startswith="Attention heads")
    set_authors({paper: ["Ann Olsson", "Nelson Elhage"]})
    assert papers("elhage") == [paper.title]

    Author.objects.filter(name="Nelson Elhage").update(name="Nelson H. Elhage-Smith")
    assert papers("elhage smith") == [paper.title]
    assert papers("olsson") == [paper.title]

    PaperAuthor.objects.filter(paper=paper, author__name="Ann Olsson").delete()
    assert papers("olsson") == []
    Paper.objects.filter(pk=paper.pk).update(abstract="Now about grokking.")
    assert papers("induction") == [] and papers("grokking") == [paper.title]
    assert_index_in_step()


def test_a_deleted_paper_leaves_the_index_with_its_authors(catalog):
    Paper.objects.filter(title__startswith="Sparse autoencoders").delete()

    assert papers("hoagy") == []
    assert_index_in_step()


def test_the_papers_page_finds_an_author(catalog, client):
    html = client.get("/papers/", {"q": "Cunningham"}).content.decode()

    assert "3 papers" in html
    assert "Hoagy Cunningham" in html
