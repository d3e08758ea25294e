"""The few GitHub REST API calls the repository work needs: open a pull request, read a file, set a status."""

from urllib.parse import quote

import httpx
from django.conf import settings

STATUS_CONTEXT = "catalog/lint-readme"


class GitHubError(Exception):
    """GitHub answered with an error, or could not be reached; the message says which."""


class GitHubAPI:
    def __init__(self, *, api_url: str, token: str, timeout: float):
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": "awesome-interpretability-catalog",
        }
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.api_url = api_url
        self.http = httpx.Client(base_url=api_url, headers=headers, timeout=timeout)

    def _call(self, method: str, path: str, **kwargs) -> httpx.Response:
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            raise GitHubError(f"{method} {self.api_url}{path}: {type(error).__name__}") from None
        if response.status_code >= 400:
            try:
                reason = response.json().get("message", "")
            except ValueError:
                reason = ""
            raise GitHubError(f"{method} {self.api_url}{path}: HTTP {response.status_code} {reason}".strip())
        return response

    def create_pull_request(self, repository: str, *, title: str, body: str, head: str, base: str) -> dict:
        payload = {"title": title, "body": body, "head": head, "base": base}
        return self._call("POST", f"/repos/{repository}/pulls", json=payload).json()

    def file_text(self, repository: str, path: str, *, ref: str) -> str | None:
        """The file at `path` at commit `ref`, or None when there is no such file."""
        try:
            response = self._call(
                "GET",
                f"/repos/{repository}/contents/{quote(path)}",
                params={"ref": ref},
                headers={"Accept": "application/vnd.github.raw+json"},
            )
        except GitHubError as error:
            if "HTTP 404" in str(error):
                return None
            raise
        return response.content.decode("utf-8", "replace")

    def create_status(self, repository: str, sha: str, *, state: str, target_url: str, description: str) -> None:
        payload = {
            "state": state,
            "target_url": target_url,
            "description": description[:140],
            "context": STATUS_CONTEXT,
        }
        self._call("POST", f"/repos/{repository}/statuses/{sha}", json=payload)


def github_api() -> GitHubAPI:
    return GitHubAPI(
        api_url=settings.CATALOG_GITHUB_API_URL, token=settings.GITHUB_TOKEN, timeout=settings.CATALOG_GITHUB_TIMEOUT
    )
