"""Filters in words and in one canonical address, for titles, feeds and links."""

import django_filters
from django.http import QueryDict


def describe_filters(paper_filter) -> str:
    """The filters in force of a valid paper filter in words, e.g. 'tagged sae, at ICLR'."""
    phrases = {
        "q": lambda values: f"matching “{values[0][:80]}”",
        "section": lambda values: f"in “{values[0]}”",
        "venue": lambda values: "at " + " or ".join(values),
        "venue_kind": lambda values: f"from a {values[0].lower()}",
        "tag": lambda values: "tagged " + " and ".join(values),
        "author": lambda values: f"by {values[0]}",
        "year": lambda values: values[0],
        "date_after": lambda values: f"dated {values[0]} or later",
        "date_before": lambda values: f"dated {values[0]} or earlier",
        "has_code": lambda values: values[0].lower(),
        "id": lambda values: f"selected ({len(values[0].split(','))})",
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
