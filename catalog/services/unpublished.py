"""How many catalog changes the admin history records since the README was last published."""

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from taggit.models import Tag

from catalog.repository.models import RepositoryEvent

PUBLICATION_LOG = {"content_type": None, "object_repr": "README"}
PUBLISHED = [RepositoryEvent.Outcome.DONE, RepositoryEvent.Outcome.NOTHING]


def last_published_at():
    """When the README was last published, to its file or to the repository; None before the first publish."""
    times = [
        LogEntry.objects.filter(**PUBLICATION_LOG)
        .order_by("-action_time")
        .values_list("action_time", flat=True)
        .first(),
        RepositoryEvent.objects.filter(kind=RepositoryEvent.Kind.PUBLISH, outcome__in=PUBLISHED)
        .order_by("-created")
        .values_list("created", flat=True)
        .first(),
    ]
    return max((time for time in times if time is not None), default=None)


def unpublished_change_count() -> int:
    """The admin history entries on catalog objects (papers, resources, sections, venues, tags) since the last
    publish."""
    models = [model for model in apps.get_app_config("catalog").get_models() if model._meta.managed] + [Tag]
    entries = LogEntry.objects.filter(content_type__in=ContentType.objects.get_for_models(*models).values())
    since = last_published_at()
    return (entries.filter(action_time__gt=since) if since else entries).count()
