"""The README's admin-account step works on a fresh checkout, without DJANGO_SECRET_KEY or DJANGO_DEBUG exported."""

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def test_the_readme_gives_make_superuser_as_the_account_step():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme[readme.index("## Set up") : readme.index("## Publishing the README")]
    assert "make superuser" in setup
    assert not re.search(r"manage\.py createsuperuser", setup)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_superuser_creates_the_account_with_the_settings_of_make_run(tmp_path):
    database = tmp_path / "fresh.sqlite3"
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DJANGO_") and name not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_SUPERUSER_USERNAME="alice",
        DJANGO_SUPERUSER_EMAIL="alice@example.org",
        DJANGO_SUPERUSER_PASSWORD="a-long-password-1",
    )
    result = subprocess.run(
        ["make", "--no-print-directory", "superuser", "SUPERUSER_ARGS=--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "DJANGO_SECRET_KEY is not set" not in result.stderr
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT username, is_superuser, is_staff FROM auth_user").fetchall()
    assert rows == [("alice", 1, 1)]
