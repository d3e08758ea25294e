"""Any file given to the README import is either imported exactly (its export gives back its bytes) or refused
with `PATH:LINE: reason` lines, the catalog unchanged; never a traceback.

The cases: random bytes, random text, and the seed (whole, or a window of its lines) after random edits:
deleted, duplicated, swapped, truncated and joined lines, broken tables, stray pipes, unbalanced brackets and
parentheses, huge lines, NUL bytes, carriage returns (mixed line endings) and byte order marks.
"""

import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from taggit.models import Tag

from catalog.models import Paper, PaperLink, Resource, Section, TextBlock, Venue
from tests.strategies import edited, seed_edits

LOCATED = re.compile(r"^\S+:\d+: \S")
# Files per test: 600 in the quick profile (1,865 in all with the whole seed and the command), 5,000 in "thorough".
EXAMPLES = max(600, settings.default.max_examples)
fuzz_settings = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
SEED_LINES = (Path(django_settings.BASE_DIR) / "fixtures" / "README.md").read_text(encoding="utf-8").split("\n")


@pytest.fixture
def small_catalog(db, tmp_path_factory):
    """The seed's survey and position papers: a catalog cheap to compare before and after each import."""
    path = tmp_path_factory.mktemp("small") / "README.md"
    path.write_text("\n".join(SEED_LINES[44:66]), encoding="utf-8")
    call_command("import_readme", str(path), stdout=StringIO(), stderr=StringIO())


def catalog_state(export) -> tuple:
    models = (Section, Paper, PaperLink, Resource, Venue, TextBlock, Tag)
    return export(), [model.objects.count() for model in models]


def import_file(path: Path, data: bytes, export) -> None:
    """Import `data` from `path` and check it went in exactly or was refused with the catalog unchanged."""
    path.write_bytes(data)
    before = catalog_state(export)
    errors = StringIO()
    try:
        call_command("import_readme", str(path), "--replace", stdout=StringIO(), stderr=errors)
    except CommandError as error:
        reported = [line for line in errors.getvalue().splitlines() if line]
        assert reported and all(LOCATED.match(line) for line in reported), reported
        assert str(error).startswith(f"{path}: not imported")
        assert catalog_state(export) == before
        event("refused with PATH:LINE")
    else:
        assert export().encode("utf-8") == data
        event("imported exactly")


def encoded(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate makes the file invalid UTF-8


@pytest.mark.django_db
@settings(max_examples=settings.default.max_examples, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=seed_edits, bom=st.booleans())
def test_an_edited_seed_imports_exactly_or_not_at_all(seeded, export, tmp_path, edits, bom):
    import_file(tmp_path / "edited.md", encoded(("\ufeff" if bom else "") + edited(SEED_LINES, edits)), export)


@pytest.mark.django_db
@fuzz_settings
@given(start=st.integers(0, len(SEED_LINES) - 1), size=st.integers(1, 30), edits=seed_edits, bom=st.booleans())
def test_an_edited_part_of_the_seed_imports_exactly_or_not_at_all(
    small_catalog, export, tmp_path, start, size, edits, bom
):
    window = SEED_LINES[start : start + size]
    import_file(tmp_path / "part.md", encoded(("\ufeff" if bom else "") + edited(window, edits)), export)


@pytest.mark.django_db
@fuzz_settings
@given(data=st.binary(max_size=2000))
def test_random_bytes_are_refused_or_imported_exactly(small_catalog, export, tmp_path, data):
    import_file(tmp_path / "bytes.md", data, export)


@pytest.mark.django_db
@fuzz_settings
@given(
    text=st.text(
        alphabet=st.one_of(st.sampled_from("|#-[]()*\\\n\r\x00 \t:!<>`_"), st.characters(codec="utf-8")),
        max_size=500,
    )
)
def test_random_text_is_refused_or_imported_exactly(small_catalog, export, tmp_path, text):
    import_file(tmp_path / "text.md", encoded(text), export)


BAD_FILES = {
    "bytes.md": bytes(range(256)),
    "nul.md": b"# Title\n- [**A**](https://example.org/a)\x00\n",
    "bom-crlf.md": "\ufeff# Papers\r\n\r\n| Title | Venue | Date | Code |\r\n|:-|:-:|:-:|:-:|\r\n".encode(),
    "bad-date.md": (
        b"# Papers\n\n|  Title  |   Venue  |   Date   |   Code   |\n|:--|:--:|:--:|:--:|\n"
        b"|[**A**](https://arxiv.org/abs/2401.00001)| arXiv | 2024-02-30 | - |\n"
    ),
    # Neither a heading nor an entry: nothing to import (a heading alone would import as a skeleton).
    "huge.md": ("Papers\n\n| [**" + "(" * 200_000 + "**](https://x.org) |\n").encode(),
}


@pytest.mark.django_db
def test_the_command_reports_bad_files_on_stderr_without_a_traceback(tmp_path):
    database = tmp_path / "catalog.sqlite3"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "awesome.test_settings", "DATABASE_URL": f"sqlite:///{database}"}

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True
        )

    assert manage("migrate", "-v0").returncode == 0
    for name, data in BAD_FILES.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = manage("import_readme", str(path))
        assert result.returncode != 0, name
        assert "Traceback" not in result.stderr + result.stdout, name
        lines = [line for line in result.stderr.splitlines() if line]
        assert any(line.startswith(f"{path}:") and LOCATED.match(line) for line in lines), (name, lines)
    counts = manage("shell", "--no-imports", "-c", "from catalog.models import Section; print(Section.objects.count())")
    assert counts.stdout.strip() == "0"
