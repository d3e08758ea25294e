"""Figures for one catalog, in the process that imports it: import and export times, page timings, queries, memory.

Run by `python -m bench` in a fresh process per catalog size (so the peak memory is that catalog's); it can also
be run alone: `python -m bench.measure --readme PATH --database PATH`.
"""

import argparse
import cProfile
import json
import os
import resource
import statistics
import sys
import time
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The pages timed, by the name the table gives them; the venue and tag are among the synthetic catalog's.
PAGES = {
    "list": "/papers/",
    "filtered": "/papers/?venue=ICLR&tag=sae",
    "search": "/papers/?q=steering",
    "author": "/papers/?q=cunningham",
    "home": "/",
}
LOAD_PATH = "/papers/?venue=ICLR"
ABSTRACTS_A_STATEMENT = 400
NO_CACHE = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}


@dataclass
class PageFigures:
    p50_ms: float
    p95_ms: float
    cpu_p50_ms: float
    queries: int
    status: int
    size: int


@dataclass
class CatalogFigures:
    """Times in seconds or milliseconds of the wall clock, and of this process's CPU (`cpu_`) when the machine is
    shared: the wall time then includes waiting for a core."""

    papers: int
    readme_bytes: int
    import_s: float
    import_cpu_s: float
    export_s: float
    export_cpu_s: float
    metadata_s: float
    metadata_cpu_s: float
    round_trip: bool
    pages: dict[str, PageFigures]
    peak_rss_mb: float = 0.0
    load: dict = field(default_factory=dict)


def bench_environment(database: Path | str) -> dict[str, str]:
    """The environment of the benchmark's processes: production settings (DEBUG off) on `database`, a SQLite file
    or a PostgreSQL URL."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "awesome.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "benchmark-only-not-secret-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "DATABASE_URL": database if isinstance(database, str) else f"sqlite:///{database}",
        # Plain HTTP on loopback, as behind a proxy that ends TLS: no redirect to https.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        # The synthetic README of 100,000 papers (about 18 MB) is larger than the limit meant for the real list.
        "CATALOG_README_MAX_BYTES": str(1_000_000_000),
    }


def empty_database(database: Path | str) -> None:
    """Make `database` new and empty: a SQLite file is removed; a PostgreSQL database is dropped and created again
    (through the server's `postgres` database)."""
    if isinstance(database, Path):
        database.unlink(missing_ok=True)
        return
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(database)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise ValueError(f"Only PostgreSQL databases are given by URL, not {database!r}.")
    server = {"host": config["HOST"], "port": config["PORT"], "user": config["USER"], "password": config["PASSWORD"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **{k: v for k, v in server.items() if v}) as connection:
        name = sql.Identifier(config["NAME"])
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(name))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure_catalog(*, readme_path: Path, repeat: int, profile_dir: Path | None = None) -> CatalogFigures:
    """Import the README at `readme_path` into the (empty) database, export it, give its papers authors and
    abstracts (as refresh_metadata would), and time the pages.

    Pages are requested through Django's test client in this process with every cache replaced by a dummy one,
    so the times are those of rendering the page, not of a cache hit.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from catalog.models import Paper
    from catalog.services.readme_export import export_readme
    from catalog.services.readme_import import import_readme

    text = readme_path.read_text(encoding="utf-8")
    with _profiled(profile_dir, "import"), _Timer() as import_time:
        import_readme(path=readme_path)
    with _profiled(profile_dir, "export"), _Timer() as export_time:
        exported = export_readme()
    with _profiled(profile_dir, "metadata"), _Timer() as metadata_time:
        add_authors_and_abstracts()
    settle()

    client = Client()
    pages = {}
    with override_settings(CACHES={alias: NO_CACHE for alias in _cache_aliases()}):
        for name, url in PAGES.items():
            response = client.get(url)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            query_count = len(queries.captured_queries)  # read now: the next request clears the log
            with _profiled(profile_dir, f"page-{name}"):
                times = []
                for _ in range(repeat):
                    with _Timer() as timer:
                        client.get(url)
                    times.append(timer)
            wall = [timer.wall * 1000 for timer in times]
            pages[name] = PageFigures(
                p50_ms=statistics.median(wall),
                p95_ms=percentile(wall, 0.95),
                cpu_p50_ms=statistics.median(timer.cpu * 1000 for timer in times),
                queries=query_count,
                status=response.status_code,
                size=len(response.content),
            )
    return CatalogFigures(
        papers=Paper.objects.count(),
        readme_bytes=len(text.encode()),
        import_s=import_time.wall,
        import_cpu_s=import_time.cpu,
        export_s=export_time.wall,
        export_cpu_s=export_time.cpu,
        metadata_s=metadata_time.wall,
        metadata_cpu_s=metadata_time.cpu,
        round_trip=exported == text,
        pages=pages,
    )


def add_authors_and_abstracts(seed: int = 0) -> None:
    """Authors (1 to 8 a paper) and abstracts (about 1 KB) for every paper, written in one transaction with the
    rows' triggers set aside and the search index filled once, as an import does."""
    from django.db import connection, transaction

    from bench.catalog import synthetic_metadata
    from catalog.models import Author, Paper, PaperAuthor, unique_author_slug
    from catalog.services.bulk import insert_rows, insert_rows_returning_ids
    from catalog.services.row_triggers import row_triggers_suspended

    paper_ids = list(Paper.objects.order_by("pk").values_list("pk", flat=True))
    names, credits, abstracts = synthetic_metadata(paper_ids, seed=seed)
    taken = set()
    slugs = []
    for name in names:
        slugs.append(unique_author_slug(name, taken=taken))
        taken.add(slugs[-1])
    with transaction.atomic(), row_triggers_suspended():
        author_ids = insert_rows_returning_ids(Author, ["name", "slug"], list(zip(names, slugs, strict=True)))
        rows = [(paper, author_ids[author], position) for paper, author, position in credits]
        insert_rows(PaperAuthor, ["paper", "author", "position"], rows)
        table = connection.ops.quote_name(Paper._meta.db_table)
        abstract_rows = list(abstracts.items())
        with connection.cursor() as cursor:
            # Many rows a statement: PostgreSQL runs the catalog's triggers once per statement.
            for start in range(0, len(abstract_rows), ABSTRACTS_A_STATEMENT):
                chunk = abstract_rows[start : start + ABSTRACTS_A_STATEMENT]
                values = ", ".join(["(%s, %s)"] * len(chunk))
                cursor.execute(
                    f"UPDATE {table} SET abstract = v.column2 FROM (VALUES {values}) AS v WHERE {table}.id = v.column1",
                    [value for row in chunk for value in row],
                )


def settle() -> None:
    """The database as it is a while after such writes: PostgreSQL's autovacuum cleans up and analyzes a table within
    a minute or so of a rewrite of all its rows, as the abstracts are. (SQLite writes rows in place.)"""
    from django.db import connection

    # VACUUM cannot run in a transaction (as in the tests, where nothing is settled yet).
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def load_page_body() -> bytes:
    """The body of the page the load test requests, for a static file of the same size."""
    from django.test import Client

    return Client().get(LOAD_PATH).content


def peak_rss_mb() -> float:
    """The peak resident memory of this process (getrusage's ru_maxrss, in KiB on Linux), in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _Timer:
    """Seconds of the wall clock and of this process's CPU spent in the block."""

    def __enter__(self):
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc_info):
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu


def _cache_aliases():
    from django.conf import settings

    return list(settings.CACHES) or ["default"]


def _profiled(folder: Path | None, name: str):
    return _profile_to(folder / f"{name}.prof") if folder else nullcontext()


@contextmanager
def _profile_to(path: Path):
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        profiler.dump_stats(path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--readme", type=Path, required=True, help="The README to import.")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--database", type=Path, help="A new SQLite file to hold the catalog.")
    where.add_argument("--database-url", help="An empty PostgreSQL database to hold the catalog, by URL.")
    parser.add_argument("--repeat", type=int, default=30, help="Requests per page for the percentiles.")
    parser.add_argument("--page-body", type=Path, help="Write the body of the load-tested page here.")
    parser.add_argument("--profile", type=Path, help="Write cProfile stats of each phase into this folder.")
    parser.add_argument("--json", type=Path, help="Write the figures here as JSON (default: stdout).")
    options = parser.parse_args(argv)

    os.environ.update(bench_environment(options.database or options.database_url))
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    if options.profile:
        options.profile.mkdir(parents=True, exist_ok=True)
    figures = measure_catalog(readme_path=options.readme, repeat=options.repeat, profile_dir=options.profile)
    if options.page_body:
        options.page_body.write_bytes(load_page_body())
    figures.peak_rss_mb = peak_rss_mb()
    output = json.dumps(asdict(figures), indent=2)
    if options.json:
        options.json.write_text(output)
    else:
        sys.stdout.write(output + "\n")


if __name__ == "__main__":
    main()
