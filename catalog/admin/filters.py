"""Changelist filters that Django's field filters cannot express."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from taggit.models import Tag

from catalog.models import LinkStatus
from catalog.topics import topic_counts


class YearFilter(admin.SimpleListFilter):
    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = model_admin.model.objects.dates("date", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if not (self.value().isascii() and self.value().isdigit() and 1 <= int(self.value()) <= 9999):
            raise IncorrectLookupParameters(f"{self.value()!r} is not a year")
        return queryset.filter(date__year=int(self.value()))


class HasCodeFilter(admin.SimpleListFilter):
    """The papers with a code link or without one, read from the papers' code flags."""

    title = "code"
    parameter_name = "has_code"

    def lookups(self, request, model_admin):
        return [("yes", "With code"), ("no", "Without code")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.with_code() if self.value() == "yes" else queryset.without_code()
        return queryset


class TagFilter(admin.SimpleListFilter):
    """The topics of the entries of the admin's model, as the public lists filter them: their own tags and those
    their section implies (catalog/topics.py)."""

    title = "topic"
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        return sorted(((slug, name) for slug, name, _ in topic_counts(model_admin.model)), key=lambda tag: tag[1])

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        tag = Tag.objects.filter(slug=self.value()).first()
        return queryset.with_topic(tag) if tag else queryset.none()


class VenueKindFilter(admin.ChoicesFieldListFilter):
    """The kind of the entry's venue, titled so it is not mistaken for a kind of the entry."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "venue kind"


class LinkStatusFilter(admin.SimpleListFilter):
    """Needs the `link_status` annotation (catalog.models.link_status) of the admin's queryset."""

    title = "link status"
    parameter_name = "link_status"

    def lookups(self, request, model_admin):
        return LinkStatus.choices

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if self.value() not in LinkStatus.values:
            raise IncorrectLookupParameters(f"{self.value()!r} is not a link status")
        return queryset.filter(link_status=self.value())


class ArchivedFilter(admin.SimpleListFilter):
    """Needs the `repo_archived` annotation (the star repo's archived flag) of the admin's queryset."""

    title = "GitHub repository"
    parameter_name = "repository"

    def lookups(self, request, model_admin):
        return [("archived", "Archived"), ("active", "Not archived"), ("unknown", "Not refreshed or none")]

    def queryset(self, request, queryset):
        conditions = {
            "archived": {"repo_archived": True},
            "active": {"repo_archived": False},
            "unknown": {"repo_archived__isnull": True},
        }
        if self.value() in conditions:
            return queryset.filter(**conditions[self.value()])
        return queryset
