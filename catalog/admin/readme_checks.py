"""The checks of the export on the README page, whether it publishes to files or to the repository: the lint
findings, each linked to its entry, and the explicit "Publish anyway" that error-severity findings need."""

from django.contrib import messages
from django.template.defaultfilters import pluralize

from catalog.readme import ERROR, RenderError
from catalog.services.configured_lint import lint_readme, publish_blockers
from catalog.services.finding_entries import linked_findings
from catalog.services.readme_export import export_readme

PUBLISH_ANYWAY = "publish_anyway"


def export_findings(request, text: str) -> dict:
    """The page's `findings` on the export `text` and their `error_count`; a bad CATALOG_LINT_DISABLED_RULES is said
    in a message."""
    try:
        findings = linked_findings(text=text, findings=lint_readme(text=text))
    except ValueError as error:
        messages.error(request, f"CATALOG_LINT_DISABLED_RULES: {error}")
        findings = []
    return {"findings": findings, "error_count": sum(finding.severity == ERROR for finding in findings)}


def refused_for_errors(request) -> bool:
    """Whether a publish is refused because the export has errors now and “Publish anyway” was not ticked; a message
    says so."""
    if request.POST.get(PUBLISH_ANYWAY):
        return False
    try:
        errors = len(publish_blockers(text=export_readme()))
    except (ValueError, RenderError):
        return False  # said when the page is shown; publishing reports a RenderError itself
    if errors:
        messages.error(
            request,
            f"Nothing was published: the checks find {errors} error{pluralize(errors)} in the export. Correct "
            "them, or tick “Publish anyway” to publish with them.",
        )
    return bool(errors)
