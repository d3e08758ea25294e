"""Two gunicorn instances, each with its own clone, publishing the same catalog to one repository at once.

They share the suite's kind of database: a SQLite file, or, in the PostgreSQL pass (DATABASE_URL), a database
of that server created for the test.

Each round changes one paper, then both instances' Publish buttons are pressed together: the database lock lets one
publish and the other find nothing to publish, so the repository gets exactly one commit per change and every
change is in it.
"""

import os
import re
import secrets
import sys
import threading
import urllib.parse
import urllib.request
from contextlib import ExitStack
from http.cookiejar import CookieJar

import dj_database_url
import psycopg
import pytest

from tests.repository.conftest import SEED, Upstream, git
from tests.servers import gunicorn, manage

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="gunicorn needs a POSIX system")
ROUNDS = 5
PASSWORD = secrets.token_urlsafe(16)
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MAKE_MAINTAINER = f"""
from django.contrib.auth import get_user_model
user = get_user_model().objects.create_superuser("maria", "maria@example.org", "{PASSWORD}")
user.first_name, user.last_name = "Maria", "Maintainer"
user.save()
"""
EDIT = """
from catalog.models import Paper
paper = Paper.objects.order_by("pk")[{n}]
paper.title += " (round {n})"
paper.save()
"""


def open_url(opener, url, data=None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with opener.open(urllib.request.Request(url, data=body), timeout=120) as response:
        return response.read().decode()


def signed_in(base):
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    token = CSRF_FIELD.search(open_url(opener, f"{base}/admin/login/"))[1]
    open_url(opener, f"{base}/admin/login/", {"username": "maria", "password": PASSWORD,
                                              "csrfmiddlewaretoken": token, "next": "/admin/"})  # fmt: skip
    return opener, jar


def publish(base, session, page, answers, index):
    """Press the Publish button of the page `page` of the instance at `base`."""
    opener, _ = session
    token = CSRF_FIELD.search(page)[1]
    answers[index] = open_url(opener, f"{base}/admin/readme/", {"csrfmiddlewaretoken": token, "publish": "1"})


def shared_database(tmp_path) -> str:
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith("postgres"):
        return f"sqlite:///{tmp_path / 'db.sqlite3'}"
    config = dj_database_url.parse(configured)
    name = f"{config['NAME']}_publish_instances"
    server = {"host": config["HOST"], "port": config["PORT"] or 5432, "user": config["USER"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return configured.rsplit("/", 1)[0] + f"/{name}"


def test_publishes_from_two_instances_at_once_make_one_commit_per_change(tmp_path):
    upstream = Upstream(tmp_path / "remote.git", tmp_path / "up")
    upstream.commit(lambda _: SEED.read_text(encoding="utf-8"), "The list")
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "CATALOG_"))}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "awesome.test_settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": shared_database(tmp_path),
        "CATALOG_GIT_REMOTE": str(upstream.remote),
        "CATALOG_GIT_WORKDIR": str(tmp_path / "work-setup"),
    }
    manage("migrate", "--noinput", "-v0", env=environment)
    manage("sync_repository", env=environment)
    manage("shell", "-c", MAKE_MAINTAINER, env=environment)
    commits = upstream.count()
    with ExitStack() as stack:
        bases = [
            stack.enter_context(
                gunicorn(env={**environment, "CATALOG_GIT_WORKDIR": str(tmp_path / f"work-{name}")},
                         log_path=tmp_path / f"{name}.log")
            )
            for name in ("a", "b")
        ]  # fmt: skip
        sessions = [signed_in(base) for base in bases]
        for n in range(ROUNDS):
            manage("shell", "-c", EDIT.format(n=n), env=environment)
            pages = [
                open_url(opener, f"{base}/admin/readme/") for base, (opener, _) in zip(bases, sessions, strict=True)
            ]
            answers = [None, None]
            threads = [
                threading.Thread(target=publish, args=(bases[i], sessions[i], pages[i], answers, i)) for i in (0, 1)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert upstream.count() == commits + n + 1, f"round {n}: {upstream.count() - commits} commits"
            assert upstream.show("main:README.md").count(f"(round {n})") == 1
            outcomes = sorted(re.search(r'<li class="(success|info)">(\w+)', answer).groups() for answer in answers)
            assert outcomes == [("info", "Nothing"), ("success", "Published")], f"round {n}: {outcomes}"
    exported = manage("export_readme", env=environment)
    assert upstream.show("main:README.md") == exported
    authors = git("--git-dir", str(upstream.remote), "log", f"-{ROUNDS}", "--format=%an", "main").split("\n")
    assert authors[:ROUNDS] == ["Maria Maintainer"] * ROUNDS
