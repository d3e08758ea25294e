"""Checking every URL of the catalog and keeping the last result of each in `LinkCheck`."""

import asyncio
import queue
import threading
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalog.entry_kinds import KINDS, Selection
from catalog.models import LinkCheck, LinkResult
from catalog.services.report_lines import ERROR, INFO, ReportLine, plural
from catalog.services.url_checks import CheckSettings, Outcome, check_urls


@dataclass
class LinkReport:
    outcomes: list[Outcome]
    usages: dict[str, list[str]]
    counts: Counter = field(init=False)

    def __post_init__(self):
        self.counts = Counter(outcome.result for outcome in self.outcomes)

    def failing(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.result in LinkResult.failing()]

    def lines(self) -> list[ReportLine]:
        """The count of each result, then every failing URL with the entries that use it."""
        counts = ", ".join(
            f"{self.counts[result]} {result.label.lower()}" for result in LinkResult if self.counts[result]
        )
        lines = [ReportLine(INFO, f"Checked {plural(len(self.outcomes), 'URL')}: {counts or 'nothing to check'}.")]
        for outcome in self.failing():
            status = f"{outcome.status} " if outcome.status else ""
            lines.append(ReportLine(ERROR, f"{outcome.result.label}: {status}{outcome.url} ({outcome.detail})"))
            lines += [ReportLine(INFO, f"    used by {usage}") for usage in self.usages.get(outcome.url, [])]
        return lines


def check_settings(**overrides) -> CheckSettings:
    """The checker's settings from CATALOG_LINKCHECK_*, with `overrides` (None values ignored) on top."""
    values = {
        "timeout": settings.CATALOG_LINKCHECK_TIMEOUT,
        "concurrency": settings.CATALOG_LINKCHECK_CONCURRENCY,
        "per_host": settings.CATALOG_LINKCHECK_PER_HOST,
        "delay": settings.CATALOG_LINKCHECK_DELAY,
        "retries": settings.CATALOG_LINKCHECK_RETRIES,
        "backoff": settings.CATALOG_LINKCHECK_BACKOFF,
        "max_retry_after": settings.CATALOG_LINKCHECK_MAX_RETRY_AFTER,
        "unverifiable_hosts": tuple(host.lower() for host in settings.CATALOG_LINKCHECK_UNVERIFIABLE_HOSTS),
        "user_agent": settings.CATALOG_LINKCHECK_USER_AGENT,
    }
    values.update({name: value for name, value in overrides.items() if value is not None})
    return CheckSettings(**values)


def catalog_url_usages(selection: Selection = None) -> dict[str, list[str]]:
    """Every URL of the catalog (of the `selection`), with where each is used, e.g. `paper 12 “Title” (Code link)`."""
    usages = defaultdict(list)
    for kind in KINDS:
        owner = kind.link_owner
        entries = kind.selected(kind.model.objects.order_by("pk"), selection)
        links = kind.selected(kind.link_model.objects.order_by(owner, "pk"), selection)
        for pk, title, url in entries.values_list("pk", kind.title_field, "url"):
            usages[url].append(f"{kind.name} {pk} “{title}”")
        for pk, title, label, url in links.values_list(f"{owner}_id", f"{owner}__{kind.title_field}", "label", "url"):
            usages[url].append(f"{kind.name} {pk} “{title}” ({label} link)")
    return dict(usages)


def check_links(
    *,
    check: CheckSettings,
    only_failing: bool = False,
    selection: Selection = None,
    dry_run: bool = False,
    on_start: Callable[[int], None] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> LinkReport:
    """Check the catalog's URLs (those of the `selection`, or only those whose last check failed) and store each
    result unless `dry_run`. `on_outcome` is called in the caller's thread, so it may use the database.

    A full run also forgets the checks of URLs no longer in the catalog.
    """
    usages = catalog_url_usages(selection)
    urls = sorted(usages)
    if only_failing:
        failing = set(LinkCheck.objects.filter(result__in=LinkResult.failing()).values_list("url", flat=True))
        urls = [url for url in urls if url in failing]
    if on_start:
        on_start(len(urls))
    outcomes = check_in_background(urls, check=check, on_outcome=on_outcome)
    if not dry_run:
        store_outcomes(outcomes, forget_others=not only_failing and selection is None)
    return LinkReport(outcomes=outcomes, usages=usages)


def check_in_background(
    urls: list[str], *, check: CheckSettings, on_outcome: Callable[[Outcome], None] | None
) -> list[Outcome]:
    """check_urls in an event loop of its own thread, handing each outcome to `on_outcome` in this one: Django
    refuses database queries inside an event loop."""
    handed = queue.SimpleQueue()
    ended = {}

    def work():
        try:
            ended["outcomes"] = asyncio.run(check_urls(urls, settings=check, on_outcome=handed.put))
        except BaseException as error:  # raised again in the caller's thread
            ended["error"] = error
        finally:
            handed.put(None)

    thread = threading.Thread(target=work, name="check-links", daemon=True)
    thread.start()
    while (outcome := handed.get()) is not None:
        if on_outcome:
            on_outcome(outcome)
    thread.join()
    if "error" in ended:
        raise ended["error"]
    return ended["outcomes"]


@transaction.atomic
def store_outcomes(outcomes: list[Outcome], *, forget_others: bool) -> None:
    now = timezone.now()
    rows = [
        LinkCheck(
            url=outcome.url,
            result=outcome.result,
            status=outcome.status,
            final_url=outcome.final_url[:2000],
            detail=outcome.detail[:500],
            checked_at=now,
        )
        for outcome in outcomes
    ]
    LinkCheck.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["url"],
        update_fields=["result", "status", "final_url", "detail", "checked_at"],
        batch_size=500,
    )
    if forget_others:
        LinkCheck.objects.filter(checked_at__lt=now).delete()
