from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize

from catalog.readme import ERROR, RenderError
from catalog.services.configured_lint import lint_readme
from catalog.services.readme_export import export_readme
from catalog.services.readme_files import ReadmeProblems, read_readme_text

EXPORT_NAME = "database export"


class Command(BaseCommand):
    help = (
        "Check a README (by default the catalog's own export) and report PATH:LINE: rule: message. "
        "Exits non-zero when a rule of severity error finds something; warnings are reported only. "
        "Rules are switched off with the CATALOG_LINT_DISABLED_RULES setting."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="The README to check; the database export when omitted.")

    def handle(self, *args, path, verbosity, **options):
        name, text = (path, self._read(path)) if path else (EXPORT_NAME, self._export())
        try:
            findings = lint_readme(text=text)
        except ValueError as error:
            raise CommandError(f"CATALOG_LINT_DISABLED_RULES: {error}") from error
        for finding in findings:
            style = self.style.ERROR if finding.severity == ERROR else self.style.WARNING
            self.stdout.write(finding.located(name), style)
        errors = sum(1 for finding in findings if finding.severity == ERROR)
        warnings = len(findings) - errors
        summary = f"{name}: {errors} error{pluralize(errors)}, {warnings} warning{pluralize(warnings)}"
        if errors:
            raise CommandError(summary)
        if verbosity:
            self.stderr.write(summary)

    def _read(self, path: str) -> str:
        try:
            return read_readme_text(path)
        except ReadmeProblems as problems:
            raise CommandError(str(problems)) from None

    def _export(self) -> str:
        try:
            return export_readme()
        except RenderError as error:
            raise CommandError(f"cannot export the README: {error}") from error
