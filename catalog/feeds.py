"""The Atom feed of the papers added last, narrowed by the same filters as the paper list."""

import re

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html

from catalog.filter_words import canonical_query, describe_filters
from catalog.models import NEWEST_ADDITIONS, Paper
from catalog.request_filters import bad_filters, filtered_papers, renamed_redirect

FEED_SIZE = 50
# What XML 1.0 cannot hold: control characters but tab, line feed and carriage return; surrogates; U+FFFE, U+FFFF.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
SITE_NAME = "Awesome Interpretability in LLMs"


class InvalidFilters(Exception):
    def __init__(self, paper_filter):
        super().__init__(paper_filter.errors)
        self.paper_filter = paper_filter


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
            return renamed_redirect(request, invalid.paper_filter) or bad_filters(invalid.paper_filter.errors)

    def get_object(self, request):
        paper_filter = filtered_papers(request, Paper.objects.select_related("venue", "section").with_topics())
        if not paper_filter.is_valid():
            raise InvalidFilters(paper_filter)
        return paper_filter

    def title(self, paper_filter):
        description = describe_filters(paper_filter)
        return f"{SITE_NAME}: papers added" + (f" {description}" if description else "")

    def subtitle(self, paper_filter):
        return "The papers added to the list last, newest addition first, narrowed by the filters of the paper list."

    def link(self, paper_filter):
        return reverse("catalog:paper-list") + canonical_query(paper_filter)

    def feed_url(self, paper_filter):
        return reverse("catalog:paper-feed") + canonical_query(paper_filter)

    def items(self, paper_filter):
        return paper_filter.qs.order_by(*NEWEST_ADDITIONS)[:FEED_SIZE]

    def item_title(self, paper):
        return paper.title

    def item_description(self, paper):
        venue = paper.venue.name if paper.venue else "no venue"
        return format_html(
            '{} · {} · {}. <a href="{}">Read the paper</a>.', venue, paper.date.isoformat(), paper.section, paper.url
        )

    def item_pubdate(self, paper):
        return paper.created_at

    def item_updateddate(self, paper):
        return paper.updated_at

    def item_categories(self, paper):
        return [tag.name for tag in paper.topics.all()]
