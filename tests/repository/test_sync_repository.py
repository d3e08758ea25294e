"""sync_repository: the repository's README taken into the catalog, three-way, with real git and a local remote."""

from io import StringIO

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.models import Paper
from catalog.repository import config
from catalog.repository.models import RepositoryEvent
from catalog.repository.sync import TwoWayRefused, sync_repository
from catalog.services.readme_export import export_readme
from catalog.services.readme_files import ReadmeProblems
from tests.admin_support import make_user
from tests.repository.conftest import ROW, SEED, add_row

pytestmark = pytest.mark.django_db


def sync(*args) -> str:
    out = StringIO()
    call_command("sync_repository", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def once_listed(count: int) -> list[Paper]:
    """Papers whose title appears once in the seed, so a text replace reaches exactly them."""
    seed = SEED.read_text(encoding="utf-8")
    return [p for p in Paper.objects.order_by("pk") if seed.count(f"[**{p.title}**]") == 1][:count]


def retitle(paper: Paper, title: str):
    return lambda text: text.replace(f"[**{paper.title}**]", f"[**{title}**]")


def test_the_first_sync_imports_the_readme_into_an_empty_catalog(upstream):
    out = sync()
    assert Paper.objects.count() == 149
    assert export_readme() == upstream.show("main:README.md")
    assert config.synced_commit() == upstream.head()
    assert "Imported" in out
    assert RepositoryEvent.objects.get().outcome == RepositoryEvent.Outcome.DONE


def test_a_dry_run_reports_and_writes_nothing(upstream):
    out = sync("--dry-run")
    assert "Dry run" in out and "Imported" in out
    assert Paper.objects.count() == 0
    assert config.synced_commit() is None
    assert not RepositoryEvent.objects.exists()


def test_a_sync_when_nothing_changed_says_so_and_changes_nothing(upstream):
    sync()
    before = export_readme()
    assert "already in step" in sync()
    assert export_readme() == before


def test_repository_changes_are_applied_on_top_of_the_catalogs_unpublished_edits(upstream):
    sync()
    edited, removed = once_listed(2)
    edited.title += " (catalog edit)"
    edited.save()
    removed.delete()
    upstream.commit(add_row, "Add a paper")
    out = sync()
    assert Paper.objects.filter(url="https://arxiv.org/abs/2411.00001").count() == 1
    assert Paper.objects.get(pk=edited.pk).title == edited.title
    assert not Paper.objects.filter(pk=removed.pk).exists()
    assert config.synced_commit() == upstream.head()
    assert "Three-way" in out and "Conflict" not in out
    exported = export_readme()
    assert ROW in exported and f"[**{edited.title}**]" in exported and f"[**{removed.title}**]" not in exported


def test_edits_on_neighbouring_lines_of_both_sides_are_both_kept(upstream):
    sync()
    once = {paper.title: paper for paper in once_listed(149)}
    lines = SEED.read_text(encoding="utf-8").split("\n")
    titles = [next((t for t in once if f"[**{t}**]" in line), None) for line in lines]
    above, below = next((once[a], once[b]) for a, b in zip(titles, titles[1:], strict=False) if a and b)
    upstream.commit(retitle(above, above.title + " (repository)"), "Retitle one paper")
    below.title += " (catalog)"
    below.save()
    out = sync()
    assert Paper.objects.get(pk=above.pk).title == above.title + " (repository)"
    assert Paper.objects.get(pk=below.pk).title == below.title
    assert "Conflict" not in out


def test_rows_added_at_one_place_on_both_sides_are_both_kept(upstream):
    sync()
    paper = Paper.objects.filter(section__title="Interpretable Analysis of LLMs").order_by("position").first()
    catalog_row = Paper.objects.create(
        section=paper.section,
        position=paper.position - 1,
        title="Catalog Added Paper",
        url="https://arxiv.org/abs/2411.00009",
        date=paper.date,
    )
    upstream.commit(add_row, "Add a paper")
    sync()
    assert Paper.objects.filter(url="https://arxiv.org/abs/2411.00001").count() == 1
    assert Paper.objects.filter(pk=catalog_row.pk).exists()
    text = export_readme()
    assert text.index("Upstream Added Paper") < text.index("Catalog Added Paper")


def test_the_same_entry_changed_on_both_sides_the_repository_wins_and_the_catalogs_value_is_kept(upstream):
    sync()
    (paper,) = once_listed(1)
    upstream.commit(retitle(paper, paper.title + " (repository side)"), "Retitle a paper")
    catalog_title = paper.title + " (catalog side)"
    paper.title = catalog_title
    paper.save()
    out = sync()
    assert Paper.objects.get(pk=paper.pk).title.endswith("(repository side)")
    assert "Conflict" in out and catalog_title in out
    messages = list(LogEntry.objects.filter(object_id=str(paper.pk)).values_list("change_message", flat=True))
    assert any(catalog_title in message and "repository's version was kept" in message for message in messages)
    assert catalog_title in RepositoryEvent.objects.filter(kind="sync").first().details


def test_the_history_names_the_commits_author_when_an_account_has_that_email(upstream):
    sync()
    author = make_user("carol")
    author.email = "carol@example.org"
    author.save()
    upstream.identity("Carol Contributor", "carol@example.org")
    upstream.commit(add_row, "Add a paper")
    sync()
    added = Paper.objects.get(url="https://arxiv.org/abs/2411.00001")
    assert LogEntry.objects.get(object_id=str(added.pk)).user == author


def test_the_history_names_the_user_given(upstream):
    sync()
    alice = make_user("alice")
    upstream.commit(add_row, "Add a paper")
    sync("--user", "alice")
    added = Paper.objects.get(url="https://arxiv.org/abs/2411.00001")
    assert LogEntry.objects.get(object_id=str(added.pk)).user == alice


def test_a_readme_that_cannot_be_imported_changes_nothing_and_is_reported_by_path_and_line(upstream):
    sync()
    before, synced = export_readme(), config.synced_commit()
    broken = "| [**Broken Date Paper**](https://arxiv.org/abs/2411.00003) <br>| arXiv | 2024-13-45 | - | - |"
    upstream.commit(lambda text: add_row(text, broken), "Add a paper with a wrong date")
    with pytest.raises(CommandError):
        sync()
    assert export_readme() == before
    assert config.synced_commit() == synced
    event = RepositoryEvent.objects.filter(kind="sync").first()
    assert event.outcome == RepositoryEvent.Outcome.FAILED
    line = upstream.show("main:README.md").split("\n").index(broken) + 1
    assert f"README.md:{line}:" in event.details


def test_a_catalog_with_no_base_is_synced_two_way_by_the_command_and_left_alone_by_a_webhook(upstream, seeded):
    (paper,) = once_listed(1)
    paper.title += " (catalog edit)"
    paper.save()
    upstream.commit(add_row, "Add a paper")
    with pytest.raises(TwoWayRefused):
        sync_repository(allow_two_way=False)
    assert Paper.objects.get(pk=paper.pk).title == paper.title
    report = sync("--dry-run")
    assert "two-way" in report and paper.title in report
    assert Paper.objects.get(pk=paper.pk).title == paper.title
    sync()
    assert export_readme() == upstream.show("main:README.md")


def test_without_a_remote_the_command_says_so(settings, db):
    settings.CATALOG_GIT_REMOTE = ""
    with pytest.raises(CommandError, match="CATALOG_GIT_REMOTE"):
        sync()


def test_a_remote_that_cannot_be_reached_changes_nothing(upstream, settings, tmp_path):
    settings.CATALOG_GIT_REMOTE = str(tmp_path / "missing.git")
    with pytest.raises(CommandError, match="git fetch failed"):
        sync()
    assert Paper.objects.count() == 0
    assert RepositoryEvent.objects.get().outcome == RepositoryEvent.Outcome.FAILED


def test_readme_problems_name_the_repository_path(upstream):
    upstream.commit(lambda text: "just prose, no list\n", "Replace the list")
    with pytest.raises(ReadmeProblems) as raised:
        sync_repository()
    assert raised.value.lines()[0].startswith("README.md:1:")


def test_a_readme_that_would_remove_much_of_the_catalog_is_refused_unless_allowed(upstream):
    sync()
    count = Paper.objects.count()
    upstream.commit(lambda text: "\n".join(line for line in text.split("\n") if not line.startswith("| [**")), "Trim")
    with pytest.raises(CommandError, match=r"would remove \d+ of the catalog's \d+ entries.*--allow-removals"):
        sync()
    assert Paper.objects.count() == count
    assert RepositoryEvent.objects.filter(kind="sync").first().outcome == "failed"
    sync("--allow-removals")
    assert Paper.objects.count() < count * 0.75
    assert export_readme() == upstream.show("main:README.md")
