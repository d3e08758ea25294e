"""Linting the README: each rule, the rules switched off in settings, the command's exit code, the admin page."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.models import Paper, Resource
from catalog.readme.lint import RULES, anchor, lint
from tests.admin_support import make_user

HEAD5 = (
    "|  Title  |   Venue  |   Date   |   Code   |   Blog   |\n|:--------|:--------:|:--------:|:--------:|:--------:|"
)


def row(title, url, date, *, venue="arXiv", code="-", blog="-", badge=""):
    star = f"![GitHub Repo stars](https://img.shields.io/github/stars/{badge}) <br> " if badge else ""
    return f"| {star}[**{title}**]({url}) <br>| {venue} | {date} | {code} | {blog} |"


def papers(*rows, title="Papers"):
    return f"# {title}\n{HEAD5}\n" + "\n".join(rows)


A = row("Alpha", "https://arxiv.org/abs/2401.00001", "2024-03-01")
B = row("Beta", "https://arxiv.org/abs/2401.00002", "2024-02-01")

# rule: (a README that triggers it, [(line, message)], a close README that does not)
CASES = {
    "date-order": (
        papers(B, A),
        [(5, "dated 2024-03-01, newer than the paper above it (line 4, 2024-02-01): the newest come first")],
        papers(A, B) + "\n\n# Older\n" + HEAD5 + "\n" + row("Gamma", "https://arxiv.org/abs/2401.00003", "2025-01-01"),
    ),
    "duplicate": (
        papers(A, B)
        + "\n# Elsewhere\n"
        + HEAD5
        + "\n"
        + row("Alpha again", "https://arxiv.org/pdf/2401.00001v2", "2024-01-01")
        + "\n"
        + row("beta", "https://example.org/beta", "2023-01-01")
        + "\n# Resources\n- [Delta](https://example.org/delta/)\n- [Delta site](https://www.example.org/delta)",
        [
            (9, "the same arXiv id 2401.00001 as line 4"),
            (10, "the same title as line 5"),
            (13, "the same URL as line 12"),
        ],
        papers(A, B) + "\n# Resources\n- [Alpha tools](https://example.org/alpha)",
    ),
    "star-repo": (
        papers(
            row(
                "Alpha",
                "https://arxiv.org/abs/2401.00001",
                "2024-03-01",
                badge="someone/alpha",
                code="[Github](https://github.com/other/alpha)",
            ),
        )
        + "\n# Libraries\n- ![GitHub Repo stars](https://img.shields.io/github/stars/a/lib) [**Lib**](https://github.com/b/lib)",
        [
            (4, "the star badge shows someone/alpha, the code link is other/alpha"),
            (6, "the star badge shows a/lib, the GitHub link is b/lib"),
        ],
        papers(
            row(
                "Alpha",
                "https://arxiv.org/abs/2401.00001",
                "2024-03-01",
                badge="Someone/alpha",
                code="[Demo](https://example.org), [Github](https://github.com/someone/alpha/tree/main/src)",
            ),
            row("Beta", "https://arxiv.org/abs/2401.00002", "2024-02-01", badge="someone/beta"),
        ),
    ),
    "missing-placeholder": (
        papers("| [**Alpha**](https://arxiv.org/abs/2401.00001) <br>|  | 2024-03-01 | | - |"),
        [(4, "the Venue cell is empty: write '-'"), (4, "the Code cell is empty: write '-'")],
        papers(row("Alpha", "https://arxiv.org/abs/2401.00001", "2024-03-01", venue="-")),
    ),
    "trailing-whitespace": (
        "# Title \n\ntext\t\n- [A](https://example.org)  ",
        [
            (1, "the line ends with whitespace"),
            (3, "the line ends with whitespace"),
            (4, "the line ends with whitespace"),
        ],
        "# Title\n\ntext\n- [A](https://example.org)\n",
    ),
    "non-http-link": (
        "# Links\n- [A](ftp://example.org/a): see [B](www.example.org) and [C]()",
        [
            (2, "the link 'ftp://example.org/a' is not an http(s) URL"),
            (2, "the link 'www.example.org' is not an http(s) URL"),
            (2, "the link '(empty)' is not an http(s) URL"),
        ],
        "# Links\n- [A](http://example.org/a): see [B](#links) and ![badge](https://example.org/b.svg)",
    ),
    "table-cells": (
        "# Table\n| a | b | c |\n|---|:-:|---|\n| 1 | 2 |\n| 1 | 2 | 3 | 4 |\n| 1 | 2 \\| 3 |",
        [(4, "2 cells, the header has 3"), (5, "4 cells, the header has 3"), (6, "2 cells, the header has 3")],
        "# Table\n| a | b | c |\n|---|:-:|---|\n| 1 | 2 | 3 |\n| 1 | 2 | x \\| y |\n| 1 | 2 | 3\n\n| not | a table |",
    ),
    "item-separator": (
        "# List\n\n- [A](https://example.org/a) - Fine.\n- [B](https://example.org/b): Colon.\n"
        "- [C](https://example.org/c) - Fine too.",
        [(4, "the description follows ':': write ' - '")],
        "# List\n\n- [A](https://example.org/a) - Fine.\n- [B](https://example.org/b) - Dash.",
    ),
    "item-description": (
        "# List\n\n- [A](https://example.org/a) - lower case.\n- [B](https://example.org/b) - No period",
        [
            (3, "the description starts with a lower-case letter"),
            (4, "the description does not end with '.', '!' or '?'"),
        ],
        "# List\n\n- [A](https://example.org/a) - Upper case.\n- [B](https://example.org/b) - A [link](https://x.org)!",
    ),
    "toc": (
        "# List\n\n- [Papers](#papers)\n- [Tools](#tools)\n- [Gone](#gone)\n\n# Tools\n# Papers\n## Sub\n# Forums",
        [
            (3, "the heading on line 10 (#forums) is not listed"),
            (4, "'Tools' is listed after a heading that comes later"),
            (5, "'Gone' links to #gone, which no heading has"),
        ],
        "# List\n- [Back to the top](#nowhere)\n\n"
        "## Contents\n- [Tools & Blogs](#tools--blogs)\n- [Papers](#papers)\n  - [Sub: 1](#sub-1)\n\n"
        "# Tools & Blogs\n# Papers\n## Sub: 1",
    ),
    "carriage-return": (
        "# Title\r\n\r\ntext\r\n- [A](https://example.org)\r\n- [B](https://example.org/b)\r",
        [
            (1, "the lines end with CR LF (Windows line endings); the list uses LF"),
            (5, "a carriage return (CR) in the line: mixed line endings, or a stray CR"),
        ],
        "# Title\n\ntext\n- [A](https://example.org)\n",
    ),
}


def findings(text, **options):
    return [(finding.line, finding.message) for finding in lint(text, **options)]


@pytest.mark.parametrize("rule", RULES)
def test_each_rule_finds_what_it_names_and_nothing_in_a_close_clean_readme(rule):
    bad, expected, good = CASES[rule]
    assert [(f.line, f.message) for f in lint(bad) if f.rule == rule] == expected
    assert lint(good) == []


@pytest.mark.parametrize("rule", RULES)
def test_a_disabled_rule_reports_nothing_and_leaves_the_others(rule):
    bad, expected, _ = CASES[rule]
    remaining = lint(bad, disabled=[rule])
    assert not [f for f in remaining if f.rule == rule]
    assert remaining == [f for f in lint(bad) if f.rule != rule]


def test_an_unknown_rule_name_is_refused():
    with pytest.raises(ValueError, match="unknown lint rule date_order; the rules are date-order, duplicate"):
        lint("# A", disabled=["date_order"])


def test_github_anchors_of_headings():
    assert anchor("Awesome Interpretability Blogs & Videos") == "awesome-interpretability-blogs--videos"
    assert anchor("SAE, Dictionary Learning and Superposition") == "sae-dictionary-learning-and-superposition"
    assert anchor("**Bold** [link](https://x.org) `code`") == "bold-link-code"


def test_the_seed_has_only_warnings(seed_text):
    found = [(f.line, f.rule, f.severity) for f in lint(seed_text)]
    assert found == [
        (37, "trailing-whitespace", "warning"),
        (38, "trailing-whitespace", "warning"),
        (39, "trailing-whitespace", "warning"),
        (188, "date-order", "warning"),
    ]


def run_lint(*args):
    out, err = StringIO(), StringIO()
    call_command("lint_readme", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_the_command_lints_the_database_export_by_default(seeded):
    out, err = run_lint()
    assert out.splitlines() == [
        "database export:37: trailing-whitespace: the line ends with whitespace",
        "database export:38: trailing-whitespace: the line ends with whitespace",
        "database export:39: trailing-whitespace: the line ends with whitespace",
        "database export:188: date-order: dated 2024-02-19, newer than the paper above it (line 187, 2024-02-12): "
        "the newest come first",
    ]
    assert err == "database export: 0 errors, 4 warnings\n"


@pytest.mark.django_db
def test_a_duplicate_made_in_the_catalog_fails_the_default_run(seeded):
    paper = Paper.objects.get(title__startswith="Confidence Regulation Neurons")
    paper.pk = None
    paper.position = None
    paper.save()
    out = StringIO()
    with pytest.raises(CommandError, match=r"^database export: 1 error, 4 warnings$") as raised:
        call_command("lint_readme", stdout=out, stderr=StringIO())
    assert raised.value.returncode == 1
    assert "database export:74: duplicate: the same arXiv id 2406.16254 as line 73" in out.getvalue()


def test_a_file_with_an_error_exits_non_zero_and_names_path_and_line(tmp_path):
    path = tmp_path / "README.md"
    path.write_text(CASES["table-cells"][0], encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError, match=r": 3 errors, 0 warnings$") as raised:
        call_command("lint_readme", str(path), stdout=out, stderr=StringIO())
    assert raised.value.returncode == 1
    assert out.getvalue().splitlines() == [
        f"{path}:4: table-cells: 2 cells, the header has 3",
        f"{path}:5: table-cells: 4 cells, the header has 3",
        f"{path}:6: table-cells: 2 cells, the header has 3",
    ]


def test_warnings_alone_exit_zero(tmp_path):
    path = tmp_path / "README.md"
    path.write_text(CASES["date-order"][0], encoding="utf-8")
    out, err = run_lint(str(path))
    assert out == f"{path}:5: date-order: {CASES['date-order'][1][0][1]}\n"
    assert err == f"{path}: 0 errors, 1 warning\n"


def test_rules_switched_off_in_settings_are_not_run(tmp_path, settings):
    settings.CATALOG_LINT_DISABLED_RULES = ["table-cells"]
    path = tmp_path / "README.md"
    path.write_text(CASES["table-cells"][0], encoding="utf-8")
    assert run_lint(str(path)) == ("", f"{path}: 0 errors, 0 warnings\n")


def test_an_unknown_rule_in_settings_is_a_command_error(tmp_path, settings):
    settings.CATALOG_LINT_DISABLED_RULES = ["tocs"]
    path = tmp_path / "README.md"
    path.write_text("# A", encoding="utf-8")
    with pytest.raises(CommandError, match="CATALOG_LINT_DISABLED_RULES: unknown lint rule tocs"):
        run_lint(str(path))


def test_a_file_that_cannot_be_read_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match=r"missing\.md: cannot read the file: No such file or directory"):
        run_lint(str(tmp_path / "missing.md"))


@pytest.mark.django_db
def test_the_admin_readme_page_shows_the_findings_of_the_export(seeded, client, settings, tmp_path):
    settings.CATALOG_README_PATH = tmp_path / "README.md"
    client.force_login(make_user("maintainer", superuser=True))
    content = client.get("/admin/readme/").content.decode()
    resource = Resource.objects.get(name="Transformer Debugger")
    assert (
        f'<li class="warning">Line 37 (<a href="/admin/catalog/resource/{resource.pk}/change/">'
        "Transformer Debugger</a>):"
        " trailing-whitespace (warning): the line ends with whitespace</li>"
    ) in content
    assert re.search(
        r"Line 188 \(<a href=\"/admin/catalog/paper/\d+/change/\">[^<]+</a>\): "
        r"date-order \(warning\): dated 2024-02-19",
        content,
    )
    assert 'name="publish"' in content
    settings.CATALOG_LINT_DISABLED_RULES = ["trailing-whitespace", "date-order"]
    content = client.get("/admin/readme/").content.decode()
    assert "Checks of the export" not in content and "trailing-whitespace" not in content
