"""The benchmark harness at a tiny size, so that it keeps working; it times nothing that is asserted."""

import threading
import time
from dataclasses import asdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from taggit.models import Tag

from bench.__main__ import parse_arguments
from bench.catalog import synthetic_metadata, synthetic_readme
from bench.detail import Timings, measure_detail_pages
from bench.load import load
from bench.measure import PAGES, add_authors_and_abstracts, measure_catalog
from bench.table import COLUMNS, markdown_table
from catalog import readme
from catalog.models import Author, Paper, Section, Venue
from catalog.services.readme_import import import_readme
from tests.load_site import Phases, reader


def test_a_synthetic_readme_has_the_papers_asked_for_spread_over_sections_venues_and_dates():
    document = readme.parse(synthetic_readme(papers=50, seed=3))
    rows = [node for section in document.sections for node in section.body if isinstance(node, readme.PaperRow)]
    assert not document.problems
    assert len(rows) == 50
    assert len({row.venue for row in rows}) > 5
    assert len({row.date.year for row in rows}) > 3
    assert len({row.url for row in rows}) == 50
    assert synthetic_readme(papers=50, seed=3) == synthetic_readme(papers=50, seed=3)


def test_synthetic_authors_and_abstracts_are_realistic_and_repeatable():
    names, credits, abstracts = synthetic_metadata(list(range(1, 201)), seed=5)
    per_paper = {
        paper: [position for credit_paper, _, position in credits if credit_paper == paper] for paper in abstracts
    }
    assert len(names) == len(set(names)) == 100
    assert all(
        positions == list(range(len(positions))) and 1 <= len(positions) <= 8 for positions in per_paper.values()
    )
    assert all(1000 <= len(abstract.encode()) <= 1300 for abstract in abstracts.values())
    papers_of = [sum(1 for _, author, _ in credits if author == index) for index in range(len(names))]
    assert max(papers_of) > 5 * (len(credits) / len(names)), "a few authors have many papers"
    assert synthetic_metadata(list(range(1, 201)), seed=5) == (names, credits, abstracts)


def test_the_harness_is_given_a_postgresql_database_by_url_and_no_other(capsys):
    assert parse_arguments(["--database-url", "postgres://postgres@127.0.0.1/bench"]).database_url.endswith("/bench")
    with pytest.raises(SystemExit):
        parse_arguments(["--database-url", "sqlite:///catalog.sqlite3"])
    assert "--database-url must be a PostgreSQL URL (postgres://...), not 'sqlite:///catalog.sqlite3'" in (
        capsys.readouterr().err
    )


@pytest.mark.django_db
def test_the_harness_imports_exports_and_times_a_tiny_catalog_into_one_table(tmp_path):
    path = tmp_path / "README.md"
    path.write_text(synthetic_readme(papers=50), encoding="utf-8")

    figures = measure_catalog(readme_path=path, repeat=2)

    assert figures.papers == Paper.objects.count() == 50
    assert figures.round_trip
    assert Author.objects.count() == 25 and not Paper.objects.filter(paper_authors=None).exists()
    assert not Paper.objects.filter(abstract="").exists()
    assert Paper.objects.filter(abstract__icontains="steering").count() > 0
    assert Section.objects.filter(papers__isnull=False).distinct().count() > 3
    assert Venue.objects.count() > 5
    assert Tag.objects.filter(catalog_taggedpaper_items__isnull=False).distinct().count() > 3
    assert {name: page.status for name, page in figures.pages.items()} == dict.fromkeys(PAGES, 200)
    assert all(page.queries > 0 and page.size > 0 for page in figures.pages.values())

    result = asdict(figures)
    result["load"] = {
        "page": {"requests_per_second": 40.0, "requests": 400, "errors": 0, "seconds": 10},
        "static": {"requests_per_second": 80.0, "requests": 800, "errors": 1, "seconds": 10},
    }
    header, separator, row = markdown_table([result]).split("\n")
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert [cell.strip() for cell in header.strip("|").split("|")] == COLUMNS
    by_column = dict(zip(COLUMNS, cells, strict=True))
    shown = ["papers", "same bytes", "venue page req/s", "static req/s", "ratio", "errors"]
    assert {name: by_column[name] for name in shown} == {
        "papers": "50",
        "same bytes": "yes",
        "venue page req/s": "40",
        "static req/s": "80",
        "ratio": "50%",
        "errors": "0 / 1",
    }


@pytest.mark.django_db
def test_the_detail_harness_times_paper_pages_and_their_two_lists_on_a_tiny_catalog(tmp_path):
    path = tmp_path / "README.md"
    path.write_text(synthetic_readme(papers=30), encoding="utf-8")
    import_readme(path=path)
    add_authors_and_abstracts()

    figures = measure_detail_pages(pages=3)

    assert figures["papers"] == 30
    timings = [value for value in figures.values() if isinstance(value, Timings)]
    assert [len(timing.wall) for timing in timings] == [1, 3, 1, 3, 3]
    assert all(len(timing.cpu) == len(timing.wall) for timing in timings)
    assert figures["queries of the first page"] > max(figures["queries per other page"]) > 0


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response({"/ok": 200, "/limited": 429}.get(self.path, 404))
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def test_the_load_loop_stops_by_itself_and_counts_failed_requests_as_errors():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        good = load(port=port, path="/ok", seconds=0.3, concurrency=2, expected_size=2)
        missing = load(port=port, path="/missing", seconds=0.3, concurrency=2)
        wrong_size = load(port=port, path="/ok", seconds=0.3, concurrency=1, expected_size=3)
    finally:
        server.shutdown()
        server.server_close()
    assert good.requests > 0 and good.errors == 0 and good.requests_per_second > 0
    assert missing.requests > 0 and missing.errors == missing.requests and missing.requests_per_second == 0
    assert wrong_size.errors == wrong_size.requests > 0


def test_the_readers_count_a_download_refused_by_the_limit_apart_from_errors():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    phases = Phases(measured_from=time.monotonic())
    results = phases.measured
    mix = {"download": lambda: "/limited", "list": lambda: "/limited"}
    try:
        reader("127.0.0.1", server.server_address[1], mix, time.monotonic() + 0.3, phases, "10.0.0.7")
    finally:
        server.shutdown()
        server.server_close()
    assert results.downloads_refused_by_limit > 0
    assert results.errors == {"429 /limited": len(results.latencies["list"])} and results.latencies["list"]


def test_the_readers_count_the_requests_of_the_warm_up_apart():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    phases = Phases(measured_from=time.monotonic() + 0.3)
    try:
        reader("127.0.0.1", server.server_address[1], {"list": lambda: "/ok"}, phases.measured_from + 0.3, phases, "")
    finally:
        server.shutdown()
        server.server_close()
    assert phases.warm_up.latencies["list"] and phases.measured.latencies["list"]
    assert not phases.warm_up.errors and not phases.measured.errors
