"""The `git` program, run on the instance's own bare clone of the list's repository.

A GITHUB_TOKEN reaches git only through the environment of the child process (an `http.<origin>.extraHeader`
given by GIT_CONFIG_COUNT/KEY/VALUE), for the remote's own origin: never in a file, a URL or an error message.
"""

import base64
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from catalog.services.files import file_lock

# Variables of the caller that would point git elsewhere, change who commits, or trace the HTTP headers.
_DROPPED = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_AUTHOR_",
    "GIT_COMMITTER_",
    "GIT_TRACE",
    "GIT_CURL_VERBOSE",
    "GIT_CONFIG",
    "GIT_ASKPASS",
    "SSH_ASKPASS",
)


class GitError(Exception):
    """A git command failed; the message names the command and git's own words, with no secret in them."""


class PushRejected(GitError):
    """The remote refused the push because the branch is no longer where it was fetched from."""


def public_remote(remote: str) -> str:
    """The remote without any user name or password written into its URL."""
    parts = urlsplit(remote)
    if parts.scheme in {"http", "https"} and "@" in parts.netloc:
        return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
    return remote


@dataclass(frozen=True)
class Commit:
    sha: str
    author_name: str
    author_email: str
    date: str
    subject: str


@dataclass(frozen=True)
class Identity:
    name: str
    email: str


class Clone:
    """A bare clone at `path` that fetches `branch` of `remote` into refs/remotes/origin/BRANCH."""

    def __init__(self, path, *, remote: str, branch: str, token: str = "", timeout: float = 120.0):
        self.path = Path(path)
        self.remote = remote
        self.branch = branch
        self.token = token
        self.timeout = timeout
        self.tracking = f"refs/remotes/origin/{branch}"

    def _env(self, extra=None) -> dict:
        env = {name: value for name, value in os.environ.items() if not name.startswith(_DROPPED)}
        env.update(GIT_TERMINAL_PROMPT="0", GIT_CONFIG_NOSYSTEM="1", LC_ALL="C")
        parts = urlsplit(self.remote)
        if self.token and parts.scheme == "https":
            credentials = base64.b64encode(f"x-access-token:{self.token}".encode()).decode()
            env.update(
                GIT_CONFIG_COUNT="1",
                GIT_CONFIG_KEY_0=f"http.https://{parts.netloc.rsplit('@', 1)[-1]}/.extraHeader",
                GIT_CONFIG_VALUE_0=f"Authorization: Basic {credentials}",
            )
        env.update(extra or {})
        return env

    def _clean(self, text: str) -> str:
        text = text.replace(self.remote, public_remote(self.remote))
        return text.replace(self.token, "***") if self.token else text

    def run(self, *args, input: bytes | None = None, env=None, ok_codes=(0,)) -> subprocess.CompletedProcess:
        command = ["git", "--git-dir", str(self.path), *args]
        try:
            done = subprocess.run(
                command, input=input, capture_output=True, env=self._env(env), timeout=self.timeout, check=False
            )
        except subprocess.TimeoutExpired:
            raise GitError(f"git {args[0]} took longer than {self.timeout:g} seconds") from None
        if done.returncode not in ok_codes:
            words = self._clean(done.stderr.decode("utf-8", "replace").strip() or done.stdout.decode().strip())
            raise GitError(f"git {args[0]} failed: {words}")
        return done

    def text(self, *args, **kwargs) -> str:
        return self.run(*args, **kwargs).stdout.decode("utf-8", "replace").strip()

    def lock(self):
        """The lock of this clone, for the processes of this instance that share it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return file_lock(self.path)

    def ensure(self) -> None:
        if not (self.path / "HEAD").exists():
            self.path.mkdir(parents=True, exist_ok=True)
            done = subprocess.run(["git", "init", "--quiet", "--bare", str(self.path)], capture_output=True,
                                  env=self._env(), check=False)  # fmt: skip
            if done.returncode:
                raise GitError(f"git init {self.path} failed: {done.stderr.decode('utf-8', 'replace').strip()}")

    def fetch(self) -> str | None:
        """Fetch the branch; its head commit, or None when the remote has no such branch (an empty repository)."""
        self.ensure()
        refspec = f"+refs/heads/{self.branch}:{self.tracking}"
        try:
            self.run("fetch", "--quiet", "--no-tags", "--no-write-fetch-head", self.remote, refspec)
        except GitError as error:
            if "couldn't find remote ref" not in str(error):
                raise
            self.run("update-ref", "-d", self.tracking)
            return None
        return self.head()

    def head(self) -> str | None:
        done = self.run("rev-parse", "--verify", "--quiet", f"{self.tracking}^{{commit}}", ok_codes=(0, 1))
        return done.stdout.decode().strip() or None

    def has(self, commit: str) -> bool:
        return not self.run("cat-file", "-e", f"{commit}^{{commit}}", ok_codes=(0, 1, 128)).returncode

    def read(self, commit: str, path: str) -> bytes | None:
        """The file at `path` in `commit`, or None when the commit has no such file."""
        done = self.run("cat-file", "blob", f"{commit}:{path}", ok_codes=(0, 128))
        return done.stdout if done.returncode == 0 else None

    def log(self, since: str | None, until: str, path: str) -> list[Commit]:
        """The commits after `since` up to `until` that changed `path`, newest first."""
        span = f"{since}..{until}" if since else until
        out = self.text("log", "--format=%H%x1f%an%x1f%ae%x1f%aI%x1f%s", span, "--", path)
        return [Commit(*line.split("\x1f", 4)) for line in out.splitlines() if line]

    def commit(
        self, *, parent: str | None, files: dict[str, bytes], message: str, author: Identity, committer: Identity
    ) -> str:
        """A commit of `files` on `parent` (nothing checked out: a temporary index), not yet on any branch."""
        self.ensure()
        with tempfile.TemporaryDirectory(dir=self.path) as folder:
            index = {"GIT_INDEX_FILE": str(Path(folder) / "index")}
            self.run("read-tree", *([parent] if parent else ["--empty"]), env=index)
            for path, data in files.items():
                blob = self.text("hash-object", "-w", "--stdin", input=data)
                self.run("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=index)
            tree = self.text("write-tree", env=index)
        people = {
            "GIT_AUTHOR_NAME": author.name,
            "GIT_AUTHOR_EMAIL": author.email,
            "GIT_COMMITTER_NAME": committer.name,
            "GIT_COMMITTER_EMAIL": committer.email,
        }
        parents = ["-p", parent] if parent else []
        return self.text("commit-tree", tree, *parents, "-F", "-", input=message.encode(), env=people)

    def push(self, commit: str, branch: str) -> None:
        """Put `commit` on `branch` of the remote, only as a fast-forward; PushRejected if the branch moved."""
        done = self.run("push", "--porcelain", self.remote, f"{commit}:refs/heads/{branch}", ok_codes=(0, 1))
        report = done.stdout.decode("utf-8", "replace")
        if done.returncode == 0:
            return
        if any(line.startswith("!") for line in report.splitlines()):
            raise PushRejected(f"the remote refused the push to {branch}: it moved since it was fetched")
        words = self._clean(done.stderr.decode("utf-8", "replace").strip())
        raise GitError(f"git push failed: {words}")
