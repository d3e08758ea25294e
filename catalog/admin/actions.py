"""Bulk actions for the changelists; every object they change gets an entry in its history."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.utils import model_ngettext
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.defaultfilters import pluralize
from taggit.models import Tag

from catalog.admin.forms import validate_tag_name
from catalog.admin.tag_input import normalise_tag
from catalog.models import Section, SectionKind, Venue
from catalog.services import ordering
from catalog.services.merging import merge_tags, merge_venues
from catalog.services.publish import Unexportable, check_exportable
from history.values import record


def for_actions(widget, *actions):
    """`widget`, shown in the action bar only while one of `actions` is chosen (static/js/admin-actions.js)."""
    widget.attrs["data-actions"] = " ".join(actions)
    return widget


TAG_ACTIONS = ("add_tag", "remove_tag")


def tag_field(*actions):
    return forms.CharField(
        required=False, label="Tag", validators=[validate_tag_name], widget=for_actions(forms.TextInput(), *actions)
    )


def section_field(kind):
    return forms.ModelChoiceField(
        Section.objects.filter(kind=kind),
        required=False,
        label="Section",
        widget=for_actions(forms.Select(), "move_to_section"),
    )


def venue_field(*actions):
    return forms.ModelChoiceField(
        Venue.objects.all(), required=False, label="Venue", widget=for_actions(forms.Select(), *actions)
    )


class CatalogActionForm(ActionForm):
    """Each field of the bar shows only with the action that reads it."""

    class Media:
        js = ["js/admin-actions.js"]


class ResourceActionForm(CatalogActionForm):
    tag = tag_field(*TAG_ACTIONS)
    section = section_field(SectionKind.RESOURCES)


class PaperActionForm(CatalogActionForm):
    tag = tag_field(*TAG_ACTIONS)
    section = section_field(SectionKind.PAPERS)
    venue = venue_field("set_venue")


class TagActionForm(CatalogActionForm):
    tag = tag_field("merge_selected_tags")


class VenueActionForm(CatalogActionForm):
    venue = venue_field("merge_selected_venues")


class ForbiddenActionsMixin:
    """Answers 403 to an action the user lacks the permission for, where Django would show the changelist."""

    def changelist_view(self, request, extra_context=None):
        action = request.POST.get("action", "") if request.method == "POST" else ""
        if action in {func.__name__ for func in self.actions} and action not in self.get_actions(request):
            raise PermissionDenied("You do not have permission to run this action.")
        return super().changelist_view(request, extra_context)


class ActionFormErrorsMixin(ForbiddenActionsMixin):
    """Reports an invalid tag, section or venue next to an action, where Django would say "No action selected"."""

    def response_action(self, request, queryset):
        form = self.action_form(request.POST, auto_id=None)
        form.fields["action"].choices = self.get_action_choices(request)
        if form.is_valid() or form.has_error("action"):
            return super().response_action(request, queryset)
        for name, errors in form.errors.items():
            self.message_user(request, f"{form.fields[name].label}: {' '.join(errors)}", messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())


def _chosen(modeladmin, request, name):
    """The cleaned value of the action form's field `name`, or None after telling the user what is missing."""
    field = modeladmin.action_form.base_fields[name]
    try:
        value = field.clean(request.POST.get(name, ""))
    except ValidationError as error:
        modeladmin.message_user(request, f"{field.label}: {' '.join(error.messages)}", messages.ERROR)
        return None
    if isinstance(value, str):
        value = value.strip()
    if not value:
        modeladmin.message_user(
            request, f"Choose a {field.label.lower()} next to the action, then run it again.", messages.ERROR
        )
        return None
    return value


def _tag_named(name, *, create):
    """The tag called `name` whatever its case; a new one if `create` (named as the catalog writes tags), else None
    when there is none."""
    tag = Tag.objects.filter(name__iexact=name).first()
    if tag is None and create:
        tag = Tag.objects.create(name=normalise_tag(name))
    return tag


def _log(modeladmin, request, obj, message, *changes):
    """The history entry of an action on `obj`, with the (field, old, new) values it changed."""
    record(modeladmin.log_change(request, obj, message), changes)


def _report(modeladmin, request, count, done):
    noun = model_ngettext(modeladmin.opts, count)
    modeladmin.message_user(request, f"{done[0].upper()}{done[1:]}: {count} {noun}.", messages.SUCCESS)


@admin.action(description="Add the tag to the selected %(verbose_name_plural)s", permissions=["change"])
def add_tag(modeladmin, request, queryset):
    name = _chosen(modeladmin, request, "tag")
    if name is None:
        return
    tag = _tag_named(name, create=True)
    count = 0
    for obj in queryset.exclude(tags=tag).prefetch_related("tags"):
        before = [t.name for t in obj.tags.all()]
        obj.tags.add(tag)
        _log(modeladmin, request, obj, f"Added the tag “{tag.name}”.", ("tags", before, [*before, tag.name]))
        count += 1
    typed = f" (typed “{name}”)" if tag.name.lower() != name.lower() else ""
    _report(modeladmin, request, count, f"tag “{tag.name}”{typed} added")


@admin.action(description="Remove the tag from the selected %(verbose_name_plural)s", permissions=["change"])
def remove_tag(modeladmin, request, queryset):
    name = _chosen(modeladmin, request, "tag")
    if name is None:
        return
    tag = _tag_named(name, create=False)
    if tag is None:
        modeladmin.message_user(request, f"There is no tag “{name}”.", messages.ERROR)
        return
    count = 0
    for obj in queryset.filter(tags=tag).prefetch_related("tags"):
        before = [t.name for t in obj.tags.all()]
        obj.tags.remove(tag)
        after = [name for name in before if name != tag.name]
        _log(modeladmin, request, obj, f"Removed the tag “{tag.name}”.", ("tags", before, after))
        count += 1
    _report(modeladmin, request, count, f"tag “{tag.name}” removed")


@admin.action(description="Move the selected %(verbose_name_plural)s to the section", permissions=["change"])
def move_to_section(modeladmin, request, queryset):
    """Each entry goes where a new entry of that section would go (papers: by date).

    Nothing moves if the section could then not be written into the README (e.g. blog links in a table without
    a Blog column).
    """
    section = _chosen(modeladmin, request, "section")
    if section is None:
        return
    count = 0
    try:
        with transaction.atomic():
            for obj in queryset.exclude(section=section).select_related("section"):
                before = obj.section
                obj.section, obj.position = section, None
                obj.save()
                _log(modeladmin, request, obj, f"Moved to the section “{section}”.", ("section", before, section))
                count += 1
            check_exportable(section_ids={section.pk})
    except Unexportable as error:
        modeladmin.message_user(
            request, f"Nothing was moved: the README could not be written with the move: {error}.", messages.ERROR
        )
        return
    _report(modeladmin, request, count, f"moved to “{section}”")


@admin.action(description="Set the venue of the selected papers", permissions=["change"])
def set_venue(modeladmin, request, queryset):
    venue = _chosen(modeladmin, request, "venue")
    if venue is None:
        return
    count = 0
    for paper in queryset.exclude(venue=venue).select_related("venue"):
        before = paper.venue
        paper.venue = venue
        paper.save(update_fields=["venue", "updated_at"])
        _log(modeladmin, request, paper, f"Set the venue to “{venue}”.", ("venue", before, venue))
        count += 1
    _report(modeladmin, request, count, f"venue set to “{venue}”")


def _quoted(objects):
    return ", ".join(f"“{obj}”" for obj in objects)


def _merged_away(modeladmin, request, queryset, into, plural):
    """The selected rows other than `into`, logged as deleted; None, after saying so, when there are none."""
    merged = queryset.exclude(pk=into.pk)
    if not merged:
        modeladmin.message_user(request, f"Select the {plural} to merge into “{into}”, besides it.", messages.ERROR)
        return None
    modeladmin.log_deletions(request, merged)
    return list(merged)


@admin.action(description="Merge the selected tags into the tag", permissions=["merge"])
def merge_selected_tags(modeladmin, request, queryset):
    """The tag named next to the action (one of the selected or another) takes the entries of the others."""
    name = _chosen(modeladmin, request, "tag")
    if name is None:
        return
    with transaction.atomic():
        into = _tag_named(name, create=True)
        merged = _merged_away(modeladmin, request, queryset, into, "tags")
        if merged is None:
            return
        names = _quoted(merged)
        entries = merge_tags(merged, into=into)
        old_names = [tag.name for tag in merged]
        for entry in entries:
            message = f"Tags {names} merged into “{into}”."
            _log(modeladmin, request, entry, message, ("tags merged", old_names, into.name))
    retagged = f"{len(entries)} entr{pluralize(len(entries), 'y,ies')} retagged"
    modeladmin.message_user(request, f"Merged {names} into “{into}”: {retagged}.", messages.SUCCESS)


@admin.action(description="Merge the selected venues into the venue", permissions=["merge"])
def merge_selected_venues(modeladmin, request, queryset):
    """The venue chosen next to the action takes the papers of the others, which are deleted."""
    into = _chosen(modeladmin, request, "venue")
    if into is None:
        return
    with transaction.atomic():
        merged = _merged_away(modeladmin, request, queryset, into, "venues")
        if merged is None:
            return
        names = _quoted(merged)
        moved = merge_venues(merged, into=into)
        for paper, old_venue in moved:
            _log(modeladmin, request, paper, f"Venue “{old_venue}” merged into “{into}”.", ("venue", old_venue, into))
    moved_papers = f"{len(moved)} paper{pluralize(len(moved))} moved"
    modeladmin.message_user(request, f"Merged {names} into “{into}”: {moved_papers}.", messages.SUCCESS)


def _move(modeladmin, request, queryset, move, direction):
    rows = sorted(queryset, key=lambda row: (row.position, row.pk), reverse=direction == ordering.DOWN)
    count = 0
    for row in rows:
        before = row.position
        if move(row, direction):
            after = type(row).objects.values_list("position", flat=True).get(pk=row.pk)
            _log(modeladmin, request, row, f"Moved {direction}.", ("position", before, after))
            count += 1
    _report(modeladmin, request, count, f"moved {direction}")


@admin.action(description="Move the selected resources up one place", permissions=["change"])
def move_resources_up(modeladmin, request, queryset):
    _move(modeladmin, request, queryset, ordering.move_resource, ordering.UP)


@admin.action(description="Move the selected resources down one place", permissions=["change"])
def move_resources_down(modeladmin, request, queryset):
    _move(modeladmin, request, queryset, ordering.move_resource, ordering.DOWN)


@admin.action(description="Move the selected sections up one place", permissions=["change"])
def move_sections_up(modeladmin, request, queryset):
    _move(modeladmin, request, queryset, ordering.move_section, ordering.UP)


@admin.action(description="Move the selected sections down one place", permissions=["change"])
def move_sections_down(modeladmin, request, queryset):
    _move(modeladmin, request, queryset, ordering.move_section, ordering.DOWN)
