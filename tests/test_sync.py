"""import_readme --sync: a README edited outside the site merged into the catalog, keeping ids, tags and history."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from io import StringIO

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from taggit.models import Tag

from catalog.models import Paper, Resource, Section, TextBlock, Venue
from catalog.services.fixtures import catalog_fixture
from tests.admin_support import make_user

pytestmark = pytest.mark.django_db

KEPT_TAG = "reviewed"


def only_line(lines: list[str], containing: str) -> int:
    found = [index for index, line in enumerate(lines) if containing in line]
    assert len(found) == 1, (containing, found)
    return found[0]


def replace_in(text: str, containing: str, old: str, new: str) -> str:
    lines = text.split("\n")
    index = only_line(lines, containing)
    assert lines[index].count(old) == 1, (old, lines[index])
    lines[index] = lines[index].replace(old, new)
    return "\n".join(lines)


def insert(text: str, new_lines: list[str], *, after: str | None = None, before: str | None = None) -> str:
    lines = text.split("\n")
    index = only_line(lines, after) + 1 if after else only_line(lines, before)
    return "\n".join(lines[:index] + new_lines + lines[index:])


def take(text: str, containing: str) -> tuple[str, str]:
    """`text` without the line containing `containing`, and that line."""
    lines = text.split("\n")
    line = lines.pop(only_line(lines, containing))
    return "\n".join(lines), line


def move(text: str, containing: str, **where) -> str:
    text, line = take(text, containing)
    return insert(text, [line], **where)


def row(title: str, url: str, date: str, venue: str = "arXiv") -> str:
    return f"| [**{title}**]({url}) <br>| {venue} | {date} | - | - |"


SINKS = "Attention Sinks Explained"
TOWARD = "Position Paper: Toward New Frameworks for Studying Model Representations"
FEATURE_CIRCUITS = "Sparse Feature Circuits: Discovering and Editing Interpretable Causal Graphs in Language Models"
TALKING_HEADS = "Talking Heads: Understanding Inter-layer Communication in Transformer Language Models"
AGENTS = "Interpreting Language Model Agents"
TOC = [
    "An index of the interpretability work on large language models.",
    "",
    "- [Libraries](#awesome-interpretability-libraries)",
    "- [Papers](#awesome-interpretability-papers)",
    "",
]


def add_entries(text):
    text = insert(
        text,
        [row(SINKS, "https://arxiv.org/abs/2406.99999", "2024-06-24")],
        after="**Confidence Regulation Neurons in Language Models**",
    )
    return insert(
        text,
        ["- [**CircuitsVis**](https://github.com/TransformerLensOrg/CircuitsVis): visualisations of model internals."],
        after="[**nnsight**]",
    )


def change_venue_and_urls(text):
    text = replace_in(
        text, "**Interpretability Needs a New Paradigm**", "| arXiv | 2024-05-08 |", "| ICML | 2024-07-21 |"
    )
    text = replace_in(
        text, "**Rethinking Interpretability in the Era", "arxiv.org/pdf/2402.01761v1", "arxiv.org/abs/2402.01761"
    )
    return replace_in(
        text, "[AI Alignment Forum]", "https://www.alignmentforum.org/", "https://alignmentforum.org/library"
    )


def rename_sections(text):
    text = replace_in(text, "## Others", "## Others", "## Other Papers")
    return replace_in(text, "# Awesome Interpretability Forums", "Forums", "Forums and Communities")


def add_a_section(text):
    table = [
        "|  Title  |   Venue  |   Date   |   Code   |   Blog   |",
        "|:--------|:--------:|:--------:|:--------:|:--------:|",
    ]
    return insert(
        text,
        [
            "## Interpretability of Agents",
            "",
            *table,
            row(AGENTS, "https://openreview.net/forum?id=Agents1", "2024-07-02"),
            "",
            "",
        ],
        before="# Other Awesome Interpretability Resources",
    )


def add_a_preamble_with_a_table_of_contents(text):
    text = insert(text, TOC, after="# Awesome-Interpretability-in-Large-Language-Models")
    return "[![Awesome](https://awesome.re/badge.svg)](https://awesome.re)\n\n" + text


def reorder_lines(text):
    text = move(text, "[**Tuned Lens**]", before="[**TransformerLens**]")
    return move(text, "**A Primer on the Inner Workings", before="**From Insights to Actions")


def remove_a_line(text):
    return take(text, "**Position Paper: Toward New Frameworks")[0]


def move_to_another_section(text):
    """The paper goes first in the SAE table (below its heading, a blank line and the table's two header rows)."""
    text, line = take(text, "**Sparse Feature Circuits:")
    lines = text.split("\n")
    first_row = only_line(lines, "## SAE, Dictionary") + 4
    return "\n".join(lines[:first_row] + [line] + lines[first_row:])


def fix_a_title(text):
    return replace_in(text, "**Talking Heads:", "Inter-layer", "Interlayer")


@dataclass
class Step:
    name: str
    edit: Callable[[str], str]
    report: list[str]
    renamed: dict[str, str] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    sections_renamed: dict[str, str] = field(default_factory=dict)
    sections_added: list[str] = field(default_factory=list)


ANALYSIS = "Interpretable Analysis of LLMs"
SUMMARY = "Entries: {} added, {} changed, {} moved, {} removed; sections: {} new, {} renamed, 0 moved, 0 removed."
STEPS = [
    Step(
        "insertions mid-table and mid-list",
        add_entries,
        [
            "Awesome Interpretability Libraries:",
            "  added resource “CircuitsVis”",
            f"{ANALYSIS}:",
            f"  added paper “{SINKS}”",
            SUMMARY.format(2, 0, 0, 0, 0, 0),
        ],
        added=[SINKS, "CircuitsVis"],
    ),
    Step(
        "venue, date and URL changes",
        change_venue_and_urls,
        [
            "Awesome Interpretability Forums:",
            "  changed resource “AI Alignment Forum”: URL",
            "Position Papers:",
            "  changed paper “Interpretability Needs a New Paradigm”: venue, date",
            "  changed paper “Rethinking Interpretability in the Era of Large Language Models”: URL",
            SUMMARY.format(0, 3, 0, 0, 0, 0),
        ],
    ),
    Step(
        "renamed sections",
        rename_sections,
        [
            "Awesome Interpretability Forums and Communities (renamed from “Awesome Interpretability Forums”):",
            "Other Papers (renamed from “Others”):",
            SUMMARY.format(0, 0, 0, 0, 0, 2),
        ],
        sections_renamed={
            "Awesome Interpretability Forums": "Awesome Interpretability Forums and Communities",
            "Others": "Other Papers",
        },
    ),
    Step(
        "a new section",
        add_a_section,
        [
            "Interpretability of Agents (new):",
            f"  added paper “{AGENTS}”",
            SUMMARY.format(1, 0, 0, 0, 1, 0),
        ],
        added=[AGENTS],
        sections_added=["Interpretability of Agents"],
    ),
    Step(
        "a preamble with a table of contents",
        add_a_preamble_with_a_table_of_contents,
        [
            "(text before the first heading) (new):",
            "Awesome-Interpretability-in-Large-Language-Models:",
            "  text changed",
            SUMMARY.format(0, 0, 0, 0, 1, 0),
        ],
        sections_added=[""],
    ),
    Step(
        "reordered lines",
        reorder_lines,
        [
            "Awesome Interpretability Libraries:",
            "  moved resource “Tuned Lens” within the section",
            "Survey Papers:",
            "  moved paper “A Primer on the Inner Workings of Transformer-based Language Models” within the section",
            SUMMARY.format(0, 0, 2, 0, 0, 0),
        ],
    ),
    Step(
        "a removed line",
        remove_a_line,
        [
            "Position Papers:",
            f"  removed paper “{TOWARD}”",
            SUMMARY.format(0, 0, 0, 1, 0, 0),
        ],
        removed=[TOWARD],
    ),
    Step(
        "an entry moved to another section",
        move_to_another_section,
        [
            "SAE, Dictionary Learning and Superposition:",
            f"  moved paper “{FEATURE_CIRCUITS}” from “{ANALYSIS}”",
            SUMMARY.format(0, 0, 1, 0, 0, 0),
        ],
    ),
    Step(
        "a title fix",
        fix_a_title,
        [
            f"{ANALYSIS}:",
            f"  changed paper “{TALKING_HEADS.replace('Inter-layer', 'Interlayer')}”: title",
            SUMMARY.format(0, 1, 0, 0, 0, 0),
        ],
        renamed={TALKING_HEADS: TALKING_HEADS.replace("Inter-layer", "Interlayer")},
    ),
]


def sync(path, *args):
    out, err = StringIO(), StringIO()
    call_command("import_readme", str(path), "--sync", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def entries():
    """Every entry by (model, pk): its title and tags."""
    found = {}
    for model, title in ((Paper, "title"), (Resource, "name")):
        for entry in model.objects.prefetch_related("tags"):
            found[model.__name__, entry.pk] = (getattr(entry, title), sorted(tag.name for tag in entry.tags.all()))
    return found


def test_successive_edits_keep_ids_and_tags_and_export_the_file_byte_for_byte(seeded, seed_text, tmp_path, export):
    for model in (Paper, Resource):
        for entry in model.objects.all():
            entry.tags.add(KEPT_TAG)
    text = seed_text
    for step in STEPS:
        before, sections_before = entries(), dict(Section.objects.values_list("pk", "title"))
        text = step.edit(text)
        path = tmp_path / "README.md"
        path.write_text(text, encoding="utf-8")
        out, err = sync(path)
        assert export() == text, step.name
        assert out.splitlines() == [f"Synced the catalog with {path}:", *step.report], step.name
        assert err == ""
        after = entries()
        for key, (title, tags) in before.items():
            if title in step.removed:
                assert key not in after, step.name
            else:
                assert after[key] == (step.renamed.get(title, title), tags), step.name
        new = {key: value for key, value in after.items() if key not in before}
        assert sorted(title for title, _ in new.values()) == sorted(step.added), step.name
        assert all(KEPT_TAG not in tags for _, tags in new.values())
        sections_after = dict(Section.objects.values_list("pk", "title"))
        assert {pk: sections_after[pk] for pk in sections_before} == {
            pk: step.sections_renamed.get(title, title) for pk, title in sections_before.items()
        }, step.name
        assert [title for pk, title in sections_after.items() if pk not in sections_before] == step.sections_added


def catalog_state(export):
    """Every row of the catalog (the fixture), the export and the admin history: equal only if nothing changed."""
    return catalog_fixture()[0], export(), list(LogEntry.objects.values_list("pk", flat=True))


def test_a_dry_run_writes_nothing_and_reports_what_the_sync_does(seeded, seed_text, tmp_path, export):
    text = seed_text
    for step in STEPS:
        text = step.edit(text)
    path = tmp_path / "README.md"
    path.write_text(text, encoding="utf-8")
    before = catalog_state(export)
    dry_out, _ = sync(path, "--dry-run")
    assert catalog_state(export) == before
    out, _ = sync(path)
    assert export() == text
    assert dry_out.splitlines()[0] == f"Dry run, nothing written: syncing would change the catalog with {path}:"
    assert dry_out.splitlines()[1:] == out.splitlines()[1:]
    assert out.splitlines()[-1] == (
        "Entries: 3 added, 4 changed, 3 moved, 1 removed; sections: 2 new, 2 renamed, 0 moved, 0 removed."
    )


def test_syncing_the_export_changes_nothing(seeded, seed_text, tmp_path, export):
    path = tmp_path / "README.md"
    path.write_text(seed_text, encoding="utf-8")
    before = catalog_state(export)
    out, _ = sync(path)
    assert out.splitlines()[1:] == [SUMMARY.format(0, 0, 0, 0, 0, 0)]
    assert catalog_state(export) == before


def history(**filters):
    return [
        (entry.content_type.model, entry.object_repr, entry.action_flag, entry.change_message, entry.user.username)
        for entry in LogEntry.objects.filter(**filters).select_related("content_type", "user").order_by("pk")
    ]


def test_each_change_is_in_the_admin_history_under_the_named_user(seeded, seed_text, tmp_path):
    make_user("maintainer", superuser=True)
    text = change_venue_and_urls(rename_sections(remove_a_line(add_entries(move_to_another_section(seed_text)))))
    path = tmp_path / "README.md"
    path.write_text(text, encoding="utf-8")
    moved = Paper.objects.get(title=FEATURE_CIRCUITS)
    sync(path, "--user", "maintainer")
    source = f"README sync from {path}"
    entries = history()
    assert ("paper", FEATURE_CIRCUITS, CHANGE, f"{source}: moved from “{ANALYSIS}”.", "maintainer") in entries
    assert (
        "paper",
        "Interpretability Needs a New Paradigm",
        CHANGE,
        f"{source}: changed venue, date.",
        "maintainer",
    ) in entries
    assert ("paper", SINKS, ADDITION, f"Added by the README sync from {path}.", "maintainer") in entries
    assert ("paper", TOWARD, DELETION, f"Removed by the README sync from {path}.", "maintainer") in entries
    assert ("section", "Other Papers", CHANGE, f"{source}: renamed from “Others”.", "maintainer") in entries
    assert len(entries) == 9
    assert history(object_id=str(moved.pk), content_type__model="paper") == [
        ("paper", FEATURE_CIRCUITS, CHANGE, f"{source}: moved from “{ANALYSIS}”.", "maintainer")
    ]


def test_without_a_user_the_history_names_an_inactive_sync_account(seeded, seed_text, tmp_path):
    path = tmp_path / "README.md"
    path.write_text(remove_a_line(seed_text), encoding="utf-8")
    sync(path)
    [entry] = LogEntry.objects.select_related("user")
    assert (entry.user.username, entry.user.is_active, entry.user.has_usable_password()) == (
        "readme-sync",
        False,
        False,
    )
    assert entry.change_message == f"Removed by the README sync from {path}."


def test_an_unknown_user_or_a_user_without_sync_is_refused(seeded, seed_text, tmp_path):
    path = tmp_path / "README.md"
    path.write_text(seed_text, encoding="utf-8")
    with pytest.raises(CommandError, match="--user nobody: no such user."):
        sync(path, "--user", "nobody")
    with pytest.raises(CommandError, match="--user goes with --sync."):
        call_command("import_readme", str(path), "--user", "nobody", stdout=StringIO(), stderr=StringIO())


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (
            lambda text: replace_in(text, "**Confidence Regulation Neurons", "2024-06-24", "2024-06-31"),
            "73: invalid date 2024-06-31: day is out of range for month",
        ),
        (
            lambda text: replace_in(text, "**Confidence Regulation Neurons", "| arXiv |", "| ARXIV |"),
            "73: venue 'ARXIV' differs only in case from 'arXiv' (line 52): use one spelling",
        ),
        (
            lambda text: replace_in(text, "**Confidence Regulation Neurons", "Neurons", "Neurons" + " long" * 100),
            "73: title: Ensure this value has at most 500 characters (it has 548).",
        ),
        (
            lambda text: replace_in(text, "**Confidence Regulation Neurons", "| arXiv |", "| " + "V" * 101 + " |"),
            "73: venue name: Ensure this value has at most 100 characters (it has 101).",
        ),
    ],
    ids=["impossible date", "venue spelt in two cases", "title too long", "venue too long"],
)
def test_bad_input_is_reported_with_its_line_and_changes_nothing(seeded, seed_text, tmp_path, export, edit, problem):
    path = tmp_path / "README.md"
    path.write_text(edit(add_entries(remove_a_line(seed_text))), encoding="utf-8")
    before = catalog_state(export)
    err = StringIO()
    with pytest.raises(CommandError, match=r"README\.md: not synced \(1 problem\); the catalog is unchanged\."):
        call_command("import_readme", str(path), "--sync", stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [f"{path}:{problem}"]
    assert catalog_state(export) == before


HEAD = "\n".join(
    [
        "|  Title  |   Venue  |   Date   |   Code   |   Blog   |",
        "|:--------|:--------:|:--------:|:--------:|:--------:|",
    ]
)


def readme(**sections) -> str:
    return "\n\n".join(f"# {title.replace('_', ' ')}\n{HEAD}\n" + "\n".join(rows) for title, rows in sections.items())


def import_and_sync(tmp_path, first: str, second: str):
    path = tmp_path / "README.md"
    path.write_text(first, encoding="utf-8")
    call_command("import_readme", str(path), stdout=StringIO(), stderr=StringIO())
    pks = defaultdict(list)
    for paper in Paper.objects.select_related("section").order_by("section__position", "position"):
        pks[paper.section.title].append(paper.pk)
    path.write_text(second, encoding="utf-8")
    out, _ = sync(path)
    return pks, out.splitlines()[1:]


def titled(title, url, venue="arXiv"):
    return row(title, url, "2024-01-01", venue)


def test_the_same_title_in_two_sections_keeps_each_entry_in_its_section(db, tmp_path, export):
    first = readme(
        Probing=[titled("Same Title", "https://arxiv.org/abs/2401.00001")],
        Steering=[titled("Same Title", "https://arxiv.org/abs/2401.00002")],
    )
    second = first.replace("2401.00002) <br>| arXiv", "2401.00002) <br>| ICML")
    pks, report = import_and_sync(tmp_path, first, second)
    assert export() == second
    assert report == ["Steering:", "  changed paper “Same Title”: venue", SUMMARY.format(0, 1, 0, 0, 0, 0)]
    now = {(paper.section.title, paper.pk): paper.venue.name for paper in Paper.objects.select_related("section")}
    assert now == {("Probing", pks["Probing"][0]): "arXiv", ("Steering", pks["Steering"][0]): "ICML"}


def test_one_paper_listed_in_two_sections_is_matched_within_each_section(db, tmp_path, export):
    line = titled("Listed Twice", "https://arxiv.org/abs/2401.00001")
    first = readme(Probing=[line], Steering=[titled("Other", "https://arxiv.org/abs/2401.00003"), line])
    second = readme(
        Probing=[line],
        Steering=[titled("Other", "https://arxiv.org/abs/2401.00003"), line.replace("| arXiv |", "| ICLR |")],
    )
    pks, report = import_and_sync(tmp_path, first, second)
    assert export() == second
    assert report == ["Steering:", "  changed paper “Listed Twice”: venue", SUMMARY.format(0, 1, 0, 0, 0, 0)]
    assert Paper.objects.get(pk=pks["Steering"][1]).venue.name == "ICLR"
    assert Paper.objects.get(pk=pks["Probing"][0]).venue.name == "arXiv"


def test_one_arxiv_paper_listed_twice_with_and_without_a_version_pairs_each_by_its_exact_url(db, tmp_path, export):
    plain = titled("Listed Twice", "https://arxiv.org/abs/2401.00001")
    versioned = titled("Listed Twice (v2)", "https://arxiv.org/abs/2401.00001v2")
    first = readme(Papers=[plain, versioned])
    second = readme(Papers=[versioned.replace("| arXiv |", "| ICLR |"), plain])
    pks, report = import_and_sync(tmp_path, first, second)
    assert export() == second
    urls = dict(Paper.objects.values_list("pk", "url"))
    assert urls == {
        pks["Papers"][0]: "https://arxiv.org/abs/2401.00001",
        pks["Papers"][1]: "https://arxiv.org/abs/2401.00001v2",
    }
    assert Paper.objects.get(pk=pks["Papers"][1]).venue.name == "ICLR"
    assert "  changed paper “Listed Twice (v2)”: venue" in report
    assert not any("changed paper “Listed Twice”:" in line or "URL" in line for line in report)


def test_duplicate_lines_pair_in_order_and_a_removed_copy_is_the_last(db, tmp_path, export):
    line = titled("Twice", "https://arxiv.org/abs/2401.00001")
    other = titled("Between", "https://arxiv.org/abs/2401.00002")
    pks, report = import_and_sync(tmp_path, readme(Papers=[line, other, line]), readme(Papers=[line, other]))
    assert report == ["Papers:", "  removed paper “Twice”", SUMMARY.format(0, 0, 0, 1, 0, 0)]
    assert sorted(Paper.objects.values_list("pk", flat=True)) == pks["Papers"][:2]
    path = tmp_path / "README.md"
    path.write_text(readme(Papers=[line, line, other]), encoding="utf-8")
    out, _ = sync(path)
    assert out.splitlines()[1:] == ["Papers:", "  added paper “Twice”", SUMMARY.format(1, 0, 0, 0, 0, 0)]
    assert export() == readme(Papers=[line, line, other])


def test_an_entry_whose_url_and_title_both_change_is_a_new_entry(db, tmp_path):
    kept = titled("Kept", "https://example.org/kept")
    first = readme(Papers=[kept, titled("Old Name", "https://example.org/old")])
    second = readme(Papers=[kept, titled("New Name", "https://example.org/new")])
    _, report = import_and_sync(tmp_path, first, second)
    assert report == [
        "Papers:",
        "  added paper “New Name”",
        "  removed paper “Old Name”",
        SUMMARY.format(1, 0, 0, 1, 0, 0),
    ]


def test_a_section_without_entries_in_common_keeps_its_id_at_its_place_when_its_title_is_similar(db, tmp_path):
    papers = readme(Papers=[titled("A Paper", "https://arxiv.org/abs/2401.00001")])
    first = f"# Introduction\nWelcome.\n\n# Contributing\nSend a pull request.\n\n{papers}"
    second = f"# Introductions\nWelcome!\n\n# Zebra crossings\nSend a pull request.\n\n{papers}"
    path = tmp_path / "README.md"
    path.write_text(first, encoding="utf-8")
    call_command("import_readme", str(path), stdout=StringIO(), stderr=StringIO())
    introduction = Section.objects.get(title="Introduction")
    path.write_text(second, encoding="utf-8")
    assert sync(path)[0].splitlines()[1:] == [
        "Introductions (renamed from “Introduction”):",
        "  text changed",
        "Zebra crossings (new):",
        "Contributing (removed):",
        "Entries: 0 added, 0 changed, 0 moved, 0 removed; sections: 1 new, 1 renamed, 0 moved, 1 removed.",
    ]
    assert Section.objects.get(title="Introductions").pk == introduction.pk
    assert list(TextBlock.objects.filter(section=introduction).values_list("text", flat=True)) == ["Welcome!"]


def test_a_venue_left_without_papers_is_removed_and_new_entries_get_topic_tags(seeded, seed_text, tmp_path):
    text = replace_in(seed_text, "**Black-Box Access is Insufficient", "| FAccT |", "| arXiv |")
    text = insert(
        text,
        [row("Sparse Autoencoders for Everyone", "https://arxiv.org/abs/2407.00002", "2024-07-01")],
        before="**Model Internals-based Answer Attribution",
    )
    path = tmp_path / "README.md"
    path.write_text(text, encoding="utf-8")
    out, _ = sync(path)
    assert "Venues left without papers, removed: FAccT" in out.splitlines()
    assert not Venue.objects.filter(name="FAccT").exists()
    assert "sae" in Paper.objects.get(title="Sparse Autoencoders for Everyone").tags.names()
    assert Tag.objects.filter(name="sae").count() == 1
