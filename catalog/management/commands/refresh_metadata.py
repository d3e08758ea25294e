from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalog.management.progress import ProgressBar
from catalog.readme.inline import STAR_REPO_RE
from catalog.services.arxiv import fill_arxiv_fields
from catalog.services.github import refresh_repositories, star_repos
from catalog.services.paper_metadata import SOURCES, fill_url_identifiers, papers_to_ask, refresh_source

GITHUB = "github"
SOURCE_NAMES = [*SOURCES, GITHUB]
LISTED = 10


def plural(count, singular, plural_form=""):
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"


class Command(BaseCommand):
    help = (
        "Fill papers' authors, abstracts, identifiers and citation counts from arXiv, OpenReview and Semantic "
        "Scholar, and refresh the stars, archived flag and last push of every star repo from the GitHub API "
        "(token from GITHUB_TOKEN). Papers' arXiv id and canonical abs URL are set from their URL first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            action="append",
            choices=SOURCE_NAMES,
            metavar="NAME",
            help=f"Ask only this source (repeatable): {', '.join(SOURCE_NAMES)}. Default: all of them.",
        )
        parser.add_argument(
            "--all",
            action="store_true",
            dest="everything",
            help="Ask about every paper, not only those a source has not answered for yet.",
        )
        parser.add_argument(
            "--repo",
            action="append",
            metavar="OWNER/NAME",
            help="Refresh only this repository (repeatable); without --source, GitHub is the only source asked.",
        )
        parser.add_argument("--max-wait", type=float, help="Longest wait, in seconds, for a rate limit to reset.")
        parser.add_argument("--skip-github", action="store_true", help="Do not ask GitHub.")

    def handle(self, *args, source, everything, repo, max_wait, skip_github, verbosity, **options):
        for name in repo or []:
            if not STAR_REPO_RE.fullmatch(name):
                raise CommandError(f"--repo {name!r}: expected a GitHub repository as owner/name.")
        names = list(dict.fromkeys(source or ([GITHUB] if repo else SOURCE_NAMES)))
        if skip_github and GITHUB in names:
            names.remove(GITHUB)
        arxiv = fill_arxiv_fields()
        identified = fill_url_identifiers()
        if verbosity:
            self.stdout.write(
                f"arXiv: {plural(arxiv.arxiv_papers, 'paper')} with an arXiv id, {arxiv.changed} changed; "
                f"{plural(identified, 'paper')} given a DOI or OpenReview id from its URL."
            )
        failures = []
        for name in names:
            if name == GITHUB:
                failures += self.refresh_github(repo, max_wait, verbosity)
            else:
                failures += self.refresh_papers(name, everything, max_wait, verbosity)
        if failures:
            raise CommandError(" ".join(failures))

    def refresh_papers(self, name, everything, max_wait, verbosity):
        by_key = papers_to_ask(name, everything=everything)
        bar = ProgressBar(self.stderr, enabled=verbosity >= 1)
        bar.start(sum(len(papers) for papers in by_key.values()))
        label = SOURCES[name].label

        def advance(count):
            for _ in range(count):
                bar.advance(label)

        client_options = {} if max_wait is None else {"max_wait": max_wait}
        report = refresh_source(name, by_key, on_batch=advance, **client_options)
        bar.finish()
        if verbosity:
            self.stdout.write(
                f"{label}: {plural(report.asked, 'paper')} asked, {report.filled} filled, "
                f"{len(report.unknown)} unknown, {len(report.failed)} failed."
            )
            if report.unknown:
                more = f" and {len(report.unknown) - LISTED} more" if len(report.unknown) > LISTED else ""
                unknown = ", ".join(report.unknown[:LISTED])
                self.stdout.write(self.style.WARNING(f"Unknown to {label}: {unknown}{more}."))
            for message, count in Counter(report.failed.values()).items():
                self.stdout.write(self.style.ERROR(f"Failed: {label}: {message} ({plural(count, 'id')})."))
        if not report.failed:
            return []
        return [
            f"{label} did not answer for {plural(len(report.failed), 'id')}; what the papers had is kept. "
            "Run the command again to ask for them."
        ]

    def refresh_github(self, repo, max_wait, verbosity):
        names = sorted(set(repo)) if repo else star_repos()
        bar = ProgressBar(self.stderr, enabled=verbosity >= 1)
        bar.start(len(names))
        report = refresh_repositories(
            names=names,
            api_url=settings.CATALOG_GITHUB_API_URL,
            token=settings.GITHUB_TOKEN,
            timeout=settings.CATALOG_GITHUB_TIMEOUT,
            max_wait=settings.CATALOG_GITHUB_MAX_WAIT if max_wait is None else max_wait,
            on_repository=bar.advance,
        )
        bar.finish()
        if verbosity:
            self.write_github_summary(report)
        if not report.stopped:
            return []
        return [
            f"Stopped: {report.stopped}; {plural(len(report.left), 'repository', 'repositories')} left "
            f"(from {report.left[0]}). Run the command again after the reset, or set GITHUB_TOKEN."
        ]

    def write_github_summary(self, report):
        self.stdout.write(
            f"GitHub: {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
            f"{len(report.not_found)} not found, {len(report.renamed)} renamed, {len(report.failed)} failed."
        )
        for old, new in report.renamed.items():
            self.stdout.write(self.style.WARNING(f"Renamed: {old} is now {new}; update the star badge."))
        for name in report.not_found:
            self.stdout.write(self.style.WARNING(f"Not found: {name} (deleted, private, or renamed)."))
        for name, error in report.failed.items():
            self.stdout.write(self.style.ERROR(f"Failed: {name}: {error}"))
