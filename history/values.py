"""Field values as the History page shows them, and the changes a form or a formset made."""

import datetime
from collections.abc import Iterable

from django import forms
from django.db import models

from history.models import FieldChange

Change = tuple[str, object, object]


def shown(value) -> str:
    """`value` as text: yes/no, ISO dates, the names of related objects or tags, comma-separated and sorted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, models.QuerySet | list | tuple | set):
        return ", ".join(sorted(shown(item) for item in value))
    return str(value)


def record(entry, changes: Iterable[Change]) -> None:
    """Store each (field, old, new) of `changes` whose values differ as shown, with the history `entry`."""
    record_many([(entry, changes)])


def record_many(entries: Iterable[tuple[object, Iterable[Change]]]) -> None:
    """`record` for several history entries (saved, so with their ids) in one write."""
    FieldChange.objects.bulk_create(
        FieldChange(entry=entry, field=str(field)[:200], old=old, new=new)
        for entry, changes in entries
        for field, old, new in ((field, shown(old), shown(new)) for field, old, new in changes)
        if old != new
    )


def form_changes(form, *, prefix: str = "") -> list[Change]:
    """The model fields `form` changed, and the other fields it names in `recorded_fields`, as (label, old, new);
    the old values are those the form was built with."""
    recorded = {field.name for field in form._meta.model._meta.get_fields()} | set(getattr(form, "recorded_fields", ()))
    changes = []
    for name in form.changed_data:
        if name not in recorded:
            continue
        field = form.fields[name]
        old = form.initial.get(name, field.initial)
        new = form.cleaned_data.get(name)
        if isinstance(field, forms.ModelMultipleChoiceField):
            pass  # the related objects themselves, old and new
        elif isinstance(field, forms.ModelChoiceField) and old is not None and not isinstance(old, models.Model):
            old = field.queryset.model._base_manager.filter(pk=old).first()
        elif isinstance(field, forms.TypedChoiceField | forms.ChoiceField) and not isinstance(
            field, forms.ModelChoiceField
        ):
            labels = {str(value): label for value, label in field.choices}
            old, new = labels.get(str(old), old), labels.get(str(new), new)
        changes.append((f"{prefix}{field.label or name}", old, new))
    return changes


def formset_changes(formsets) -> list[Change]:
    """What the inline forms changed: a link's fields, or a whole link added or deleted."""
    changes = []
    for formset in formsets:
        noun = formset.model._meta.verbose_name
        for obj in formset.new_objects:
            changes.append((f"{noun} added", "", obj))
        for obj in formset.deleted_objects:
            changes.append((f"{noun} deleted", obj, ""))
        for obj, _ in formset.changed_objects:
            form = next(form for form in formset.initial_forms if form.instance.pk == obj.pk)
            changes.extend(form_changes(form, prefix=f"{noun} “{obj}”: "))
    return changes


class FieldHistoryMixin:
    """For a ModelAdmin: each change saved through its form records the old and new value of every changed field."""

    def construct_change_message(self, request, form, formsets, add=False):
        if not add:
            request.field_changes = form_changes(form) + formset_changes(formsets or [])
        return super().construct_change_message(request, form, formsets, add)

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        record(entry, request.__dict__.pop("field_changes", []))
        return entry
