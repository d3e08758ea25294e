"""A database or a Redis that accepts connections and never answers: the site answers anyway, and soon.

The hung service is a local TCP server that accepts every connection and never sends a byte.
"""

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import OperationalError

from catalog.page_cache import MISS, STATUS_HEADER
from tests.servers import gunicorn
from tests.test_site import run_settings

# Far less than gunicorn's worker timeout (30 s), after which a hung worker is killed and answers nothing.
ANSWER_WITHIN = 10


class SilentServer:
    """Accepts connections on a free loopback port and never answers; counts the connections."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = []
        self.thread = threading.Thread(target=self.accept, daemon=True)
        self.thread.start()

    def accept(self):
        while True:
            try:
                self.connections.append(self.listener.accept()[0])
            except OSError:
                return

    def close(self):
        self.listener.close()
        for connection in self.connections:
            connection.close()


@pytest.fixture
def silent_server():
    server = SilentServer()
    yield server
    server.close()


def get(url):
    """Status and body, and the seconds it took; a timeout is a failure of the test."""
    start = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=ANSWER_WITHIN) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    return status, body, time.monotonic() - start


def test_healthz_and_pages_answer_503_when_the_database_never_answers(silent_server, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "awesome.test_settings",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{silent_server.port}/catalog",
        "DJANGO_DB_CONNECT_TIMEOUT": "2",
    }
    with gunicorn(env=env, workers=2, log_path=tmp_path / "gunicorn.log") as base:
        status, body, seconds = get(f"{base}/healthz")
        print(f"/healthz: {status} in {seconds:.2f} s")
        assert (status, body) == (503, b"database unavailable\n")
        for path in ["/", "/papers/", "/papers.json", "/papers/1/"]:
            status, body, seconds = get(base + path)
            print(f"{path}: {status} in {seconds:.2f} s")
            assert status == 503 and b"Temporarily unavailable" in body, path
        assert get(f"{base}/static/css/site.css")[0] == 200
    assert silent_server.connections, "the site never tried the database"


def test_healthz_answers_within_its_timeout_when_the_database_hangs(client, settings, monkeypatch):
    settings.CATALOG_HEALTHZ_TIMEOUT = 0.2
    release = threading.Event()

    def hang(self):
        release.wait(60)
        raise OperationalError("the database never answered")

    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.cursor", hang)
    try:
        response = client.get("/healthz")
    finally:
        release.set()
    assert (response.status_code, response.content) == (503, b"database unavailable\n")


@pytest.mark.django_db
def test_a_hung_redis_costs_one_page_a_socket_timeout_then_is_left_alone(seeded, client, settings, silent_server):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{silent_server.port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    for path in ["/papers/", "/", "/papers/?tag=sae", "/papers.json", "/tags/"]:
        response = client.get(path)
        assert response.status_code == 200 and response[STATUS_HEADER] == MISS
    assert len(silent_server.connections) == 1


def test_timeouts_come_from_the_environment():
    postgres = run_settings(
        "DATABASES['default']['OPTIONS']",
        DJANGO_DEBUG="1",
        DATABASE_URL="postgres://awesome@db.internal:5432/awesome",
        DJANGO_DB_CONNECT_TIMEOUT="4",
        DJANGO_DB_STATEMENT_TIMEOUT="12",
    ).stdout.strip()
    assert postgres == "{'connect_timeout': 4, 'options': '-c statement_timeout=12000'}"
    redis = run_settings(
        "CACHES['default']['OPTIONS']",
        DJANGO_DEBUG="1",
        REDIS_URL="redis://cache.internal:6379/0",
        REDIS_SOCKET_TIMEOUT="0.25",
        REDIS_SOCKET_CONNECT_TIMEOUT="1",
    ).stdout.strip()
    assert redis == "{'socket_connect_timeout': 1.0, 'socket_timeout': 0.25}"


def test_the_web_server_limits_each_statement_to_30_seconds_by_default_and_commands_do_not():
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment |= {"DJANGO_DEBUG": "1", "DATABASE_URL": "postgres://awesome@db.internal:5432/awesome"}
    show = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS']['options'])"
    web = subprocess.run(
        [sys.executable, "-c", f"import awesome.wsgi; {show}"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert web.stdout.strip() == "-c statement_timeout=30000", web.stderr
    command = run_settings("DATABASES['default']['OPTIONS']['options']", **environment)
    assert command.stdout.strip() == "-c statement_timeout=0"
