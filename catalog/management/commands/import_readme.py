from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize

from catalog.services.readme import CatalogNotEmpty, ReadmeProblems, import_readme
from catalog.services.topic_tags import TopicRulesError


class Command(BaseCommand):
    help = (
        "Fill the catalog from a README in the list's format, in one transaction. "
        "Problems are reported as PATH:LINE: reason, and on any error nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The README file to import.")
        parser.add_argument("--replace", action="store_true", help="Replace the entries of a non-empty catalog.")
        parser.add_argument("--dry-run", action="store_true", help="Parse and report, but write nothing.")
        parser.add_argument(
            "--strict", action="store_true", help="Treat lines kept as text inside tables and lists as errors."
        )

    def handle(self, *args, path, replace, dry_run, strict, verbosity, **options):
        try:
            summary = import_readme(path=path, replace=replace, dry_run=dry_run, strict=strict)
        except ReadmeProblems as problems:
            for line in problems.lines():
                self.stderr.write(line)
            count = len(problems.problems)
            raise CommandError(
                f"{path}: not imported ({count} problem{pluralize(count)}); the catalog is unchanged."
            ) from None
        except (CatalogNotEmpty, TopicRulesError) as error:
            raise CommandError(str(error)) from error
        for warning in summary.warnings:
            self.stderr.write(f"{path}:{warning.line}: {warning.message}", self.style.WARNING)
        if verbosity:
            verb = "Dry run, nothing written: would import" if dry_run else "Imported"
            self.stdout.write(f"{verb} {summary} from {path}")
