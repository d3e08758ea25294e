"""Link checks and metadata refreshes asked for in the admin: one CheckRun each, at most one of each kind queued
or running at a time, its progress written as it goes and what it found when it ends.

The work itself is that of check_links and refresh_metadata (catalog_link_checks, metadata_refresh). A run that
makes no progress for STALE_AFTER (its worker was stopped, or none is running) no longer holds its kind back.
"""

import time
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from catalog.entry_kinds import KINDS, PAPER, Selection
from catalog.models import CheckRun
from catalog.services.catalog_link_checks import check_links, check_settings
from catalog.services.github import star_repos
from catalog.services.metadata_refresh import GITHUB, STEP_NAMES, derive_identifiers, refresh_step, step_label
from catalog.services.report_lines import INFO, ReportLine, as_text, plural

STALE_AFTER = timedelta(minutes=30)
# Seconds between two writes of a run's progress.
PROGRESS_INTERVAL = 1.0


class RunRefused(Exception):
    """Another run of the same kind is queued or running."""


class RunAbandoned(Exception):
    """The run was marked abandoned while it still worked: it stops."""


def scope_of(selection: Selection) -> str:
    if selection is None:
        return "the whole catalog"
    counted = [plural(len(selection[kind.name]), kind.name) for kind in KINDS if selection.get(kind.name)]
    return " and ".join(counted) or "no entry"


def open_run(*, kind: str, user, selection: Selection = None) -> CheckRun:
    """A new queued run of `kind`; RunRefused while another one is queued or running."""
    now = timezone.now()
    abandon_stalled(kind, now=now)
    try:
        with transaction.atomic():
            return CheckRun.objects.create(
                kind=kind, scope=scope_of(selection), selection=selection, requested_by=user, progress_at=now
            )
    except IntegrityError:
        active = CheckRun.objects.filter(kind=kind, status__in=CheckRun.ACTIVE).select_related("requested_by").first()
        if active is None:
            raise
        raise RunRefused(refusal(active)) from None


def refusal(active: CheckRun) -> str:
    who = f" by {active.requested_by.get_username()}" if active.requested_by else ""
    when = date_format(timezone.localtime(active.requested_at), "DATETIME_FORMAT")
    return (
        f"Not started: a {active.get_kind_display()} of {active.scope}, asked for{who} on {when}, is "
        f"{active.state()}. Wait for it to end before starting another."
    )


def abandon_stalled(kind: str, *, now) -> int:
    return CheckRun.objects.filter(kind=kind, status__in=CheckRun.ACTIVE, progress_at__lt=now - STALE_AFTER).update(
        status=CheckRun.Status.ABANDONED,
        finished_at=now,
        error=(
            f"No progress for {STALE_AFTER.seconds // 60} minutes: its worker was stopped, or no worker "
            "(manage.py db_worker) took it."
        ),
    )


def fail_run(run: CheckRun, error: BaseException) -> None:
    CheckRun.objects.filter(pk=run.pk, status__in=CheckRun.ACTIVE).update(
        status=CheckRun.Status.FAILED, finished_at=timezone.now(), error=f"{type(error).__name__}: {error}"
    )


class RunProgress:
    """The step, done and total of a run, written to its row at most every PROGRESS_INTERVAL seconds."""

    def __init__(self, run: CheckRun):
        self.run_id = run.pk
        self.step, self.done, self.total = "", 0, None
        self.written_at = float("-inf")

    def start(self, step: str, total: int) -> None:
        self.step, self.done, self.total = step, 0, total
        self.write()

    def advance(self, count: int = 1) -> None:
        self.done += count
        if time.monotonic() - self.written_at >= PROGRESS_INTERVAL:
            self.write()

    def write(self) -> None:
        written = CheckRun.objects.filter(pk=self.run_id, status=CheckRun.Status.RUNNING).update(
            step=self.step, done=self.done, total=self.total, progress_at=timezone.now()
        )
        self.written_at = time.monotonic()
        if not written:
            raise RunAbandoned(f"Check run {self.run_id} was abandoned.")


def perform_run(run_id: int) -> str:
    """Do the work of queued run `run_id` and record what came of it; its summary's first line."""
    now = timezone.now()
    claimed = CheckRun.objects.filter(pk=run_id, status=CheckRun.Status.QUEUED).update(
        status=CheckRun.Status.RUNNING, started_at=now, progress_at=now
    )
    if not claimed:
        return f"Check run {run_id} was not queued any more: not run."
    run = CheckRun.objects.select_related("requested_by").get(pk=run_id)
    progress = RunProgress(run)
    try:
        lines, failure = WORK[run.kind](run, progress)
    except RunAbandoned as stopped:
        return str(stopped)
    except Exception as error:
        fail_run(run, error)
        raise
    CheckRun.objects.filter(pk=run.pk, status=CheckRun.Status.RUNNING).update(
        status=CheckRun.Status.FAILED if failure else CheckRun.Status.DONE,
        finished_at=timezone.now(),
        progress_at=timezone.now(),
        done=progress.done,
        total=progress.total,
        summary=as_text(lines),
        error=failure,
    )
    return lines[0].text if lines else ""


def _check_links(run: CheckRun, progress: RunProgress) -> tuple[list[ReportLine], str]:
    report = check_links(
        check=check_settings(),
        selection=run.selection,
        on_start=lambda total: progress.start("URLs", total),
        on_outcome=lambda outcome: progress.advance(),
    )
    return report.lines(), ""


def _refresh_metadata(run: CheckRun, progress: RunProgress) -> tuple[list[ReportLine], str]:
    """The whole catalog as `refresh_metadata` does it; chosen entries asked about again, papers and star repos.
    The papers' history names who asked for it. The first line sums up every step, the command's report follows."""
    selection, user = run.selection, run.requested_by
    lines, outcomes = [derive_identifiers(user=user)], []
    names, paper_ids, repos = STEP_NAMES, None, None
    if selection is not None:
        paper_ids, repos = selection.get(PAPER.name, []), star_repos(selection)
        names = STEP_NAMES if paper_ids else [GITHUB]
    for name in names:
        outcome = refresh_step(
            name,
            everything=selection is not None,
            paper_ids=paper_ids,
            repos=repos,
            user=user,
            on_start=lambda total, name=name: progress.start(step_label(name), total),
            on_advance=lambda label, count: progress.advance(count),
        )
        lines += outcome.lines
        outcomes.append(outcome)
    headline = ReportLine(INFO, " ".join(outcome.lines[0].text for outcome in outcomes))
    return [headline, *lines], " ".join(outcome.failure for outcome in outcomes if outcome.failure)


WORK = {CheckRun.Kind.LINKS: _check_links, CheckRun.Kind.METADATA: _refresh_metadata}
