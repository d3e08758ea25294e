"""The GET parameters of the paper and resource lists, validated by django-filter.

Every output of the papers list (the page, JSON, CSV, BibTeX, the feed) reads its parameters through
`PaperFilter`, so one URL query means the same papers everywhere.
"""

from dataclasses import dataclass

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.db.models.functions import Lower
from django.http import QueryDict
from taggit.models import Tag

from catalog import search
from catalog.models import Author, Paper, Resource, Section, Venue, VenueKind, most_cited_first, repository_value
from catalog.validators import validate_no_control_characters

SEARCH_MAX_LENGTH = 200
MAX_SELECTION = 500
DEFAULT_SORT = "-date"
SORT_CHOICES = [
    ("-date", "Newest first"),
    ("date", "Oldest first"),
    ("title", "Title A–Z"),
    ("-title", "Title Z–A"),
    ("venue", "Venue A–Z"),
    ("-stars", "Most GitHub stars"),
    ("-citations", "Most cited"),
]
NEWEST_FIRST = ["-date", "position", "id"]
SORTED_IN_FULL = frozenset({"title", "-title", "venue", "-stars", "-citations"})


def paper_ordering(sort):
    """The order_by() terms of a `sort` choice, made anew for every query: a query may change the expressions it
    is given, as when it becomes another's subquery."""
    return {
        "-date": NEWEST_FIRST,
        "date": ["date", "position", "id"],
        "title": [Lower("title"), "id"],
        "-title": [Lower("title").desc(), "-id"],
        "venue": [Lower("venue__name").asc(nulls_last=True), "-date", "id"],
        "-stars": [repository_value("stars").desc(nulls_last=True), "-date", "position", "id"],
        "-citations": most_cited_first(),
    }[sort]


RESOURCE_SORT_CHOICES = [("-stars", "Most GitHub stars")]
RESOURCE_ORDERINGS = {
    "-stars": [repository_value("stars").desc(nulls_last=True), "section__position", "position", "id"]
}
HAS_CODE_CHOICES = [("true", "With code"), ("false", "Without code")]


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
    """Chosen by slug or name in the URL, matched by the chosen row's id: no join to the row's own table."""

    field_class = SlugMultipleChoiceField

    def get_filter_predicate(self, v):
        return {self.field_name: v}


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class TopicFilter(SlugMultipleChoiceFilter):
    """Entries with every selected topic: a tag of their own, or one their section implies (catalog/topics.py)."""

    def filter(self, qs, value):
        for tag in value or []:
            qs = qs.with_topic(tag)
        return qs


def tag_filter(label):
    return TopicFilter(
        label=label,
        to_field_name="slug",
        queryset=Tag.objects.all(),
        help_text="Entries with every selected tag, their own or implied by their section.",
    )


def title_match(text):
    """0 for a title equal to the search `text` (case aside), 1, for a search of two words or more, for the titles it
    begins, 2 for the others: someone typing a title finds that paper on top."""
    text = " ".join(text.split()).strip(" .")
    begins = models.Q(title__istartswith=text) if len(text.split()) > 1 else models.Q(pk__in=[])
    return models.Case(
        models.When(title__iexact=text, then=0),
        models.When(begins, then=1),
        default=2,
        output_field=models.IntegerField(),
    )


def best_match_first(papers, text):
    """`papers`, matching the search `text`, best match first: a title equal to the search or begun by it, then by
    rank, then newest first."""
    return papers.order_by(*search.ahead_then_relevance(papers, text, title_match(text)), *NEWEST_FIRST)


def narrows(value):
    """Whether a cleaned filter value narrows the entries: django-filter skips empty values."""
    return bool(value) if isinstance(value, models.QuerySet | list) else value not in (None, "")


class IdListFilter(django_filters.BaseInFilter, IntegerFilter):
    """Comma-separated ids: `id=1,2,3`."""


class PaperFilterForm(forms.Form):
    def clean(self):
        cleaned_data = super().clean()
        if len(cleaned_data.get("id") or []) > MAX_SELECTION:
            self.add_error("id", f"Select at most {MAX_SELECTION} papers.")
        after, before = cleaned_data.get("date_after"), cleaned_data.get("date_before")
        if after and before and after > before:
            self.add_error("date_before", "The “to” date is before the “from” date.")
        return cleaned_data


class SortFilter(django_filters.OrderingFilter):
    """`sort`: one of `choices`, or several separated by commas, each mapped to its order_by() terms by `orderings`."""

    def __init__(self, *args, orderings, **kwargs):
        super().__init__(*args, **kwargs)
        self.orderings = orderings

    def filter(self, qs, value):
        return qs.order_by(*ordering_terms(self.orderings, value)) if value else qs


def ordering_terms(orderings, values):
    return [term for value in values or [] if value for term in orderings(value)]


class CatalogFilterSet(django_filters.FilterSet):
    def value_labels(self):
        """Readable labels of the raw values of the valid parameters, by parameter name."""
        cleaned = self.form.cleaned_data
        return {
            "section": {section.slug: section.title for section in [cleaned.get("section")] if section},
            "venue": {venue.name: venue.name for venue in cleaned.get("venue") or []},
            "tag": {tag.slug: tag.name for tag in cleaned.get("tag") or []},
            "author": {author.slug: author.name for author in [cleaned.get("author")] if author},
            "venue_kind": dict(VenueKind.choices),
            "has_code": dict(HAS_CODE_CHOICES),
        }

    def sort(self):
        """The first `sort` value chosen, or None."""
        return next(iter(self.form.cleaned_data.get("sort") or []), None)


class PaperFilter(CatalogFilterSet):
    """Papers narrowed by every given parameter (different parameters AND together).

    `q` is a full-text search (catalog/search.py); `id` is a selection (`id=1,2,3`, at most MAX_SELECTION);
    `venue` is repeatable and matches any of the venues; `tag` is repeatable and matches papers with every tag;
    `author` is an author's slug; `section` includes the papers of its subsections. `.qs` is ordered by `sort`;
    without one, best match first when searching, otherwise newest first (ties broken by README position, then id).

    A bad value (unknown venue, tag or section, `year=abc`, an impossible date, a too long `q`) is a form
    error in `.errors`; the machine outputs answer it with 400, the page drops it (`forgiving_query`).
    """

    q = django_filters.CharFilter(
        label="Search",
        method="search",
        max_length=SEARCH_MAX_LENGTH,
        validators=[validate_no_control_characters],
        help_text="Words in the title, authors, venue, abstract or links.",
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
        field_name="venue",
        to_field_name="name",
        queryset=Venue.objects.all(),
        distinct=False,
        help_text="Papers at any of the selected venues.",
    )
    venue_kind = django_filters.ChoiceFilter(
        label="Kind of venue", field_name="venue__kind", choices=VenueKind.choices, empty_label="Any kind"
    )
    tag = tag_filter("Tag")
    author = SlugChoiceFilter(
        label="Author", to_field_name="slug", queryset=Author.objects.all(), method="filter_author"
    )
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
    id = IdListFilter(
        label="Selected papers",
        field_name="id",
        min_value=1,
        max_value=models.BigIntegerField.MAX_BIGINT,
        help_text="Paper ids, separated by commas: 1,2,3.",
    )
    sort = SortFilter(label="Sort", choices=SORT_CHOICES, orderings=paper_ordering)

    class Meta:
        model = Paper
        fields = []
        form = PaperFilterForm

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset.order_by(*NEWEST_FIRST))
        if text := self.ranked_search():
            queryset = best_match_first(queryset, text)
        return queryset

    def ranked_search(self):
        """The search whose best matches come first (a `q` without `sort`), or None."""
        text = self.form.cleaned_data.get("q")
        return text if text and not self.sort() else None

    def ranked_search_alone(self):
        """The ranked search when no other filter narrows the papers (its page can be chosen from the search index
        alone, see catalog/best_matches.py), or None."""
        return self.ranked_search() if self.in_force() == {"q"} else None

    def in_force(self):
        """The names of the parameters that narrow the papers (django-filter skips empty values)."""
        return {name for name, value in self.form.cleaned_data.items() if name != "sort" and narrows(value)}

    def chooses_page_by_id(self):
        """Whether a page's papers are best chosen by id first (see PaperEntryPages), rather than read with the
        list in one query.

        By title, venue, stars or citations the whole list is sorted to find a page, and ranked best match first
        every match is ranked: the page's ids are chosen first (for the best matches, from the search index and an
        index of the papers alone), and the other columns are read for the page's papers only. By date, the database
        reads the papers along an index and stops at the end of the page.
        """
        sort = self.form.cleaned_data.get("sort") or []
        return bool(SORTED_IN_FULL.intersection(sort) or self.ranked_search())

    def queryset_without(self, *names, queryset=None):
        """`queryset` (by default the filter set's) narrowed by every valid parameter except `names`: the base of
        counts per choice."""
        self.is_valid()
        queryset = (self.queryset if queryset is None else queryset).all()
        for name, value in self.form.cleaned_data.items():
            if name not in names and name != "sort":
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def search(self, queryset, name, value):
        return queryset.matching(value)

    def filter_section(self, queryset, name, value):
        return queryset.filter(section__in=Section.objects.subtree(value))

    def filter_author(self, queryset, name, value):
        # A paper names an author once: one joined row per paper, no DISTINCT needed.
        return queryset.filter(paper_authors__author=value)

    def filter_has_code(self, queryset, name, value):
        return queryset.with_code() if value == "true" else queryset.without_code()


class ResourceFilter(CatalogFilterSet):
    """Resources narrowed by words (`q`) and tags (`tag`, repeatable, every tag); invalid filters give no entries.

    In the list's order by default, sections first; within a section, a search puts the best match first.
    `sort=-stars` puts those with the most GitHub stars first.
    """

    q = django_filters.CharFilter(
        label="Search",
        method="search",
        max_length=SEARCH_MAX_LENGTH,
        validators=[validate_no_control_characters],
        help_text="Words in the name, description or links.",
    )
    tag = tag_filter("Tag")
    sort = SortFilter(label="Sort", choices=RESOURCE_SORT_CHOICES, orderings=RESOURCE_ORDERINGS.get)

    class Meta:
        model = Resource
        fields = []

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        text = self.form.cleaned_data.get("q")
        if text and not self.sort():
            queryset = queryset.order_by("section__position", search.relevance(queryset, text), "position", "id")
        return queryset

    def search(self, queryset, name, value):
        return queryset.matching(value)


@dataclass(frozen=True)
class DroppedValue:
    """A parameter value the page left out, and why."""

    name: str
    label: str
    value: str
    message: str


def forgiving_query(filterset: CatalogFilterSet) -> tuple[QueryDict, list[DroppedValue]]:
    """The bound `filterset`'s query without its invalid values, and those values with the reason of each.

    Of a repeatable parameter (venue, tag) only the values that are not valid are left out.
    """
    query = filterset.data.copy()
    dropped = []
    for name, errors in filterset.form.errors.items():
        if name not in filterset.filters:
            continue
        field, label = filterset.form.fields[name], filterset.filters[name].label
        values = [value for value in query.getlist(name) if value.strip()]
        if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            kept = []
            for value in values:
                try:
                    field.clean([value])
                    kept.append(value)
                except ValidationError as error:
                    dropped.append(DroppedValue(name, label, value, " ".join(error.messages)))
            if len(kept) < len(values):
                query.setlist(name, kept)
                continue
        dropped.extend(DroppedValue(name, label, value, " ".join(errors)) for value in values)
        query.pop(name, None)
    return query, dropped
