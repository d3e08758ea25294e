"""A README with CR LF line endings imports, syncs and exports like the same file with LF, byte for byte."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog import readme
from catalog.models import Paper, ReadmeFormat, Resource, Section
from catalog.readme.lint import lint
from catalog.services.fixtures import catalog_fixture
from catalog.services.readme_import import clear_catalog
from tests.conftest import SEED_README

pytestmark = pytest.mark.django_db


def crlf(text: str) -> str:
    """What `sed 's/$/\\r/'` makes of `text`: a CR at the end of every line, the last one included."""
    return "\n".join(line + "\r" for line in text.split("\n"))


@pytest.fixture
def crlf_seed(tmp_path, seed_text):
    path = tmp_path / "crlf.md"
    path.write_bytes(crlf(seed_text).encode())
    return path


def counts() -> tuple[int, int, int]:
    return Section.objects.count(), Paper.objects.count(), Resource.objects.count()


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_crlf_readme_reads_as_the_same_entries_and_renders_back_byte_for_byte(seed_text):
    lf, windows = readme.parse(seed_text), readme.parse(crlf(seed_text))
    assert windows.line_ending == readme.CRLF and lf.line_ending == readme.LF
    entries = [
        [node for node in section.body if isinstance(node, readme.PaperRow | readme.ResourceItem)]
        for section in windows.sections
    ]
    assert sum(map(len, entries)) == 177
    assert [section.title for section in windows.sections] == [section.title for section in lf.sections]
    assert not windows.problems
    assert readme.render(windows) == crlf(seed_text)


def test_a_stray_carriage_return_is_kept_in_its_line(seed_text):
    lines = seed_text.split("\n")
    lines[70] += "\r"
    text = "\n".join(lines)
    document = readme.parse(text)
    assert document.line_ending == readme.LF
    assert not document.problems
    assert readme.render(document) == text


@pytest.mark.parametrize("mode", ["--sync", "--replace"])
def test_importing_the_crlf_copy_of_the_seed_keeps_the_catalog_and_exports_crlf(seeded, crlf_seed, export, mode):
    before = counts()
    run("import_readme", str(crlf_seed), mode)
    assert counts() == before == (17, 149, 28)
    assert export().encode() == crlf_seed.read_bytes()

    run("import_readme", str(SEED_README), "--sync")
    assert counts() == before
    assert export().encode() == SEED_README.read_bytes()


def test_the_fixture_keeps_the_line_ending(seeded, crlf_seed, export, tmp_path):
    run("import_readme", str(crlf_seed), "--sync")
    fixture = tmp_path / "catalog.json"
    fixture.write_text(catalog_fixture()[0])
    clear_catalog()
    ReadmeFormat.objects.all().delete()
    run("loaddata", str(fixture))
    assert export().encode() == crlf_seed.read_bytes()


def test_a_sync_removing_most_of_the_catalog_is_refused(seeded, export, seed_text, tmp_path):
    truncated = tmp_path / "truncated.md"
    truncated.write_text("\n".join(seed_text.split("\n")[:40]))
    before = export()
    with pytest.raises(CommandError) as error:
        run("import_readme", str(truncated), "--sync")
    assert "would remove 153 of the 177 entries and 11 of the 17 sections" in str(error.value)
    assert "--allow-mass-removal" in str(error.value)
    assert export() == before

    run("import_readme", str(truncated), "--sync", "--allow-mass-removal")
    assert export() == truncated.read_text()


def test_a_sync_removing_less_than_half_is_not_refused(seeded, export, seed_text, tmp_path):
    lines = seed_text.split("\n")
    kept = tmp_path / "kept.md"
    kept.write_text("\n".join(lines[:170]))
    run("import_readme", str(kept), "--sync")
    assert export() == kept.read_text()


def test_allow_mass_removal_goes_with_sync(seeded, crlf_seed):
    with pytest.raises(CommandError, match="--allow-mass-removal goes with --sync"):
        run("import_readme", str(crlf_seed), "--replace", "--allow-mass-removal")


def test_lint_reports_crlf_line_endings_and_stray_carriage_returns(seed_text):
    findings = [(f.line, f.rule) for f in lint(crlf(seed_text)) if f.rule == "carriage-return"]
    assert findings == [(1, "carriage-return"), (242, "carriage-return")]

    lines = seed_text.split("\n")
    lines[9] += "\r"
    findings = [(f.line, f.rule, f.severity) for f in lint("\n".join(lines)) if f.rule == "carriage-return"]
    assert findings == [(10, "carriage-return", readme.ERROR)]
    assert not [f for f in lint(seed_text) if f.rule == "carriage-return"]


def test_lint_readme_fails_on_a_crlf_file(crlf_seed):
    with pytest.raises(CommandError):
        run("lint_readme", str(crlf_seed))
