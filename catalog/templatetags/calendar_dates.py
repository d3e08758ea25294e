"""Dates as the `date` filter writes them, remembered: a list page writes the same few days over and over."""

from datetime import date
from functools import lru_cache

from django import template
from django.utils.formats import date_format
from django.utils.translation import get_language

register = template.Library()

# Room for two labels a day over more than ten years of papers.
MEMO_SIZE = 8192


@register.filter
def cached_date(value, format_string):
    """`value|date:format_string` for a calendar date; empty for anything else (a datetime needs `date`, which
    converts it to the current time zone first)."""
    if type(value) is not date:
        return ""
    return calendar_date(value, format_string, get_language())


@lru_cache(maxsize=MEMO_SIZE)
def calendar_date(value, format_string, language):
    """The calendar date `value` as the `date` filter writes it with `format_string` in `language`, the current
    language (part of the key: the names of months are translated)."""
    return date_format(value, format_string)
