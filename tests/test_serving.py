"""Two gunicorn instances, production settings, one PostgreSQL database and one Redis: an edit made through
either instance's admin, or by the ORM, shows at once on the other's pages.

Needs PostgreSQL and Redis (SERVING_TEST_DATABASE_URL, SERVING_TEST_REDIS_URL; the database is created,
migrated and filled with the seed README by the test, the Redis database is emptied). Without them the test
skips, except in CI (`CI` set), where it fails.
"""

import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack, contextmanager
from http.cookiejar import CookieJar

import dj_database_url
import psycopg
import pytest
import redis
from django.conf import settings

from catalog.page_cache import HIT, MISS, STATUS_HEADER
from tests.servers import stop

DATABASE_URL = os.environ.get("SERVING_TEST_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/awesome_serving"
REDIS_URL = os.environ.get("SERVING_TEST_REDIS_URL") or "redis://127.0.0.1:6379/1"
PASSWORD = secrets.token_urlsafe(16)
START_TIMEOUT = 60
LISTENING = re.compile(r"Listening at: (http://127\.0\.0\.1:\d+)")
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def unavailable(reason):
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI has PostgreSQL and Redis, so this is a failure")
    pytest.skip(f"{reason}: start them or point SERVING_TEST_DATABASE_URL / SERVING_TEST_REDIS_URL at them")


def create_database(url):
    config = dj_database_url.parse(url)
    server = {"host": config["HOST"], "port": config["PORT"] or 5432, "user": config["USER"]}
    try:
        with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **server) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{config["NAME"]}"')
    except psycopg.OperationalError as error:
        unavailable(f"PostgreSQL is not reachable at {config['HOST']}:{server['port']} ({error})")


def empty_redis(url):
    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).flushdb()
    except redis.ConnectionError as error:
        unavailable(f"Redis is not reachable at {url} ({error})")


def manage(environment, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


MAKE_MAINTAINER = f"""
from django.contrib.auth import get_user_model
user, _ = get_user_model().objects.get_or_create(username="maintainer", defaults={{"is_staff": True}})
user.is_staff = user.is_superuser = True
user.set_password("{PASSWORD}")
user.save()
"""


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    return tmp_path_factory.mktemp("static")


@pytest.fixture
def production(request, static_root):
    """The environment of the instances: production settings over plain http on loopback, a fresh catalog."""
    create_database(DATABASE_URL)
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "GUNICORN_"))}
    environment.pop("REDIS_URL", None)
    environment |= {
        "DJANGO_SETTINGS_MODULE": "awesome.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DATABASE_URL": DATABASE_URL,
        "GUNICORN_BIND": "127.0.0.1:0",
        "GUNICORN_WORKERS": "2",
    }
    if request.param == "redis":
        empty_redis(REDIS_URL)
        environment["REDIS_URL"] = REDIS_URL
    manage(environment, "migrate", "--noinput", "-v0")
    manage(environment, "import_readme", "--replace", str(settings.BASE_DIR / "fixtures" / "README.md"))
    manage(environment, "shell", "-c", MAKE_MAINTAINER)
    if not (static_root / "staticfiles.json").exists():
        manage(environment, "collectstatic", "--noinput", "-v0")
    return request.param, environment


@contextmanager
def gunicorn(environment, log_dir, name):
    """A gunicorn started with gunicorn.conf.py on a free loopback port; yields its base URL; always stopped."""
    out, err = log_dir / f"{name}.out", log_dir / f"{name}.err"
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=stdout,
            stderr=stderr,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not (found := LISTENING.search(err.read_text())):
            assert process.poll() is None, f"gunicorn {name} stopped:\n{err.read_text()}"
            assert time.monotonic() < deadline, f"gunicorn {name} did not start:\n{err.read_text()}"
            time.sleep(0.1)
        base = found.group(1)
        wait_until_healthy(base)
        yield base
    finally:
        stop(process, timeout=20)


def wait_until_healthy(base):
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            if fetch(base, "/healthz").read() == b"ok":
                return
        except (urllib.error.URLError, ConnectionError):
            assert time.monotonic() < deadline, f"{base}/healthz never answered"
            time.sleep(0.2)


def fetch(base, path, *, opener=None, data=None, headers=None):
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    request = urllib.request.Request(base + path, data=body, headers=headers or {})
    return (opener or urllib.request.build_opener()).open(request, timeout=30)


def page(base, path):
    """(cache status, text) of a page."""
    with fetch(base, path) as response:
        assert response.status == 200, path
        return response.headers[STATUS_HEADER], response.read().decode()


def signed_in(base):
    """An opener holding the session of the maintainer signed in to the admin of `base`."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    token = CSRF_FIELD.search(fetch(base, "/admin/login/", opener=opener).read().decode()).group(1)
    credentials = {"username": "maintainer", "password": PASSWORD, "csrfmiddlewaretoken": token, "next": "/admin/"}
    with fetch(base, "/admin/login/", opener=opener, data=credentials) as response:
        assert response.url.endswith("/admin/"), "the maintainer could not sign in"
    return opener, jar


def csrf_token(jar):
    return next(cookie.value for cookie in jar if cookie.name == "csrftoken")


def newest_paper(base):
    return json.loads(page(base, "/papers.json")[1])["papers"][0]


@pytest.mark.parametrize("production", ["redis", "locmem"], indirect=True)
def test_an_edit_through_one_instance_or_the_orm_shows_at_once_on_the_other(production, tmp_path):
    backend, environment = production
    with ExitStack() as stack:
        a = stack.enter_context(gunicorn(environment, tmp_path, "a"))
        b = stack.enter_context(gunicorn(environment, tmp_path, "b"))
        newest = newest_paper(b)
        assert "zebra-from-admin" not in newest["tags"]
        assert page(b, "/papers/")[0] == MISS
        if backend == "redis":
            assert page(b, "/papers/")[0] == HIT, "B's second request of the page is served from Redis"

        opener, jar = signed_in(a)
        action = {"action": "add_tag", "_selected_action": [newest["id"]], "index": "0", "tag": "zebra-from-admin"}
        fetch(a, "/admin/catalog/paper/", opener=opener, data={**action, "csrfmiddlewaretoken": csrf_token(jar)})
        status, html = page(b, "/papers/")
        assert (status, "zebra-from-admin" in html) == (MISS, True)
        for _ in range(4):  # whichever worker of B answers, whatever its own cache holds
            assert "zebra-from-admin" in page(b, "/papers/")[1]
            assert "zebra-from-admin" in newest_paper(b)["tags"]

        orm = f"from catalog.models import Paper\npaper = Paper.objects.get(pk={newest['id']})\n"
        manage(environment, "shell", "-c", orm + "paper.title = 'Zebra circuits, retitled'\npaper.save()\n")
        status, html = page(b, "/papers/")
        assert (status, "Zebra circuits, retitled" in html) == (MISS, True)
        for base in (a, b, a, b):
            assert "Zebra circuits, retitled" in page(base, "/papers/")[1]
            assert newest_paper(base)["title"] == "Zebra circuits, retitled"


@pytest.mark.parametrize("production", ["redis"], indirect=True)
def test_instances_serve_hashed_static_files_for_a_year_and_answer_probes_by_ip(production, tmp_path):
    _, environment = production
    with gunicorn(environment, tmp_path, "a") as a:
        stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page(a, "/")[1]).group(1)
        with fetch(a, stylesheet, headers={"Accept-Encoding": "gzip"}) as response:
            assert response.headers["Cache-Control"] == "max-age=315360000, public, immutable"
            assert response.headers["Content-Encoding"] == "gzip"
        with fetch(a, "/healthz", headers={"Host": "10.1.2.3"}) as response:
            assert response.read() == b"ok"
        with pytest.raises(urllib.error.HTTPError) as refused:
            fetch(a, "/papers/", headers={"Host": "10.1.2.3"})
        assert refused.value.code == 400
