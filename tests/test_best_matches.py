"""A search's page of best matches chosen from SQLite's search index alone (catalog/best_matches.py): the same
papers in the same order as the list's own query, ties at the page's edge and titles equal to the search
included, and the list's query left to choose when the index cannot tell."""

import datetime as dt

import pytest
from django.db import connection

from catalog import best_matches
from catalog.filters import best_match_first
from catalog.models import Paper, Section, Venue

pytestmark = pytest.mark.django_db
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the page is chosen from SQLite's index only")

SEARCHES = ["grokking", "grokking study", "study", "modular addition", '"in small"', "grok", "identical"]


@pytest.fixture
def ranked_catalog(db):
    """Matches of equal rank in runs of up to 18 (the same title and abstract but for a number) and in one of 30,
    titles equal to or begun by a search, and equal dates broken by README position."""
    section = Section.objects.create(title="Papers", level=1)
    venue = Venue.objects.create(name="Grokking Workshop", kind="workshop")
    papers = [
        Paper(
            title=f"Study {number}" if number % 4 else f"Grokking study {number}",
            abstract="We find grokking in small models" + " again" * (number % 5),
            venue=venue if number % 3 == 0 else None,
            url=f"https://example.org/{number}",
            date=dt.date(2023, 1 + number % 3, 1),
            section=section,
            position=(number * 7) % 120,
        )
        for number in range(120)
    ]
    papers += [
        Paper(title=title, url="https://example.org/t", date=dt.date(2020, 1, 1), section=section, position=500 + i)
        for i, title in enumerate(["Grokking", "grokking study", "Modular addition", "Modular addition in small nets"])
    ]
    papers += [
        Paper(
            title=f"Tied {number}",
            abstract="Identical words",
            url="https://example.org/tied",
            date=dt.date(2022, 1 + number % 2, 1),
            section=section,
            position=number % 4,
        )
        for number in range(30)
    ]
    Paper.objects.bulk_create(papers)


def in_full(text):
    return list(best_match_first(Paper.objects.matching(text), text).values_list("pk", flat=True))


@on_sqlite
def test_every_window_of_the_best_matches_is_the_list_s_own(ranked_catalog):
    chosen = 0
    for text in SEARCHES:
        ranked = in_full(text)
        assert ranked, text
        for size in (1, 3, 10, 50):
            for start in range(0, len(ranked) + size, size):
                ids = best_matches.page_ids(text, start, start + size)
                if ids is not None:
                    chosen += 1
                    assert ids == ranked[start : start + size], (text, start, size)
    # Most windows are chosen from the index: only equal ranks running past the spare matches fall back.
    assert chosen > 300


@on_sqlite
def test_equal_ranks_running_past_what_was_read_leave_the_page_to_the_list(ranked_catalog):
    ranked = in_full("identical")
    assert len(ranked) == 30
    assert best_matches.page_ids("identical", 0, 1) is None
    assert best_matches.page_ids("identical", 5, 10) is None
    # All of them read: their dates and positions order them.
    assert best_matches.page_ids("identical", 0, 30) == ranked
    assert best_matches.page_ids("identical", 10, 20) == ranked[10:20]


@on_sqlite
def test_a_title_equal_to_the_search_then_titles_begun_by_it_come_first(ranked_catalog):
    grokking = best_matches.page_ids("grokking", 0, 3)
    assert Paper.objects.get(pk=grokking[0]).title == "Grokking"
    modular = [Paper.objects.get(pk=pk).title for pk in best_matches.page_ids("modular addition", 0, 2)]
    assert modular == ["Modular addition", "Modular addition in small nets"]
    assert best_matches.page_ids("Modular addition.", 0, 2) == best_matches.page_ids("modular addition", 0, 2)


@on_sqlite
def test_a_deep_page_is_left_to_the_list(ranked_catalog):
    assert best_matches.page_ids("grokking", best_matches.DEEPEST, best_matches.DEEPEST + 50) is None


def test_a_search_without_words_or_on_postgresql_is_left_to_the_list(ranked_catalog):
    assert best_matches.page_ids("***", 0, 50) is None
    if connection.vendor != "sqlite":
        assert best_matches.page_ids("grokking", 0, 50) is None


def test_the_papers_page_of_a_search_lists_the_best_matches_in_order(ranked_catalog, client):
    ranked = in_full("grokking")
    html = client.get("/papers/", {"q": "grokking", "page": 2}).content.decode()
    titles = dict(Paper.objects.values_list("pk", "title"))
    positions = [html.index(f'href="/papers/{pk}/"') for pk in ranked[50:100]]
    assert positions == sorted(positions)
    assert all(titles[pk] in html for pk in ranked[50:100])
