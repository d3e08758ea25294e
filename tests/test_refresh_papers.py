"""refresh_metadata asking arXiv, OpenReview and Semantic Scholar (fake servers) about the catalog's papers."""

import datetime as dt
import json
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command

from catalog.models import Author, Paper, PaperAuthor, Repository, Section, SectionKind
from tests.fake_http import Answer
from tests.fake_sources import ABSTRACT, ARXIV_PAPERS, NOTES, S2_PAPERS, fake_sources, json_answer

SAE_AUTHORS = ["Hoagy Cunningham", "Aidan Ewart", "Logan Riggs", "Robert Huben", "Lee Sharkey"]
JOURNAL = {
    **S2_PAPERS["DOI:10.1000/xyz"],
    "abstract": "A journal\n abstract.",
    "authors": [{"authorId": "7", "name": "Jane Roe"}, {"authorId": "1", "name": "Hoagy Cunningham"}],
}


class Terminal(StringIO):
    def isatty(self):
        return True


@pytest.fixture
def sources(settings):
    with fake_sources(
        settings, arxiv_papers=ARXIV_PAPERS, notes=NOTES, s2_papers={**S2_PAPERS, "DOI:10.1000/xyz": JOURNAL}
    ) as running:
        yield running


@pytest.fixture
def papers(db):
    section = Section.objects.create(title="Papers", level=2, kind=SectionKind.PAPERS)

    def paper(title, url):
        return Paper.objects.create(title=title, url=url, date=dt.date(2024, 1, 1), section=section)

    return {
        "sae": paper("Sparse features", "https://arxiv.org/pdf/2403.00745v2.pdf"),
        "openreview": paper("Monosemanticity", "https://openreview.net/forum?id=Abc123XyZ"),
        "journal": paper("A journal paper", "https://doi.org/10.1000/xyz"),
        "blog": paper("A blog post", "https://example.org/post"),
        "unknown": paper("Not on arXiv after all", "https://arxiv.org/abs/2499.99999"),
    }


def refresh(*args, stderr=None):
    out = StringIO()
    call_command("refresh_metadata", *args, stdout=out, stderr=stderr or StringIO())
    return out.getvalue()


def authors_of(paper):
    return [credit.author.name for credit in PaperAuthor.objects.filter(paper=paper).select_related("author")]


def arxiv_asked(sources):
    return [
        identifier
        for seen in sources.arxiv.requests
        for identifier in parse_qs(urlsplit(seen.path).query)["id_list"][0].split(",")
    ]


def test_every_source_fills_what_papers_lack_and_the_readme_fields_stay(sources, papers):
    terminal = Terminal()

    output = refresh("--skip-github", stderr=terminal)

    sae = Paper.objects.get(pk=papers["sae"].pk)
    assert authors_of(sae) == SAE_AUTHORS
    assert (sae.abstract, sae.doi, sae.arxiv_primary_category) == (ABSTRACT, "10.48550/arXiv.2403.00745", "cs.LG")
    assert sae.citation_count == 412, "Semantic Scholar's count, asked by arXiv id"
    assert (sae.title, sae.url, sae.date) == (
        "Sparse features",
        "https://arxiv.org/pdf/2403.00745v2.pdf",
        dt.date(2024, 1, 1),
    )
    assert sae.arxiv_answered_at and sae.semantic_scholar_answered_at and not sae.openreview_answered_at

    forum = Paper.objects.get(pk=papers["openreview"].pk)
    assert forum.openreview_id == "Abc123XyZ", "the id its URL names"
    assert authors_of(forum) == ["Trenton Bricken", "Adly Templeton"]
    assert forum.abstract == "Dictionary learning on a one-layer transformer."

    journal = Paper.objects.get(pk=papers["journal"].pk)
    assert (journal.doi, journal.citation_count, journal.abstract) == ("10.1000/xyz", 3, "A journal abstract.")
    assert authors_of(journal) == ["Jane Roe", "Hoagy Cunningham"]
    assert Author.objects.filter(name="Hoagy Cunningham").count() == 1, "one author however many papers"

    unknown = Paper.objects.get(pk=papers["unknown"].pk)
    assert (unknown.abstract, authors_of(unknown), unknown.arxiv_primary_category) == ("", [], "")
    assert unknown.arxiv_answered_at is not None, "arXiv answered that it does not know it"
    assert Paper.objects.get(pk=papers["blog"].pk).abstract == ""

    assert "arXiv: 2 papers asked, 1 filled, 1 unknown, 0 failed." in output
    assert "Unknown to arXiv: 2499.99999." in output
    assert "OpenReview: 1 paper asked, 1 filled, 0 unknown, 0 failed." in output
    assert "Semantic Scholar: 3 papers asked, 2 filled, 1 unknown, 0 failed." in output
    assert "[##############################] 3/3 Semantic Scholar" in terminal.getvalue()
    assert not Repository.objects.exists(), "--skip-github keeps its meaning"
    s2_ids = json.loads(sources.semantic_scholar.requests[0].body)["ids"]
    assert s2_ids == ["ARXIV:2403.00745", "DOI:10.1000/xyz", "ARXIV:2499.99999"]


def test_a_second_refresh_asks_only_what_was_not_answered_and_all_asks_again_keeping_edits(sources, papers):
    refresh("--skip-github")
    Paper.objects.filter(pk=papers["sae"].pk).update(abstract="Edited by a maintainer.")
    sources.semantic_scholar.fake.papers["ARXIV:2403.00745"] = {**S2_PAPERS["ARXIV:2403.00745"], "citationCount": 500}
    asked_before = len(sources.arxiv.requests), len(sources.semantic_scholar.requests)

    output = refresh("--skip-github")

    assert (len(sources.arxiv.requests), len(sources.semantic_scholar.requests)) == asked_before
    assert "arXiv: 0 papers asked" in output

    refresh("--skip-github", "--all")

    sae = Paper.objects.get(pk=papers["sae"].pk)
    assert (sae.abstract, sae.citation_count) == ("Edited by a maintainer.", 500)
    assert authors_of(sae) == SAE_AUTHORS and PaperAuthor.objects.filter(paper=sae).count() == 5


def test_sources_are_chosen_with_source(sources, papers):
    refresh("--source", "arxiv", "--source", "openreview")

    assert len(sources.arxiv.requests) == 1 and len(sources.openreview.requests) == 1
    assert sources.semantic_scholar.requests == []
    assert Paper.objects.get(pk=papers["sae"].pk).citation_count is None


def test_an_unknown_source_is_refused(db):
    with pytest.raises(CommandError, match="invalid choice: 'scholar'"):
        refresh("--source", "scholar")


def test_an_interrupted_refresh_resumes_where_it_stopped(sources, papers):
    ids = [f"2401.{number:05d}" for number in range(150)]
    section = papers["sae"].section
    Paper.objects.bulk_create(
        Paper(
            title=identifier,
            url=f"https://arxiv.org/abs/{identifier}",
            date=dt.date(2024, 1, 1),
            section=section,
            position=index,
        )
        for index, identifier in enumerate(ids)
    )
    sources.arxiv.fake.papers.update(
        {identifier: {**ARXIV_PAPERS["2403.00745"], "title": identifier} for identifier in ids}
    )
    # The first request (the two papers above and 98 new ones) is answered; the connection drops on the second.
    original = sources.arxiv.fake.answer
    calls = []

    def answer_then_drop(request):
        calls.append(request.path)
        return Answer(reset=True) if len(calls) == 2 else original(request)

    sources.arxiv.fake.answer = answer_then_drop

    with pytest.raises(CommandError, match="arXiv did not answer for 52 ids; what the papers had is kept"):
        refresh("--source", "arxiv")

    filled = Paper.objects.filter(title__startswith="2401.", abstract=ABSTRACT).count()
    assert filled == 98
    assert Paper.objects.filter(title__startswith="2401.", arxiv_answered_at__isnull=True).count() == 52
    first_run = arxiv_asked(sources)

    output = refresh("--source", "arxiv")

    second_run = arxiv_asked(sources)[len(first_run) :]
    assert len(second_run) == 52 and set(second_run) == set(ids[98:])
    assert "arXiv: 52 papers asked, 52 filled, 0 unknown, 0 failed." in output
    assert Paper.objects.filter(title__startswith="2401.", abstract=ABSTRACT).count() == 150


def test_a_failing_source_leaves_what_was_there(sources, papers, settings):
    settings.CATALOG_METADATA_MAX_WAIT = 30
    sae = papers["sae"]
    Paper.objects.filter(pk=sae.pk).update(abstract="Known.", citation_count=7)
    keeper = Author.objects.create(name="Known Author")
    PaperAuthor.objects.create(paper=sae, author=keeper, position=0)
    sources.arxiv.fake.then.append(Answer(200, {"Content-Type": "text/html"}, b"<html>Service unavailable</html>"))
    sources.semantic_scholar.fake.then.append(
        json_answer(429, {"message": "Too Many Requests"}, {"Retry-After": "600"})
    )

    with pytest.raises(CommandError) as raised:
        refresh("--source", "arxiv", "--source", "semantic-scholar")

    message = str(raised.value)
    assert "arXiv did not answer for 2 ids" in message and "Semantic Scholar did not answer for 3 ids" in message
    sae = Paper.objects.get(pk=sae.pk)
    assert (sae.abstract, sae.citation_count, authors_of(sae)) == ("Known.", 7, ["Known Author"])
    assert sae.arxiv_answered_at is None and sae.semantic_scholar_answered_at is None


def test_existing_authors_are_kept_and_same_slug_names_get_their_own_slug(sources, papers):
    jose = Author.objects.create(name="José Smith")
    sources.arxiv.fake.papers["2403.00745"] = {**ARXIV_PAPERS["2403.00745"], "authors": ["Jose Smith", "José Smith"]}

    refresh("--source", "arxiv")

    sae = Paper.objects.get(pk=papers["sae"].pk)
    assert authors_of(sae) == ["Jose Smith", "José Smith"]
    assert jose.slug == "jose-smith"
    assert Author.objects.get(name="Jose Smith").slug == "jose-smith-2"
