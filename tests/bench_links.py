"""Benchmark of check_links on a catalog of 2,000 URLs spread over 40 local fake hosts that answer slowly.

Prints figures, asserts nothing about speed. Run: `.venv/bin/python tests/bench_links.py [URLS] [HOSTS] [LATENCY]`
(a throwaway SQLite database under /tmp). The fake hosts are servers on 127.0.0.1, one port each, run in a
separate process so that they do not share the checker's interpreter; they stop at the end.
"""

import datetime as dt
import multiprocessing
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = {"CONCURRENCY": "32", "PER_HOST": "2", "DELAY": "0.05", "TIMEOUT": "10"}


def route(latency):
    from tests.fake_http import Answer

    def answer(request):
        kind, number = request.path.strip("/").split("/")
        number = int(number)
        if kind == "paper" and number % 20 == 0:
            return Answer(404, delay=latency)
        if kind == "paper" and number % 20 == 1:
            return Answer(301, {"Location": f"/moved/{number}"}, delay=latency)
        if number % 50 == 2 and request.server.calls[request.path] == 1:
            return Answer(503, delay=latency)
        return Answer(200, delay=latency)

    return answer


def serve(hosts, latency, connection):
    """Run `hosts` fake servers; send their ports, wait for a word, send (requests, most at once) per server."""
    sys.path.insert(0, str(ROOT))
    from tests.fake_http import FakeServer

    with ExitStack() as stack:
        servers = [stack.enter_context(FakeServer(route(latency))) for _ in range(hosts)]
        connection.send([server.base for server in servers])
        connection.recv()
        connection.send([(len(server.requests), max(server.max_in_flight.values(), default=0)) for server in servers])


def main(folder: Path, urls: int, hosts: int, latency: float):
    os.environ.update(
        DATABASE_URL=f"sqlite:///{folder / 'bench.sqlite3'}",
        DJANGO_DEBUG="1",
        DJANGO_SETTINGS_MODULE="awesome.settings",
        **{f"CATALOG_LINKCHECK_{name}": value for name, value in SETTINGS.items()},
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from catalog.models import LinkCheck, Paper, Section

    call_command("migrate", verbosity=0)
    ours, theirs = multiprocessing.Pipe()
    servers = multiprocessing.Process(target=serve, args=(hosts, latency, theirs), daemon=True)
    servers.start()
    try:
        bases = ours.recv()
        section = Section.objects.create(title="Bench", level=2)
        Paper.objects.bulk_create(
            Paper(
                title=f"Paper {n}",
                url=f"{bases[n % hosts]}/paper/{n}",
                date=dt.date(2024, 1, 1),
                section=section,
                position=n,
            )
            for n in range(urls)
        )
        out = StringIO()
        start = time.perf_counter()
        call_command("check_links", stdout=out, stderr=StringIO())
        seconds = time.perf_counter() - start
        ours.send("stop")
        stats = ours.recv()
    finally:
        servers.terminate()
    requests = sum(count for count, _ in stats)
    settings = ", ".join(f"{name.lower()} {value}" for name, value in SETTINGS.items())
    print(f"{urls} URLs on {hosts} hosts answering in {latency * 1000:.0f} ms; {settings}")
    print(f"check_links: {seconds:.1f} s for {requests} requests ({requests / seconds:.0f} requests/s)")
    print(
        f"most requests at once on one host: {max(most for _, most in stats)}; rows stored: {LinkCheck.objects.count()}"
    )
    print(out.getvalue().splitlines()[0])


if __name__ == "__main__":
    arguments = [float(value) for value in sys.argv[1:]]
    count, host_count, answer_latency = (arguments + [2000, 40, 0.1][len(arguments) :])[:3]
    with tempfile.TemporaryDirectory() as folder:
        main(Path(folder), int(count), int(host_count), answer_latency)
