"""Linting the README with the rules the settings leave on."""

from django.conf import settings

from catalog.readme import ERROR
from catalog.readme.lint import Finding, lint


def lint_readme(*, text: str) -> list[Finding]:
    """The findings on `text` of the rules not in CATALOG_LINT_DISABLED_RULES; ValueError for an unknown rule."""
    return lint(text, disabled=settings.CATALOG_LINT_DISABLED_RULES)


def publish_blockers(*, text: str) -> list[Finding]:
    """The error-severity findings on the export `text`: a publish needs an explicit "publish anyway" with them."""
    return [finding for finding in lint_readme(text=text) if finding.severity == ERROR]
