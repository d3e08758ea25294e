"""Site-wide checks: migrations in step, every page answers with one <h1>, settings refuse insecure starts."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from catalog.models import Author, Paper, Resource, Section


@pytest.mark.django_db
def test_models_and_migrations_are_in_step():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


@pytest.mark.django_db
def test_every_page_answers_with_one_h1(seeded, client):
    urls = ["/"]
    urls += [Paper.objects.first().get_absolute_url(), Resource.objects.first().get_absolute_url()]
    urls += [section.get_absolute_url() for section in Section.objects.all()]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content.decode().count("<h1") == 1, url


HTML_PAGES = {"home", "paper-list", "paper-detail", "resource-list", "resource-detail", "section-detail"}
HTML_PAGES |= {"venue-list", "tag-list", "about"}


@pytest.mark.django_db
def test_every_named_public_url_answers(seeded, client):
    from catalog import urls

    kwargs = {
        "paper-detail": {"pk": Paper.objects.first().pk},
        "resource-detail": {"pk": Resource.objects.first().pk},
        "section-detail": {"slug": Section.objects.filter(level__gte=1).first().slug},
        "author-detail": {"slug": Author.objects.create(name="Site Author").slug},
        "sitemap-section": {"section": "papers"},
    }
    names = {pattern.name for pattern in urls.urlpatterns}
    assert names >= HTML_PAGES
    for name in names:
        response = client.get(reverse(f"catalog:{name}", kwargs=kwargs.get(name)))
        assert response.status_code == 200, name
        if name in HTML_PAGES:
            assert response.content.decode().count("<h1") == 1, name


@pytest.mark.django_db
def test_unknown_entries_are_404(client):
    assert client.get("/papers/999999/").status_code == 404
    assert client.get("/sections/no-such-section/").status_code == 404


@pytest.mark.django_db
def test_titles_are_escaped_on_pages(seeded, client):
    paper = Paper.objects.first()
    paper.title = "<script>alert(1)</script>"
    paper.save()
    body = client.get(paper.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body


def run_settings(setting="DEBUG", **env):
    """Start Django in a new process with `env` and print `setting`."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment |= {"DJANGO_SETTINGS_MODULE": "awesome.settings", **env}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings; print(settings.{setting})",
        ],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_settings(DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_asked_for():
    assert run_settings(DJANGO_SECRET_KEY="x" * 50).stdout.strip() == "False"
    assert run_settings(DJANGO_DEBUG="1").stdout.strip() == "True"


def test_variables_set_empty_fall_back_to_the_defaults():
    empty = {"DJANGO_DEBUG": "1", "DATABASE_URL": "", "DJANGO_CONN_MAX_AGE": "", "CATALOG_README_PATH": ""}
    database = run_settings("DATABASES['default']", **empty).stdout
    assert "'ENGINE': 'django.db.backends.sqlite3'" in database and "'CONN_MAX_AGE': 60" in database
    assert run_settings("CATALOG_README_PATH", **empty).stdout.strip().endswith("fixtures/README.md")


def test_a_connection_age_that_is_not_a_number_is_a_clear_error():
    result = run_settings(DJANGO_DEBUG="1", DJANGO_CONN_MAX_AGE="ten")
    assert result.returncode != 0
    assert "DJANGO_CONN_MAX_AGE must be a whole number of seconds, not 'ten'." in result.stderr


SERVER_ERROR_SCRIPT = """
import django
django.setup()
from django.test import Client
response = Client(raise_request_exception=False).get("/papers/")
print(response.status_code, "Something went wrong" in response.content.decode())
"""


def test_a_server_error_shows_the_site_error_page_and_logs_the_traceback_to_stderr(tmp_path):
    (tmp_path / "db.sqlite3").write_text("not a database")
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "awesome.test_settings",
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "-c", SERVER_ERROR_SCRIPT],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == ["500", "True"]
    assert "Internal Server Error: /papers/" in result.stderr
    assert "Traceback" in result.stderr and "DatabaseError: file is not a database" in result.stderr


def test_a_database_that_cannot_be_opened_is_a_503_page_not_a_server_error(tmp_path):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "awesome.test_settings",
        "DATABASE_URL": f"sqlite:///{tmp_path}/missing/db.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "-c", SERVER_ERROR_SCRIPT.replace("Something went wrong", "Temporarily unavailable")],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == ["503", "True"]
    assert "Database unavailable, answered 503 for /papers/: unable to open database file" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.django_db
def test_a_missing_page_is_the_site_not_found_page_with_a_search(client):
    response = client.get("/papers/999999/")
    html = response.content.decode()
    assert response.status_code == 404
    assert html.count("<h1") == 1 and "<h1>Page not found</h1>" in html
    assert '<form class="hero-search" method="get" action="/papers/"' in html
    assert 'href="/static/css/site.css"' in html
