"""The admin's README page: the diff between the README on disk and the export, and the publish button."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from catalog.admin.readme_checks import export_findings, refused_for_errors
from catalog.readme import RenderError
from catalog.repository.config import connected as repository_connected
from catalog.services.publications import record_publication
from catalog.services.publish import NothingToPublish, ReviewOutdated, preview_publish, publish
from catalog.services.readme_preview import added_lines, render_preview
from catalog.services.unpublished import PUBLICATION_LOG

PUBLISH_PERMISSION = "catalog.publish_readme"
LINE_KINDS = (("@@", "hunk"), ("+", "added"), ("-", "removed"))


def diff_lines(text: str) -> list[tuple[str, str]]:
    """Each line of a unified diff with its kind, for colouring; only the first two lines name the files."""
    lines = text.splitlines()
    return [("file", line) for line in lines[:2]] + [
        (next((kind for prefix, kind in LINE_KINDS if line.startswith(prefix)), "context"), line) for line in lines[2:]
    ]


@require_http_methods(["GET", "HEAD", "POST"])
def readme_page(request):
    if repository_connected():
        from catalog.repository.admin_page import repository_page  # it imports this module's helpers

        return repository_page(request)
    can_publish = request.user.has_perm(PUBLISH_PERMISSION)
    if request.method == "POST":
        if not can_publish:
            raise PermissionDenied("You do not have permission to publish the README.")
        _publish(request)
        return redirect("admin-readme")
    try:
        preview = preview_publish()
    except RenderError as error:
        messages.error(request, f"The catalog cannot be exported as the README: {error}")
        preview = None
    except OSError as error:
        messages.error(request, f"Cannot read {error.filename}: {error.strerror}")
        preview = None
    context = {
        **admin.site.each_context(request),
        **(export_findings(request, preview.exported) if preview else {}),
        "title": "README",
        "preview": preview,
        "lines": diff_lines(preview.diff.text) if preview else [],
        "rendered": render_preview(preview.exported, changed=added_lines(preview.diff.text)) if preview else "",
        "can_publish": can_publish,
        "publications": LogEntry.objects.filter(**PUBLICATION_LOG).select_related("user")[:5],
        "readme_path": settings.CATALOG_README_PATH,
        "fixture_path": settings.CATALOG_FIXTURE_PATH,
    }
    return TemplateResponse(request, "admin/readme.html", context)


def _publish(request):
    if refused_for_errors(request):
        return
    try:
        written = publish(fingerprint=request.POST.get("fingerprint", ""))
    except NothingToPublish:
        messages.info(request, "Nothing to publish: the README and the fixture on disk are already the export.")
    except ReviewOutdated:
        messages.warning(request, "The README or the catalog changed since this page was loaded: review the new diff.")
    except RenderError as error:
        messages.error(request, f"Nothing was published: the catalog cannot be exported as the README: {error}")
    except OSError as error:
        messages.error(request, f"Publishing failed: cannot write {error.filename}: {error.strerror}")
    else:
        summary = record_publication(user=request.user, diff=written.diff)
        messages.success(request, f"{summary}; fixture regenerated." if written.diff.changed else f"{summary}.")
