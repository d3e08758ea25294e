"""Importing an edited README either reproduces it byte for byte or fails with PATH:LINE and changes nothing."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings

from tests.strategies import edited, seed_edits

LOCATED = re.compile(r"^\S+:\d+: \S")


@pytest.mark.django_db
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=seed_edits)
def test_an_edited_readme_imports_exactly_or_not_at_all(seeded, export, seed_text, tmp_path, edits):
    text = edited(seed_text.split("\n"), edits)
    readme = tmp_path / "edited.md"
    readme.write_bytes(text.encode("utf-8", "surrogatepass"))  # a lone surrogate makes the file invalid UTF-8
    before = export()
    errors = StringIO()
    try:
        call_command("import_readme", str(readme), "--replace", stdout=StringIO(), stderr=errors)
    except CommandError:
        reported = [line for line in errors.getvalue().splitlines() if line]
        assert reported and all(LOCATED.match(line) for line in reported), reported
        assert export() == before
    else:
        assert export() == text
