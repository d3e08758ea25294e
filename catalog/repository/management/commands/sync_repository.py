from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize

from catalog.repository import config
from catalog.repository.git import GitError
from catalog.repository.lock import Busy
from catalog.repository.sync import sync_repository
from catalog.services.readme_files import ReadmeProblems
from catalog.services.sync import SYNC_USERNAME


class Command(BaseCommand):
    help = (
        "Fetch the branch of the list's repository (CATALOG_GIT_REMOTE) and take in what changed in its README "
        "since the commit the catalog is in step with, three-way: the catalog's unpublished edits are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
        parser.add_argument(
            "--allow-removals",
            action="store_true",
            help="Take the README in even if it removes more than a quarter of the catalog's entries.",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="Who the admin history names for the changes (default: the author of the newest commit where "
            f"an account has that email, else the inactive {SYNC_USERNAME}).",
        )

    def handle(self, *args, dry_run, allow_removals, user, verbosity, **options):
        if not config.connected():
            raise CommandError("CATALOG_GIT_REMOTE is not set: there is no repository to sync with.")
        account = None
        if user:
            try:
                account = get_user_model().objects.get_by_natural_key(user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"--user {user}: no such user.") from None
        try:
            outcome = sync_repository(user=account, dry_run=dry_run, allow_removals=allow_removals)
        except ReadmeProblems as problems:
            for line in problems.lines():
                self.stderr.write(line)
            count = len(problems.problems)
            raise CommandError(f"not synced ({count} problem{pluralize(count)}); the catalog is unchanged.") from None
        except (config.RepositoryError, GitError, Busy, OSError) as error:
            raise CommandError(f"{error} The catalog is unchanged.") from None
        if dry_run:
            self.stdout.write("Dry run, nothing written:")
        for line in outcome.lines:
            self.stdout.write(line)
        for line in outcome.conflicts:
            self.stdout.write(line, self.style.WARNING)
