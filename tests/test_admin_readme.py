"""The admin's README page: the diff from the README on disk, and publishing it with the right permission."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.admin.readme import diff_lines
from catalog.models import Paper
from catalog.services.fixtures import catalog_fixture
from tests.admin_support import make_user
from tests.synthetic import add_papers

pytestmark = pytest.mark.django_db

FIXTURES = Path(django_settings.BASE_DIR) / "fixtures"
WILD = "Interpretability in the Wild"


@pytest.fixture
def files(seeded, settings, tmp_path):
    """The published README and fixture of the seeded catalog, where the page reads and writes them."""
    settings.CATALOG_README_PATH = tmp_path / "README.md"
    settings.CATALOG_FIXTURE_PATH = tmp_path / "catalog.json"
    settings.CATALOG_README_PATH.write_bytes((FIXTURES / "README.md").read_bytes())
    settings.CATALOG_FIXTURE_PATH.write_text(catalog_fixture()[0], encoding="utf-8")
    return settings


def snapshot(files):
    return files.CATALOG_README_PATH.read_bytes(), files.CATALOG_FIXTURE_PATH.read_bytes()


def login(client, **kwargs):
    client.force_login(make_user("someone", **kwargs))
    return client


def edit_a_title():
    paper = Paper.objects.get(title__startswith=WILD)
    paper.title += " (revised)"
    paper.save()
    return paper


def message_texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_nothing_to_publish_when_the_readme_is_the_export(seeded, files, client):
    response = login(client, superuser=True).get("/admin/readme/")
    content = response.content.decode()
    assert "Nothing to publish" in content
    assert 'name="publish"' not in content
    assert str(files.CATALOG_README_PATH) in content


def test_the_page_shows_the_same_diff_as_export_readme_check(seeded, files, client):
    edit_a_title()
    response = login(client, superuser=True).get("/admin/readme/")
    preview = response.context["preview"]
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("export_readme", "--check", str(files.CATALOG_README_PATH), stdout=out, stderr=StringIO())
    assert preview.diff.text == out.getvalue()
    assert (preview.diff.added, preview.diff.removed) == (1, 1)
    content = response.content.decode()
    assert "1 line added" in content and "1 line removed" in content
    added = [line for kind, line in response.context["lines"] if kind == "added"]
    removed = [line for kind, line in response.context["lines"] if kind == "removed"]
    assert len(added) == len(removed) == 1
    assert f"{WILD}" in removed[0] and "(revised)" in added[0]
    assert 'class="added"' in content and 'class="removed"' in content
    assert 'name="publish"' in content


def test_the_page_runs_the_same_queries_whatever_the_catalog_size(seeded, files, client):
    client = login(client, superuser=True)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/admin/readme/").status_code == 200
        return len(captured)

    add_papers(10)
    small = queries()
    add_papers(300, start=10)
    assert queries() == small


def test_publishing_writes_the_export_and_the_fixture(seeded, files, client, export):
    edit_a_title()
    client = login(client, superuser=True)
    fingerprint = client.get("/admin/readme/").context["preview"].fingerprint
    response = client.post("/admin/readme/", {"publish": "1", "fingerprint": fingerprint}, follow=True)
    assert response.redirect_chain == [("/admin/readme/", 302)]
    assert message_texts(response) == ["Published the README: 1 line added, 1 removed; fixture regenerated."]
    assert files.CATALOG_README_PATH.read_text(encoding="utf-8") == export()
    assert files.CATALOG_FIXTURE_PATH.read_text(encoding="utf-8") == catalog_fixture()[0]
    assert "Nothing to publish" in response.content.decode()
    assert (FIXTURES / "README.md").read_bytes() != files.CATALOG_README_PATH.read_bytes()


def test_each_publish_is_recorded_with_who_and_when(seeded, files, client):
    client = login(client, superuser=True)
    for _ in range(2):
        edit_a_title()
        fingerprint = client.get("/admin/readme/").context["preview"].fingerprint
        client.post("/admin/readme/", {"publish": "1", "fingerprint": fingerprint})
    entries = LogEntry.objects.filter(object_repr="README").order_by("action_time")
    assert [(entry.user.username, entry.get_change_message()) for entry in entries] == [
        ("someone", "Published the README: 1 line added, 1 removed.")
    ] * 2
    page = client.get("/admin/readme/").content.decode()
    assert "Last published" in page
    assert page.count("by someone: Published the README: 1 line added, 1 removed.") == 2


def test_staff_without_the_publish_permission_see_the_diff_but_cannot_publish(seeded, files, client):
    edit_a_title()
    client = login(client)
    response = client.get("/admin/readme/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "1 line added" in content
    assert 'name="publish"' not in content
    assert "needs the “Can publish the README” permission" in content
    before = snapshot(files)
    fingerprint = response.context["preview"].fingerprint
    assert client.post("/admin/readme/", {"publish": "1", "fingerprint": fingerprint}).status_code == 403
    assert snapshot(files) == before


def test_staff_given_the_publish_permission_can_publish(seeded, files, client):
    edit_a_title()
    client = login(client, permissions=["publish_readme"])
    fingerprint = client.get("/admin/readme/").context["preview"].fingerprint
    assert client.post("/admin/readme/", {"publish": "1", "fingerprint": fingerprint}).status_code == 302
    assert "(revised)" in files.CATALOG_README_PATH.read_text(encoding="utf-8")


def test_anonymous_users_cannot_publish(seeded, files, client):
    edit_a_title()
    before = snapshot(files)
    response = client.post("/admin/readme/", {"publish": "1"})
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert snapshot(files) == before


def test_a_publish_of_an_outdated_review_writes_nothing(seeded, files, client):
    paper = edit_a_title()
    client = login(client, superuser=True)
    fingerprint = client.get("/admin/readme/").context["preview"].fingerprint
    paper.title += " again"
    paper.save()
    before = snapshot(files)
    response = client.post("/admin/readme/", {"publish": "1", "fingerprint": fingerprint}, follow=True)
    assert snapshot(files) == before
    assert "changed since this page was loaded" in message_texts(response)[0]
    for missing in ({"publish": "1"}, {"publish": "1", "fingerprint": "x" * 64}):
        client.post("/admin/readme/", missing)
        assert snapshot(files) == before


def test_a_catalog_that_cannot_be_exported_is_a_message_not_a_500(seeded, files, client):
    Paper.objects.filter(title__startswith=WILD).update(title="Two\nlines")
    client = login(client, superuser=True)
    response = client.get("/admin/readme/")
    assert response.status_code == 200
    assert "cannot be exported as the README" in message_texts(response)[0]
    before = snapshot(files)
    response = client.post("/admin/readme/", {"publish": "1", "fingerprint": "x"}, follow=True)
    assert "Nothing was published" in message_texts(response)[0]
    assert snapshot(files) == before


def test_a_write_failure_is_a_message_not_a_500(seeded, files, client, tmp_path):
    edit_a_title()
    files.CATALOG_FIXTURE_PATH = tmp_path / "missing-folder" / "catalog.json"
    client = login(client, superuser=True)
    fingerprint = client.get("/admin/readme/").context["preview"].fingerprint
    response = client.post("/admin/readme/", {"publish": "1", "fingerprint": fingerprint}, follow=True)
    assert response.status_code == 200
    assert "Publishing failed: cannot write" in message_texts(response)[0]


def test_a_missing_readme_shows_every_line_as_added_and_publishing_creates_it(seeded, files, client, export):
    files.CATALOG_README_PATH.unlink()
    client = login(client, superuser=True)
    preview = client.get("/admin/readme/").context["preview"]
    assert preview.diff.added == len(export().split("\n")) and preview.diff.removed == 1
    client.post("/admin/readme/", {"publish": "1", "fingerprint": preview.fingerprint})
    assert files.CATALOG_README_PATH.read_text(encoding="utf-8") == export()


def test_a_readme_that_is_not_utf8_is_shown_and_publishing_replaces_it(seeded, files, client, export):
    files.CATALOG_README_PATH.write_bytes(b"# Caf\xe9\n")
    client = login(client, superuser=True)
    response = client.get("/admin/readme/")
    assert response.status_code == 200
    assert "-# Caf\ufffd" in response.context["preview"].diff.text
    client.post("/admin/readme/", {"publish": "1", "fingerprint": response.context["preview"].fingerprint})
    assert files.CATALOG_README_PATH.read_text(encoding="utf-8") == export()


def test_a_readme_path_that_cannot_be_read_is_a_message_not_a_500(seeded, files, client, tmp_path):
    files.CATALOG_README_PATH = tmp_path
    response = login(client, superuser=True).get("/admin/readme/")
    assert response.status_code == 200
    assert message_texts(response) == [f"Cannot read {tmp_path}: it is a directory, not a regular file"]
    assert "Publish the README" not in response.content.decode()


def test_a_tag_change_alone_is_published_in_the_fixture(seeded, files, client):
    Paper.objects.get(title__startswith=WILD).tags.add("circuit-discovery")
    client = login(client, superuser=True)
    response = client.get("/admin/readme/")
    content = response.content.decode()
    assert "The README on disk is the same as the export." in content
    assert "differs from the catalog" in content and 'name="publish"' in content
    fingerprint = response.context["preview"].fingerprint
    readme = files.CATALOG_README_PATH.read_bytes()
    response = client.post("/admin/readme/", {"publish": "1", "fingerprint": fingerprint}, follow=True)
    assert message_texts(response) == ["Published the fixture; the README was already the export."]
    assert files.CATALOG_FIXTURE_PATH.read_text(encoding="utf-8") == catalog_fixture()[0]
    assert "circuit-discovery" in files.CATALOG_FIXTURE_PATH.read_text(encoding="utf-8")
    assert files.CATALOG_README_PATH.read_bytes() == readme


def test_publishing_twice_from_the_same_page_says_there_is_nothing_left_to_publish(seeded, files, client):
    edit_a_title()
    client = login(client, superuser=True)
    fingerprint = client.get("/admin/readme/").context["preview"].fingerprint
    client.post("/admin/readme/", {"publish": "1", "fingerprint": fingerprint}, follow=True)
    published = snapshot(files)
    response = client.post("/admin/readme/", {"publish": "1", "fingerprint": fingerprint}, follow=True)
    assert message_texts(response) == ["Nothing to publish: the README and the fixture on disk are already the export."]
    assert snapshot(files) == published


def test_diff_lines_are_coloured_by_kind_and_only_the_first_two_name_files():
    diff = "--- a\n+++ b\n@@ -1,2 +1,2 @@\n context\n--- a removed rule\n+++ an added rule\n"
    assert diff_lines(diff) == [
        ("file", "--- a"),
        ("file", "+++ b"),
        ("hunk", "@@ -1,2 +1,2 @@"),
        ("context", " context"),
        ("removed", "--- a removed rule"),
        ("added", "+++ an added rule"),
    ]
