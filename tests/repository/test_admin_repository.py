"""The admin's README page connected to the repository: what is waiting, the diff, and its two buttons."""

import re
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command

from catalog.models import Paper, Section
from catalog.repository import config
from catalog.repository.models import RepositoryEvent
from catalog.services.readme_export import export_readme
from tests.admin_support import make_user
from tests.repository.conftest import add_row

pytestmark = pytest.mark.django_db
PAGE = "/admin/readme/"


@pytest.fixture
def maintainer(db, client):
    user = make_user("maria")
    user.first_name, user.last_name, user.email = "Maria", "Maintainer", "maria@example.org"
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="publish_readme"))
    client.force_login(user)
    return user


@pytest.fixture
def synced(upstream):
    call_command("sync_repository", stdout=StringIO(), stderr=StringIO())
    return upstream


def page(client) -> str:
    return client.get(PAGE).content.decode()


def form_value(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html)[1]


def test_the_page_shows_the_repository_the_synced_commit_and_no_diff(synced, maintainer, client):
    html = page(client)
    assert str(synced.remote) in html and "main" in html
    assert synced.head()[:7] in html
    assert "Nothing to publish" in html
    assert "Nothing published yet." in html and "commit taken in" in html


def test_commits_waiting_are_listed_with_authors_and_entries_and_taken_in_by_the_button(synced, maintainer, client):
    synced.identity("Carol Contributor", "carol@example.org")
    sha = synced.commit(add_row, "Add a circuit tracing paper")
    html = page(client)
    assert sha[:7] in html and "Add a circuit tracing paper" in html and "Carol Contributor" in html
    assert "added paper “Upstream Added Paper On Circuit Tracing”" in html
    assert 'value="Take them in"' in html and 'value="Publish the README"' not in html
    response = client.post(PAGE, {"take_in": "1"}, follow=True)
    assert "taken in" in response.content.decode()
    assert config.synced_commit() == sha
    assert Paper.objects.filter(url="https://arxiv.org/abs/2411.00001").exists()
    event = RepositoryEvent.objects.filter(kind="sync").first()
    assert event.user == maintainer


def test_the_diff_of_the_catalog_against_the_branch_and_the_publish_button(synced, maintainer, client):
    paper = Paper.objects.order_by("pk")[2]
    paper.title += " (revised)"
    paper.save()
    html = page(client)
    assert re.search(r'<code class="added">\+[^<]*\(revised\)', html)
    response = client.post(PAGE, {"publish": "1", "fingerprint": form_value(html, "fingerprint")}, follow=True)
    text = response.content.decode()
    assert "Published" in text and synced.head()[:7] in text
    assert synced.log("%an <%ae>") == "Maria Maintainer <maria@example.org>"
    assert synced.show("main:README.md") == export_readme()
    assert "Update 1 paper" in page(client)


def test_a_publish_of_an_outdated_review_is_refused(synced, maintainer, client):
    paper = Paper.objects.order_by("pk")[2]
    paper.title += " (revised)"
    paper.save()
    fingerprint = form_value(page(client), "fingerprint")
    paper.title += " again"
    paper.save()
    head = synced.head()
    response = client.post(PAGE, {"publish": "1", "fingerprint": fingerprint}, follow=True)
    assert "changed since this page was loaded" in response.content.decode()
    assert synced.head() == head


def test_publishing_is_refused_on_the_page_while_commits_wait(synced, maintainer, client):
    paper = Paper.objects.order_by("pk")[2]
    paper.title += " (revised)"
    paper.save()
    fingerprint = form_value(page(client), "fingerprint")
    head = synced.commit(add_row, "Add a paper")
    response = client.post(PAGE, {"publish": "1", "fingerprint": fingerprint}, follow=True)
    assert "not taken in" in response.content.decode()
    assert synced.head() == head


def test_both_buttons_need_the_publish_permission(synced, client):
    client.force_login(make_user("viewer"))
    synced.commit(add_row, "Add a paper")
    assert 'value="Take them in"' not in page(client)
    assert client.post(PAGE, {"take_in": "1"}).status_code == 403
    assert client.post(PAGE, {"publish": "1"}).status_code == 403
    assert config.synced_commit() != synced.head()


def test_an_unreachable_repository_is_said_on_the_page(synced, maintainer, client, settings, tmp_path):
    settings.CATALOG_GIT_REMOTE = str(tmp_path / "gone.git")
    assert "Cannot read the repository" in page(client)


def test_an_error_in_the_export_is_linked_to_its_entry_and_needs_publish_anyway(synced, maintainer, client):
    listed = Paper.objects.get(url="https://arxiv.org/pdf/2403.00745")
    twin = Paper.objects.create(
        title="A copy", url=listed.url, date=listed.date, section=Section.objects.get(title="Position Papers")
    )
    assert twin.section.position < listed.section.position, "the copy comes first: the listed paper is the duplicate"
    html = page(client)
    assert f'(<a href="/admin/catalog/paper/{listed.pk}/change/">{listed.title}</a>): duplicate (error)' in html
    assert "Publish anyway, with 1 error" in html
    head = synced.head()
    data = {"publish": "1", "fingerprint": form_value(html, "fingerprint")}
    refused = client.post(PAGE, data, follow=True).content.decode()
    assert "Nothing was published: the checks find 1 error in the export." in refused
    assert synced.head() == head
    client.post(PAGE, {**data, "publish_anyway": "1"})
    assert synced.head() != head
    assert "[**A copy**]" in synced.show("main:README.md")
