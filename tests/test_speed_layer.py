"""Each piece of the speed layer gives what Django's own way gives: the figure it buys (bench/speed_layer.py) costs
no difference in the result. (The field checks have their own tests: tests/test_field_checks.py.)

Run on SQLite and on PostgreSQL (DATABASE_URL=postgres://...): every test holds on both.
"""

import datetime as dt
import gc

import pytest
from django.db import connection
from django.template.defaultfilters import date as date_filter
from django.urls import clear_script_prefix, reverse, set_script_prefix
from django.utils import timezone

from catalog.models import Paper, PaperLink, Venue
from catalog.selectors import paper_entries
from catalog.services.authors import set_authors
from catalog.services.bulk import insert_rows, insert_rows_returning_ids
from catalog.services.gc_pause import cycle_collector_paused
from catalog.urls_memo import memo_reverse
from tests.factories import PaperFactory, PaperLinkFactory, SectionFactory, VenueFactory

pytestmark = pytest.mark.django_db

PAPER_COLUMNS = ["section", "venue", "position", "title", "url", "date", "star_repo", "render_hints"]
WRITTEN_AT = ["created_at", "updated_at"]
LINK_COLUMNS = ["paper", "kind", "label", "url", "position"]


def written(model, pks) -> list[dict]:
    """The rows of `pks` as the database holds them, but for what differs by nature (ids and times of writing)."""
    others = {"id", "paper", "created_at", "updated_at"}
    names = [field.attname for field in model._meta.concrete_fields if field.name not in others]
    return [model.objects.values(*names).get(pk=pk) for pk in pks]


def as_instances(model, columns, rows):
    attnames = [model._meta.get_field(column).attname for column in columns]
    return [model(**dict(zip(attnames, row, strict=True))) for row in rows]


def test_rows_inserted_in_bulk_are_the_rows_bulk_create_writes():
    section, venue, now = SectionFactory(), VenueFactory(), timezone.now()
    rows = [
        (section.pk, venue.pk, 1024, "Grokking", "https://arxiv.org/abs/1", dt.date(2024, 2, 29), "owner/name", {}),
        (section.pk, None, 2048, "Ünïcode “quotes”", "https://x.org/a?b=c", dt.date(2015, 1, 1), "", {"cells": [1]}),
    ]
    rows = [(*row, now, now) for row in rows]
    columns = PAPER_COLUMNS + WRITTEN_AT

    ids = insert_rows_returning_ids(Paper, columns, rows)
    django_ids = [paper.pk for paper in Paper.objects.bulk_create(as_instances(Paper, columns, rows))]

    assert written(Paper, ids) == written(Paper, django_ids)
    link = ("code", "Code", "https://github.com/o/n", 3)
    insert_rows(PaperLink, LINK_COLUMNS, [(ids[0], *link)])
    PaperLink.objects.bulk_create(as_instances(PaperLink, LINK_COLUMNS, [(django_ids[0], *link)]))
    ours, django = (PaperLink.objects.filter(paper=pk).values_list("pk", flat=True) for pk in (ids[0], django_ids[0]))
    assert written(PaperLink, ours) == written(PaperLink, django) != []


def test_rows_inserted_in_bulk_go_many_to_a_statement():
    """PostgreSQL runs the catalog's triggers once per statement: an import's links cost a few runs, not one a row."""
    paper = PaperFactory()
    rows = [(paper.pk, "code", "Code", f"https://github.com/o/{number}", number) for number in range(2500)]
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(many)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        insert_rows(PaperLink, LINK_COLUMNS, rows)

    assert not any(statements) and 3 <= len(statements) <= len(rows) / 100
    assert list(paper.links.order_by("position").values_list("url", flat=True)) == [row[3] for row in rows]


def test_every_memoised_url_is_the_one_reverse_gives_under_any_script_prefix():
    paper = PaperFactory(venue=VenueFactory(name="ICLR & friends"))
    calls = [
        ("catalog:paper-detail", {"pk": paper.pk}),
        ("catalog:section-detail", {"slug": paper.section.slug}),
        ("catalog:paper-list", {}),
        ("catalog:home", {}),
    ]
    try:
        for prefix in ("/", "/mirror/"):
            set_script_prefix(prefix)
            for name, kwargs in calls * 2:  # the second time from the memo
                assert memo_reverse(name, **kwargs) == reverse(name, kwargs=kwargs), (prefix, name)
            assert paper.get_absolute_url() == reverse("catalog:paper-detail", kwargs={"pk": paper.pk})
    finally:
        clear_script_prefix()
        set_script_prefix("/")


def test_the_cycle_collector_is_paused_in_the_block_and_left_as_it_was():
    assert gc.isenabled()
    with cycle_collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with cycle_collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_paper_entries_hold_what_the_models_give():
    paper = PaperFactory(venue=VenueFactory(name="ICLR"), date=dt.date(2024, 3, 5), star_repo="owner/name")
    PaperLinkFactory(paper=paper, kind=PaperLink.Kind.BLOG, label="Blog", url="https://blog.example.org/")
    PaperLinkFactory(paper=paper, label="Code", url="https://github.com/owner/name")
    paper.tags.add("sparse-autoencoders", "circuits")
    bare = PaperFactory(date=dt.date(2020, 1, 1))
    papers = Paper.objects.order_by("-date")

    def expected(paper):
        return {
            "pk": paper.pk,
            "title": paper.title,
            "url": paper.url,
            "page_url": reverse("catalog:paper-detail", kwargs={"pk": paper.pk}),
            "venue": paper.venue and paper.venue.name,
            "venue_url": paper.venue and Venue.objects.get(pk=paper.venue_id).get_absolute_url(),
            "iso_date": paper.date.isoformat(),
            "date_label": date_filter(paper.date, "j M Y"),
            "section": str(paper.section),
            "section_url": reverse("catalog:section-detail", kwargs={"slug": paper.section.slug}),
            "star_repo": paper.star_repo,
            "repo_stars": None,
            "repo_archived": None,
            "links": [{"url": link.url, "label": link.label} for link in paper.links.order_by("kind", "position")],
            "tags": [
                {"url": f"{reverse('catalog:paper-list')}?tag={tag.slug}", "name": tag.name}
                for tag in paper.tags.order_by("pk")
            ],
            "authors": [
                {"name": author.name, "url": reverse("catalog:author-detail", kwargs={"slug": author.slug})}
                for author in paper.author_list[:3]
            ],
            "more_authors": len(paper.author_list) > 3,
        }

    set_authors({paper: ["Ann One", "Ben Two", "Cat Three", "Dan Four"]})
    assert paper_entries(papers) == [expected(paper), expected(bare)]
