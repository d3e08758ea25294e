"""POST /hooks/github/: signed deliveries only; pushes to the branch taken in, pull requests linted on GitHub."""

import hashlib
import hmac
import json
import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from catalog.models import Paper
from catalog.repository import config
from catalog.repository.models import PullRequestCheck, RepositoryEvent
from catalog.services.readme_export import export_readme
from tests.repository.conftest import add_row, git
from tests.repository.fake_github import FakeGitHub

pytestmark = pytest.mark.django_db
SECRET = b"webhook-secret"
ROW2 = "| [**Second Upstream Paper**](https://arxiv.org/abs/2411.00002) <br>| arXiv | 2024-07-06 | - | - |"
BAD = "| [**A Paper With A Wrong Date**](https://arxiv.org/abs/2411.00003) <br>| arXiv | 2024-13-45 | - | - |"


def deliver(event, payload, *, secret=SECRET, signed=True, delivery="1"):
    body = json.dumps(payload).encode()
    headers = {"HTTP_X_GITHUB_EVENT": event, "HTTP_X_GITHUB_DELIVERY": delivery}
    if signed:
        digest = hmac.new(secret, body, hashlib.sha256).hexdigest()
        headers["HTTP_X_HUB_SIGNATURE_256"] = f"sha256={digest}"
    return Client(enforce_csrf_checks=True).post("/hooks/github/", body, content_type="application/json", **headers)


def push(sha, ref="refs/heads/main"):
    return {"ref": ref, "after": sha, "repository": {"full_name": "owner/list"}}


@pytest.fixture
def synced(upstream):
    call_command("sync_repository", stdout=StringIO(), stderr=StringIO())
    return upstream


def test_deliveries_without_the_right_signature_are_refused_and_change_nothing(synced, caplog):
    sha = synced.commit(add_row, "Add a paper")
    count = Paper.objects.count()
    with caplog.at_level(logging.DEBUG):
        assert deliver("push", push(sha), signed=False).status_code == 403
        assert deliver("push", push(sha), secret=b"another secret").status_code == 403
        assert deliver("ping", {"zen": "hi"}, signed=False).status_code == 403
    assert Paper.objects.count() == count
    assert config.synced_commit() != sha
    assert "webhook-secret" not in caplog.text and "sha256=" not in caplog.text


def test_a_webhook_without_a_configured_secret_refuses_everything(synced, settings):
    settings.CATALOG_GITHUB_WEBHOOK_SECRET = ""
    assert deliver("ping", {}, secret=b"").status_code == 403


def test_only_the_webhook_is_exempt_from_csrf(db, client):
    assert Client(enforce_csrf_checks=True).post("/admin/readme/", {}).status_code in (302, 403)


def test_a_signed_ping_answers_200(synced):
    assert deliver("ping", {"zen": "Keep it logically awesome."}).status_code == 200


def test_a_push_to_the_branch_takes_the_head_in_and_a_replay_is_harmless(synced):
    count = Paper.objects.count()
    sha = synced.commit(add_row, "Add a paper")
    response = deliver("push", push(sha), delivery="a")
    assert response.status_code == 202
    assert Paper.objects.count() == count + 1
    assert config.synced_commit() == sha
    assert export_readme() == synced.show("main:README.md")
    assert deliver("push", push(sha), delivery="a").status_code == 202
    assert Paper.objects.count() == count + 1
    assert export_readme() == synced.show("main:README.md")


def test_the_payload_is_only_a_trigger_the_site_reads_the_repository(synced):
    sha = synced.commit(add_row, "Add a paper")
    deliver("push", push("0" * 40))
    assert config.synced_commit() == sha


def test_pushes_to_other_branches_and_other_events_are_ignored(synced):
    count = Paper.objects.count()
    synced.commit(add_row, "Add a paper")
    response = deliver("push", push("f" * 40, ref="refs/heads/feature"))
    assert response.status_code == 200 and "ignored" in response.json()
    assert deliver("issues", {"action": "opened"}).status_code == 200
    assert deliver("star", {"action": "created"}).status_code == 200
    assert Paper.objects.count() == count


def test_a_pushed_readme_that_cannot_be_imported_leaves_the_catalog_and_shows_its_problems(synced, admin_client):
    before, synced_before = export_readme(), config.synced_commit()
    sha = synced.commit(lambda text: add_row(text, BAD), "A wrong date")
    assert deliver("push", push(sha)).status_code == 202
    assert export_readme() == before
    assert config.synced_commit() == synced_before
    line = synced.show("main:README.md").split("\n").index(BAD) + 1
    event = RepositoryEvent.objects.filter(kind="sync").first()
    assert event.outcome == "failed" and f"README.md:{line}:" in event.details
    page = admin_client.get("/admin/readme/").content.decode()
    assert f"README.md:{line}:" in page


def test_a_never_synced_catalog_is_left_alone_by_a_push(upstream, seeded):
    (paper,) = Paper.objects.order_by("pk")[:1]
    paper.title += " (catalog edit)"
    paper.save()
    sha = upstream.commit(add_row, "Add a paper")
    assert deliver("push", push(sha)).status_code == 202
    assert Paper.objects.get(pk=paper.pk).title == paper.title
    assert not Paper.objects.filter(url="https://arxiv.org/abs/2411.00001").exists()
    assert "never been synced" in RepositoryEvent.objects.filter(kind="sync").first().summary


def pull_request(number, sha, action="opened", base="main"):
    return {
        "action": action,
        "number": number,
        "pull_request": {"number": number, "head": {"sha": sha, "ref": "feature"}, "base": {"ref": base}},
        "repository": {"full_name": "owner/list"},
    }


def branch_commit(upstream, edit, message) -> str:
    """A commit on a branch of the remote, as a contributor's pull request."""
    folder = upstream.folder
    git("checkout", "-q", "-B", "feature", "origin/main", cwd=folder)
    text = edit((folder / "README.md").read_text(encoding="utf-8"))
    (folder / "README.md").write_text(text, encoding="utf-8", newline="")
    git("commit", "-q", "-am", message, cwd=folder)
    git("push", "-q", "-f", "origin", "feature", cwd=folder)
    git("checkout", "-q", "main", cwd=folder)
    return git("rev-parse", "feature", cwd=folder).strip()


@pytest.fixture
def github(synced, settings):
    with FakeGitHub(synced.remote) as server:
        settings.CATALOG_GITHUB_API_URL = server.base
        settings.GITHUB_TOKEN = "ghs_test_token_value"
        yield server


def test_a_pull_request_with_an_error_fails_its_status_with_a_link_to_the_findings(synced, github, client):
    duplicate = synced.show("main:README.md").split("\n")
    row = next(line for line in duplicate if line.startswith("| [**"))
    sha = branch_commit(synced, lambda text: add_row(text, row), "Add a paper twice")
    assert deliver("pull_request", pull_request(7, sha)).status_code == 202
    (status,) = github.sent("POST", f"/repos/owner/list/statuses/{sha}")
    assert status.body["state"] == "failure"
    assert status.body["context"] == "catalog/lint-readme"
    assert status.headers["Authorization"] == "Bearer ghs_test_token_value"
    assert github.sent("GET", "/repos/owner/list/contents/README.md")
    check = PullRequestCheck.objects.get(number=7)
    assert status.body["target_url"] == f"http://testserver/repository/checks/{check.pk}/"
    page = client.get(f"/repository/checks/{check.pk}/").content.decode()
    assert "duplicate" in page and "error" in page and "README.md:" in page


def test_a_clean_pull_request_passes_and_a_closed_one_is_not_checked(synced, github):
    sha = branch_commit(synced, lambda text: add_row(text, ROW2), "Add a paper")
    deliver("pull_request", pull_request(8, sha, action="synchronize"))
    (status,) = github.sent("POST", f"/repos/owner/list/statuses/{sha}")
    assert status.body["state"] == "success"
    deliver("pull_request", pull_request(8, sha, action="closed"))
    deliver("pull_request", pull_request(9, sha, base="other"))
    assert len(github.sent("POST", r"/repos/owner/list/statuses/.*")) == 1


def test_pull_request_mode_proposes_a_branch_and_the_merge_comes_back_once(synced, github, settings):
    settings.CATALOG_GIT_PUBLISH = "pull-request"
    settings.CATALOG_GIT_REMOTE = str(synced.remote)
    settings.CATALOG_LIST_REPOSITORY_URL = "https://github.com/owner/list"
    paper = Paper.objects.order_by("pk")[3]
    paper.title += " (revised)"
    paper.save()
    base = synced.head()
    call_command("publish_readme", stdout=StringIO(), stderr=StringIO())
    assert synced.head() == base
    (proposal,) = github.sent("POST", "/repos/owner/list/pulls")
    branch = proposal.body["head"]
    assert proposal.body["base"] == "main" and proposal.body["title"].startswith("Update 1 paper: ")
    assert synced.show(f"{branch}:README.md") == export_readme()
    event = RepositoryEvent.objects.filter(kind="publish").first()
    assert event.url == "https://github.com/owner/list/pull/1"
    assert config.synced_commit() == base
    later = Paper.objects.order_by("pk")[10]
    later.title += " (edited after the proposal)"
    later.save()
    git("--git-dir", str(synced.remote), "update-ref", "refs/heads/main", synced.head(branch))
    count = Paper.objects.count()
    deliver("push", push(synced.head()))
    assert config.synced_commit() == synced.head()
    assert Paper.objects.count() == count
    assert Paper.objects.get(pk=paper.pk).title == paper.title
    assert Paper.objects.get(pk=later.pk).title == later.title
    assert export_readme().count(f"[**{paper.title}**]") == 1


def test_a_pull_request_github_refuses_removes_its_branch_and_says_why(synced, github, settings):
    settings.CATALOG_GIT_PUBLISH = "pull-request"
    settings.CATALOG_LIST_REPOSITORY_URL = "https://github.com/owner/list"
    github.refuse_pulls = True
    paper = Paper.objects.order_by("pk")[3]
    paper.title += " (revised)"
    paper.save()
    with pytest.raises(Exception, match="HTTP 422 Validation Failed"):
        call_command("publish_readme", stdout=StringIO(), stderr=StringIO())
    branches = git("--git-dir", str(synced.remote), "for-each-ref", "--format=%(refname:short)", "refs/heads").split()
    assert branches == ["main"]
