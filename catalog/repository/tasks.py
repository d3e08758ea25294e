"""Work a webhook asks for, done in the background (django-tasks: `manage.py db_worker`, or at once in DEBUG)."""

from django.conf import settings
from django.urls import reverse
from django_tasks import task

from catalog.repository.github import github_api
from catalog.repository.models import PullRequestCheck, RepositoryEvent
from catalog.repository.sync import sync_repository
from catalog.services.configured_lint import lint_readme


@task()
def sync_repository_task() -> str:
    """Take the branch's head in. A catalog never synced is left alone: a maintainer takes it in once by hand."""
    outcome = sync_repository(allow_two_way=False)
    return "\n".join(outcome.lines)


@task()
def lint_pull_request_task(repository: str, number: int, sha: str, site_url: str) -> str:
    """Lint the README of pull request `number` at `sha` and report it on the pull request as a commit status."""
    api = github_api()
    try:
        text = api.file_text(repository, settings.CATALOG_GIT_README, ref=sha)
        findings = lint_readme(text=text) if text is not None else []
    except Exception as error:
        RepositoryEvent.objects.create(
            kind=RepositoryEvent.Kind.LINT,
            outcome=RepositoryEvent.Outcome.FAILED,
            commit=sha,
            summary=f"Pull request #{number}: not checked: {error}",
        )
        raise
    errors = [finding for finding in findings if finding.severity == "error"]
    check = PullRequestCheck.objects.create(
        repository=repository,
        number=number,
        sha=sha,
        state="failure" if errors else "success",
        findings=[{"line": f.line, "rule": f.rule, "severity": f.severity, "message": f.message} for f in findings],
    )
    if text is None:
        description = f"{settings.CATALOG_GIT_README} is not in this pull request"
    elif errors:
        description = f"lint_readme: {len(errors)} error(s), {len(findings) - len(errors)} warning(s)"
    else:
        description = f"lint_readme: no errors, {len(findings)} warning(s)"
    target = site_url.rstrip("/") + reverse("repository-check", args=[check.pk])
    api.create_status(repository, sha, state=check.state, target_url=target, description=description)
    RepositoryEvent.objects.create(
        kind=RepositoryEvent.Kind.LINT,
        outcome=RepositoryEvent.Outcome.DONE,
        commit=sha,
        url=target,
        summary=f"Pull request #{number} at {sha[:7]}: {description}",
    )
    return description
