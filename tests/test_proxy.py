"""Behind reverse proxies (DJANGO_TRUSTED_PROXY_COUNT): the client's address is the one the outermost trusted proxy
saw, for sign-in throttling and the logs; gunicorn's control socket is off, or one per instance."""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.conf import settings
from django.test import Client

from catalog.client import client_address
from tests.admin_support import PASSWORD, make_user
from tests.servers import stop
from tests.test_security import sign_in
from tests.test_serving import LISTENING, START_TIMEOUT

PROXY = "10.0.0.2"


def behind_proxy(address, claimed=""):
    """A browser at `address` behind one proxy at PROXY, which appends `address` to what the browser claimed."""
    forwarded = f"{claimed}, {address}" if claimed else address
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


@pytest.mark.parametrize(
    ("remote", "forwarded", "proxies", "expected"),
    [
        ("10.0.0.2", "203.0.113.9", 0, "10.0.0.2"),
        ("10.0.0.2", "203.0.113.9", 1, "203.0.113.9"),
        ("10.0.0.2", "6.6.6.6, 203.0.113.9", 1, "203.0.113.9"),
        ("10.0.0.3", "6.6.6.6, 203.0.113.9, 10.0.0.2", 2, "203.0.113.9"),
        ("10.0.0.2", "", 1, "10.0.0.2"),
        ("10.0.0.2", "203.0.113.9", 2, "10.0.0.2"),
        ("10.0.0.2", "not-an-address", 1, "10.0.0.2"),
        ("10.0.0.2", " 2001:db8::1 ", 1, "2001:db8::1"),
    ],
)
def test_the_client_address_is_the_one_the_outermost_trusted_proxy_saw(remote, forwarded, proxies, expected):
    assert client_address(remote, forwarded, proxies) == expected


def test_behind_a_trusted_proxy_a_lockout_holds_the_attacker_only(seeded, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    make_user("admin", superuser=True)
    attacker = behind_proxy("203.0.113.9")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(attacker, "wrong")
    assert sign_in(attacker, PASSWORD).status_code == 429
    assert sign_in(behind_proxy("203.0.113.9", claimed="198.51.100.7"), PASSWORD).status_code == 429
    assert sign_in(behind_proxy("198.51.100.7"), PASSWORD).status_code == 302


def test_without_trusted_proxies_a_forwarded_for_header_is_ignored(seeded, settings):
    make_user("admin", superuser=True)
    for number in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}"), "wrong")
    assert sign_in(Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.1"), PASSWORD).status_code == 429


def start_gunicorn(tmp_path, name, **env):
    """gunicorn started with gunicorn.conf.py, serving /healthz from an empty SQLite file; (process, base, log)."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "GUNICORN_"))}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "awesome.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "GUNICORN_BIND": "127.0.0.1:0",
        "GUNICORN_WORKERS": "1",
        "XDG_RUNTIME_DIR": str(tmp_path),
        **env,
    }
    log = tmp_path / f"{name}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + START_TIMEOUT
    while not (found := LISTENING.search(log.read_text())):
        assert process.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)
    return process, found.group(1), log


def test_the_access_log_shows_the_client_behind_the_proxy(tmp_path):
    process, base, log = start_gunicorn(tmp_path, "proxied", DJANGO_TRUSTED_PROXY_COUNT="1")
    try:
        forwarded = {"X-Forwarded-For": "6.6.6.6, 203.0.113.9"}
        with urllib.request.urlopen(urllib.request.Request(f"{base}/healthz", headers=forwarded), timeout=30):
            pass
    finally:
        stop(process)
    assert re.search(r"^203\.0\.113\.9 .*GET /healthz", log.read_text(), re.M), log.read_text()


def test_instances_on_one_host_share_no_control_socket(tmp_path):
    first, _, first_log = start_gunicorn(tmp_path, "first")
    own = tmp_path / "own.ctl"
    second, _, second_log = start_gunicorn(tmp_path, "second", GUNICORN_CONTROL_SOCKET=str(own))
    try:
        assert not (tmp_path / "gunicorn.ctl").exists()
        deadline = time.monotonic() + START_TIMEOUT
        while not own.exists():
            assert time.monotonic() < deadline, second_log.read_text()
            time.sleep(0.1)
        with socket.socket(socket.AF_UNIX) as control:
            control.connect(str(own))
    finally:
        stop(first)
        stop(second)
    assert "control" not in first_log.read_text().lower()
