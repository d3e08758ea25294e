from django.core.management.base import BaseCommand, CommandError

from catalog.management.progress import ProgressBar
from catalog.management.report import write_lines
from catalog.services.catalog_link_checks import check_links, check_settings


def positive(kind):
    def parse(value):
        number = kind(value)
        if number <= 0:
            raise ValueError(value)
        return number

    parse.__name__ = kind.__name__
    return parse


class Command(BaseCommand):
    help = (
        "Check every URL of the catalog (papers, resources and their links) and store the result of each: "
        "ok, redirected, broken, unverifiable, or why it failed (timeout, reset, DNS, ...)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--timeout", type=positive(float), help="Seconds to connect, or to wait for an answer, before giving up."
        )
        parser.add_argument("--concurrency", type=positive(int), help="Requests at once, all hosts together.")
        parser.add_argument("--per-host", type=positive(int), help="Requests at once to one host.")
        parser.add_argument("--delay", type=float, help="Seconds between the starts of two requests to one host.")
        parser.add_argument(
            "--only-broken", action="store_true", help="Check again only the URLs whose last check failed."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and report, but store nothing.")

    def handle(self, *args, timeout, concurrency, per_host, delay, only_broken, dry_run, verbosity, **options):
        if delay is not None and delay < 0:
            raise CommandError("--delay must not be negative.")
        check = check_settings(timeout=timeout, concurrency=concurrency, per_host=per_host, delay=delay)
        bar = ProgressBar(self.stderr, enabled=verbosity >= 1)
        report = check_links(
            check=check,
            only_failing=only_broken,
            dry_run=dry_run,
            on_start=bar.start,
            on_outcome=lambda outcome: bar.advance(outcome.url),
        )
        bar.finish()
        if verbosity >= 1:
            write_lines(self, report.lines())
            if dry_run:
                self.stdout.write("Dry run: nothing stored.")
        if verbosity >= 2:
            for outcome in report.outcomes:
                self.stdout.write(f"{outcome.result.label}: {outcome.status or '-'} {outcome.url}")
