"""The admin's README page when the catalog is connected to the list's repository.

It shows the repository and branch, the commit the catalog is in step with, the commits waiting to be taken in
(with their authors and the entries they change), the diff of the catalog against the branch's README, the last
publishes and syncs; "Take them in" syncs, "Publish" commits (or proposes a pull request).
"""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.html import format_html

from catalog.admin.readme import PUBLISH_PERMISSION, diff_lines
from catalog.admin.readme_checks import export_findings, refused_for_errors
from catalog.readme import RenderError
from catalog.repository import config
from catalog.repository.changes import entry_changes
from catalog.repository.git import GitError, public_remote
from catalog.repository.github import GitHubError
from catalog.repository.lock import Busy
from catalog.repository.models import RepositoryEvent
from catalog.repository.publish import publish_to_repository, reviewed, untaken_commits
from catalog.repository.sync import sync_repository
from catalog.services.publish import catalog_snapshot
from catalog.services.readme_export import readme_diff
from catalog.services.readme_files import ReadmeProblems


def repository_page(request):
    can_publish = request.user.has_perm(PUBLISH_PERMISSION)
    if request.method == "POST":
        if not can_publish:
            raise PermissionDenied("You do not have permission to publish the README or take the repository in.")
        if "take_in" in request.POST:
            _take_in(request)
        else:
            _publish(request)
        return redirect("admin-readme")
    context = {
        **admin.site.each_context(request),
        "title": "README",
        "can_publish": can_publish,
        "remote": public_remote(settings.CATALOG_GIT_REMOTE),
        "branch": settings.CATALOG_GIT_BRANCH,
        "readme_path": settings.CATALOG_GIT_README,
        "fixture_path": settings.CATALOG_GIT_FIXTURE,
        "mode": settings.CATALOG_GIT_PUBLISH,
        "synced": config.synced_commit(),
        "publishes": RepositoryEvent.objects.filter(kind=RepositoryEvent.Kind.PUBLISH).select_related("user")[:5],
        "syncs": RepositoryEvent.objects.filter(kind=RepositoryEvent.Kind.SYNC).select_related("user")[:5],
        "checks": RepositoryEvent.objects.filter(kind=RepositoryEvent.Kind.LINT)[:5],
        "tasks_in_database": settings.CATALOG_TASKS_BACKEND == "database",
        **_repository_state(request),
    }
    context["synced_url"] = config.commit_url(context["synced"] or "")
    last_sync = context["syncs"][0] if context["syncs"] else None
    context["sync_problems"] = (
        last_sync.details.splitlines() if last_sync and last_sync.outcome == RepositoryEvent.Outcome.FAILED else []
    )
    return TemplateResponse(request, "admin/repository_readme.html", context)


def _repository_state(request) -> dict:
    repo = config.clone()
    try:
        with repo.lock():
            head = repo.fetch()
            waiting = untaken_commits(repo, head)
            theirs = (repo.read(head, settings.CATALOG_GIT_README) or b"").decode("utf-8", "replace") if head else ""
            commits = [(commit, _commit_changes(repo, commit.sha)) for commit in waiting or []]
    except (GitError, OSError) as error:
        messages.error(request, f"Cannot read the repository: {error}")
        return {"reachable": False}
    try:
        exported, _ = catalog_snapshot()
    except RenderError as error:
        messages.error(request, f"The catalog cannot be exported as the README: {error}")
        return {"reachable": True, "head": head, "never_synced": waiting is None, "waiting": commits}
    diff = readme_diff(
        theirs,
        exported,
        current_name=f"{settings.CATALOG_GIT_README} ({settings.CATALOG_GIT_BRANCH})",
        exported_name="database export",
    )
    return {
        "reachable": True,
        "head": head,
        "head_url": config.commit_url(head or ""),
        "never_synced": waiting is None,
        "waiting": commits,
        "diff": diff,
        "lines": diff_lines(diff.text),
        "fingerprint": reviewed(head, exported),
        **export_findings(request, exported),
    }


def _commit_changes(repo, sha: str) -> list[tuple[str, str]]:
    """The entries the commit `sha` adds, updates or removes in the README."""
    path = settings.CATALOG_GIT_README
    before = repo.read(f"{sha}^", path) if repo.has(f"{sha}^") else None
    after = repo.read(sha, path)
    if after is None:
        return [("removed", "the whole README")]
    return entry_changes((before or b"").decode("utf-8", "replace"), after.decode("utf-8", "replace")).entries()


def _take_in(request) -> None:
    try:
        outcome = sync_repository(user=request.user)
    except ReadmeProblems as problems:
        messages.error(request, "Nothing was taken in; the README has problems: " + "; ".join(problems.lines()[:5]))
        return
    except (config.RepositoryError, GitError, Busy, OSError) as error:
        messages.error(request, f"Nothing was taken in: {error}")
        return
    messages.success(request, " ".join(outcome.lines[:2]) or "Taken in.")
    for line in outcome.conflicts[:20]:
        messages.warning(request, line)


def _publish(request) -> None:
    if refused_for_errors(request):
        return
    try:
        outcome = publish_to_repository(user=request.user, fingerprint=request.POST.get("fingerprint") or None)
    except (config.RepositoryError, GitError, GitHubError, Busy, OSError) as error:
        messages.error(request, str(error))
        return
    except RenderError as error:
        messages.error(request, f"Nothing was published: the catalog cannot be exported as the README: {error}")
        return
    if outcome.outcome == "nothing":
        messages.info(request, outcome.message)
        return
    subject = outcome.message.splitlines()[0]
    what = "Proposed a pull request" if settings.CATALOG_GIT_PUBLISH == "pull-request" else "Published"
    if outcome.url:
        messages.success(
            request, format_html('{} <a href="{}">{}</a>: {}', what, outcome.url, outcome.commit[:7], subject)
        )
    else:
        messages.success(request, f"{what} {outcome.commit[:7]}: {subject}")
