"""GITHUB_TOKEN authenticates HTTPS fetches and pushes, and is never written into a file, a URL or a log."""

import base64
import logging
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.models import Paper
from catalog.repository.models import RepositoryEvent, SyncedCommit
from tests.repository.https_git import GitOverHttps, self_signed_certificate

pytestmark = pytest.mark.django_db
TOKEN = "ghs_Token0123456789SecretValue"


def secrets_of(token: str) -> list[bytes]:
    return [token.encode(), base64.b64encode(f"x-access-token:{token}".encode())]


def files_holding(folder: Path, token: str) -> list[Path]:
    return [
        path
        for path in folder.rglob("*")
        if path.is_file() and any(secret in path.read_bytes() for secret in secrets_of(token))
    ]


@pytest.fixture
def https_remote(upstream, settings, tmp_path, monkeypatch):
    cert, key = self_signed_certificate(tmp_path)
    monkeypatch.setenv("GIT_SSL_CAINFO", str(cert))
    with GitOverHttps(upstream.remote.parent, TOKEN, cert, key) as server:
        settings.CATALOG_GIT_REMOTE = server.url(upstream.remote.name)
        settings.GITHUB_TOKEN = TOKEN
        yield server


def run(*args) -> str:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_the_token_fetches_and_pushes_over_https_and_is_written_nowhere(upstream, https_remote, settings, caplog):
    with caplog.at_level(logging.DEBUG):
        output = run("sync_repository")
        paper = Paper.objects.order_by("pk")[4]
        paper.title += " (revised)"
        paper.save()
        output += run("publish_readme")
    assert upstream.show("main:README.md").count("(revised)") == 1
    assert len(https_remote.seen) >= 3
    assert all(seen.get("Authorization", "").startswith("Basic ") for seen in https_remote.seen)
    assert files_holding(settings.CATALOG_GIT_WORKDIR, TOKEN) == []
    assert files_holding(Path(upstream.remote), TOKEN) == []
    remotes = list(SyncedCommit.objects.values_list("remote", flat=True))
    events = " ".join(f"{e.summary} {e.details} {e.url}" for e in RepositoryEvent.objects.all())
    for text in [output, caplog.text, *remotes, events]:
        assert not any(secret.decode() in text for secret in secrets_of(TOKEN))


def test_a_wrong_token_is_refused_and_neither_it_nor_the_right_one_shows_in_the_error(upstream, https_remote, settings):
    settings.GITHUB_TOKEN = "ghs_WrongTokenValue000000000"
    with pytest.raises(CommandError) as raised:
        run("sync_repository")
    message = str(raised.value)
    assert "git fetch failed" in message
    for token in (TOKEN, settings.GITHUB_TOKEN):
        assert not any(secret.decode() in message for secret in secrets_of(token))
    failure = RepositoryEvent.objects.get()
    assert settings.GITHUB_TOKEN not in failure.summary


def test_a_token_written_into_the_remote_url_is_kept_out_of_what_is_stored_and_shown(upstream, https_remote, settings):
    settings.CATALOG_GIT_REMOTE = https_remote.url(upstream.remote.name).replace("https://", f"https://x:{TOKEN}@")
    run("sync_repository")
    assert TOKEN not in SyncedCommit.objects.get().remote
