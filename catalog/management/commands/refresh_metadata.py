from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalog.management.progress import ProgressBar
from catalog.readme.inline import STAR_REPO_RE
from catalog.services.arxiv import fill_arxiv_fields
from catalog.services.github import refresh_repositories, star_repos


def plural(count, singular, plural_form=""):
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"


class Command(BaseCommand):
    help = (
        "Refresh the stars, archived flag and last push of every star repo from the GitHub API "
        "(token from GITHUB_TOKEN), and set papers' arXiv id and canonical abs URL from their URL."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repo", action="append", metavar="OWNER/NAME", help="Refresh only this repository (repeatable)."
        )
        parser.add_argument("--max-wait", type=float, help="Longest wait, in seconds, for a rate limit to reset.")
        parser.add_argument("--skip-github", action="store_true", help="Only set the arXiv fields; no request.")

    def handle(self, *args, repo, max_wait, skip_github, verbosity, **options):
        for name in repo or []:
            if not STAR_REPO_RE.fullmatch(name):
                raise CommandError(f"--repo {name!r}: expected a GitHub repository as owner/name.")
        arxiv = fill_arxiv_fields()
        if verbosity:
            self.stdout.write(
                f"arXiv: {plural(arxiv.arxiv_papers, 'paper')} with an arXiv id, {arxiv.changed} changed."
            )
        if skip_github:
            return
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
            self.write_summary(report)
        if report.stopped:
            raise CommandError(
                f"Stopped: {report.stopped}; {plural(len(report.left), 'repository', 'repositories')} left "
                f"(from {report.left[0]}). Run the command again after the reset, or set GITHUB_TOKEN."
            )

    def write_summary(self, report):
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
