"""Taking the repository's README in: fetch the branch and bring the catalog in step with its head.

- An empty catalog imports the README.
- With a known commit (the base), the merge is three-way: the repository's changes since the base are applied on
  top of the catalog's unpublished edits, which are kept. Where both changed the same lines, the repository wins
  and the catalog's version is named in the report and in the admin history of its entry.
- A catalog with entries but no known commit is synced two-way (the catalog becomes the README), which `--dry-run`
  shows first; a webhook leaves such a catalog alone.
The catalog changes through the `import_readme` and `import_readme --sync` services, in one transaction with the
new synced commit, so the history and the reports are the same as theirs.
"""

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from catalog import readme
from catalog.models import Paper, Resource
from catalog.readme.matching import entry_title
from catalog.repository import config
from catalog.repository.changes import entry_changes
from catalog.repository.git import Commit
from catalog.repository.lock import database_lock
from catalog.repository.merge import merge3
from catalog.repository.models import RepositoryEvent
from catalog.services.readme_export import export_readme
from catalog.services.readme_files import ReadmeProblems, read_readme_text
from catalog.services.readme_import import catalog_is_empty, import_readme, parse_importable
from catalog.services.sync import MassRemoval, sync_readme, sync_user


class TwoWayRefused(config.RepositoryError):
    """The catalog has entries but no known commit, and this sync may not replace its differences."""


class TooManyRemovals(config.RepositoryError):
    """The sync would remove much of the catalog; it is taken in only when removals are allowed."""


# A sync that would remove more entries than this share of the catalog (and more than REMOVALS_FLOOR) is refused.
REMOVALS_SHARE = 0.25
REMOVALS_FLOOR = 10


@dataclass
class SyncOutcome:
    head: str | None
    mode: str
    lines: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changed: bool = False
    removed: int = 0


def _name(head: str) -> str:
    return f"{settings.CATALOG_GIT_README}@{head[:7]}"


def _renamed(problems: ReadmeProblems, name: str) -> ReadmeProblems:
    return ReadmeProblems(name, problems.problems)


def _author(commits: list[Commit], user):
    """Who the history names: the user given, else the newest commit's author where an account has that email."""
    if user is not None or not commits:
        return user
    accounts = get_user_model().objects.filter(email__iexact=commits[0].author_email, is_active=True)
    return accounts.order_by("pk").first()


def sync_repository(*, user=None, dry_run=False, allow_two_way=True, allow_removals=False) -> SyncOutcome:
    """Fetch the branch and take its README in. Raises ReadmeProblems, RepositoryError or lock.Busy, having
    changed nothing; a failure (not a dry run) is recorded for the admin's README page."""
    try:
        with database_lock(config.LOCK_NAME, wait=settings.CATALOG_GIT_LOCK_WAIT):
            repo = config.clone()
            with repo.lock():
                outcome = _sync(
                    repo, user=user, dry_run=dry_run, allow_two_way=allow_two_way, allow_removals=allow_removals
                )
    except ReadmeProblems as problems:
        if not dry_run:
            _record(
                RepositoryEvent.Outcome.FAILED,
                "The repository's README cannot be taken in.",
                "\n".join(problems.lines()),
                user=user,
            )
        raise
    except Exception as error:
        if not dry_run:
            _record(RepositoryEvent.Outcome.FAILED, f"Sync failed: {error}", user=user)
        raise
    return outcome


def _record(outcome, summary, details="", *, user=None, commit=""):
    RepositoryEvent.objects.create(
        kind=RepositoryEvent.Kind.SYNC,
        outcome=outcome,
        summary=summary,
        details=details,
        user=user,
        commit=commit,
        url=config.commit_url(commit),
    )


def _sync(repo, *, user, dry_run, allow_two_way, allow_removals) -> SyncOutcome:
    head = repo.fetch()
    branch, path = settings.CATALOG_GIT_BRANCH, settings.CATALOG_GIT_README
    if head is None:
        return SyncOutcome(None, "nothing", [f"The branch {branch} does not exist in the repository yet."])
    theirs_bytes = repo.read(head, path)
    if theirs_bytes is None:
        raise config.RepositoryError(f"{path} is not in {branch} at {head[:7]}: check CATALOG_GIT_README.")
    known = config.synced_commit()
    if known == head:
        return SyncOutcome(head, "nothing", [f"The catalog is already in step with {branch} at {head[:7]}."])
    base = known if known and repo.has(known) else None
    if base and repo.read(base, path) == theirs_bytes:
        if not dry_run:
            config.set_synced_commit(head)
        return SyncOutcome(head, "nothing", [f"No change to {path} up to {head[:7]}; the catalog is in step with it."])
    with tempfile.TemporaryDirectory() as folder:
        theirs_file = Path(folder) / "theirs.md"
        theirs_file.write_bytes(theirs_bytes)
        try:
            theirs = read_readme_text(theirs_file)
            parse_importable(path=theirs_file)
        except ReadmeProblems as problems:
            raise _renamed(problems, path) from None
        commits = repo.log(base, head, path)
        who = _author(commits, user)
        with transaction.atomic():
            entries = Paper.objects.count() + Resource.objects.count()
            if catalog_is_empty():
                outcome = _import(theirs_file, head)
            else:
                if base is None:
                    if not allow_two_way:
                        raise TwoWayRefused(
                            "The catalog has entries but has never been synced with the repository: take the "
                            "repository in from the admin's README page or with sync_repository (review --dry-run)."
                        )
                    outcome = _two_way(theirs_file, head, who, allow_removals or dry_run)
                else:
                    base_text = repo.read(base, path).decode("utf-8", "replace")
                    outcome = _three_way(base_text, theirs, Path(folder), head, base, who, allow_removals or dry_run)
            outcome.lines.insert(0, _commits_line(commits, head))
            if outcome.removed > max(REMOVALS_FLOOR, REMOVALS_SHARE * entries) and not allow_removals and not dry_run:
                raise TooManyRemovals(
                    f"Not taken in: {path} at {head[:7]} would remove {outcome.removed} of the catalog's {entries} "
                    "entries. Check the repository's README; if this is meant, run sync_repository --allow-removals."
                )
            if dry_run:
                transaction.set_rollback(True)
            else:
                config.set_synced_commit(head)
                details = "\n".join(outcome.lines + outcome.conflicts)
                _record(
                    RepositoryEvent.Outcome.DONE,
                    " ".join(dict.fromkeys([outcome.lines[0], outcome.lines[-1]])),
                    details,
                    user=user or who,
                    commit=head,
                )
    return outcome


def _commits_line(commits: list[Commit], head: str) -> str:
    authors = sorted({commit.author_name for commit in commits})
    count = len(commits)
    made = f" by {', '.join(authors)}" if authors else ""
    return f"{settings.CATALOG_GIT_README} at {head[:7]}: {count} commit{'s' if count != 1 else ''} taken in{made}."


def _mass_removal(error: MassRemoval) -> TooManyRemovals:
    return TooManyRemovals(
        f"Not taken in: {error} Check the repository's README (a truncated copy?); if this is meant, run "
        "sync_repository --allow-removals."
    )


def _import(theirs_file: Path, head: str) -> SyncOutcome:
    try:
        summary = import_readme(path=theirs_file)
    except ReadmeProblems as problems:
        raise _renamed(problems, settings.CATALOG_GIT_README) from None
    return SyncOutcome(head, "import", [f"Imported {summary} into the empty catalog."], changed=True)


def _two_way(theirs_file: Path, head: str, who, allow_removals: bool) -> SyncOutcome:
    theirs = read_readme_text(theirs_file)
    replaced = entry_changes(theirs, export_readme())
    try:
        report = sync_readme(path=theirs_file, user=who, name=_name(head), allow_mass_removal=allow_removals)
    except ReadmeProblems as problems:
        raise _renamed(problems, settings.CATALOG_GIT_README) from None
    except MassRemoval as error:
        raise _mass_removal(error) from None
    note = "No commit known as the catalog's base: synced two-way, the catalog now exports the repository's README."
    outcome = SyncOutcome(head, "two-way", [note, *report.lines()], changed=True, removed=report.count("removed"))
    lost = [(what, node) for what in ("updated", "added") for node in getattr(replaced, what)]
    if lost:
        outcome.conflicts.append("The catalog's versions replaced by the repository's:")
        outcome.conflicts += [
            f"  {_kind(node)} “{entry_title(node)}” ({'changed' if what == 'updated' else 'removed'})"
            for what, node in lost
        ]
    return outcome


def _three_way(base: str, theirs: str, folder: Path, head: str, base_commit: str, who, allow_removals) -> SyncOutcome:
    ours = export_readme()
    merged = merge3(base, ours, theirs)
    merged_file = folder / "merged.md"
    merged_file.write_text(merged.text, encoding="utf-8", newline="")
    name = _name(head)
    by_line = _entries_by_line(ours)
    lost = [
        (conflict, number, text, by_line.get(number)) for conflict in merged.conflicts for number, text in conflict.lost
    ]
    instances = {number: _instance(node) for _, number, _, node in lost if node is not None}
    try:
        report = sync_readme(path=merged_file, user=who, name=name, allow_mass_removal=allow_removals)
    except ReadmeProblems as problems:
        label = f"{settings.CATALOG_GIT_README} merged with the catalog's edits"
        raise ReadmeProblems(label, problems.problems) from None
    except MassRemoval as error:
        raise _mass_removal(error) from None
    note = f"Three-way from {base_commit[:7]}: the repository's changes applied on top of the catalog's edits."
    outcome = SyncOutcome(head, "three-way", [note, *report.lines()], changed=True, removed=report.count("removed"))
    for conflict in merged.conflicts:
        outcome.conflicts.append(
            f"Conflict at {settings.CATALOG_GIT_README}:{conflict.base_line} (line of the base): changed in the "
            "catalog and in the repository; the repository's version is kept. The catalog had:"
        )
        outcome.conflicts += [f"  (removed in the catalog) {line}" for line in conflict.removed]
        for item, number, text, node in lost:
            if item is not conflict:
                continue
            if node is None:
                outcome.conflicts.append(f"  {text}")
                continue
            outcome.conflicts.append(f"  {_kind(node)} “{entry_title(node)}”: {text}")
            instance = instances.get(number)
            if instance is not None and type(instance).objects.filter(pk=instance.pk).exists():
                _log_conflict(instance, node, text, name, who)
    return outcome


def _kind(node) -> str:
    return "paper" if isinstance(node, readme.PaperRow) else "resource"


def _entries_by_line(text: str) -> dict[int, readme.PaperRow | readme.ResourceItem]:
    return {
        node.line: node
        for section in readme.parse(text).sections
        for node in section.body
        if isinstance(node, readme.PaperRow | readme.ResourceItem)
    }


def _instance(node):
    """The catalog's entry that exported as `node`."""
    if isinstance(node, readme.PaperRow):
        return Paper.objects.filter(title=node.title, url=node.url).order_by("pk").first()
    return Resource.objects.filter(name=node.name, url=node.url).order_by("pk").first()


def _log_conflict(instance, node, text: str, name: str, who) -> None:
    LogEntry.objects.create(
        user=who or sync_user(),
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        action_flag=CHANGE,
        change_message=(
            f"README sync from {name}: changed in the catalog and in the repository; the repository's version was "
            f"kept. The catalog's version, to restore it: “{entry_title(node)}”, written as {text}"
        ),
    )
