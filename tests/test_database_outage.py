"""The database going away under a running site: 503 pages and /healthz 503, then recovery without a restart.

A private PostgreSQL cluster (initdb in a temporary folder, a free loopback port) serves gunicorn; the test stops
it as a crash would and starts it again. Without PostgreSQL's server programs the test skips, except in CI.
"""

import json
import os
import urllib.error
import urllib.request
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.db import IntegrityError, InterfaceError, OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper

from tests.servers import gunicorn, manage, missing_postgres_reason, private_postgres

PAGES = ["/", "/papers/", "/papers/?tag=sae&has_code=true", "/papers/?q=circuit", "/resources/", "/tags/"]
OUTPUTS = ["/papers.json?venue_kind=conference", "/papers/feed/"]


@pytest.fixture
def cluster():
    reason = missing_postgres_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"the database outage test needs PostgreSQL's server programs in CI: {reason}")
        pytest.skip(reason)
    with private_postgres() as cluster:
        yield cluster


def get(url):
    """Status, headers and body of a GET, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_pages_answer_503_while_the_database_is_down_and_recover_when_it_is_back(cluster, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "awesome.test_settings",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": cluster.url,
        "DJANGO_CONN_MAX_AGE": "600",
    }
    manage("migrate", "--noinput", env=env)
    manage("import_readme", "fixtures/README.md", env=env)
    with gunicorn(env=env, workers=2, log_path=tmp_path / "gunicorn.log") as base:
        status, _, body = get(f"{base}/papers.json?page_size=1")
        detail = urlsplit(json.loads(body)["papers"][0]["detail_url"]).path
        urls = [base + path for path in [*PAGES, detail, *OUTPUTS]]
        # Twice over, so that each worker holds a persistent connection when the database goes away.
        assert {url: get(url)[0] for url in urls * 2} == dict.fromkeys(urls, 200)

        cluster.stop()
        for url in urls * 2:
            status, headers, body = get(url)
            assert status == 503, url
            assert headers["Retry-After"] == "30"
            assert "no-cache" in headers["Cache-Control"]
            assert "<h1>Temporarily unavailable</h1>" in body and 'class="site-header"' in body
            assert "Traceback" not in body and "DEBUG = True" not in body and "OperationalError" not in body
        assert get(f"{base}/healthz")[:1] == (503,)

        cluster.start()
        assert {url: get(url)[0] for url in urls * 2} == dict.fromkeys(urls, 200)
        assert get(f"{base}/healthz")[0::2] == (200, "ok")

    log = (tmp_path / "gunicorn.log").read_text()
    assert "Traceback" not in log
    assert "Database unavailable, answered 503 for /papers/" in log


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError("connection refused"), InterfaceError("connection already closed")])
def test_a_lost_connection_in_a_view_is_a_site_styled_503(client, error):
    with mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=error):
        response = client.get("/papers/?tag=sae")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert [template.name for template in response.templates][:1] == ["503.html"]
    assert "<h1>Temporarily unavailable</h1>" in response.content.decode()


@pytest.mark.django_db
def test_other_errors_are_not_taken_for_an_unavailable_database(client):
    with (
        mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=IntegrityError("duplicate key")),
        pytest.raises(IntegrityError),
    ):
        client.get("/papers/")
