"""Benchmark the catalog at several sizes and print one table: `python -m bench --sizes 1000,10000,100000`.

For each size: a synthetic README of that many papers is imported into a new SQLite file (or a PostgreSQL database
made anew, `--database-url`) and exported again (in a fresh process, whose peak memory is reported), `/papers/` and
the home page are timed through Django's test client with caching off, and gunicorn (DEBUG off) serving that
database is loaded with a bounded request loop for `/papers/?venue=ICLR` and for a static file of the same size
served by whitenoise. It prints figures and asserts nothing.
"""

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import django

from bench.catalog import synthetic_readme
from bench.load import gunicorn, load
from bench.measure import LOAD_PATH, PAGES, ROOT, bench_environment, empty_database
from bench.table import markdown_table


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000", help="Catalog sizes in papers, comma-separated.")
    parser.add_argument("--repeat", type=int, default=30, help="Requests per page for p50/p95 (default 30).")
    parser.add_argument("--load-seconds", type=float, default=10, help="Seconds of load per URL; 0 skips gunicorn.")
    parser.add_argument("--concurrency", type=int, default=4, help="Client threads of the load loop (default 4).")
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="gunicorn workers (default: cores).")
    parser.add_argument("--seed", type=int, default=0, help="Seed of the synthetic catalogs.")
    parser.add_argument("--profile", action="store_true", help="Write cProfile stats of each phase to the work dir.")
    parser.add_argument("--work-dir", type=Path, help="Keep READMEs, databases, profiles and logs here.")
    parser.add_argument(
        "--database-url",
        help="Measure on this PostgreSQL database (postgres://...) instead of a new SQLite file per size. "
        "It is dropped and created again for each size.",
    )
    options = parser.parse_args(argv)
    if options.database_url and not options.database_url.startswith(("postgres://", "postgresql://")):
        parser.error(f"--database-url must be a PostgreSQL URL (postgres://...), not {options.database_url!r}")
    try:
        options.sizes = [int(size) for size in options.sizes.split(",")]
    except ValueError:
        parser.error(f"--sizes must be whole numbers separated by commas, not {options.sizes!r}")
    if any(size < 1 for size in options.sizes):
        parser.error("--sizes must be at least 1")
    return options


def machine() -> list[str]:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor() or "unknown CPU",
    )
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return [
        f"Machine: {os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable), {model}; load average {load}",
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, Django {django.get_version()}",
    ]


def database_line(url: str | None) -> str:
    if not url:
        return "Database: a new SQLite file per size"
    import psycopg

    with psycopg.connect(url) as connection:
        version = connection.execute("SHOW server_version").fetchone()[0]
    return f"Database: PostgreSQL {version}, {url.rsplit('/', 1)[-1]} dropped and created again per size"


def run(options, work: Path) -> None:
    environment = bench_environment(work / "unused.sqlite3")
    os.environ.update(environment)
    from django.conf import settings

    progress("collectstatic")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=environment, check=True
    )
    static_folder = Path(settings.STATIC_ROOT) / "bench"
    static_folder.mkdir(exist_ok=True)
    results = []
    try:
        for size in options.sizes:
            results.append(measure_size(options, work, size, static_folder, f"/{settings.STATIC_URL.strip('/')}/bench"))
    finally:
        shutil.rmtree(static_folder, ignore_errors=True)
    cache = settings.CACHES.get("default", {}).get("BACKEND", "none")
    write(
        *machine(),
        database_line(options.database_url),
        "Pages timed in process with Django's test client, caching off (p50/p95 of "
        f"{options.repeat} requests): " + ", ".join(f"{name} {url}" for name, url in PAGES.items()),
        f"Load: gunicorn, {options.workers} sync workers, DEBUG off, cache backend {cache}; "
        f"{options.concurrency} client threads for {options.load_seconds:g} s on {LOAD_PATH}, "
        "then on a static file of the same size (whitenoise)",
        "Peak RSS: getrusage ru_maxrss of the process that imports, exports and renders",
        "",
        markdown_table(results),
    )


def measure_size(options, work: Path, size: int, static_folder: Path, static_url: str) -> dict:
    readme = work / f"readme-{size}.md"
    database = options.database_url or work / f"catalog-{size}.sqlite3"
    figures, page_body = work / f"figures-{size}.json", work / f"page-{size}.html"
    progress(f"{size} papers: generating the README")
    readme.write_text(synthetic_readme(papers=size, seed=options.seed), encoding="utf-8")
    empty_database(database)
    progress(f"{size} papers: import, export, pages")
    command = [sys.executable, "-m", "bench.measure", "--readme", str(readme)]
    command += ["--database-url", database] if options.database_url else ["--database", str(database)]
    command += ["--repeat", str(options.repeat), "--page-body", str(page_body), "--json", str(figures)]
    if options.profile:
        command += ["--profile", str(work / f"profile-{size}")]
    subprocess.run(command, cwd=ROOT, env=bench_environment(database), check=True)
    result = json.loads(figures.read_text())
    if options.load_seconds > 0:
        progress(f"{size} papers: load on gunicorn")
        static_file = static_folder / f"papers-{size}.html"
        shutil.copyfile(page_body, static_file)
        log = work / f"gunicorn-{size}.log"
        result["load"] = load_test(options, database, f"{static_url}/{static_file.name}", page_body.stat().st_size, log)
    return result


def load_test(options, database: Path | str, static_path: str, size: int, log: Path) -> dict:
    with gunicorn(env=bench_environment(database), workers=options.workers, log=log) as port:
        figures = {}
        for name, path, expected in (("page", LOAD_PATH, None), ("static", static_path, size)):
            load(port=port, path=path, seconds=1, concurrency=options.concurrency)  # warm-up, not counted
            figures[name] = vars(
                load(
                    port=port,
                    path=path,
                    seconds=options.load_seconds,
                    concurrency=options.concurrency,
                    expected_size=expected,
                )
            )
    return figures


def progress(message: str) -> None:
    sys.stderr.write(f"bench: {message}\n")
    sys.stderr.flush()


def write(*lines: str) -> None:
    sys.stdout.write("\n".join(lines) + "\n")


def main(argv=None):
    options = parse_arguments(argv)
    sys.path.insert(0, str(ROOT))
    if options.work_dir:
        options.work_dir.mkdir(parents=True, exist_ok=True)
        run(options, options.work_dir)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-") as folder:
            run(options, Path(folder))


if __name__ == "__main__":
    main()
