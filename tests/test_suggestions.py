"""Readers suggest papers on /suggest/: stored for review only, refused with a clear message when listed, bounded."""

import pytest
from django.urls import reverse

from catalog.models import Paper, Section
from suggestions.models import Suggestion
from tests.fake_sources import NOTES, S2_PAPERS, fake_sources

pytestmark = pytest.mark.django_db

SUGGEST = "/suggest/"


def suggestion_data(**changes):
    data = {
        "reference": "2406.04093",
        "title": "Scaling and Evaluating Sparse Autoencoders",
        "authors": "Leo Gao, Tom Dupré la Tour",
        "date": "2024-06-06",
        "venue": "arXiv",
        "section": Section.objects.get(title="SAE, Dictionary Learning and Superposition").pk,
        "code_url": "https://github.com/openai/sparse_autoencoder",
        "note": "A reference point for SAE training.",
        "credit": "@reader",
        "website": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_form_is_public_with_a_csrf_token_and_a_hidden_honeypot(seeded, client):
    response = client.get(SUGGEST)
    content = response.content.decode()
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in content
    assert '<div class="field" hidden>' in content and 'name="website"' in content
    assert "SAE, Dictionary Learning" in content


def test_a_suggestion_is_stored_for_review_and_not_shown_publicly(seeded, client):
    response = client.post(SUGGEST, suggestion_data())
    assert response.status_code == 302 and response["Location"] == reverse("suggestions:thanks")
    suggestion = Suggestion.objects.get()
    assert suggestion.status == Suggestion.Status.PENDING
    assert suggestion.url == "https://arxiv.org/abs/2406.04093"
    assert suggestion.identity == "arxiv:2406.04093"
    assert suggestion.credit == "@reader"
    thanks = client.get(response["Location"]).content.decode()
    assert "What happens next" in thanks
    for page in ("/papers/?q=Evaluating+Sparse+Autoencoders", "/papers/", "/papers.json", "/"):
        assert "Scaling and Evaluating Sparse Autoencoders" not in client.get(page).content.decode(), page


@pytest.mark.parametrize(
    ("reference", "url"),
    [
        ("arXiv:2406.04093v2", "https://arxiv.org/abs/2406.04093"),
        ("https://openreview.net/forum?id=abc123", "https://openreview.net/forum?id=abc123"),
        ("doi:10.18653/v1/2023.acl-long.1", "https://doi.org/10.18653/v1/2023.acl-long.1"),
        ("10.1038/s41586-024-07421-0", "https://doi.org/10.1038/s41586-024-07421-0"),
    ],
)
def test_a_paper_is_named_by_url_arxiv_id_or_doi(seeded, client, reference, url):
    assert client.post(SUGGEST, suggestion_data(reference=reference)).status_code == 302
    assert Suggestion.objects.get().url == url


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reference", "my favourite paper", "Give the paper&#x27;s address"),
        ("reference", "x" * 301, "at most 300 characters"),
        ("title", "t" * 501, "at most 500 characters"),
        ("title", "", "Give the title of the paper."),
        ("title", "Two\nlines", "This text"),
        ("date", "", "Give the date of the paper."),
        ("date", "2024-02-30", "Enter a valid date."),
        ("authors", "a" * 1001, "at most 1000 characters"),
        ("venue", "v" * 101, "at most 100 characters"),
        ("code_url", "javascript:alert(1)", "Enter a valid URL."),
        ("note", "n" * 2001, "at most 2000 characters"),
        ("credit", "c" * 101, "at most 100 characters"),
    ],
)
def test_bad_or_oversized_fields_are_refused_with_the_reason(seeded, client, field, value, message):
    response = client.post(SUGGEST, suggestion_data(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"reference": "https://arxiv.org/abs/2403.00745v1"},
        {"reference": "2403.00745"},
        {"reference": "https://example.org/elsewhere", "title": None},
    ],
)
def test_a_listed_paper_gets_a_link_to_its_entry(seeded, client, changes):
    listed = Paper.objects.get(url="https://arxiv.org/pdf/2403.00745")
    if changes.get("title", "") is None:
        changes["title"] = f"  {listed.title.upper()} "
    response = client.post(SUGGEST, suggestion_data(**changes))
    content = response.content.decode()
    assert response.status_code == 200
    assert "This paper is already listed" in content
    assert f'href="{listed.get_absolute_url()}"' in content
    assert not Suggestion.objects.exists()


def test_a_paper_already_suggested_is_not_stored_twice(seeded, client):
    client.post(SUGGEST, suggestion_data())
    response = client.post(SUGGEST, suggestion_data(reference="https://arxiv.org/pdf/2406.04093v1"))
    assert "Someone has already suggested this paper" in response.content.decode()
    response = client.post(
        SUGGEST,
        suggestion_data(reference="https://example.org/sae", title="scaling and evaluating  sparse autoencoders"),
    )
    assert "Someone has already suggested this paper" in response.content.decode()
    assert Suggestion.objects.count() == 1


def test_a_rejected_suggestion_does_not_block_a_new_one(seeded, client):
    client.post(SUGGEST, suggestion_data())
    Suggestion.objects.update(status=Suggestion.Status.REJECTED)
    assert client.post(SUGGEST, suggestion_data()).status_code == 302
    assert Suggestion.objects.count() == 2


def test_a_filled_honeypot_is_refused_and_says_why(seeded, client):
    response = client.post(SUGGEST, suggestion_data(website="http://spam.example"))
    assert response.status_code == 400
    assert "Leave this empty" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_one_address_is_limited_and_told_when_to_come_back(seeded, client, settings):
    settings.SUGGESTIONS_RATE_LIMIT = 2
    for number in range(2):
        assert (
            client.post(SUGGEST, suggestion_data(reference=f"2406.0409{number}", title=f"Paper {number}")).status_code
            == 302
        )
    response = client.post(SUGGEST, suggestion_data(reference="2406.04099", title="Paper 9"))
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "at most 2 suggestions every 3600 seconds" in response.content.decode()
    assert Suggestion.objects.count() == 2
    other = client.post(SUGGEST, suggestion_data(reference="2406.04098", title="Paper 8"), REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 302


def test_the_form_needs_its_csrf_token(seeded, client):
    client.handler.enforce_csrf_checks = True
    assert client.post(SUGGEST, suggestion_data()).status_code == 403
    assert not Suggestion.objects.exists()


SAE_PAPER = {
    "title": "Scaling and Evaluating Sparse Autoencoders",
    "authors": ["Leo Gao", "Tom Dupré la Tour"],
    "abstract": "Sparse autoencoders at scale.",
    "published": "2024-06-06",
}


@pytest.mark.parametrize(
    ("reference", "filled"),
    [
        (
            "https://arxiv.org/pdf/2406.04093v2",
            ("Scaling and Evaluating Sparse Autoencoders", "Leo Gao, Tom Dupré la Tour", "2024-06-06", "arXiv"),
        ),
        (
            "https://openreview.net/forum?id=Abc123XyZ",
            (
                "Towards Monosemanticity: Decomposing Language Models",
                "Trenton Bricken, Adly Templeton",
                "2024-01-11",
                "ICLR 2024 poster",
            ),
        ),
        ("doi:10.1000/xyz", ("A journal paper", "Jane Roe", "2021-05-04", "Journal of Tests")),
    ],
)
def test_empty_fields_are_filled_from_the_metadata_sources(seeded, client, settings, reference, filled):
    journal = {
        **S2_PAPERS["DOI:10.1000/xyz"],
        "publicationDate": "2021-05-04",
        "venue": "Journal of Tests",
        "authors": [{"authorId": "7", "name": "Jane Roe"}],
    }
    with fake_sources(
        settings, arxiv_papers={"2406.04093": SAE_PAPER}, notes=NOTES, s2_papers={"DOI:10.1000/xyz": journal}
    ):
        blank = suggestion_data(reference=reference, title="", authors="", date="", venue="")
        response = client.post(SUGGEST, blank)
    assert response.status_code == 302, response.content.decode()
    suggestion = Suggestion.objects.get()
    assert (suggestion.title, suggestion.authors, suggestion.date.isoformat(), suggestion.venue) == filled


def test_what_the_reader_typed_is_kept_and_the_sources_fill_the_rest(seeded, client, settings):
    with fake_sources(settings, arxiv_papers={"2406.04093": SAE_PAPER}) as sources:
        response = client.post(SUGGEST, suggestion_data(title="My Own Title", date="", venue="NeurIPS"))
    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert (suggestion.title, suggestion.date.isoformat(), suggestion.venue) == (
        "My Own Title",
        "2024-06-06",
        "NeurIPS",
    )
    assert len(sources.arxiv.requests) == 1


def test_a_paper_the_sources_do_not_know_is_typed_by_the_reader(seeded, client, settings):
    with fake_sources(settings) as sources:
        response = client.post(SUGGEST, suggestion_data(title="", date=""))
    assert sources.arxiv.requests, "arXiv was asked"
    content = response.content.decode()
    assert "Give the title of the paper." in content and "Give the date of the paper." in content


def test_without_metadata_sources_the_reader_types_the_fields(seeded, client):
    response = client.post(SUGGEST, suggestion_data(title="", date=""))
    content = response.content.decode()
    assert "Give the title of the paper." in content and "Give the date of the paper." in content


def test_behind_a_trusted_proxy_the_address_is_the_one_the_proxy_saw(seeded, client, settings):
    settings.SUGGESTIONS_RATE_LIMIT = 1
    settings.TRUSTED_PROXY_COUNT = 1
    first = client.post(SUGGEST, suggestion_data(), HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.1")
    assert first.status_code == 302
    spoofed = suggestion_data(reference="2406.04091", title="Paper 1")
    assert client.post(SUGGEST, spoofed, HTTP_X_FORWARDED_FOR="2.2.2.2, 198.51.100.1").status_code == 429
    assert client.post(SUGGEST, spoofed, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302
