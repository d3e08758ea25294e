"""publish_readme with a repository: one commit by the maintainer on the fetched head, or a refusal saying why."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.models import Paper, Section
from catalog.repository import config
from catalog.repository.git import Clone
from catalog.repository.models import RepositoryEvent
from catalog.services.readme_export import export_readme
from tests.admin_support import make_user
from tests.repository.conftest import add_row
from tests.test_publish_command import add_a_duplicate

pytestmark = pytest.mark.django_db


def run(command, *args) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def alice(db):
    user = make_user("alice")
    user.first_name, user.last_name, user.email = "Alice", "Maintainer", "alice@example.org"
    user.save()
    return user


@pytest.fixture
def synced(upstream):
    run("sync_repository")
    return upstream


def add_paper(title: str, url: str) -> Paper:
    section = Section.objects.get(title="Interpretable Analysis of LLMs")
    first = section.papers.order_by("position").first()
    return Paper.objects.create(section=section, position=first.position - 1, title=title, url=url, date=first.date)


def test_a_publish_is_one_commit_by_the_maintainer_committed_by_the_site_on_the_head(synced, alice, settings):
    settings.CATALOG_GIT_COMMITTER_NAME, settings.CATALOG_GIT_COMMITTER_EMAIL = "Catalog Site", "site@example.org"
    base = synced.head()
    add_paper("First New Paper", "https://arxiv.org/abs/2411.00011")
    add_paper("Second New Paper", "https://arxiv.org/abs/2411.00012")
    edited = Paper.objects.exclude(url__contains="2411.000").order_by("pk")[5]
    edited.title += " (revised)"
    edited.save()
    out = run("publish_readme", "--user", "alice")
    assert synced.count() == 2
    assert synced.log("%P") == base
    assert synced.log("%an <%ae>") == "Alice Maintainer <alice@example.org>"
    assert synced.log("%cn <%ce>") == "Catalog Site <site@example.org>"
    subject = synced.log("%s")
    assert subject.startswith("Add 2 papers, update 1: ")
    assert "Second New Paper" in subject
    assert f"Update paper “{edited.title}”" in synced.log("%b")
    assert synced.show("main:README.md") == export_readme()
    assert config.synced_commit() == synced.head()
    assert synced.head()[:7] in out
    event = RepositoryEvent.objects.filter(kind="publish").get()
    assert (event.outcome, event.commit, event.user) == ("done", synced.head(), alice)


def test_nothing_to_publish_makes_no_commit_and_succeeds(synced, alice):
    head = synced.head()
    assert "Nothing to publish" in run("publish_readme", "--user", "alice")
    assert synced.head() == head


def test_the_message_given_is_the_commit_message(synced, alice):
    add_paper("A New Paper", "https://arxiv.org/abs/2411.00011")
    run("publish_readme", "--user", "alice", "--message", "Weekly update")
    assert synced.log("%B").strip() == "Weekly update"


def test_a_dry_run_shows_the_diff_and_the_message_and_commits_nothing(synced, alice):
    add_paper("A New Paper", "https://arxiv.org/abs/2411.00011")
    head = synced.head()
    out = run("publish_readme", "--dry-run")
    assert "+| [**A New Paper**]" in out and "Add 1 paper: A New Paper" in out
    assert synced.head() == head


def test_an_error_in_the_export_refuses_the_publish_unless_publish_anyway_is_given(synced, alice):
    finding = add_a_duplicate()
    head = synced.head()
    err = StringIO()
    with pytest.raises(CommandError, match=r"^Nothing was published: the checks find 1 error in the export"):
        call_command("publish_readme", "--user", "alice", stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [finding]
    assert synced.head() == head and not RepositoryEvent.objects.filter(kind="publish").exists(), "nothing pushed"
    run("publish_readme", "--user", "alice", "--publish-anyway")
    assert synced.count() == 2 and "[**A copy**]" in synced.show("main:README.md")


def test_publishing_is_refused_while_the_repository_has_a_readme_commit_not_taken_in(synced, alice):
    add_paper("A New Paper", "https://arxiv.org/abs/2411.00011")
    upstream_head = synced.commit(add_row, "Add a paper upstream")
    with pytest.raises(CommandError, match=r"1 README commit the catalog has not taken in .*Add a paper upstream"):
        run("publish_readme", "--user", "alice")
    assert synced.head() == upstream_head
    assert RepositoryEvent.objects.filter(kind="publish").get().outcome == "refused"
    run("sync_repository")
    run("publish_readme", "--user", "alice")
    text = synced.show("main:README.md")
    assert "Upstream Added Paper" in text and "A New Paper" in text


def test_a_commit_that_leaves_the_readme_alone_does_not_block_a_publish(synced, alice):
    synced.commit(lambda _: "contributing notes\n", "Add notes", path="CONTRIBUTING.md")
    add_paper("A New Paper", "https://arxiv.org/abs/2411.00011")
    run("publish_readme", "--user", "alice")
    assert synced.show("main:CONTRIBUTING.md") == "contributing notes\n"
    assert "A New Paper" in synced.show("main:README.md")


def test_a_catalog_never_synced_is_refused(upstream, seeded, alice):
    with pytest.raises(CommandError, match="never taken in"):
        run("publish_readme", "--user", "alice")


def test_a_push_rejected_because_the_branch_moved_loses_nothing_and_says_what_to_do(synced, alice, monkeypatch):
    paper = add_paper("A New Paper", "https://arxiv.org/abs/2411.00011")
    fetch = Clone.fetch
    moved = []

    def fetch_then_someone_pushes(self):
        head = fetch(self)
        moved.append(synced.commit(lambda _: "notes\n", "Someone else's commit", path="NOTES.md"))
        return head

    monkeypatch.setattr(Clone, "fetch", fetch_then_someone_pushes)
    synced_before = config.synced_commit()
    with pytest.raises(CommandError, match="moved while publishing.*take the new commits in"):
        run("publish_readme", "--user", "alice")
    assert synced.head() == moved[0]
    assert "A New Paper" not in synced.show("main:README.md")
    assert config.synced_commit() == synced_before
    assert Paper.objects.filter(pk=paper.pk).exists()
    monkeypatch.setattr(Clone, "fetch", fetch)
    run("publish_readme", "--user", "alice")
    assert synced.log("%P") == moved[0]
    assert "A New Paper" in synced.show("main:README.md")


def test_the_fixture_is_committed_when_configured(synced, alice, settings):
    settings.CATALOG_GIT_FIXTURE = "data/catalog.json"
    run("publish_readme", "--user", "alice")
    fixture = json.loads(synced.show("main:data/catalog.json"))
    assert sum(1 for row in fixture if row["model"] == "catalog.paper") == 149


def test_a_publish_into_an_empty_repository_makes_its_first_commit(tmp_path, settings, seeded, alice):
    from tests.repository.conftest import git

    remote = tmp_path / "empty.git"
    git("init", "-q", "--bare", "-b", "main", str(remote))
    settings.CATALOG_GIT_REMOTE, settings.CATALOG_GIT_WORKDIR = str(remote), tmp_path / "work"
    run("publish_readme", "--user", "alice")
    assert git("--git-dir", str(remote), "show", "main:README.md") == export_readme()


def test_without_a_remote_publishing_writes_the_files_as_before(settings, seeded, tmp_path):
    settings.CATALOG_GIT_REMOTE = ""
    settings.CATALOG_README_PATH, settings.CATALOG_FIXTURE_PATH = tmp_path / "README.md", tmp_path / "catalog.json"
    run("publish_readme")
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == export_readme()
    assert (tmp_path / "catalog.json").exists()
    assert "Nothing to publish" in run("publish_readme")
