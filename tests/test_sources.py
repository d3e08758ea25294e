"""The arXiv, OpenReview and Semantic Scholar clients against fake servers answering in each API's format."""

import datetime as dt
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from catalog.sources import arxiv, openreview, semantic_scholar
from tests.fake_http import Answer, FakeServer
from tests.fake_sources import (
    ABSTRACT,
    ARXIV_PAPERS,
    ARXIV_PATH,
    NOTES,
    S2_PAPERS,
    XML_BOMB,
    FakeArxiv,
    FakeOpenReview,
    FakeSemanticScholar,
    json_answer,
)


def polite(server, **options):
    return {"base_url": server.base, "timeout": 5, "max_wait": 60, **options}


@pytest.fixture
def fake_arxiv():
    fake = FakeArxiv(dict(ARXIV_PAPERS))
    with FakeServer(fake) as server:
        server.fake = fake
        yield server


def arxiv_fetch(server, ids, **options):
    with arxiv.client(**arxiv_options(server, delay=options.pop("delay", 0)), **options) as http:
        return list(arxiv.fetch(ids, http=http))


def arxiv_options(server, **options):
    return polite(server, base_url=server.base + ARXIV_PATH, **options)


def asked_ids(seen):
    return parse_qs(urlsplit(seen.path).query)["id_list"][0].split(",")


def test_arxiv_papers_come_unwrapped_without_version_with_authors_in_order(fake_arxiv):
    [batch] = arxiv_fetch(fake_arxiv, ["2403.00745", "hep-th/9901001"])

    paper = batch.found["2403.00745"]
    assert paper.title == ARXIV_PAPERS["2403.00745"]["title"], "the hard wraps are gone"
    assert paper.abstract == ABSTRACT
    assert paper.authors == ("Hoagy Cunningham", "Aidan Ewart", "Logan Riggs", "Robert Huben", "Lee Sharkey")
    assert (paper.arxiv_id, paper.doi, paper.primary_category) == ("2403.00745", "10.48550/arXiv.2403.00745", "cs.LG")
    assert paper.published == dt.date(2024, 3, 1)
    assert paper.pdf_url == "https://arxiv.org/pdf/2403.00745v3"
    assert batch.found["hep-th/9901001"].primary_category == "hep-th"
    assert (batch.unknown, batch.failed) == ([], {})
    asked = urlsplit(fake_arxiv.requests[0].path)
    assert asked.path == "/api/query", "the configured URL as it is, no slash added"
    assert parse_qs(asked.query)["max_results"] == ["2"]


def test_arxiv_is_asked_in_batches_of_100_one_request_at_a_time_spaced_by_the_delay(fake_arxiv):
    ids = [f"2401.{number:05d}" for number in range(150)]
    fake_arxiv.fake.papers.update(
        {identifier: {**ARXIV_PAPERS["2403.00745"], "title": identifier} for identifier in ids}
    )

    batches = arxiv_fetch(fake_arxiv, ids, delay=0.3)

    assert [len(asked_ids(seen)) for seen in fake_arxiv.requests] == [100, 50]
    assert sum(len(batch.found) for batch in batches) == 150
    assert max(fake_arxiv.max_in_flight.values()) == 1
    first, second = fake_arxiv.requests
    assert second.started - first.started >= 0.3


def test_an_unknown_arxiv_id_is_reported_not_stored_and_an_error_entry_drops_only_its_id(fake_arxiv):
    [batch] = arxiv_fetch(fake_arxiv, ["2403.00745", "2499.99999", "not-an-id"])

    assert set(batch.found) == {"2403.00745"}
    assert sorted(batch.unknown) == ["2499.99999", "not-an-id"]
    assert all(paper.title != "Error" for paper in batch.found.values())
    assert [asked_ids(seen) for seen in fake_arxiv.requests] == [
        ["2403.00745", "2499.99999", "not-an-id"],
        ["2403.00745", "2499.99999"],
    ]


@pytest.mark.parametrize("status", [200, 503])
def test_arxiv_throttling_text_is_waited_out_and_asked_again(fake_arxiv, status):
    fake_arxiv.fake.then.append(Answer(status, {"Content-Type": "text/plain", "Retry-After": "4"}, b"Rate exceeded."))
    waits = []

    [batch] = arxiv_fetch(fake_arxiv, ["2403.00745"], sleep=waits.append)

    assert set(batch.found) == {"2403.00745"}
    assert waits == [4.0]
    assert len(fake_arxiv.requests) == 2


def test_arxiv_throttling_that_lasts_fails_the_batch(fake_arxiv):
    fake_arxiv.fake.then.extend([Answer(200, {"Content-Type": "text/plain"}, b"Rate exceeded.")] * 3)
    waits = []

    [batch] = arxiv_fetch(fake_arxiv, ["2403.00745"], sleep=waits.append)

    assert batch.found == {} and batch.unknown == []
    assert "arXiv is busy" in batch.failed["2403.00745"] and "Rate exceeded" in batch.failed["2403.00745"]
    assert waits == [2.0, 4.0], "backs off when no Retry-After says how long"


def test_an_xml_bomb_is_refused_without_expanding_it(fake_arxiv):
    fake_arxiv.fake.then.append(Answer(200, {"Content-Type": "application/atom+xml"}, XML_BOMB))

    [batch] = arxiv_fetch(fake_arxiv, ["2403.00745"])

    assert batch.found == {}
    assert "refuses to read" in batch.failed["2403.00745"]


def test_arxiv_garbage_fails_the_batch_with_what_came(fake_arxiv):
    fake_arxiv.fake.then.append(Answer(502, {"Content-Type": "text/html"}, b"<html><body>Bad gateway</body>"))

    [batch] = arxiv_fetch(fake_arxiv, ["2403.00745", "hep-th/9901001"])

    assert set(batch.failed) == {"2403.00745", "hep-th/9901001"}
    assert "not an Atom feed" in batch.failed["2403.00745"] and "502" in batch.failed["2403.00745"]


def test_a_source_that_does_not_answer_in_time_fails_the_batch(fake_arxiv):
    fake_arxiv.fake.then.append(Answer(200, {}, b"", delay=1.5))

    with arxiv.client(**arxiv_options(fake_arxiv, timeout=0.3, delay=0)) as http:
        [batch] = arxiv.fetch(["2403.00745"], http=http)

    assert batch.failed == {"2403.00745": "arXiv did not answer in time"}


def test_a_retry_after_longer_than_the_limit_fails_at_once_without_waiting(fake_arxiv):
    fake_arxiv.fake.then.append(Answer(429, {"Retry-After": "3600"}, b"Too many requests"))
    waits = []

    [batch] = arxiv_fetch(fake_arxiv, ["2403.00745"], sleep=waits.append)

    assert waits == []
    assert "asks to wait 3600 s, longer than the 60 s allowed" in batch.failed["2403.00745"]


@pytest.fixture
def fake_openreview():
    fake = FakeOpenReview(dict(NOTES))
    with FakeServer(fake) as server:
        server.fake = fake
        yield server


def openreview_fetch(server, ids, **options):
    with openreview.client(**polite(server, **options)) as http:
        return list(openreview.fetch(ids, http=http))


def test_openreview_notes_are_read_from_content_values(fake_openreview):
    [batch, missing] = openreview_fetch(fake_openreview, ["Abc123XyZ", "Nope"])

    paper = batch.found["Abc123XyZ"]
    assert paper.title == "Towards Monosemanticity: Decomposing Language Models"
    assert paper.authors == ("Trenton Bricken", "Adly Templeton")
    assert paper.abstract == "Dictionary learning on a one-layer transformer."
    assert (paper.openreview_id, paper.published) == ("Abc123XyZ", dt.date(2024, 1, 11))
    assert paper.pdf_url == "https://openreview.net/pdf?id=Abc123XyZ"
    assert (missing.found, missing.unknown, missing.failed) == ({}, ["Nope"], {})
    assert [seen.path for seen in fake_openreview.requests] == ["/notes?id=Abc123XyZ", "/notes?id=Nope"]


def test_openreview_429_waits_as_asked(fake_openreview):
    fake_openreview.fake.then.append(json_answer(429, {"name": "RateLimitError"}, {"Retry-After": "5"}))
    waits = []

    [batch] = openreview_fetch(fake_openreview, ["Abc123XyZ"], sleep=waits.append)

    assert (set(batch.found), waits) == ({"Abc123XyZ"}, [5.0])


def test_openreview_garbage_fails_the_note(fake_openreview):
    fake_openreview.fake.then.append(Answer(200, {"Content-Type": "text/html"}, b"<html>maintenance</html>"))

    [batch] = openreview_fetch(fake_openreview, ["Abc123XyZ"])

    assert "something other than notes" in batch.failed["Abc123XyZ"]


@pytest.fixture
def fake_s2():
    fake = FakeSemanticScholar(dict(S2_PAPERS))
    with FakeServer(fake) as server:
        server.fake = fake
        yield server


def s2_fetch(server, ids, **options):
    with semantic_scholar.client(**polite(server, **options)) as http:
        return list(semantic_scholar.fetch(ids, http=http))


def test_semantic_scholar_batch_reads_citations_and_reports_the_null_entries_as_unknown(fake_s2):
    [batch] = s2_fetch(fake_s2, ["ARXIV:2403.00745", "ARXIV:2499.99999", "DOI:10.1000/xyz"], api_key="s2-key")

    [seen] = fake_s2.requests
    assert seen.method == "POST" and urlsplit(seen.path).path == "/paper/batch"
    assert "citationCount" in parse_qs(urlsplit(seen.path).query)["fields"][0]
    assert json.loads(seen.body) == {"ids": ["ARXIV:2403.00745", "ARXIV:2499.99999", "DOI:10.1000/xyz"]}
    assert seen.headers["x-api-key"] == "s2-key"
    paper = batch.found["ARXIV:2403.00745"]
    assert (paper.citation_count, paper.authors) == (412, ("Hoagy Cunningham", "Aidan Ewart"))
    assert (paper.arxiv_id, paper.doi, paper.published) == (
        "2403.00745",
        "10.48550/arXiv.2403.00745",
        dt.date(2023, 9, 15),
    )
    assert (batch.found["DOI:10.1000/xyz"].abstract, batch.found["DOI:10.1000/xyz"].published) == ("", None)
    assert batch.unknown == ["ARXIV:2499.99999"]


def test_semantic_scholar_is_asked_without_a_key_when_none_is_set(fake_s2):
    s2_fetch(fake_s2, ["ARXIV:2403.00745"])

    assert "x-api-key" not in {name.lower() for name in fake_s2.requests[0].headers}


def test_semantic_scholar_429_with_retry_after_is_honoured(fake_s2):
    fake_s2.fake.then.append(json_answer(429, {"message": "Too Many Requests", "code": "429"}, {"Retry-After": "9"}))
    waits = []

    [batch] = s2_fetch(fake_s2, ["ARXIV:2403.00745"], sleep=waits.append)

    assert (set(batch.found), waits, len(fake_s2.requests)) == ({"ARXIV:2403.00745"}, [9.0], 2)


def test_semantic_scholar_batches_hold_at_most_500_ids(fake_s2):
    ids = [f"ARXIV:2401.{number:05d}" for number in range(600)]

    batches = s2_fetch(fake_s2, ids)

    assert [len(json.loads(seen.body)["ids"]) for seen in fake_s2.requests] == [500, 100]
    assert sum(len(batch.unknown) for batch in batches) == 600


@pytest.mark.parametrize(
    "answer",
    [
        Answer(200, {"Content-Type": "text/html"}, b"<html>oops</html>"),
        json_answer(200, [None]),
        json_answer(400, {"error": "Invalid id"}),
    ],
    ids=["not-json", "wrong-length", "error"],
)
def test_semantic_scholar_garbage_fails_the_batch(fake_s2, answer):
    fake_s2.fake.then.append(answer)

    [batch] = s2_fetch(fake_s2, ["ARXIV:2403.00745", "DOI:10.1000/xyz"])

    assert batch.found == {} and set(batch.failed) == {"ARXIV:2403.00745", "DOI:10.1000/xyz"}
    assert batch.failed["ARXIV:2403.00745"].startswith("Semantic Scholar answered")


def test_semantic_scholar_timeout_fails_the_batch(fake_s2):
    fake_s2.fake.then.append(Answer(200, {}, b"[]", delay=1.5))

    [batch] = s2_fetch(fake_s2, ["ARXIV:2403.00745"], timeout=0.3)

    assert batch.failed == {"ARXIV:2403.00745": "Semantic Scholar did not answer in time"}
