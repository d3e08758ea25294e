from django.core.management.base import BaseCommand, CommandError

from catalog.management.progress import ProgressBar
from catalog.management.report import write_lines
from catalog.readme.inline import STAR_REPO_RE
from catalog.services.metadata_refresh import GITHUB, STEP_NAMES, derive_identifiers, refresh_step


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
            choices=STEP_NAMES,
            metavar="NAME",
            help=f"Ask only this source (repeatable): {', '.join(STEP_NAMES)}. Default: all of them.",
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
        names = list(dict.fromkeys(source or ([GITHUB] if repo else STEP_NAMES)))
        if skip_github and GITHUB in names:
            names.remove(GITHUB)
        identifiers = derive_identifiers()
        if verbosity:
            write_lines(self, [identifiers])
        failures = []
        for name in names:
            bar = ProgressBar(self.stderr, enabled=verbosity >= 1)
            outcome = refresh_step(
                name,
                everything=everything,
                repos=sorted(set(repo)) if repo else None,
                max_wait=max_wait,
                on_start=bar.start,
                on_advance=bar.advance,
            )
            bar.finish()
            if verbosity:
                write_lines(self, outcome.lines)
            if outcome.failure:
                failures.append(outcome.failure)
        if failures:
            raise CommandError(" ".join(failures))
