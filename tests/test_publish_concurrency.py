"""Publishes running at once, from separate processes with different catalogs, never interleave their files."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from catalog.services.files import file_lock
from tests.publishing_worker import ROOT, STATES

ROUNDS = 10


def start_worker(state, folder):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / state}.sqlite3",
        "CATALOG_README_PATH": str(folder / "README.md"),
        "CATALOG_FIXTURE_PATH": str(folder / "catalog.json"),
        "DJANGO_SETTINGS_MODULE": "awesome.test_settings",
    }
    command = [sys.executable, "-m", "tests.publishing_worker", state, str(ROUNDS), str(folder / f"expected-{state}")]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def read_published(folder):
    """The README and the fixture on disk, read together as a reviewer of the admin's page reads them."""
    with file_lock(folder / "README.md", shared=True):
        paths = [folder / "README.md", folder / "catalog.json"]
        return tuple(path.read_text(encoding="utf-8") if path.exists() else None for path in paths)


def test_concurrent_publishes_of_different_catalogs_always_leave_one_complete_export(tmp_path: Path):
    workers = [start_worker(state, tmp_path) for state in STATES]
    try:
        for worker in workers:
            assert worker.stdout.readline() == "ready\n"
        exports = {
            state: ((tmp_path / f"expected-{state}.md").read_text(), (tmp_path / f"expected-{state}.json").read_text())
            for state in STATES
        }
        assert len({readme for readme, _ in exports.values()}) == 2, "two states share a README, not a fixture"
        seen, done = [], threading.Event()

        def watch():
            while not done.is_set():
                seen.append(read_published(tmp_path))
                time.sleep(0.002)

        watcher = threading.Thread(target=watch)
        watcher.start()
        for worker in workers:
            worker.stdin.write("go\n")
            worker.stdin.flush()
        written = [int(worker.communicate(timeout=300)[0]) for worker in workers]
        done.set()
        watcher.join()
    finally:
        for worker in workers:
            worker.kill()
            worker.wait()

    pairs = set(exports.values())
    complete = [files for files in seen if files != (None, None)]
    assert complete, "the watcher saw published files"
    assert all(files in pairs for files in complete), "a README and a fixture from different exports were seen"
    assert read_published(tmp_path) in pairs
    assert sum(1 for count in written if count) >= 2, f"publishes that wrote: {dict(zip(STATES, written, strict=True))}"
