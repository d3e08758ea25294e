"""Similar papers: a paper's page lists the papers whose titles and abstracts share its most distinctive words,
beside those sharing its tags."""

import datetime as dt
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import selectors, similar_papers
from catalog.models import Paper, Venue
from catalog.similar_papers import chosen_terms, paper_terms
from tests.factories import PaperFactory, SectionFactory
from tests.test_site_pages import page, titles_under

pytestmark = pytest.mark.django_db

SAE_TITLES = [
    "Scaling sparse autoencoders to extract interpretable features",
    "Gated sparse autoencoders",
    "Features of sparse dictionaries",
]
UNRELATED_TITLES = [
    "Progress measures for grokking modular arithmetic",
    "Steering chat assistants toward refusal",
    "Linear probes reveal a world model of chess",
]


def similar(client, paper):
    return titles_under(page(client, paper.get_absolute_url()), "similar-heading")


def make_papers(titles, **fields):
    section = SectionFactory()
    return [PaperFactory(title=title, section=section, **fields) for title in titles]


def test_a_paper_on_sparse_autoencoders_lists_the_other_sae_papers_first_and_no_unrelated_one(client):
    [target] = make_papers(["Sparse autoencoders learn interpretable features"])
    make_papers(SAE_TITLES)
    make_papers(UNRELATED_TITLES)
    [weak] = make_papers(["Features of chess engines"])

    listed = similar(client, target)

    # Four words shared (sparse, autoencoders, interpretable, features), then two, then one.
    assert listed[0] == SAE_TITLES[0]
    assert set(listed[1:3]) == set(SAE_TITLES[1:])
    assert listed[3:] == [weak.title]
    assert target.title not in listed


def test_a_paper_is_matched_through_its_abstract(client):
    [target] = make_papers(
        ["Why do neurons fire together?"],
        abstract="We find that polysemantic neurons arise from superposition in toy models.",
    )
    [by_title] = make_papers(["Polysemantic neurons and superposition"])
    [by_abstract] = make_papers(
        ["Counting dimensions"], abstract="Toy models store more features than dimensions through superposition."
    )
    make_papers(UNRELATED_TITLES)

    assert set(similar(client, target)) == {by_title.title, by_abstract.title}
    assert similar(client, by_abstract)[0] == target.title


def test_a_title_word_counts_more_than_an_abstract_word(client):
    [target] = make_papers(["Induction heads"])
    [in_abstract, in_title] = make_papers(
        ["Attention patterns", "Induction heads in small transformers"], abstract="A note on induction heads."
    )
    in_title.abstract = ""
    in_title.save()
    make_papers(UNRELATED_TITLES)

    assert similar(client, target) == [in_title.title, in_abstract.title]


def test_a_new_paper_shows_at_once_among_the_similar_papers(client):
    [target] = make_papers(["Sparse autoencoders learn interpretable features"])
    make_papers(UNRELATED_TITLES)
    assert similar(client, target) == []

    [new] = make_papers(["Interpretable features from sparse autoencoders"])

    assert similar(client, target) == [new.title]


def test_a_paper_lists_neither_itself_nor_a_similar_paper_again_among_those_sharing_its_tags(seeded, client):
    for paper in Paper.objects.order_by("pk")[:20]:
        html = page(client, paper.get_absolute_url())
        similar_titles = titles_under(html, "similar-heading")
        related_titles = titles_under(html, "related-heading")
        assert paper.title not in similar_titles + related_titles
        assert not set(similar_titles) & set(related_titles)
        assert len(similar_titles) <= 5


def test_the_page_runs_the_same_queries_however_many_papers_are_alike(client):
    [target] = make_papers(["Sparse autoencoders learn interpretable features"])
    make_papers(SAE_TITLES)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            titles = titles_under(page(client, target.get_absolute_url()), "similar-heading")
        return len(titles), len(captured.captured_queries)

    listed, few = queries()
    make_papers([f"Sparse autoencoders, part {number}: interpretable features" for number in range(100)])
    assert queries() == (5, few) and listed == 3


@pytest.mark.parametrize("rare", [similar_papers.RARE, 1], ids=["counted-on-the-page", "counted-per-version"])
def test_a_word_held_by_more_papers_than_the_budget_is_never_chosen(client, monkeypatch, rare):
    monkeypatch.setattr(similar_papers, "RARE", rare)
    monkeypatch.setattr(similar_papers, "BUDGET", 7)
    [target] = make_papers(["Sparse reasoning engines"])
    make_papers(["Sparse attention", "Sparse probing"])
    [engines] = make_papers(["Engines of reasoning"])
    make_papers(UNRELATED_TITLES)
    assert similar(client, target)[0] == engines.title
    assert "Sparse attention" in similar(client, target)

    make_papers(["Sparse circuits", "Sparse feature circuits"])

    # "reasoning" and "engines" are in two papers each, and "sparse" now in five: seven papers at most are read.
    assert similar(client, target) == [engines.title]


def test_papers_sharing_tags_are_ranked_among_the_newest_sharing_a_topic_or_the_venue(client, monkeypatch):
    section, venue = SectionFactory(), Venue.objects.create(name="ICLR")

    def paper(title, year, tags=(), **fields):
        made = PaperFactory(title=title, section=section, date=dt.date(year, 1, 1), **fields)
        made.tags.add(*tags)
        return made

    target = paper("Target", 2025, ["sae", "circuits"], venue=venue)
    both = paper("Alpha", 2020, ["sae", "circuits"])
    newest = [paper("Bravo", 2024, ["sae"]), paper("Charlie", 2023, ["circuits"])]
    at_venue = paper("Delta", 2019, venue=venue)

    def related():
        return titles_under(page(client, target.get_absolute_url()), "related-heading")

    # Among few papers, every one sharing a topic or the venue is ranked: the most topics shared first.
    assert related() == [both.title, *(p.title for p in newest), at_venue.title]

    monkeypatch.setattr(selectors, "RELATED_CANDIDATES", 2)
    Paper.objects.filter(pk=target.pk).update(title="Target paper")  # a new version of the catalog

    # The two newest sharing a topic or the venue: the older paper sharing both topics is not read, nor the oldest.
    assert related() == [p.title for p in newest]


def test_a_paper_s_words_leave_out_stop_words_and_numbers_and_weigh_the_title_more():
    assert paper_terms("Über the GPT-2 Circuits", "Circuits of the 2 models in 2024.") == Counter(
        {"uber": 3, "gpt": 3, "circuits": 4, "models": 1}
    )


def test_the_chosen_words_are_the_most_distinctive_that_fit_the_budget(monkeypatch):
    monkeypatch.setattr(similar_papers, "BUDGET", 100)
    weights = Counter({"rare": 1, "alone": 3, "common": 3, "everywhere": 3, **dict.fromkeys("abcd", 3)})
    holders = {"rare": 2, "alone": 1, "common": 101, "everywhere": 1000, **dict.fromkeys("abcd", 30)}

    chosen = chosen_terms(weights, holders, papers=1000)

    # The most distinctive first, while the papers holding them add up to 100 at most: "d" does not fit, "rare" does;
    # "common" is held by more papers than that, "alone" by no other and "everywhere" by every paper.
    assert list(chosen) == ["a", "b", "c", "rare"]
