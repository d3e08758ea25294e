"""Downloads and the sitemap of a large catalog under gunicorn: `python -m bench.downloads --papers 50000`.

A synthetic catalog of that many papers is imported into a SQLite file (kept in --work-dir, and reused when it is
there), gunicorn (DEBUG off, locmem cache) serves it, and the script prints: the time and size of the first and
second request of the full CSV and BibTeX and of the sitemap, and the home page's latency while six full downloads
run at once. Figures only; it asserts nothing.
"""

import argparse
import contextlib
import http.client
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.catalog import synthetic_readme
from bench.load import get, gunicorn
from bench.measure import ROOT, bench_environment

DOWNLOADS = ["/papers.csv", "/papers.bib", "/sitemap.xml", "/sitemap-papers.xml"]
TIMEOUT = 300


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def prepare(work: Path, papers: int) -> dict:
    database = work / f"downloads-{papers}.sqlite3"
    environment = bench_environment(database)
    environment["DJANGO_STATIC_ROOT"] = str(work / "static")
    environment["CATALOG_DOWNLOADS_DIR"] = str(work / "downloads")
    environment["CATALOG_DOWNLOAD_LIMIT"] = "0"
    if not database.exists():
        readme = work / f"README-{papers}.md"
        readme.write_text(synthetic_readme(papers=papers), encoding="utf-8")
        for command in (["migrate", "--noinput", "-v0"], ["import_readme", str(readme)]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=environment, check=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=environment, check=True
    )
    return environment


def timed(port, path) -> tuple[float, int, int]:
    start = time.perf_counter()
    status, body = get(port, path, timeout=TIMEOUT)
    return time.perf_counter() - start, status, len(body)


def home_while_downloading(port, downloads: int) -> list[float]:
    """Latencies of `/` requested one after another while `downloads` full downloads run at once, repeatedly."""
    stop = threading.Event()

    def download(path):
        while not stop.is_set():
            with contextlib.suppress(OSError, http.client.HTTPException):
                get(port, path, timeout=TIMEOUT)

    threads = [threading.Thread(target=download, args=(DOWNLOADS[n % 2],)) for n in range(downloads)]
    for thread in threads:
        thread.start()
    latencies = []
    try:
        for _ in range(20):
            latencies.append(timed(port, "/")[0])
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    return latencies


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.downloads", description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "bench-downloads")
    options = parser.parse_args(argv)
    options.work_dir.mkdir(parents=True, exist_ok=True)
    environment = prepare(options.work_dir, options.papers)
    with gunicorn(env=environment, workers=options.workers, log=options.work_dir / "gunicorn.log") as port:
        say(f"{options.papers} papers, gunicorn {options.workers} workers")
        for path in DOWNLOADS:
            first, status, size = timed(port, path)
            second, _, _ = timed(port, path)
            say(f"  {path:<14} {status} {size / 1e6:6.1f} MB | first {first:6.2f} s | second {second:6.2f} s")
        latencies = home_while_downloading(port, 6)
        say(
            f"  / during 6 concurrent full downloads: p50 {statistics.median(latencies):.2f} s, "
            f"max {max(latencies):.2f} s"
        )


if __name__ == "__main__":
    main()
