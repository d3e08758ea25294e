"""A maintainer's decision on suggestions: accepted as a paper, or rejected with a reason; both in the history."""

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from catalog.models import Paper, Venue
from catalog.services.topic_tags import load_rules, topic_tags
from suggestions.models import Suggestion


class NotPending(Exception):
    """The suggestion was already accepted or rejected (by another maintainer, say)."""


def paper_initial(suggestion: Suggestion) -> dict:
    """The values of the paper add form for `suggestion`: its fields, the venue of that name, the topic tags of its
    title (its section adds the topics it implies)."""
    section = suggestion.section
    venue = Venue.objects.filter(name__iexact=suggestion.venue).first() if suggestion.venue else None
    tags = topic_tags(load_rules(settings.CATALOG_TOPIC_RULES_PATH), text=suggestion.title)
    return {
        "title": suggestion.title,
        "url": suggestion.url,
        "date": suggestion.date,
        "section": section.pk if section else None,
        "venue": venue.pk if venue else None,
        "tags": ", ".join(tags),
    }


def accept(*, suggestion: Suggestion, paper: Paper, user) -> None:
    """Mark `suggestion` accepted as `paper` (call inside the transaction that adds the paper)."""
    _decide(suggestion.pk, user, status=Suggestion.Status.ACCEPTED, paper=paper)
    _log(user, [suggestion], f"Accepted as the paper “{paper}” (id {paper.pk}).")


def suggesters_since(when) -> list[str]:
    """Who is credited for the suggestions accepted after `when` (None: ever), in the order they were accepted."""
    accepted = Suggestion.objects.filter(status=Suggestion.Status.ACCEPTED).exclude(credit="")
    if when is not None:
        accepted = accepted.filter(reviewed_at__gt=when)
    return list(dict.fromkeys(accepted.order_by("reviewed_at", "id").values_list("credit", flat=True)))


def reject(*, suggestions, reason: str, user) -> int:
    """Reject the pending ones of `suggestions` with `reason`; how many were rejected."""
    pending = list(Suggestion.objects.pending().filter(pk__in=[s.pk for s in suggestions]).select_for_update())
    Suggestion.objects.filter(pk__in=[s.pk for s in pending]).update(
        status=Suggestion.Status.REJECTED, reason=reason, reviewed_by=user, reviewed_at=timezone.now()
    )
    _log(user, pending, f"Rejected: {reason}")
    return len(pending)


def _decide(pk, user, **values) -> None:
    changed = Suggestion.objects.pending().filter(pk=pk).update(reviewed_by=user, reviewed_at=timezone.now(), **values)
    if not changed:
        raise NotPending(pk)


def _log(user, suggestions, message: str) -> None:
    content_type = ContentType.objects.get_for_model(Suggestion)
    LogEntry.objects.bulk_create(
        LogEntry(
            user=user,
            content_type=content_type,
            object_id=str(suggestion.pk),
            object_repr=str(suggestion)[:200],
            action_flag=CHANGE,
            change_message=message,
        )
        for suggestion in suggestions
    )
