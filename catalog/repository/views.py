"""GitHub's webhook, and the page a pull request's status links to."""

import hashlib
import hmac
import json
import logging

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from catalog.repository import config
from catalog.repository.models import PullRequestCheck
from catalog.repository.tasks import lint_pull_request_task, sync_repository_task

logger = logging.getLogger(__name__)
PULL_REQUEST_ACTIONS = {"opened", "synchronize", "reopened"}


def _signed(request) -> bool:
    secret = settings.CATALOG_GITHUB_WEBHOOK_SECRET
    given = request.headers.get("X-Hub-Signature-256", "")
    if not secret or not given:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(given.encode(), expected.encode())


def _ignored(reason: str) -> JsonResponse:
    return JsonResponse({"ignored": reason})


@csrf_exempt
@require_POST
def github_webhook(request):
    if not _signed(request):
        logger.warning("GitHub webhook delivery refused: missing or wrong X-Hub-Signature-256")
        return HttpResponseForbidden("A valid X-Hub-Signature-256 is required.", content_type="text/plain")
    event = request.headers.get("X-GitHub-Event", "")
    if event == "ping":
        return JsonResponse({"pong": True})
    try:
        payload = json.loads(request.body)
    except ValueError:
        return HttpResponse("The body is not JSON.", status=400, content_type="text/plain")
    if not isinstance(payload, dict):
        return HttpResponse("The body is not a JSON object.", status=400, content_type="text/plain")
    if not config.connected():
        return _ignored("no repository is configured (CATALOG_GIT_REMOTE)")
    branch = settings.CATALOG_GIT_BRANCH
    if event == "push":
        if payload.get("ref") != f"refs/heads/{branch}":
            return _ignored(f"a push to another branch than {branch}")
        result = sync_repository_task.enqueue()
        return JsonResponse({"queued": "sync", "task": str(result.id)}, status=202)
    if event == "pull_request":
        pull = payload.get("pull_request") or {}
        if payload.get("action") not in PULL_REQUEST_ACTIONS:
            return _ignored(f"pull request action {payload.get('action')!r}")
        if (pull.get("base") or {}).get("ref") != branch:
            return _ignored(f"a pull request into another branch than {branch}")
        repository = (payload.get("repository") or {}).get("full_name") or config.github_repository()
        sha, number = (pull.get("head") or {}).get("sha"), pull.get("number")
        if not (repository and isinstance(sha, str) and isinstance(number, int)):
            return HttpResponse("The pull request's number or head commit is missing.", status=400)
        result = lint_pull_request_task.enqueue(repository, number, sha, request.build_absolute_uri("/"))
        return JsonResponse({"queued": "lint", "task": str(result.id)}, status=202)
    return _ignored(f"event {event!r}")


@require_GET
def pull_request_check(request, pk):
    check = get_object_or_404(PullRequestCheck, pk=pk)
    errors = sum(1 for finding in check.findings if finding["severity"] == "error")
    context = {
        "check": check,
        "errors": errors,
        "warnings": len(check.findings) - errors,
        "readme_path": settings.CATALOG_GIT_README,
    }
    return render(request, "repository/check.html", context)
