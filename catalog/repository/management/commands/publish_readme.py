from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize

from catalog.readme import RenderError
from catalog.repository import config
from catalog.repository.git import GitError
from catalog.repository.github import GitHubError
from catalog.repository.lock import Busy
from catalog.repository.publish import publish_to_repository
from catalog.services.configured_lint import publish_blockers
from catalog.services.publications import PUBLISH_USERNAME, record_publication
from catalog.services.publish import NothingToPublish, ReviewOutdated, preview_publish, publish
from catalog.services.readme_export import export_readme
from history.entries import system_account


class Command(BaseCommand):
    help = (
        "Publish the catalog's README (and fixture): as one commit on the list's repository when CATALOG_GIT_REMOTE "
        "is set (pushed, or proposed as a pull request), else to CATALOG_README_PATH and CATALOG_FIXTURE_PATH. "
        "Refused, with the findings listed as README.md:LINE: rule: message, when the checks of the export (the "
        "lint_readme rules) find an error, unless --publish-anyway is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", metavar="USERNAME", help="The maintainer the commit is authored by.")
        parser.add_argument("--message", metavar="TEXT", help="The commit message (default: a summary of changes).")
        parser.add_argument("--dry-run", action="store_true", help="Show what would be published; change nothing.")
        parser.add_argument(
            "--publish-anyway",
            action="store_true",
            help="Publish even though the checks of the export find errors (they are still listed).",
        )

    def handle(self, *args, user, message, dry_run, publish_anyway, verbosity, **options):
        account = self._user(user)
        try:
            if config.connected():
                self._to_repository(account, message, dry_run, publish_anyway)
            else:
                self._to_files(account, dry_run, publish_anyway)
        except RenderError as error:
            raise CommandError(f"Nothing was published: the catalog cannot be exported: {error}") from None

    def _check(self, exported: str, name: str, publish_anyway: bool) -> None:
        """List the errors the checks find in `exported`, the README to be published as `name`, and refuse to go on
        with them unless --publish-anyway was given."""
        try:
            errors = publish_blockers(text=exported)
        except ValueError as error:
            raise CommandError(f"CATALOG_LINT_DISABLED_RULES: {error}") from None
        for finding in errors:
            self.stderr.write(finding.located(name), self.style.ERROR)
        if errors and not publish_anyway:
            raise CommandError(
                f"Nothing was published: the checks find {len(errors)} error{pluralize(len(errors))} in the export "
                "(listed above). Correct them, or run again with --publish-anyway to publish with them."
            )

    def _user(self, username):
        if not username:
            return None
        try:
            return get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"--user {username}: no such user.") from None

    def _to_repository(self, user, message, dry_run, publish_anyway):
        self._check(export_readme(), settings.CATALOG_GIT_README, publish_anyway)
        try:
            outcome = publish_to_repository(user=user, message=message, dry_run=dry_run)
        except (config.RepositoryError, GitError, GitHubError, Busy, OSError) as error:
            raise CommandError(str(error)) from None
        if outcome.outcome == "nothing":
            self.stdout.write(outcome.message)
            return
        if dry_run:
            self.stdout.write(outcome.diff.text if outcome.diff else "", ending="")
            self.stdout.write(f"Dry run, nothing published. Would commit {', '.join(outcome.files)}:")
            self.stdout.write(outcome.message, ending="")
            return
        where = outcome.url or outcome.commit
        self.stdout.write(f"Published {outcome.commit[:7]} ({where}): {outcome.message.splitlines()[0]}")

    def _to_files(self, user, dry_run, publish_anyway):
        try:
            preview = preview_publish()
            self._check(preview.exported, Path(settings.CATALOG_README_PATH).name, publish_anyway)
            if dry_run:
                self.stdout.write(preview.diff.text, ending="")
                self.stdout.write("Dry run, nothing written." if preview.changed else "Nothing to publish.")
                return
            publish(fingerprint=preview.fingerprint)
        except NothingToPublish:
            self.stdout.write("Nothing to publish: the README and the fixture on disk are already the export.")
            return
        except ReviewOutdated:
            raise CommandError("The catalog changed while publishing: run the command again.") from None
        except OSError as error:
            raise CommandError(f"Publishing failed: {error}") from None
        summary = record_publication(user=user or system_account(PUBLISH_USERNAME), diff=preview.diff)
        self.stdout.write(f"{summary}; fixture regenerated." if preview.diff.changed else f"{summary}.")
