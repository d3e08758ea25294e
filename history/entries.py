"""History entries for changes made outside the admin's forms: by the maintainer who asked for them, or else by a
system account named for the work (`readme-sync`, `metadata-refresh`)."""

from collections.abc import Iterable

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType

from history.values import Change, record_many


def system_account(username: str):
    """The account `username`, made inactive and without a password when first used: it names changes in the
    history and can never sign in."""
    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"is_active": False, "password": make_password(None)}
    )
    return user


def log_changes(user, changed: Iterable[tuple[object, str, list[Change]]]) -> None:
    """A change entry by `user` in the history of each (object, message, changes) of `changed`, with the old and new
    value of each field it changed, in two writes."""
    changed = list(changed)
    entries = [
        LogEntry(
            user=user,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            action_flag=CHANGE,
            change_message=message,
        )
        for obj, message, _ in changed
    ]
    LogEntry.objects.bulk_create(entries)
    record_many(zip(entries, (changes for _, _, changes in changed), strict=True))
