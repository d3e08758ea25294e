"""The GET parameters of the paper and resource lists, validated by django-filter.

Every output of the papers list (the page, JSON, CSV, BibTeX, the feed) reads its parameters through
`PaperFilter`, so one URL query means the same papers everywhere.
"""

import django_filters
from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils.text import smart_split, unescape_string_literal
from taggit.models import Tag

from catalog.models import Paper, PaperLink, Resource, ResourceLink, Section, Venue, VenueKind, has_code_link
from catalog.validators import validate_no_control_characters

SEARCH_MAX_LENGTH = 200
DEFAULT_SORT = "-date"
SORT_CHOICES = [
    ("-date", "Newest first"),
    ("date", "Oldest first"),
    ("title", "Title A–Z"),
    ("-title", "Title Z–A"),
    ("venue", "Venue A–Z"),
]
ORDERINGS = {
    "-date": ["-date", "position", "id"],
    "date": ["date", "position", "id"],
    "title": [Lower("title"), "id"],
    "-title": [Lower("title").desc(), "-id"],
    "venue": [Lower("venue__name").asc(nulls_last=True), "-date", "id"],
}
HAS_CODE_CHOICES = [("true", "With code"), ("false", "Without code")]


def search_terms(value):
    """The words of a search, a phrase in quotes counting as one word ("sparse autoencoders"), as in the admin."""
    for term in smart_split(value):
        if len(term) > 1 and term[0] in "\"'" and term[-1] == term[0]:
            term = unescape_string_literal(term)
        if term.strip():
            yield term


class NoNullCharactersMixin:
    """Refuse NUL characters before the value reaches a database query (PostgreSQL cannot hold them)."""

    def clean(self, value):
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if isinstance(item, str):
                ProhibitNullCharactersValidator()(item)
        return super().clean(value)


class SlugChoiceField(NoNullCharactersMixin, django_filters.fields.ModelChoiceField):
    pass


class SlugMultipleChoiceField(NoNullCharactersMixin, django_filters.fields.ModelMultipleChoiceField):
    pass


class SlugChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = SlugChoiceField


class SlugMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = SlugMultipleChoiceField


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def tag_filter(label):
    return SlugMultipleChoiceFilter(
        label=label,
        field_name="tags__slug",
        to_field_name="slug",
        queryset=Tag.objects.all(),
        conjoined=True,
        help_text="Entries with every selected tag.",
    )


class PaperFilterForm(forms.Form):
    def clean(self):
        cleaned_data = super().clean()
        after, before = cleaned_data.get("date_after"), cleaned_data.get("date_before")
        if after and before and after > before:
            self.add_error("date_before", "The “to” date is before the “from” date.")
        return cleaned_data


class StrictFilterSet(django_filters.FilterSet):
    """A filter set whose `.qs` is empty when a parameter is invalid: a mistyped filter never shows everything."""

    @property
    def qs(self):
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return super().qs

    def value_labels(self):
        """Readable labels of the raw values of the valid parameters, by parameter name."""
        cleaned = self.form.cleaned_data
        return {
            "section": {section.slug: section.title for section in [cleaned.get("section")] if section},
            "venue": {venue.name: venue.name for venue in cleaned.get("venue") or []},
            "tag": {tag.slug: tag.name for tag in cleaned.get("tag") or []},
            "venue_kind": dict(VenueKind.choices),
            "has_code": dict(HAS_CODE_CHOICES),
        }


class PaperFilter(StrictFilterSet):
    """Papers narrowed by every given parameter (different parameters AND together).

    `venue` is repeatable and matches any of the venues; `tag` is repeatable and matches papers with every
    tag; `section` includes the papers of its subsections. `.qs` is ordered by `sort` (newest first by
    default, ties broken by README position, then id).

    A bad value (unknown venue, tag or section, `year=abc`, an impossible date, a too long `q`) is a form
    error in `.errors`, and an invalid filter's `.qs` is empty: a mistyped filter never silently shows
    every paper.
    """

    q = django_filters.CharFilter(
        label="Search",
        method="search",
        max_length=SEARCH_MAX_LENGTH,
        validators=[validate_no_control_characters],
        help_text="Words in the title, venue or links.",
    )
    section = SlugChoiceFilter(
        label="Section",
        to_field_name="slug",
        queryset=Section.objects.all(),
        method="filter_section",
        empty_label="All sections",
    )
    venue = SlugMultipleChoiceFilter(
        label="Venue",
        field_name="venue__name",
        to_field_name="name",
        queryset=Venue.objects.all(),
        help_text="Papers at any of the selected venues.",
    )
    venue_kind = django_filters.ChoiceFilter(
        label="Kind of venue", field_name="venue__kind", choices=VenueKind.choices, empty_label="Any kind"
    )
    tag = tag_filter("Tag")
    year = IntegerFilter(label="Year", field_name="date__year", min_value=1, max_value=9999)
    date_after = django_filters.DateFilter(
        label="From", field_name="date", lookup_expr="gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_before = django_filters.DateFilter(
        label="To", field_name="date", lookup_expr="lte", widget=forms.DateInput(attrs={"type": "date"})
    )
    has_code = django_filters.ChoiceFilter(
        label="Code", choices=HAS_CODE_CHOICES, method="filter_has_code", empty_label="With or without code"
    )
    sort = django_filters.ChoiceFilter(label="Sort", choices=SORT_CHOICES, method="sort_papers", empty_label=None)

    class Meta:
        model = Paper
        fields = []
        form = PaperFilterForm

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset.order_by(*ORDERINGS[DEFAULT_SORT]))

    def queryset_without(self, *names):
        """The queryset narrowed by every valid parameter except `names`: the base of counts per choice."""
        self.is_valid()
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name not in names and name != "sort":
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def search(self, queryset, name, value):
        for word in search_terms(value):
            in_links = PaperLink.objects.filter(paper=OuterRef("pk")).filter(
                Q(url__icontains=word) | Q(label__icontains=word)
            )
            queryset = queryset.filter(
                Q(title__icontains=word) | Q(venue__name__icontains=word) | Q(url__icontains=word) | Exists(in_links)
            )
        return queryset

    def filter_section(self, queryset, name, value):
        return queryset.filter(section__in=Section.objects.subtree(value))

    def filter_has_code(self, queryset, name, value):
        return queryset.filter(has_code_link() if value == "true" else ~has_code_link())

    def sort_papers(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS[value])


class ResourceFilter(StrictFilterSet):
    """Resources narrowed by words (`q`) and tags (`tag`, repeatable, every tag); invalid filters give no entries."""

    q = django_filters.CharFilter(
        label="Search",
        method="search",
        max_length=SEARCH_MAX_LENGTH,
        validators=[validate_no_control_characters],
        help_text="Words in the name, description or links.",
    )
    tag = tag_filter("Tag")

    class Meta:
        model = Resource
        fields = []

    def search(self, queryset, name, value):
        for word in search_terms(value):
            in_links = ResourceLink.objects.filter(resource=OuterRef("pk")).filter(
                Q(url__icontains=word) | Q(label__icontains=word)
            )
            queryset = queryset.filter(
                Q(name__icontains=word) | Q(description__icontains=word) | Q(url__icontains=word) | Exists(in_links)
            )
        return queryset
