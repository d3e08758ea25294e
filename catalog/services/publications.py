"""Publishes to the files, recorded in the admin history as the README page lists them: who, when, what, and whose
suggestions they carry. The admin index counts the changes since the last one."""

from django.contrib.admin.models import CHANGE, LogEntry
from django.template.defaultfilters import pluralize

from catalog.services.readme_export import ReadmeDiff
from catalog.services.unpublished import PUBLICATION_LOG
from suggestions.services import suggesters_since

# Who the history names for a publish from the command line without --user (inactive, no password).
PUBLISH_USERNAME = "readme-publish"


def record_publication(*, user, diff: ReadmeDiff) -> str:
    """Record a publish of `diff` by `user`; its summary, which names the readers who suggested the papers accepted
    since the last publish."""
    if diff.changed:
        summary = f"Published the README: {diff.added} line{pluralize(diff.added)} added, {diff.removed} removed"
    else:
        summary = "Published the fixture; the README was already the export"
    last = LogEntry.objects.filter(**PUBLICATION_LOG).order_by("-action_time").first()
    if suggesters := suggesters_since(last.action_time if last else None):
        summary += f" (suggested by {', '.join(suggesters)})"
    LogEntry.objects.create(user=user, action_flag=CHANGE, change_message=f"{summary}.", **PUBLICATION_LOG)
    return summary
