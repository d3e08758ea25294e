"""The dates of the paper entries: a machine-readable datetime and a short label in the active language."""

import datetime as dt

import pytest
from django.db.models import Count
from django.utils import translation

from catalog.models import Paper, Section
from catalog.templatetags.calendar_dates import cached_date

pytestmark = pytest.mark.django_db

WILD = "Interpretability in the Wild"


def test_each_paper_entry_shows_its_date(seeded, client):
    """On the papers list, a section's page and the home page's newest additions."""
    smallest = Section.objects.annotate(papers_in=Count("papers")).filter(papers_in__gt=0).order_by("papers_in")[0]
    Paper.objects.filter(title__startswith=WILD).update(
        section=smallest, created_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    )
    for url in ["/papers/?q=wild", smallest.get_absolute_url(), "/"]:
        html = client.get(url).content.decode()
        assert '<time datetime="2023-01-20">20 Jan 2023</time>' in html, url


def test_a_date_label_follows_the_active_language():
    day = dt.date(2023, 1, 20)
    for language, label in [("en", "20 January 2023"), ("de", "20 Januar 2023"), ("en", "20 January 2023")]:
        with translation.override(language):
            assert cached_date(day, "j F Y") == label


def test_a_missing_date_has_no_label():
    assert cached_date(None, "j M Y") == ""
