"""Publishing the catalog to the list's repository: one commit on the fetched head, pushed or proposed.

Publishing is refused while the branch's README differs from the one at the synced commit (commits not taken in
yet): nothing in the repository is ever overwritten. The commit holds the README (and the fixture when
CATALOG_GIT_FIXTURE names it), is authored by the maintainer and committed by the site's identity; it is pushed
as a fast-forward only (`push`), or to a branch of its own with a pull request (`pull-request`). The whole
publish holds the database lock, so publishes and syncs from every instance happen one after the other.
"""

import contextlib
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from catalog.repository import config
from catalog.repository.changes import EntryChanges, entry_changes
from catalog.repository.git import Commit, GitError, Identity, PushRejected
from catalog.repository.github import GitHubError, github_api
from catalog.repository.lock import database_lock
from catalog.repository.models import RepositoryEvent
from catalog.services.publish import catalog_snapshot
from catalog.services.readme_export import ReadmeDiff, readme_diff


class ReviewOutdated(config.RepositoryError):
    """The branch or the catalog changed after the diff was reviewed."""


class PublishRefused(config.RepositoryError):
    """The repository has README commits the catalog has not taken in."""

    def __init__(self, message, commits=()):
        super().__init__(message)
        self.commits = list(commits)


@dataclass
class PublishOutcome:
    outcome: str
    message: str = ""
    commit: str = ""
    url: str = ""
    changes: EntryChanges = field(default_factory=EntryChanges)
    diff: ReadmeDiff | None = None
    files: list[str] = field(default_factory=list)


def author_of(user) -> Identity:
    if user is None:
        return config.site_identity()
    name = user.get_full_name().strip() or user.get_username()
    return Identity(name, user.email or settings.CATALOG_GIT_COMMITTER_EMAIL)


def untaken_commits(repo, head: str | None) -> list[Commit] | None:
    """The commits whose README the catalog has not taken in (empty: none), or None when it was never synced."""
    path = settings.CATALOG_GIT_README
    if head is None or repo.read(head, path) is None:
        return []
    known = config.synced_commit()
    if known is None or not repo.has(known):
        return None
    if repo.read(known, path) == repo.read(head, path):
        return []
    return repo.log(known, head, path) or [Commit(head, "", "", "", "(the README differs from the synced commit)")]


def _refuse_if_behind(repo, head) -> None:
    commits = untaken_commits(repo, head)
    branch = settings.CATALOG_GIT_BRANCH
    if commits is None:
        raise PublishRefused(
            f"The catalog has never taken in {settings.CATALOG_GIT_README} of {branch}: take the repository in "
            "first (sync_repository, or “Take them in” on the admin's README page), then publish."
        )
    if commits:
        listed = "; ".join(f"{c.sha[:7]} by {c.author_name}: {c.subject}" for c in commits)
        raise PublishRefused(
            f"Not published: {branch} has {len(commits)} README commit{'s' if len(commits) != 1 else ''} the catalog "
            f"has not taken in ({listed}). Take them in first (sync_repository, or “Take them in” on the admin's "
            "README page); nothing in the repository was changed.",
            commits,
        )


def publish_to_repository(
    *, user=None, message: str | None = None, dry_run: bool = False, fingerprint: str | None = None
) -> PublishOutcome:
    """Publish the catalog as a commit; raises PublishRefused, PushRejected, GitError, GitHubError or lock.Busy
    having changed nothing (each recorded for the admin's README page, except for a dry run)."""
    try:
        with database_lock(config.LOCK_NAME, wait=settings.CATALOG_GIT_LOCK_WAIT):
            repo = config.clone()
            with repo.lock():
                return _publish(repo, user=user, message=message, dry_run=dry_run, fingerprint=fingerprint)
    except PushRejected as error:
        error.args = (
            f"Not published: {settings.CATALOG_GIT_BRANCH} moved while publishing (a commit was pushed meanwhile). "
            "Nothing was changed in the repository or in the catalog: take the new commits in (sync_repository, "
            "or “Take them in” on the admin's README page), then publish again.",
        )
        _record_failure(RepositoryEvent.Outcome.REFUSED, error, user, dry_run)
        raise
    except PublishRefused as error:
        _record_failure(RepositoryEvent.Outcome.REFUSED, error, user, dry_run)
        raise
    except Exception as error:
        _record_failure(RepositoryEvent.Outcome.FAILED, error, user, dry_run)
        raise


def _record_failure(outcome, error, user, dry_run) -> None:
    if not dry_run:
        RepositoryEvent.objects.create(
            kind=RepositoryEvent.Kind.PUBLISH, outcome=outcome, summary=str(error), user=user
        )


def reviewed(head: str | None, exported: str) -> str:
    """What a reviewer saw: the branch's head and the export, so a publish commits what was reviewed."""
    return hashlib.sha256(f"{head}\0{exported}".encode()).hexdigest()


def _publish(repo, *, user, message, dry_run, fingerprint) -> PublishOutcome:
    head = repo.fetch()
    _refuse_if_behind(repo, head)
    readme_path, fixture_path = settings.CATALOG_GIT_README, settings.CATALOG_GIT_FIXTURE
    exported, fixture = catalog_snapshot()
    if fingerprint and fingerprint != reviewed(head, exported):
        raise ReviewOutdated("The branch or the catalog changed since this page was loaded: review the new diff.")
    files = {readme_path: exported.encode("utf-8")}
    if fixture_path:
        files[fixture_path] = fixture.encode("utf-8")
    current = {path: repo.read(head, path) if head else None for path in files}
    changed = {path: data for path, data in files.items() if current[path] != data}
    theirs = (current[readme_path] or b"").decode("utf-8", "replace")
    if not changed:
        if head and config.synced_commit() != head and not dry_run:
            config.set_synced_commit(head)
        return PublishOutcome("nothing", "Nothing to publish: the repository already has the catalog's export.")
    changes = entry_changes(theirs, exported)
    text = (message.strip() + "\n") if message and message.strip() else changes.message()
    diff = readme_diff(
        theirs, exported, current_name=f"{readme_path} ({settings.CATALOG_GIT_BRANCH})", exported_name="database export"
    )
    if dry_run:
        return PublishOutcome("dry-run", text, changes=changes, diff=diff, files=sorted(changed))
    commit = repo.commit(
        parent=head, files=changed, message=text, author=author_of(user), committer=config.site_identity()
    )
    if settings.CATALOG_GIT_PUBLISH == "pull-request":
        url = _propose(repo, commit, text)
        summary = f"Proposed as a pull request: {text.splitlines()[0]}"
    else:
        repo.push(commit, settings.CATALOG_GIT_BRANCH)
        config.set_synced_commit(commit)
        url = config.commit_url(commit)
        summary = f"Published {commit[:7]}: {text.splitlines()[0]}"
    RepositoryEvent.objects.create(
        kind=RepositoryEvent.Kind.PUBLISH,
        outcome=RepositoryEvent.Outcome.DONE,
        commit=commit,
        url=url,
        summary=summary,
        details=text,
        user=user,
    )
    return PublishOutcome("done", text, commit, url, changes, diff, sorted(changed))


def _propose(repo, commit: str, text: str) -> str:
    name = config.github_repository()
    if not name:
        raise config.RepositoryError("pull-request publishing needs the repository on GitHub (owner/name).")
    branch = f"catalog/publish-{timezone.now():%Y%m%d-%H%M%S}-{commit[:7]}"
    repo.push(commit, branch)
    subject, _, body = text.partition("\n")
    try:
        pull = github_api().create_pull_request(
            name, title=subject, body=body.strip(), head=branch, base=settings.CATALOG_GIT_BRANCH
        )
    except GitHubError:
        with contextlib.suppress(GitError):
            repo.run("push", "--quiet", repo.remote, f":refs/heads/{branch}")
        raise
    return pull["html_url"]
