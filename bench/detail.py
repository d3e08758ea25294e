"""A paper's page in a large catalog: `python -m bench.detail --papers 100000`.

A synthetic catalog of that many papers, with authors and abstracts, is imported into a SQLite file (kept in
--work-dir, and reused when it is there). Then, in this process with production settings (DEBUG off) and a
local-memory cache, the script prints: the first paper page of the catalog's version (which also makes what is
made once per version: the BibTeX keys and the word counts of the similar papers), then the pages of --pages other
papers, each a page-cache miss (p50 and p95 of the wall clock and of the process's CPU, and the SQL queries of
each), the word counts of the similar papers alone, and the two lists of those pages alone: the papers similar by
their words and those sharing their tags.
Figures only; it asserts nothing.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from bench.measure import ROOT, bench_environment, percentile

PLAIN_STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
LOCAL_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
NO_CACHE = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
# The synthetic README of 100,000 papers is about 18 MB.
README_MAX_BYTES = str(100_000_000)


@dataclass
class Timings:
    """Milliseconds of the wall clock and of this process's CPU, one of each per run."""

    wall: list[float]
    cpu: list[float]

    def line(self) -> str:
        wall, cpu = self.wall, self.cpu
        if len(wall) == 1:
            return f"{wall[0]:.0f} ms (cpu {cpu[0]:.0f} ms)"
        return (
            f"p50 {statistics.median(wall):.1f} / p95 {percentile(wall, 0.95):.1f} ms "
            f"(cpu p50 {statistics.median(cpu):.1f} / p95 {percentile(cpu, 0.95):.1f} ms)"
        )


def timed(runs, work) -> Timings:
    """The times of `work(item)` for each of `runs`."""
    timings = Timings([], [])
    for item in runs:
        wall, cpu = time.perf_counter(), time.process_time()
        work(item)
        timings.wall.append((time.perf_counter() - wall) * 1000)
        timings.cpu.append((time.process_time() - cpu) * 1000)
    return timings


def measure_detail_pages(*, pages: int, seed: int = 0) -> dict:
    """Time the first paper page of the version, then `pages` others, and their similar and related papers."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from catalog.catalog_version import current_state
    from catalog.models import Paper
    from catalog.selectors import related_paper_ids
    from catalog.similar_papers import similar_paper_ids, word_counts
    from catalog.views.pages import RELATED_ON_DETAIL, SIMILAR_ON_DETAIL

    ids = list(Paper.objects.order_by("pk").values_list("pk", flat=True))
    first, *others = random.Random(seed).sample(ids, min(pages + 1, len(ids)))
    client = Client()
    queries = {}

    def page(pk):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/papers/{pk}/")
        if response.status_code != 200:
            raise RuntimeError(f"/papers/{pk}/ answered {response.status_code}")
        queries[pk] = len(captured.captured_queries)

    with override_settings(CACHES={"default": LOCAL_CACHE}, STORAGES={"staticfiles": PLAIN_STATIC}):
        first_page = timed([first], page)
        other_pages = timed(others, page)
        papers = list(Paper.objects.filter(pk__in=others).prefetch_related("tags"))
        similar = timed(papers, lambda paper: similar_paper_ids(paper, limit=SIMILAR_ON_DETAIL))
        related = timed(papers, lambda paper: related_paper_ids(paper, limit=RELATED_ON_DETAIL))
    with override_settings(CACHES={"default": NO_CACHE}):
        counts = timed([current_state()], word_counts)
    return {
        "papers": len(ids),
        "first page of the version": first_page,
        f"{len(others)} other pages": other_pages,
        "queries of the first page": queries[first],
        "queries per other page": sorted({queries[pk] for pk in others}),
        "word counts of the similar papers (once per version)": counts,
        "similar papers alone": similar,
        "papers sharing tags alone": related,
    }


def prepare(database: Path, papers: int) -> None:
    """A migrated SQLite file holding a synthetic catalog of `papers` with authors and abstracts (kept if there)."""
    from django.core.management import call_command

    from bench.catalog import synthetic_readme
    from bench.measure import add_authors_and_abstracts
    from catalog.services.readme_import import import_readme

    fresh = not database.exists()
    call_command("migrate", verbosity=0)
    if not fresh:
        return
    readme = database.with_suffix(".md")
    readme.write_text(synthetic_readme(papers=papers), encoding="utf-8")
    import_readme(path=readme)
    add_authors_and_abstracts()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=40, help="Paper pages timed after the first (default 40).")
    parser.add_argument("--work-dir", type=Path, help="Keep (and reuse) the catalog here.")
    options = parser.parse_args(argv)
    with nullcontext(options.work_dir) if options.work_dir else tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / f"detail-{options.papers}.sqlite3"
        os.environ.update(bench_environment(database), CATALOG_README_MAX_BYTES=README_MAX_BYTES)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        prepare(database, options.papers)
        for name, value in measure_detail_pages(pages=options.pages).items():
            sys.stdout.write(f"{name}: {value.line() if isinstance(value, Timings) else value}\n")


if __name__ == "__main__":
    main()
