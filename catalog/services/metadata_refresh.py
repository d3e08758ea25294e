"""A refresh of papers' metadata and of star repos, one step per source, as refresh_metadata and the admin run it.

Each step reports what it did as lines, and a failure when a source left papers or repositories unanswered: what
was saved stays, and running the step again asks for the rest.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings

from catalog.services.arxiv import fill_arxiv_fields
from catalog.services.github import refresh_repositories, star_repos
from catalog.services.paper_metadata import SOURCES, fill_url_identifiers, papers_to_ask, refresh_source
from catalog.services.report_lines import ERROR, INFO, WARNING, ReportLine, plural

GITHUB = "github"
STEP_NAMES = [*SOURCES, GITHUB]
LISTED = 10


@dataclass
class StepOutcome:
    lines: list[ReportLine] = field(default_factory=list)
    failure: str = ""


def step_label(name: str) -> str:
    return "GitHub" if name == GITHUB else SOURCES[name].label


def derive_identifiers(*, user=None) -> ReportLine:
    """Papers' arXiv ids, canonical URLs, DOIs and OpenReview ids from their URLs, without any request; `user`
    asked for it (None: nobody)."""
    arxiv = fill_arxiv_fields()
    identified = fill_url_identifiers(user=user)
    return ReportLine(
        INFO,
        f"arXiv: {plural(arxiv.arxiv_papers, 'paper')} with an arXiv id, {arxiv.changed} changed; "
        f"{plural(identified, 'paper')} given a DOI or OpenReview id from its URL.",
    )


def refresh_step(
    name: str,
    *,
    everything: bool = False,
    paper_ids: list[int] | None = None,
    repos: list[str] | None = None,
    max_wait: float | None = None,
    user=None,
    on_start: Callable[[int], None] | None = None,
    on_advance: Callable[[str, int], None] | None = None,
) -> StepOutcome:
    """Ask source `name` (a key of SOURCES, or GITHUB) about the papers (of `paper_ids`) or the star repos (`repos`;
    None: every one the catalog names), for `user` (None: nobody; the papers' history names the system account).
    `on_start(total)` and `on_advance(label, count)` follow its progress."""
    on_start = on_start or (lambda total: None)
    on_advance = on_advance or (lambda label, count: None)
    if name == GITHUB:
        return _refresh_github(star_repos() if repos is None else repos, max_wait, on_start, on_advance)
    return _refresh_papers(name, everything, paper_ids, max_wait, user, on_start, on_advance)


def _refresh_papers(name, everything, paper_ids, max_wait, user, on_start, on_advance) -> StepOutcome:
    by_key = papers_to_ask(name, everything=everything, paper_ids=paper_ids)
    label = SOURCES[name].label
    on_start(sum(len(papers) for papers in by_key.values()))
    client_options = {} if max_wait is None else {"max_wait": max_wait}
    report = refresh_source(name, by_key, on_batch=lambda count: on_advance(label, count), user=user, **client_options)
    outcome = StepOutcome(
        [
            ReportLine(
                INFO,
                f"{label}: {plural(report.asked, 'paper')} asked, {report.filled} filled, "
                f"{len(report.unknown)} unknown, {len(report.failed)} failed.",
            )
        ]
    )
    if report.unknown:
        more = f" and {len(report.unknown) - LISTED} more" if len(report.unknown) > LISTED else ""
        outcome.lines.append(ReportLine(WARNING, f"Unknown to {label}: {', '.join(report.unknown[:LISTED])}{more}."))
    for message, count in Counter(report.failed.values()).items():
        outcome.lines.append(ReportLine(ERROR, f"Failed: {label}: {message} ({plural(count, 'id')})."))
    if report.failed:
        outcome.failure = (
            f"{label} did not answer for {plural(len(report.failed), 'id')}; what the papers had is kept. "
            "Run it again to ask for them."
        )
    return outcome


def _refresh_github(names, max_wait, on_start, on_advance) -> StepOutcome:
    on_start(len(names))
    report = refresh_repositories(
        names=names,
        api_url=settings.CATALOG_GITHUB_API_URL,
        token=settings.GITHUB_TOKEN,
        timeout=settings.CATALOG_GITHUB_TIMEOUT,
        max_wait=settings.CATALOG_GITHUB_MAX_WAIT if max_wait is None else max_wait,
        on_repository=lambda name: on_advance(name, 1),
    )
    outcome = StepOutcome(
        [
            ReportLine(
                INFO,
                f"GitHub: {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
                f"{len(report.not_found)} not found, {len(report.renamed)} renamed, {len(report.failed)} failed.",
            )
        ]
    )
    outcome.lines += [
        ReportLine(WARNING, f"Renamed: {old} is now {new}; update the star badge.")
        for old, new in report.renamed.items()
    ]
    outcome.lines += [
        ReportLine(WARNING, f"Not found: {name} (deleted, private, or renamed).") for name in report.not_found
    ]
    outcome.lines += [ReportLine(ERROR, f"Failed: {name}: {error}") for name, error in report.failed.items()]
    if report.stopped:
        outcome.failure = (
            f"Stopped: {report.stopped}; {plural(len(report.left), 'repository', 'repositories')} left "
            f"(from {report.left[0]}). Run it again after the reset, or set GITHUB_TOKEN."
        )
    return outcome
