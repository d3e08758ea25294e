"""The Atom feed of the newest papers, narrowed by the same filters as the paper list."""

import datetime as dt
import re

import django_filters
from django.contrib.syndication.views import Feed
from django.http import QueryDict
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html

from catalog.models import Paper
from catalog.views.outputs import bad_filters, filtered_papers

FEED_SIZE = 50
# What XML 1.0 cannot hold: control characters but tab, line feed and carriage return; surrogates; U+FFFE, U+FFFF.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
SITE_NAME = "Awesome Interpretability in LLMs"


def describe_filters(paper_filter) -> str:
    """The filters in force of a valid paper filter in words, e.g. 'tagged sae, at ICLR'."""
    phrases = {
        "q": lambda values: f"matching “{values[0][:80]}”",
        "section": lambda values: f"in “{values[0]}”",
        "venue": lambda values: "at " + " or ".join(values),
        "venue_kind": lambda values: f"from a {values[0].lower()}",
        "tag": lambda values: "tagged " + " and ".join(values),
        "year": lambda values: f"from {values[0]}",
        "date_after": lambda values: f"dated {values[0]} or later",
        "date_before": lambda values: f"dated {values[0]} or earlier",
        "has_code": lambda values: values[0].lower(),
    }
    query, labels = canonical_filters(paper_filter), paper_filter.value_labels()
    words = []
    for name, phrase in phrases.items():
        values = [labels.get(name, {}).get(value, value) for value in query.getlist(name)]
        if values:
            words.append(phrase(values))
    return ", ".join(words)


def canonical_filters(paper_filter) -> QueryDict:
    """The filters in force in a fixed order, without sort, page or empty values: one feed has one address and id."""
    query, canonical = paper_filter.data, QueryDict(mutable=True)
    for name, field_filter in paper_filter.filters.items():
        if name == "sort":
            continue
        if isinstance(field_filter, django_filters.MultipleChoiceFilter):
            values = sorted({value for value in query.getlist(name) if value.strip()})
        else:
            values = [value.strip() for value in [query.get(name, "")] if value.strip()]
        if values:
            canonical.setlist(name, values)
    return canonical


def canonical_query(paper_filter) -> str:
    canonical = canonical_filters(paper_filter)
    return f"?{canonical.urlencode()}" if canonical else ""


class InvalidFilters(Exception):
    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


class XMLSafeAtom1Feed(Atom1Feed):
    """An Atom feed that leaves out the characters XML cannot hold (a stored value that predates the validators
    must not make the whole feed unreadable)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{name: xml_safe(value) for name, value in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **{name: xml_safe(value) for name, value in kwargs.items()})


def xml_safe(value):
    """`value` without what XML cannot hold, in a text or in each text of a list or tuple."""
    if isinstance(value, str):
        return NOT_IN_XML.sub("", value)
    if isinstance(value, list | tuple):
        return type(value)(xml_safe(item) for item in value)
    return value


class PaperFeed(Feed):
    feed_type = XMLSafeAtom1Feed
    author_name = SITE_NAME

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except InvalidFilters as invalid:
            return bad_filters(invalid.errors)

    def get_object(self, request):
        paper_filter = filtered_papers(
            request, Paper.objects.select_related("venue", "section").prefetch_related("tags")
        )
        if not paper_filter.is_valid():
            raise InvalidFilters(paper_filter.errors)
        return paper_filter

    def title(self, paper_filter):
        description = describe_filters(paper_filter)
        return f"{SITE_NAME}: newest papers" + (f" {description}" if description else "")

    def subtitle(self, paper_filter):
        return "The newest papers of the list, narrowed by the filters of the paper list."

    def link(self, paper_filter):
        return reverse("catalog:paper-list") + canonical_query(paper_filter)

    def feed_url(self, paper_filter):
        return reverse("catalog:paper-feed") + canonical_query(paper_filter)

    def items(self, paper_filter):
        return paper_filter.qs.order_by("-date", "-id")[:FEED_SIZE]

    def item_title(self, paper):
        return paper.title

    def item_description(self, paper):
        venue = paper.venue.name if paper.venue else "no venue"
        return format_html(
            '{} · {} · {}. <a href="{}">Read the paper</a>.', venue, paper.date.isoformat(), paper.section, paper.url
        )

    def item_pubdate(self, paper):
        return dt.datetime.combine(paper.date, dt.time.min, tzinfo=dt.UTC)

    def item_updateddate(self, paper):
        return paper.updated_at

    def item_categories(self, paper):
        return sorted(tag.name for tag in paper.tags.all())
