"""The management commands: import_readme, export_readme, export_fixtures, seed_catalog (and loaddata)."""

import datetime
import difflib
import errno
import gc
import itertools
import json
import os
import re
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from taggit.models import Tag

from catalog.models import (
    Paper,
    PaperLink,
    Resource,
    ResourceLink,
    Section,
    TaggedPaper,
    TaggedResource,
    TextBlock,
    Venue,
)
from catalog.services import files
from catalog.services.fixtures import catalog_fixture

SEED_README = Path(settings.BASE_DIR) / "fixtures" / "README.md"
COMMITTED_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "catalog.json"
MODELS = (Venue, Section, Tag, TextBlock, Paper, PaperLink, TaggedPaper, Resource, ResourceLink, TaggedResource)
SEED_COUNTS = {"sections": 17, "resources": 28, "papers": 149, "venues": 24}
SUMMARY = "17 sections, 28 resources, 149 papers, 24 venues"

DATE_LINE = 71
DATE_LINE_TITLE = "Token Erasure as a Footprint of Implicit Vocabulary Items in LLMs"
NOT_AN_ENTRY = "not recognised as an entry, kept as text"

pytestmark = pytest.mark.django_db


@dataclass
class Result:
    out: str
    err: str
    error: BaseException | None = None


def run(command: str, *args, **options) -> Result:
    out, err = StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err, **options)
    return Result(out.getvalue(), err.getvalue())


def run_failing(command: str, *args, expect=CommandError, **options) -> Result:
    out, err = StringIO(), StringIO()
    with pytest.raises(expect) as raised:
        call_command(command, *args, stdout=out, stderr=err, **options)
    return Result(out.getvalue(), err.getvalue(), raised.value)


@pytest.fixture
def snapshot(export):
    """Every catalog row's primary key, per model, every field (the fixture) and the README export: equal only if
    nothing was written."""

    def take() -> dict:
        rows = {model._meta.label: list(model.objects.order_by("pk").values_list("pk", flat=True)) for model in MODELS}
        return {"rows": rows, "fixture": catalog_fixture()[0], "export": export()}

    return take


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in MODELS}


def seed_lines() -> list[str]:
    return SEED_README.read_bytes().decode("utf-8").split("\n")


def write_readme(tmp_path: Path, lines: list[str]) -> Path:
    return write_bytes(tmp_path, "\n".join(lines).encode("utf-8"))


def write_bytes(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "README.md"
    path.write_bytes(data)
    return path


def seed_with_line(tmp_path: Path, number: int, old: str, new: str) -> Path:
    lines = seed_lines()
    assert old in lines[number - 1]
    lines[number - 1] = lines[number - 1].replace(old, new)
    return write_readme(tmp_path, lines)


def seed_with_inserted(tmp_path: Path, after: int, line: str) -> Path:
    lines = seed_lines()
    lines.insert(after, line)
    return write_readme(tmp_path, lines)


def edited_seed(tmp_path: Path) -> Path:
    """The seed with one paper's title changed: a valid README that differs from the seeded catalog."""
    return seed_with_line(tmp_path, DATE_LINE, DATE_LINE_TITLE, "Token Erasure, Edited")


def rename_paper(title: str, new_title: str) -> None:
    paper = Paper.objects.get(title=title)
    paper.title = new_title
    paper.save()


def empty_catalog() -> None:
    for model in (TaggedPaper, TaggedResource, PaperLink, ResourceLink, Paper, Resource, TextBlock):
        model.objects.all().delete()
    Section.objects.update(parent=None)
    for model in (Section, Venue, Tag):
        model.objects.all().delete()
    assert not any(row_counts().values())


def export_fixture(path: Path) -> bytes:
    run("export_fixtures", "-o", str(path))
    return path.read_bytes()


def assert_located_lines(stderr: str, path) -> None:
    """Every line of `stderr` is `PATH:LINE: reason` (or `PATH: reason` for a problem with no line)."""
    lines = stderr.splitlines()
    assert lines
    for line in lines:
        assert re.match(rf"{re.escape(str(path))}(:\d+)?: \S", line), line


# import_readme


def test_import_fills_an_empty_catalog_and_prints_a_one_line_summary(export, seed_text):
    result = run("import_readme", str(SEED_README))

    assert len(result.out.splitlines()) == 1
    assert SUMMARY in result.out
    assert result.err == ""
    assert Section.objects.count() == SEED_COUNTS["sections"]
    assert Resource.objects.count() == SEED_COUNTS["resources"]
    assert Paper.objects.count() == SEED_COUNTS["papers"]
    assert Venue.objects.count() == SEED_COUNTS["venues"]
    assert export() == seed_text


def test_import_into_a_non_empty_catalog_without_replace_is_refused(seeded, snapshot, tmp_path):
    before = snapshot()

    result = run_failing("import_readme", str(edited_seed(tmp_path)))

    assert "--replace" in str(result.error)
    assert snapshot() == before


def test_import_with_replace_replaces_the_catalog(seeded, export, seed_text):
    counts = row_counts()
    slugs = set(Section.objects.values_list("slug", flat=True))
    rename_paper(DATE_LINE_TITLE, "Edited in the admin")
    assert export() != seed_text

    result = run("import_readme", str(SEED_README), "--replace")

    assert SUMMARY in result.out
    assert export() == seed_text
    assert row_counts() == counts
    assert set(Section.objects.values_list("slug", flat=True)) == slugs


def test_import_with_replace_loads_the_new_file(seeded, export, tmp_path):
    path = edited_seed(tmp_path)

    run("import_readme", str(path), "--replace")

    assert export().encode() == path.read_bytes()


BAD_INPUTS = {
    "not-utf8": (lambda tmp_path: write_bytes(tmp_path, b"# Title\ncaf\xe9 au lait\n"), 2, "UTF-8"),
    "empty": (lambda tmp_path: write_bytes(tmp_path, b""), 1, "empty"),
    "binary": (lambda tmp_path: write_bytes(tmp_path, b"# Title\n\x00\x01\x02\x03\n"), 2, "NUL"),
    "missing": (lambda tmp_path: tmp_path / "no-such-README.md", None, "No such file"),
    "impossible-date": (
        lambda tmp_path: seed_with_line(tmp_path, DATE_LINE, "| 2024-06-28 |", "| 2024-02-30 |"),
        DATE_LINE,
        "2024-02-30",
    ),
    "title-too-long": (
        lambda tmp_path: seed_with_line(tmp_path, DATE_LINE, DATE_LINE_TITLE, "T" * 600),
        DATE_LINE,
        "title",
    ),
    "heading-with-subsections-too-long": (
        lambda tmp_path: seed_with_line(tmp_path, 45, "Awesome Interpretability Papers", "H" * 250),
        45,
        "title",
    ),
    "resource-name-too-long": (
        lambda tmp_path: seed_with_line(tmp_path, 4, "[**TransformerLens**]", f"[**{'N' * 400}**]"),
        4,
        "name",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_is_reported_by_line_and_changes_nothing(case, prior, snapshot, tmp_path):
    make, line, reason = case
    path = make(tmp_path)
    before = snapshot()

    result = run_failing("import_readme", str(path), *prior)

    assert_located_lines(result.err, path)
    prefix = f"{path}: " if line is None else f"{path}:{line}: "
    located = [text for text in result.err.splitlines() if text.startswith(prefix)]
    assert any(reason in text for text in located), result.err
    assert snapshot() == before


UNRECOGNISED = {
    "paper-table": (DATE_LINE, "| a row that is not a paper | arXiv |"),
    "resource-list": (4, "- a list item with no link"),
}


@pytest.mark.parametrize("after, line", UNRECOGNISED.values(), ids=UNRECOGNISED.keys())
def test_unrecognised_line_is_kept_as_text_with_a_warning(after, line, export, tmp_path):
    path = seed_with_inserted(tmp_path, after, line)

    result = run("import_readme", str(path))

    assert result.err.splitlines() == [f"{path}:{after + 1}: {NOT_AN_ENTRY}"]
    assert SUMMARY in result.out
    assert export().encode() == path.read_bytes()


@pytest.mark.parametrize("after, line", UNRECOGNISED.values(), ids=UNRECOGNISED.keys())
def test_unrecognised_line_is_an_error_with_strict(after, line, prior, snapshot, tmp_path):
    path = seed_with_inserted(tmp_path, after, line)
    before = snapshot()

    result = run_failing("import_readme", str(path), "--strict", *prior)

    assert f"{path}:{after + 1}: {NOT_AN_ENTRY}" in result.err.splitlines()
    assert snapshot() == before


def test_dry_run_reports_the_summary_and_leaves_an_empty_catalog_empty(snapshot):
    before = snapshot()
    assert before["export"] == ""

    result = run("import_readme", str(SEED_README), "--dry-run")

    assert SUMMARY in result.out
    assert snapshot() == before


def test_dry_run_with_replace_leaves_a_seeded_catalog_as_it_was(seeded, snapshot, tmp_path):
    before = snapshot()

    result = run("import_readme", str(edited_seed(tmp_path)), "--replace", "--dry-run")

    assert SUMMARY in result.out
    assert snapshot() == before


def test_import_into_a_catalog_with_only_venues_left_reuses_them(export, seed_text):
    Venue.objects.create(name="arXiv", kind="preprint")

    result = run("import_readme", str(SEED_README))

    assert SUMMARY in result.out
    assert export() == seed_text


def test_venue_spelled_in_another_case_is_an_error_that_changes_nothing(prior, snapshot, tmp_path):
    path = seed_with_line(tmp_path, 72, "| arXiv |", "| ArXiv |")
    before = snapshot()

    result = run_failing("import_readme", str(path), *prior)

    assert result.err.splitlines() == [
        f"{path}:72: venue 'ArXiv' differs only in case from 'arXiv' (line 51): use one spelling"
    ]
    assert str(result.error) == f"{path}: not imported (1 problem); the catalog is unchanged."
    assert snapshot() == before


# export_readme


def test_export_writes_exactly_the_readme_to_stdout(seeded, seed_text):
    result = run("export_readme")

    assert result.out == seed_text
    assert not result.out.endswith("\n")


@pytest.mark.parametrize("collecting", [True, False])
def test_export_leaves_garbage_collection_as_it_found_it(collecting, seeded, seed_text):
    if not collecting:
        gc.disable()
    try:
        assert run("export_readme").out == seed_text
        assert gc.isenabled() == collecting
    finally:
        gc.enable()


def test_export_to_a_file_writes_the_same_bytes(seeded, tmp_path):
    target = tmp_path / "README.md"
    target.write_text("previous content\n")

    run("export_readme", "-o", str(target))

    assert target.read_bytes() == SEED_README.read_bytes()
    assert os.listdir(tmp_path) == ["README.md"]


@pytest.mark.parametrize("command", ["export_readme", "export_fixtures"])
@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_a_write_failing_midway_keeps_the_previous_file(command, failing, seeded, tmp_path, monkeypatch):
    target = tmp_path / "output"
    target.write_bytes(b"previous content\n")

    def fail(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, failing, fail)

    run_failing(command, "-o", str(target))

    assert target.read_bytes() == b"previous content\n"
    assert os.listdir(tmp_path) == ["output"]


@pytest.mark.parametrize("command", ["export_readme", "export_fixtures"])
def test_export_into_a_missing_folder_is_a_command_error(command, seeded, tmp_path):
    target = tmp_path / "missing" / "output"

    result = run_failing(command, "-o", str(target))

    assert str(target) in str(result.error)
    assert not target.parent.exists()


def test_check_passes_when_the_file_equals_the_export(seeded):
    result = run("export_readme", "--check", str(SEED_README))

    assert result.out == ""


def test_check_fails_with_a_one_row_diff_when_a_paper_changed(seeded):
    rename_paper(DATE_LINE_TITLE, "Token Erasure, Renamed")

    result = run_failing("export_readme", "--check", str(SEED_README), expect=SystemExit)

    assert result.error.code == 1
    body = [line for line in result.out.splitlines() if not line.startswith(("---", "+++"))]
    seed_row = seed_lines()[DATE_LINE - 1]
    assert [line for line in body if line.startswith("-")] == ["-" + seed_row]
    assert [line for line in body if line.startswith("+")] == [
        "+" + seed_row.replace(DATE_LINE_TITLE, "Token Erasure, Renamed")
    ]


# export_fixtures and loaddata


def test_export_fixtures_writes_the_configured_path_by_default(seeded, tmp_path, settings):
    assert Path(settings.CATALOG_FIXTURE_PATH) == COMMITTED_FIXTURE
    settings.CATALOG_FIXTURE_PATH = tmp_path / "catalog.json"

    run("export_fixtures")

    assert (tmp_path / "catalog.json").read_bytes() == export_fixture(tmp_path / "explicit.json")


def test_export_fixtures_is_deterministic(seeded, tmp_path):
    assert export_fixture(tmp_path / "first.json") == export_fixture(tmp_path / "second.json")


def test_export_fixtures_uses_natural_keys_and_includes_tags(seeded, tmp_path):
    objects = json.loads(export_fixture(tmp_path / "catalog.json"))
    by_model: dict[str, list[dict]] = {}
    for obj in objects:
        by_model.setdefault(obj["model"], []).append(obj)

    for model in ("catalog.venue", "catalog.section"):
        assert by_model[model]
        assert all("pk" not in obj for obj in by_model[model])
    assert {obj["fields"]["name"] for obj in by_model["taggit.tag"]} == set(Tag.objects.values_list("name", flat=True))
    assert len(by_model["catalog.taggedpaper"]) == TaggedPaper.objects.count() > 0
    assert len(by_model["catalog.taggedresource"]) == TaggedResource.objects.count() > 0


def test_export_fixtures_lists_models_in_loading_order_each_sorted_as_documented(seeded, tmp_path):
    Venue.objects.create(name="AAAI", kind="conference")
    Tag.objects.create(name="ablation")
    Section.objects.filter(title="Awesome Interpretability Programs").update(position=1500)
    Paper.objects.create(
        section=Section.objects.get(title="Interpretable Analysis of LLMs"),
        title="A Paper Added Last, Dated First",
        url="https://example.org/added-last",
        date=datetime.date(2024, 7, 2),
    )

    text = export_fixture(tmp_path / "catalog.json").decode()
    objects = json.loads(text)
    groups = [(model, len(list(group))) for model, group in itertools.groupby(objects, key=lambda obj: obj["model"])]
    by_model = {model: [obj for obj in objects if obj["model"] == model] for model, _ in groups}

    assert text.split("\n")[:8] == [
        "[",
        "  {",
        '    "fields": {',
        '      "kind": "conference",',
        '      "name": "AAAI"',
        "    },",
        '    "model": "catalog.venue"',
        "  },",
    ]
    assert groups == [
        ("catalog.venue", 25),
        ("catalog.section", 17),
        ("taggit.tag", 24),
        ("catalog.textblock", 8),
        ("catalog.paper", 150),
        ("catalog.paperlink", 101),
        ("catalog.taggedpaper", 147),
        ("catalog.resource", 28),
        ("catalog.resourcelink", 26),
        ("catalog.taggedresource", 13),
    ]
    venues = [obj["fields"]["name"] for obj in by_model["catalog.venue"]]
    assert venues[:4] == ["AAAI", "ACL", "ACML", "AISTATS"]
    assert venues == sorted(venues)
    sections = [obj["fields"]["slug"] for obj in by_model["catalog.section"]]
    assert sections[:4] == [
        "awesome-interpretability-in-large-language-models",
        "awesome-interpretability-programs",
        "awesome-interpretability-libraries",
        "awesome-interpretability-blogs-videos",
    ]
    positions = [obj["fields"]["position"] for obj in by_model["catalog.section"]]
    assert positions == sorted(positions)
    tags = [obj["fields"]["name"] for obj in by_model["taggit.tag"]]
    assert tags[:4] == ["ablation", "attention-heads", "attribution", "benchmark"]
    assert tags == sorted(tags)
    for model, _ in groups[3:]:
        keys = [obj["pk"] for obj in by_model[model]]
        assert keys == sorted(keys), model
    papers = [obj["fields"]["title"] for obj in by_model["catalog.paper"]]
    assert papers[:2] == [
        "From Insights to Actions: The Impact of Interpretability and Analysis Research on NLP",
        "A Primer on the Inner Workings of Transformer-based Language Models",
    ]
    assert papers[-1] == "A Paper Added Last, Dated First"
    assert [obj["fields"]["name"] for obj in by_model["catalog.resource"][:2]] == ["TransformerLens", "nnsight"]


def test_one_field_edit_changes_only_a_few_fixture_lines(seeded, tmp_path):
    before = export_fixture(tmp_path / "before.json").decode().splitlines()
    rename_paper(DATE_LINE_TITLE, "Token Erasure, Renamed")
    after = export_fixture(tmp_path / "after.json").decode().splitlines()

    changed = [
        line
        for line in difflib.unified_diff(before, after, lineterm="", n=0)
        if line.startswith(("-", "+")) and not line.startswith(("---", "+++"))
    ]

    assert 2 <= len(changed) <= 4
    assert all(re.fullmatch(r'[-+] +"(title|updated_at)": ".*",?', line) for line in changed), changed
    assert '+      "title": "Token Erasure, Renamed",' in changed


def test_loaddata_of_an_exported_fixture_restores_the_readme(seeded, export, seed_text, tmp_path):
    path = tmp_path / "catalog.json"
    export_fixture(path)
    counts = row_counts()
    empty_catalog()

    run("loaddata", str(path))

    assert export() == seed_text
    assert row_counts() == counts


def test_committed_fixture_is_in_step_with_the_readme(export, tmp_path):
    run("loaddata", "catalog")

    assert export().encode() == SEED_README.read_bytes()
    assert export_fixture(tmp_path / "catalog.json") == COMMITTED_FIXTURE.read_bytes()


# seed_catalog


def test_seed_catalog_loads_the_fixture_into_an_empty_catalog(export, seed_text):
    run("seed_catalog")

    assert export() == seed_text
    assert Paper.objects.count() == SEED_COUNTS["papers"]


def test_seed_catalog_leaves_a_catalog_with_entries_unchanged(seeded, snapshot):
    rename_paper(DATE_LINE_TITLE, "Edited in the admin")
    before = snapshot()

    run("seed_catalog")

    assert snapshot() == before
