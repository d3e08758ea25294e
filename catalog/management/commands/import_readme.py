from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize

from catalog.services.readme_files import ReadmeProblems
from catalog.services.readme_import import CatalogNotEmpty, import_readme
from catalog.services.sync import SYNC_USERNAME, MassRemoval, sync_readme
from catalog.services.topic_tags import TopicRulesError


class Command(BaseCommand):
    help = (
        "Fill the catalog from a README in the list's format, or (--sync) merge an edited README into it, "
        "in one transaction. Problems are reported as PATH:LINE: reason, and on any error nothing is written. "
        "With -v 2, prints per section the entries recognised and the lines kept as text."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The README file to import.")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--replace", action="store_true", help="Replace the entries of a non-empty catalog.")
        mode.add_argument(
            "--sync",
            action="store_true",
            help="Merge the README into the catalog: matched entries keep their ids, tags and history; "
            "prints the changes per section.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Parse and report, but write nothing.")
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Refuse the file if a line inside a table or list of entries is not recognised as an entry.",
        )
        parser.add_argument(
            "--allow-mass-removal",
            action="store_true",
            help="With --sync: remove entries and sections even when more than half of the catalog would go.",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help=f"With --sync: who the admin history names for the changes (default: the inactive {SYNC_USERNAME}).",
        )

    def handle(self, *args, path, replace, sync, dry_run, strict, user, allow_mass_removal, verbosity, **options):
        if user and not sync:
            raise CommandError("--user goes with --sync.")
        if allow_mass_removal and not sync:
            raise CommandError("--allow-mass-removal goes with --sync.")
        try:
            if sync:
                self._sync(
                    path,
                    user=self._user(user),
                    dry_run=dry_run,
                    strict=strict,
                    allow_mass_removal=allow_mass_removal,
                    verbosity=verbosity,
                )
            else:
                self._import(path, replace=replace, dry_run=dry_run, strict=strict, verbosity=verbosity)
        except ReadmeProblems as problems:
            for line in problems.lines():
                self.stderr.write(line)
            count = len(problems.problems)
            verb = "synced" if sync else "imported"
            raise CommandError(
                f"{path}: not {verb} ({count} problem{pluralize(count)}); the catalog is unchanged."
            ) from None
        except MassRemoval as error:
            raise CommandError(
                f"{error} Check the file (a truncated copy, lines not recognised as entries), "
                "or give --allow-mass-removal to sync it all the same."
            ) from error
        except (CatalogNotEmpty, TopicRulesError) as error:
            raise CommandError(str(error)) from error

    def _user(self, username):
        if not username:
            return None
        try:
            return get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"--user {username}: no such user.") from None

    def _import(self, path, *, replace, dry_run, strict, verbosity):
        summary = import_readme(path=path, replace=replace, dry_run=dry_run, strict=strict)
        self._warn(path, summary.warnings)
        if verbosity:
            verb = "Dry run, nothing written: would import" if dry_run else "Imported"
            self.stdout.write(f"{verb} {summary} from {path}")
        if verbosity >= 2:
            for section in summary.recognised:
                self.stdout.write(f"  {section}")

    def _sync(self, path, *, user, dry_run, strict, allow_mass_removal, verbosity):
        report = sync_readme(
            path=path, user=user, dry_run=dry_run, strict=strict, allow_mass_removal=allow_mass_removal
        )
        self._warn(path, report.warnings)
        if verbosity:
            verb = "Dry run, nothing written: syncing would change" if dry_run else "Synced"
            self.stdout.write(f"{verb} the catalog with {path}:")
            for line in report.lines():
                self.stdout.write(line)

    def _warn(self, path, warnings):
        for warning in warnings:
            self.stderr.write(f"{path}:{warning.line}: {warning.message}", self.style.WARNING)
