"""Load and faults: gunicorn under concurrent readers while a maintainer edits and publishes; prints figures.

    make load
    .venv/bin/python -m tests.load_site --clients 64 --seconds 60 --workers 4 --edit-every 3 --publish-every 6

It serves the seed catalog (fixtures/README.md) with DEBUG off from a throwaway SQLite file, or from DATABASE_URL
if set (that database's catalog is replaced by the seed), on a free loopback port. Readers request a mix of list,
filter, search, detail, feed and JSON pages while editors, each signed in to the admin, save a paper's change form
every second, and a maintainer process (tests/load_maintainer.py) edits the catalog and publishes the README with
the admin's publish service every few seconds. Each published README is then
imported into a scratch database and exported again (byte-identical), and its fixture is loaded and must export
the same README and the same fixture.
It asserts nothing about speed; it exits 1 if a request or a save failed or a publish does not round-trip.
"""

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tests.admin_http import AdminSession
from tests.servers import ROOT, gunicorn, manage

SEED = ROOT / "fixtures" / "README.md"
EDITOR_PASSWORD = secrets.token_urlsafe(16)


def make_editors(count: int) -> str:
    """The shell script that makes the editors' admin accounts."""
    return (
        "from django.contrib.auth import get_user_model\n"
        f"for number in range({count}):\n"
        f"    get_user_model().objects.create_superuser(f'editor{{number}}', '', '{EDITOR_PASSWORD}')\n"
    )


@dataclass
class Results:
    latencies: dict = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)
    downloads_refused_by_limit: int = 0
    home_latencies: list = field(default_factory=list)
    save_latencies: list = field(default_factory=list)
    failed_saves: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind, milliseconds, error=None, path=""):
        with self.lock:
            self.latencies[kind].append(milliseconds)
            if path == "/":
                self.home_latencies.append(milliseconds)
            if error:
                self.errors[error] += 1

    def record_refused_download(self):
        with self.lock:
            self.downloads_refused_by_limit += 1

    def record_save(self, milliseconds, failure=None):
        with self.lock:
            self.save_latencies.append(milliseconds)
            if failure:
                self.failed_saves.append(failure)


def serving_env(folder: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "awesome.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # Plain http on loopback, as behind a proxy that terminates TLS.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'load.sqlite3'}",
        "CATALOG_README_PATH": str(folder / "README.md"),
        "CATALOG_FIXTURE_PATH": str(folder / "catalog.json"),
        "CATALOG_DOWNLOADS_DIR": str(folder / "downloads"),
        # The readers come through one proxy, each from an address of its own (downloads are limited per address).
        "DJANGO_TRUSTED_PROXY_COUNT": "1",
    }


def prepare(env, editors, papers):
    """The catalog served: the seed, or a synthetic one of `papers` papers (bench/catalog.py)."""
    readme = SEED
    if papers:
        from bench.catalog import synthetic_readme

        readme = Path(env["CATALOG_README_PATH"]).with_name("synthetic-README.md")
        readme.write_text(synthetic_readme(papers=papers), encoding="utf-8")
    manage("migrate", "--noinput", env=env)
    manage("import_readme", "--replace", str(readme), env=env)
    manage("shell", "-c", make_editors(editors), env=env)
    shutil.copyfile(readme, env["CATALOG_README_PATH"])
    manage("export_fixtures", "-o", env["CATALOG_FIXTURE_PATH"], env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)


def fetch(base, path) -> str:
    with urllib.request.urlopen(base + path, timeout=60) as response:
        return response.read().decode()


def wait_for_downloads(base, timeout=600):
    """Ask for the full-catalog downloads until their files are written (503 "being prepared" until then)."""
    deadline = time.monotonic() + timeout
    for path in ("/papers.csv", "/papers.bib", "/papers-all.json"):
        while True:
            try:
                fetch(base, path)
                break
            except urllib.error.HTTPError as error:
                if error.code != 503 or time.monotonic() > deadline:
                    raise
            time.sleep(2)


def served_papers(base, pages=10) -> list[dict]:
    """The papers of the first `pages` pages of the JSON list (200 each)."""
    papers, page = [], 1
    while page and page <= pages:
        data = json.loads(fetch(base, f"/papers.json?page_size=200&page={page}"))
        papers += data["papers"]
        page = page + 1 if data["next"] else None
    return papers


def request_mix(base, papers):
    """The pages the readers ask for, by kind, built from the catalog being served."""
    paper_paths = [urllib.parse.urlsplit(paper["detail_url"]).path for paper in papers]
    tags = sorted({tag for paper in papers for tag in paper["tags"]})
    venues = sorted({paper["venue"]["name"] for paper in papers if paper["venue"]})
    words = sorted({word.lower() for paper in papers for word in re.findall(r"[A-Za-z]{6,}", paper["title"])})
    home, resources = fetch(base, "/"), fetch(base, "/resources/")
    sections = sorted(set(re.findall(r'href="(/sections/[\w-]+/)"', home)))
    resource_paths = sorted(set(re.findall(r'href="(/resources/\d+/)"', resources)))
    quote = urllib.parse.quote_plus
    mix = {
        "list": lambda: random.choice(["/", "/papers/", "/papers/?page=2", "/resources/", "/venues/", "/tags/"]),
        "filter": lambda: random.choice(
            [
                f"/papers/?tag={random.choice(tags)}",
                f"/papers/?venue={quote(random.choice(venues))}&sort=title",
                f"/papers/?year={random.choice([2022, 2023, 2024])}&has_code=true",
                random.choice(sections),
            ]
        ),
        "search": lambda: f"/papers/?q={random.choice(words)}",
        "detail": lambda: random.choice(paper_paths + resource_paths),
        "feed": lambda: random.choice(["/papers/feed/", f"/papers/feed/?tag={random.choice(tags)}"]),
        "json": lambda: random.choice(
            ["/papers.json", "/papers.json?page=3", f"/papers.json?tag={random.choice(tags)}&page_size=100"]
        ),
        "download": lambda: random.choice(
            [
                "/papers.csv",
                "/papers.bib",
                "/papers-all.json",
                f"/papers.csv?tag={random.choice(tags)}",
                "/papers.bib?venue=ICLR",
                f"/papers-all.json?tag={random.choice(tags)}",
            ]
        ),
    }
    return mix


@dataclass
class Phases:
    """The readers' figures: those of the requests started before `measured_from` (time.monotonic()), the warm-up,
    apart from the others."""

    measured_from: float
    warm_up: Results = field(default_factory=Results)
    measured: Results = field(default_factory=Results)

    def results_from(self, started: float) -> Results:
        return self.measured if started >= self.measured_from else self.warm_up


def reader(host, port, mix, deadline, phases, address):
    """Requests from the mix, one after another, from `address` (given to the site as through a proxy)."""
    kinds = list(mix)
    while time.monotonic() < deadline:
        kind = random.choice(kinds)
        path = mix[kind]()
        results = phases.results_from(time.monotonic())
        start = time.perf_counter()
        error = None
        try:
            connection = http.client.HTTPConnection(host, port, timeout=60)
            connection.request("GET", path, headers={"X-Forwarded-For": address})
            response = connection.getresponse()
            response.read()
            connection.close()
            if response.status == 429 and kind == "download":
                results.record_refused_download()
                continue
            if response.status != 200:
                error = f"{response.status} {path}"
        except OSError as exception:
            error = f"{type(exception).__name__}: {exception} ({path})"
        results.record(kind, (time.perf_counter() - start) * 1000, error, path)


def editor(base, number, papers, every, deadline, results):
    """A maintainer in the admin: saves a paper's change form with a new title every `every` seconds."""
    try:
        session = AdminSession(base, f"editor{number}", EDITOR_PASSWORD)
    except (OSError, RuntimeError) as error:
        results.record_save(0, f"editor {number} could not sign in: {error}")
        return
    saves = 0
    while (now := time.monotonic()) < deadline:
        paper = papers[(number + saves * len(papers) // 7) % len(papers)]
        start = time.perf_counter()
        try:
            status, body = session.save(
                f"/admin/catalog/paper/{paper}/change/", title=f"Paper {paper}, save {saves} by editor {number}"
            )
            failure = None if status == 302 else f"{status} saving paper {paper}: {body[:120]!r}"
        except (OSError, RuntimeError) as error:
            failure = f"{type(error).__name__}: {error} (paper {paper})"
        results.record_save((time.perf_counter() - start) * 1000, failure)
        saves += 1
        time.sleep(max(0.0, now + every - time.monotonic()))


def start_maintainer(args, env, folder):
    command = [sys.executable, "-m", "tests.load_maintainer"]
    seconds = args.warm_up + args.seconds
    command += [str(value) for value in (seconds, args.edit_every, args.publish_every, folder)]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)


def verify_round_trips(folder, numbers) -> dict[int, list[str]]:
    """Problems found when each published README is imported and exported, and its fixture loaded and exported."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="awesome.settings",
        DJANGO_DEBUG="1",
        DATABASE_URL=f"sqlite:///{folder / 'scratch.sqlite3'}",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from catalog.services.fixtures import catalog_fixture
    from catalog.services.readme_export import export_readme
    from catalog.services.readme_import import import_readme

    call_command("migrate", verbosity=0)
    problems = {}
    for number in numbers:
        readme = folder / f"published-{number}-README.md"
        fixture = folder / f"published-{number}-catalog.json"
        found = problems[number] = []
        call_command("flush", interactive=False, verbosity=0)
        import_readme(path=readme)
        if export_readme().encode() != readme.read_bytes():
            found.append("the README imported and exported is not the same bytes")
        call_command("flush", interactive=False, verbosity=0)
        call_command("loaddata", str(fixture), verbosity=0)
        if export_readme().encode() != readme.read_bytes():
            found.append("its fixture does not export the README published with it")
        if catalog_fixture()[0].encode() != fixture.read_bytes():
            found.append("its fixture loaded and exported is not the same bytes")
    return problems


def gunicorn_cpu_seconds() -> float:
    """CPU seconds used so far by the gunicorn this process started, its workers included (Linux's /proc)."""
    processes = {}
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            fields = (folder / "stat").read_text().rsplit(")", 1)[1].split()
            command = (folder / "cmdline").read_bytes()
        except OSError:  # the process has ended
            continue
        processes[int(folder.name)] = (int(fields[1]), b"gunicorn" in command, int(fields[11]) + int(fields[12]))
    masters = {pid for pid, (parent, gunicorn, _) in processes.items() if parent == os.getpid() and gunicorn}
    ticks = sum(cpu for pid, (parent, _, cpu) in processes.items() if pid in masters or parent in masters)
    return ticks / os.sysconf("SC_CLK_TCK")


def percentile(values, share):
    return statistics.quantiles(values, n=100, method="inclusive")[share - 1] if len(values) > 1 else values[0]


def report(args, results, warm_up, maintenance, elapsed, problems, database, server_errors, machine):
    everything = [value for values in results.latencies.values() for value in values]
    errors = sum(results.errors.values()) + sum(warm_up.errors.values())
    if args.warm_up:
        # Not in the figures below, but in the count of errors: the warm-up is the caches filling from empty.
        warm = [value for values in warm_up.latencies.values() for value in values] or [0]
        print(
            f"warm-up {args.warm_up:.0f} s, not counted below (the caches filling): requests {len(warm)} | "
            f"errors {sum(warm_up.errors.values())} | p50 {percentile(warm, 50):.0f} ms | "
            f"p99 {percentile(warm, 99):.0f} ms"
        )
    catalog = f"{args.papers} papers" if args.papers else "the seed catalog"
    print(f"gunicorn {args.workers} workers, {database}, {catalog}, {args.clients} clients for {elapsed:.0f} s")
    # On a shared machine the latencies mostly measure waiting for a core; the server's CPU a request does not.
    load = f"load average {machine['load_before']:.1f} before, {machine['load_after']:.1f} after"
    cpu = f"{machine['cpu'] / elapsed:.2f} of {os.cpu_count()} cores, {machine['cpu'] / len(everything) * 1000:.0f} ms"
    print(f"{load} | gunicorn used {cpu} of CPU a request")
    print(
        f"requests {len(everything)} | {len(everything) / elapsed:.1f} req/s | errors {errors} | "
        f"p50 {percentile(everything, 50):.0f} ms | p99 {percentile(everything, 99):.0f} ms | "
        f"max {max(everything):.0f} ms"
    )
    for kind, values in sorted(results.latencies.items()):
        p50, p99 = percentile(values, 50), percentile(values, 99)
        print(f"  {kind:<8} {len(values):>6} | p50 {p50:>5.0f} ms | p99 {p99:>5.0f} ms")
    if home := results.home_latencies:
        print(f"  /        {len(home):>6} | p50 {percentile(home, 50):>5.0f} ms | p99 {percentile(home, 99):>5.0f} ms")
    for error, count in (results.errors + warm_up.errors).most_common(10):
        print(f"  error x{count}: {error}")
    # A reader drawing downloads at random can exceed the per-address limit: the limit working, not an error.
    print(f"downloads refused by the per-address limit (429): {results.downloads_refused_by_limit}")
    if results.save_latencies:
        saves = results.save_latencies
        print(
            f"admin saves {len(saves)} by {args.editors} editors | failed {len(results.failed_saves)} | "
            f"p50 {percentile(saves, 50):.0f} ms | p99 {percentile(saves, 99):.0f} ms"
        )
    for failure in results.failed_saves[:10]:
        print(f"  failed save: {failure}")
    published = len(maintenance["publishes"])
    round_trips = sum(1 for found in problems.values() if not found)
    print(
        f"edits {maintenance['edits']} | publishes {published} | round trips {round_trips}/{published} "
        f"byte-identical (README import -> export; fixture loaddata -> the same README and fixture) | "
        f"maintainer failures {len(maintenance['failures'])} | server log errors {server_errors}"
    )
    for line in maintenance["failures"][:10]:
        print(f"  {line}")
    for number, found in problems.items():
        for line in found:
            print(f"  publish {number}: {line}")
    return (
        errors == 0
        and not results.failed_saves
        and not maintenance["failures"]
        and round_trips == published
        and (published > 0 or not args.publish_every)
        and not server_errors
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=64, help="concurrent readers (default 64)")
    parser.add_argument("--seconds", type=float, default=60, help="how long the readers are measured (default 60)")
    parser.add_argument(
        "--warm-up",
        type=float,
        default=0,
        help="seconds the readers run first, their figures printed apart (default 0: measured from the first)",
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (default 4)")
    parser.add_argument(
        "--edit-every", type=float, default=3, help="seconds between catalog edits (default 3; 0: no edits)"
    )
    parser.add_argument(
        "--publish-every", type=float, default=6, help="seconds between publishes (default 6; 0: no publishing)"
    )
    parser.add_argument(
        "--papers", type=int, default=0, help="serve a synthetic catalog of this many papers (default: the seed)"
    )
    parser.add_argument("--editors", type=int, default=4, help="maintainers saving in the admin (default 4)")
    parser.add_argument("--save-every", type=float, default=1, help="seconds between an editor's saves (default 1)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="load-"))
    try:
        env = serving_env(folder)
        print("preparing the database and static files...", flush=True)
        prepare(env, args.editors, args.papers)
        database = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
        with gunicorn(env=env, workers=args.workers, log_path=folder / "gunicorn.log") as base:
            wait_for_downloads(base)
            papers = served_papers(base)
            mix = request_mix(base, papers)
            paper_ids = [paper["id"] for paper in papers]
            host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
            print(f"serving on {base}; {args.clients} clients for {args.warm_up + args.seconds:.0f} s...", flush=True)
            phases = Phases(measured_from=time.monotonic() + args.warm_up)
            results, measured_from = phases.measured, phases.measured_from
            deadline = measured_from + args.seconds
            threads = [
                threading.Thread(target=reader, args=(host, port, mix, deadline, phases, f"10.1.{n // 250}.{n % 250}"))
                for n in range(args.clients)
            ]
            threads += [
                threading.Thread(target=editor, args=(base, number, paper_ids, args.save_every, deadline, results))
                for number in range(args.editors)
            ]
            maintainer = start_maintainer(args, env, folder)
            for thread in threads:
                thread.start()
            time.sleep(max(0.0, measured_from - time.monotonic()))
            load_before, cpu_before = os.getloadavg()[0], gunicorn_cpu_seconds()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - measured_from
            machine = {
                "load_before": load_before,
                "load_after": os.getloadavg()[0],
                "cpu": gunicorn_cpu_seconds() - cpu_before,
            }
            maintenance = json.loads(maintainer.communicate()[0])
        log = (folder / "gunicorn.log").read_text()
        server_errors = log.count("Traceback") + log.count("Database unavailable")
        if server_errors:
            first = min(at for at in (log.find("Traceback"), log.find("Database unavailable")) if at >= 0)
            print(f"gunicorn's log holds errors, the first:\n{log[max(0, first - 500) : first + 3000]}")
        print(f"checking {len(maintenance['publishes'])} published READMEs...", flush=True)
        problems = verify_round_trips(folder, maintenance["publishes"])
        ok = report(args, results, phases.warm_up, maintenance, elapsed, problems, database, server_errors, machine)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
