"""A local bare repository as the list's repository, with the seed README, and a clone that plays the contributors."""

import subprocess
from pathlib import Path

import pytest
from django.conf import settings

SEED = Path(settings.BASE_DIR) / "fixtures" / "README.md"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
ROW = "| [**Upstream Added Paper On Circuit Tracing**](https://arxiv.org/abs/2411.00001) <br>| arXiv | 2024-07-05 | - | - |"  # noqa: E501
HEADER = "|:--------|:--------:|:--------:|:--------:|:--------:|\n"


def git(*args, cwd=None, env=None) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env)
    return done.stdout


def add_row(text: str, row: str = ROW, section: str = "## Interpretable Analysis of LLMs") -> str:
    """`text` with `row` first in the paper table of `section`."""
    at = text.index(HEADER, text.index(section)) + len(HEADER)
    return text[:at] + row + "\n" + text[at:]


class Upstream:
    """A clone of the remote where contributors commit and push, as themselves."""

    def __init__(self, remote: Path, folder: Path):
        self.remote, self.folder = remote, folder
        git("init", "-q", "--bare", "-b", "main", str(remote))
        git("clone", "-q", str(remote), str(folder))
        self.identity("Upstream Contributor", "up@example.org")

    def identity(self, name: str, email: str) -> None:
        git("config", "user.name", name, cwd=self.folder)
        git("config", "user.email", email, cwd=self.folder)

    def commit(self, edit, message: str, path: str = "README.md") -> str:
        if git("ls-remote", "--heads", "origin", "main", cwd=self.folder).strip():
            git("pull", "-q", "--rebase", "origin", "main", cwd=self.folder)
        file = self.folder / path
        old = file.read_text(encoding="utf-8") if file.exists() else ""
        file.write_text(edit(old), encoding="utf-8", newline="")
        git("add", path, cwd=self.folder)
        git("commit", "-q", "-m", message, cwd=self.folder)
        git("push", "-q", "origin", "HEAD:main", cwd=self.folder)
        return self.head()

    def head(self, branch: str = "main") -> str:
        return git("--git-dir", str(self.remote), "rev-parse", branch).strip()

    def show(self, what: str) -> str:
        return git("--git-dir", str(self.remote), "show", what)

    def log(self, fmt: str, branch: str = "main") -> str:
        return git("--git-dir", str(self.remote), "log", "-1", f"--format={fmt}", branch).strip()

    def count(self, branch: str = "main") -> int:
        return int(git("--git-dir", str(self.remote), "rev-list", "--count", branch))


@pytest.fixture
def upstream(tmp_path, settings) -> Upstream:
    """The remote with the seed README on main, and the settings that connect the catalog to it."""
    repo = Upstream(tmp_path / "remote.git", tmp_path / "up")
    repo.commit(lambda _: SEED.read_text(encoding="utf-8"), "The list")
    settings.CATALOG_GIT_REMOTE = str(repo.remote)
    settings.CATALOG_GIT_WORKDIR = tmp_path / "work"
    settings.CATALOG_GIT_BRANCH = "main"
    settings.CATALOG_GIT_README = "README.md"
    settings.CATALOG_GIT_FIXTURE = ""
    settings.CATALOG_GIT_PUBLISH = "push"
    settings.CATALOG_GIT_LOCK_WAIT = 5.0
    settings.CATALOG_GITHUB_WEBHOOK_SECRET = "webhook-secret"
    settings.TASKS = IMMEDIATE
    return repo
