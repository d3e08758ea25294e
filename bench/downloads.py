"""Downloads and the sitemap of a large catalog under gunicorn: `python -m bench.downloads --papers 50000`.

A synthetic catalog of that many papers is imported into a SQLite file (kept in --work-dir, and reused when it is
there), gunicorn (DEBUG off, locmem cache) serves it, and the script prints: the time and size of the first and
second request of the full CSV, BibTeX and JSON and of the sitemap (the first until it is served, through the
503s of a file still being written after the first wait), and the home page's latency while six full downloads
run at once. Figures only; it asserts nothing.
"""

import argparse
import contextlib
import http.client
import shutil
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

DOWNLOADS = ["/papers.csv", "/papers.bib", "/papers-all.json", "/sitemap.xml", "/sitemap-papers.xml"]
TIMEOUT = 300
BEING_PREPARED_PAUSE = 0.5


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def prepare(work: Path, papers: int) -> dict:
    database = work / f"downloads-{papers}.sqlite3"
    environment = bench_environment(database)
    environment["DJANGO_STATIC_ROOT"] = str(work / "static")
    # A new instance: no file written yet, and none of another catalog size.
    downloads = work / f"downloads-{papers}"
    shutil.rmtree(downloads, ignore_errors=True)
    environment["CATALOG_DOWNLOADS_DIR"] = str(downloads)
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


def served(port, path) -> tuple[float, int, int, int]:
    """`timed`, asking again while the answer is 503 (a file still being written): and how many 503s."""
    start, refused = time.perf_counter(), 0
    while (answer := timed(port, path))[1] == 503:
        refused += 1
        time.sleep(BEING_PREPARED_PAUSE)
    return time.perf_counter() - start, answer[1], answer[2], refused


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
            first, status, size, refused = served(port, path)
            second, _, _ = timed(port, path)
            say(
                f"  {path:<19} {status} {size / 1e6:6.1f} MB | first {first:6.2f} s ({refused} x 503) "
                f"| second {second:6.2f} s"
            )
        latencies = home_while_downloading(port, 6)
        say(
            f"  / during 6 concurrent full downloads: p50 {statistics.median(latencies):.2f} s, "
            f"max {max(latencies):.2f} s"
        )


if __name__ == "__main__":
    main()
