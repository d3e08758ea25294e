"""What the GitHub REST API says about the catalog's star repos: stars, archived flag, last push.

Requests are conditional (the stored ETag; a 304 keeps the data and does not count against the rate limit),
renamed repositories are followed and recorded, and the rate limit is respected: when it is used up the
refresh waits for the reset, or stops with the repositories left when the reset is too far away.
Each repository is saved as soon as it is fetched, so a stopped refresh keeps what it got.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from catalog.entry_kinds import KINDS, Selection
from catalog.models import Repository

ATTEMPTS = 3


class RateLimitExhausted(Exception):
    pass


@dataclass
class RefreshReport:
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    left: list[str] = field(default_factory=list)
    stopped: str = ""


def star_repos(selection: Selection = None) -> list[str]:
    """Every `owner/name` named by the star badge of a paper or a resource (of the `selection`), sorted."""
    names = set()
    for kind in KINDS:
        names |= set(kind.selected(kind.model.objects.with_star_repo(), selection).values_list("star_repo", flat=True))
    return sorted(names)


class GitHubClient:
    """GET requests to the API that wait out the rate limit, up to `max_wait` seconds at a time."""

    def __init__(self, *, api_url: str, token: str, timeout: float, max_wait: float, sleep, clock):
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": "awesome-interpretability-catalog",
        }
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.http = httpx.Client(base_url=api_url, headers=headers, timeout=timeout, follow_redirects=True)
        self.max_wait, self.sleep, self.clock = max_wait, sleep, clock
        self.used_up_until: float | None = None

    def close(self) -> None:
        self.http.close()

    def get(self, path: str, *, etag: str = "") -> httpx.Response:
        headers = {"If-None-Match": etag} if etag else {}
        for _ in range(ATTEMPTS):
            if self.used_up_until is not None:
                self.wait(self.used_up_until - self.clock(), reason="the rate limit is used up")
                self.used_up_until = None
            response = self.http.get(path, headers=headers)
            self.note_limit(response)
            retry_after = response.headers.get("Retry-After", "")
            if response.status_code in (403, 429) and retry_after.isdigit():
                self.wait(float(retry_after), reason="GitHub asked to slow down (secondary rate limit)")
            elif response.status_code in (403, 429) and self.used_up_until is not None:
                continue
            else:
                return response
        return response

    def note_limit(self, response: httpx.Response) -> None:
        remaining, reset = response.headers.get("X-RateLimit-Remaining"), response.headers.get("X-RateLimit-Reset")
        if remaining == "0" and reset and reset.isdigit():
            self.used_up_until = float(reset) + 1

    def wait(self, seconds: float, *, reason: str) -> None:
        seconds = max(seconds, 0.0)
        if seconds > self.max_wait:
            until = datetime.fromtimestamp(self.clock() + seconds, UTC).strftime("%H:%M UTC")
            raise RateLimitExhausted(
                f"{reason} until {until}, in {seconds / 60:.0f} min, longer than the {self.max_wait:g} s "
                "CATALOG_GITHUB_MAX_WAIT allows"
            )
        self.sleep(seconds)


def refresh_repositories(
    *,
    names: list[str],
    api_url: str,
    token: str,
    timeout: float,
    max_wait: float,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
    on_repository: Callable[[str], None] | None = None,
) -> RefreshReport:
    report = RefreshReport()
    known = {repository.full_name: repository for repository in Repository.objects.filter(full_name__in=names)}
    client = GitHubClient(api_url=api_url, token=token, timeout=timeout, max_wait=max_wait, sleep=sleep, clock=clock)
    try:
        for index, name in enumerate(names):
            repository = known.get(name) or Repository(full_name=name)
            try:
                response = client.get(f"/repos/{name}", etag=repository.etag)
            except RateLimitExhausted as stop:
                report.stopped, report.left = str(stop), names[index:]
                break
            except httpx.HTTPError as error:
                record_failure(repository, status=None, message=str(error) or type(error).__name__, report=report)
            else:
                record_answer(repository, response, report=report)
            if on_repository:
                on_repository(name)
    finally:
        client.close()
    return report


def record_answer(repository: Repository, response: httpx.Response, *, report: RefreshReport) -> None:
    name = repository.full_name
    if response.status_code == 304:
        repository.last_status, repository.last_error, repository.fetched_at = 304, "", timezone.now()
        repository.save()
        report.unchanged.append(name)
    elif response.status_code == 200:
        data = response.json()
        repository.stars = data["stargazers_count"]
        repository.archived = bool(data["archived"])
        repository.pushed_at = parse_datetime(data["pushed_at"]) if data.get("pushed_at") else None
        repository.renamed_to = data["full_name"] if data["full_name"].lower() != name.lower() else ""
        repository.etag = response.headers.get("ETag", "")
        repository.last_status, repository.last_error, repository.fetched_at = 200, "", timezone.now()
        repository.save()
        report.updated.append(name)
        if repository.renamed_to:
            report.renamed[name] = repository.renamed_to
    elif response.status_code == 404:
        repository.etag = ""
        message = "not found: deleted, made private, or renamed without a redirect"
        record_failure(repository, status=404, message=message, report=report)
        report.not_found.append(name)
    else:
        record_failure(repository, status=response.status_code, message=api_message(response), report=report)


def record_failure(repository: Repository, *, status: int | None, message: str, report: RefreshReport) -> None:
    repository.last_status, repository.last_error = status, message[:500]
    repository.save()
    if status != 404:
        report.failed[repository.full_name] = repository.last_error


def api_message(response: httpx.Response) -> str:
    try:
        message = response.json().get("message", "")
    except ValueError:
        message = ""
    return f"{response.status_code} {message or response.reason_phrase}".strip()
