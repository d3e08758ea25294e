"""What the pages need of many papers is read from indexes, not from the papers' rows, which an abstract makes several
times wider: a search's counts and its choice of a page, the home page's newest additions, the feeds' papers.

SQLite's query plans, as EXPLAIN QUERY PLAN gives them (PostgreSQL plans by its statistics of the data).
"""

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.db.models import F
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from bench.catalog import synthetic_readme
from catalog.filters import PaperFilter
from catalog.models import NEWEST_ADDITIONS, Paper, newest_additions_by_day
from catalog.selectors import PaperEntryPages, PaperTally, newest_additions, related_paper_ids
from catalog.services.readme_import import import_readme

pytestmark = pytest.mark.django_db


@pytest.fixture
def papers(db, tmp_path):
    """A catalog like the benchmark's, of 1,000 papers, imported (the import ends with ANALYZE): SQLite plans a
    smaller one otherwise, reading a few rows as cheaply as an index."""
    if connection.vendor != "sqlite":
        pytest.skip("These are SQLite's query plans.")
    readme = tmp_path / "README.md"
    readme.write_text(synthetic_readme(papers=1000), encoding="utf-8")
    import_readme(path=readme)


def plan(queryset=None, *, sql=None) -> list[str]:
    """The steps of the plan of `queryset`, or of `sql` as a query ran it (its values written in)."""
    sql, params = queryset.query.sql_with_params() if queryset is not None else (sql, ())
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return [detail for *_, detail in cursor.fetchall()]


def paper_reads(steps) -> list[str]:
    """The steps of a plan that read the paper table of the query itself (not of a subquery)."""
    return [step for step in steps if step.split()[1] == "catalog_paper"]


def ranked_search(q):
    filterset = PaperFilter(QueryDict(urlencode({"q": q})), queryset=Paper.objects.all())
    assert filterset.is_valid(), filterset.errors
    return filterset


def test_a_search_counts_its_matches_from_an_index(papers):
    matches = Paper.objects.matching("steering").order_by()
    with CaptureQueriesContext(connection) as captured:
        tally = PaperTally.of_result(matches, count_code=True)
    assert tally.total == matches.count() > 0

    (counts,) = [query["sql"] for query in captured]
    reads = paper_reads(plan(sql=counts))
    assert reads and all("USING COVERING INDEX" in step for step in reads), reads


def test_a_search_chooses_its_page_of_best_matches_from_indexes(papers):
    filterset = ranked_search("steering")
    chosen = filterset.qs.values("pk")[:50]

    reads = paper_reads(plan(chosen))
    assert reads and all("USING COVERING INDEX catalog_paper_id_facets" in step for step in reads), reads
    # The page's papers, read by their ids, come in the order of the whole list.
    assert filterset.chooses_page_by_id()
    page = PaperEntryPages(filterset.qs, by_id=True)[:50]
    assert [entry["pk"] for entry in page] == list(filterset.qs.values_list("pk", flat=True)[:50])


def test_the_newest_additions_are_read_along_their_index_without_a_sort(papers):
    newest = Paper.objects.order_by(*newest_additions_by_day()).values("pk")[:8]

    (scan,) = plan(newest)  # no sort
    assert scan.startswith("SCAN catalog_paper USING ") and scan.endswith("INDEX catalog_paper_added_by_day"), scan
    assert [entry["pk"] for entry in newest_additions(limit=8)] == list(newest.values_list("pk", flat=True))


def test_the_feeds_read_the_papers_added_last_along_their_index_without_a_sort(papers):
    assert plan(Paper.objects.order_by(*NEWEST_ADDITIONS)[:50]) == [
        "SCAN catalog_paper USING INDEX catalog_paper_added_last"
    ]


def test_related_papers_are_read_newest_first_along_the_date_index(papers):
    paper = Paper.objects.filter(venue__isnull=False, tags__isnull=False).prefetch_related("topics").first()
    with CaptureQueriesContext(connection) as captured:
        assert related_paper_ids(paper, limit=6)

    # The candidates, then those of their topics that the paper has, each candidate's looked up along indexes.
    candidates, topics = [query["sql"] for query in captured]
    assert "catalog_paper_topic" in topics
    assert not [step for step in plan(sql=topics) if step.startswith("SCAN ")], plan(sql=topics)
    steps = plan(sql=candidates)
    # The only scan of papers reads the date index until enough share a topic or the venue (the sections' small
    # tables aside); no view of every entry's topics is made.
    scans = [step for step in steps if step.startswith("SCAN ") and "catalog_section" not in step]
    assert scans and all(step.endswith("INDEX catalog_paper_date") for step in scans), steps
    assert not [step for step in steps if "catalog_paper_topic" in step], steps


def test_the_most_cited_are_read_along_their_index_without_a_sort(papers):
    Paper.objects.filter(pk__in=Paper.objects.order_by("?").values("pk")[:300]).update(citation_count=F("id") % 97)
    filterset = PaperFilter(QueryDict("sort=-citations"), queryset=Paper.objects.all())
    assert filterset.is_valid(), filterset.errors
    chosen = filterset.qs.values("pk")[:50]

    assert plan(chosen) == ["SCAN catalog_paper USING COVERING INDEX catalog_paper_most_cited"]
    cited = Paper.objects.exclude(citation_count=None).order_by("-citation_count", "-date", "position", "id")
    uncited = Paper.objects.filter(citation_count=None).order_by("-date", "position", "id")
    expected = [*cited.values_list("pk", flat=True), *uncited.values_list("pk", flat=True)]
    assert list(filterset.qs.values_list("pk", flat=True)) == expected
