"""Benchmark of the README round trip on the seed: prints figures, asserts nothing about speed.

Run with `make bench` (a throwaway SQLite database under /tmp).
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(function, repeat):
    """Median milliseconds of `repeat` calls and the last result."""
    runs, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs), result


def main(folder: Path):
    database = folder / "bench.sqlite3"
    os.environ.update(DATABASE_URL=f"sqlite:///{database}", DJANGO_DEBUG="1", DJANGO_SETTINGS_MODULE="awesome.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from catalog.readme import parse, render
    from catalog.services.readme import export_readme, import_readme

    call_command("migrate", verbosity=0)
    seed = ROOT / "fixtures" / "README.md"
    text = seed.read_text(encoding="utf-8")
    parse_ms, document = timed(lambda: parse(text), 20)
    render_ms, _ = timed(lambda: render(document), 20)
    import_ms, summary = timed(lambda: import_readme(path=seed, replace=True), 5)
    export_ms, exported = timed(export_readme, 20)
    with CaptureQueriesContext(connection) as queries:
        export_readme()
    print(f"README: {len(text.encode())} bytes, {summary.papers} papers, {summary.resources} resources")
    print(f"parse {parse_ms:.1f} ms | render {render_ms:.1f} ms | import (SQLite) {import_ms:.0f} ms", end=" | ")
    print(f"export {export_ms:.1f} ms in {len(queries.captured_queries)} queries | byte-identical: {exported == text}")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        main(Path(folder))
