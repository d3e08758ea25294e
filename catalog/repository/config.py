"""The repository the settings name, this instance's clone of it, and the commit the catalog is in step with."""

import re

from django.conf import settings

from catalog.repository.git import Clone, Identity, public_remote
from catalog.repository.models import SyncedCommit

LOCK_NAME = "list-repository"
GITHUB_REMOTE = re.compile(
    r"^(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)([^/]+)/(.+?)(?:\.git)?/?$"
)


class RepositoryError(Exception):
    """The repository cannot be read or written; the message says why and what to do."""


def connected() -> bool:
    return bool(settings.CATALOG_GIT_REMOTE)


def clone() -> Clone:
    return Clone(
        settings.CATALOG_GIT_WORKDIR,
        remote=settings.CATALOG_GIT_REMOTE,
        branch=settings.CATALOG_GIT_BRANCH,
        token=settings.GITHUB_TOKEN,
        timeout=settings.CATALOG_GIT_TIMEOUT,
    )


def github_repository() -> str | None:
    """`owner/name` of the remote on GitHub, or else of CATALOG_LIST_REPOSITORY_URL."""
    for url in (settings.CATALOG_GIT_REMOTE, settings.CATALOG_LIST_REPOSITORY_URL):
        found = GITHUB_REMOTE.match(public_remote(url))
        if found:
            return f"{found[1]}/{found[2]}"
    return None


def commit_url(sha: str) -> str:
    """The commit's page when the remote is on GitHub."""
    found = GITHUB_REMOTE.match(public_remote(settings.CATALOG_GIT_REMOTE))
    return f"https://github.com/{found[1]}/{found[2]}/commit/{sha}" if found and sha else ""


def site_identity() -> Identity:
    return Identity(settings.CATALOG_GIT_COMMITTER_NAME, settings.CATALOG_GIT_COMMITTER_EMAIL)


def _key() -> dict:
    return {
        "remote": public_remote(settings.CATALOG_GIT_REMOTE),
        "branch": settings.CATALOG_GIT_BRANCH,
        "readme_path": settings.CATALOG_GIT_README,
    }


def synced_commit() -> str | None:
    """The commit whose README the catalog is in step with, or None when it has never been synced."""
    return SyncedCommit.objects.filter(**_key()).values_list("commit", flat=True).first()


def set_synced_commit(sha: str) -> None:
    SyncedCommit.objects.update_or_create(**_key(), defaults={"commit": sha})
