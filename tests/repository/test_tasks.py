"""Webhook work queued in the database and run by `manage.py db_worker`; a failed task shows in the admin."""

import hashlib
import hmac
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from catalog.models import Paper
from catalog.repository import config
from tests.repository.conftest import add_row

pytestmark = pytest.mark.django_db(transaction=True)
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
BAD = "| [**A Paper With A Wrong Date**](https://arxiv.org/abs/2411.00003) <br>| arXiv | 2024-13-45 | - | - |"


def signed_push(sha: str):
    body = json.dumps({"ref": "refs/heads/main", "after": sha}).encode()
    signature = "sha256=" + hmac.new(b"webhook-secret", body, hashlib.sha256).hexdigest()
    return Client().post(
        "/hooks/github/",
        body,
        content_type="application/json",
        HTTP_X_GITHUB_EVENT="push",
        HTTP_X_HUB_SIGNATURE_256=signature,
    )


def work() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO(), stderr=StringIO())


@pytest.fixture
def queued(upstream, settings):
    call_command("sync_repository", stdout=StringIO(), stderr=StringIO())
    settings.TASKS = DATABASE
    return upstream


def test_a_push_is_queued_and_taken_in_by_the_worker(queued):
    count = Paper.objects.count()
    sha = queued.commit(add_row, "Add a paper")
    assert signed_push(sha).status_code == 202
    assert DBTaskResult.objects.get().status == "READY"
    assert Paper.objects.count() == count
    work()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert Paper.objects.count() == count + 1
    assert config.synced_commit() == sha


def test_a_failed_task_is_listed_in_the_admin(queued, admin_client):
    sha = queued.commit(lambda text: add_row(text, BAD), "A wrong date")
    signed_push(sha)
    work()
    result = DBTaskResult.objects.get()
    assert result.status == "FAILED"
    assert "ReadmeProblems" in result.exception_class_path
    listing = admin_client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED").content.decode()
    assert str(result.id) in listing and "sync_repository_task" in listing
    detail = admin_client.get(f"/admin/django_tasks_database/dbtaskresult/{result.id}/change/").content.decode()
    assert "README.md:" in detail and "invalid date" in detail
