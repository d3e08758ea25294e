"""A stand-in for the GitHub REST API on 127.0.0.1: it answers from a local bare repository and records requests.

Answers follow GitHub's documented formats: `POST /repos/{owner}/{repo}/pulls` (201 with `number` and
`html_url`), `POST /repos/{owner}/{repo}/statuses/{sha}` (201), and `GET /repos/{owner}/{repo}/contents/{path}
?ref=` with the raw media type (the file's bytes, or 404 with a message).
"""

import json
import re
import subprocess
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from tests.fake_http import ServedInBackground


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict
    body: dict | None


class FakeGitHub(ServedInBackground, ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, remote):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.remote = remote
        self.requests: list[Request] = []
        self.refuse_pulls = False
        self.lock = threading.Lock()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def sent(self, method: str, pattern: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and re.fullmatch(pattern, r.path)]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def _reply(self, status: int, body: bytes, content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data) -> None:
        self._reply(status, json.dumps(data).encode())

    def _record(self, body) -> str:
        path = urlsplit(self.path).path
        with self.server.lock:
            self.server.requests.append(Request(self.command, path, dict(self.headers), body))
        return path

    def do_GET(self):
        path = self._record(None)
        found = re.fullmatch(r"/repos/[^/]+/[^/]+/contents/(.+)", path)
        if not found:
            return self._json(404, {"message": "Not Found"})
        ref = parse_qs(urlsplit(self.path).query).get("ref", ["HEAD"])[0]
        done = subprocess.run(
            ["git", "--git-dir", str(self.server.remote), "cat-file", "blob", f"{ref}:{unquote(found[1])}"],
            capture_output=True,
        )
        if done.returncode:
            return self._json(404, {"message": "Not Found"})
        self._reply(200, done.stdout, "application/vnd.github.raw+json")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        path = self._record(body)
        if re.fullmatch(r"/repos/[^/]+/[^/]+/pulls", path):
            if self.server.refuse_pulls:
                return self._json(422, {"message": "Validation Failed"})
            number = len(self.server.sent("POST", path))
            owner_repo = path.split("/")[2:4]
            return self._json(
                201, {"number": number, "html_url": f"https://github.com/{'/'.join(owner_repo)}/pull/{number}"}
            )
        if re.fullmatch(r"/repos/[^/]+/[^/]+/statuses/[0-9a-f]{40}", path):
            return self._json(201, {"state": body.get("state"), "context": body.get("context")})
        self._json(404, {"message": "Not Found"})
