"""A paper's code flag (`Paper.has_code`, catalog/code_links.py) follows its links whatever writes them or the
paper, and the code filter and counts read it."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from catalog import code_links
from catalog.models import Paper, PaperLink, Section
from catalog.services.row_triggers import row_triggers_suspended

pytestmark = pytest.mark.django_db
CODE = PaperLink.Kind.CODE


def flags():
    return dict(Paper.objects.values_list("pk", "has_code"))


def from_links():
    with_code = set(PaperLink.objects.filter(kind=CODE).values_list("paper", flat=True))
    return {pk: pk in with_code for pk in Paper.objects.values_list("pk", flat=True)}


@pytest.fixture
def two_papers(db):
    section = Section.objects.create(title="Papers", level=1)
    return [
        Paper.objects.create(
            title=f"Paper {number}", url=f"https://example.org/{number}", date=dt.date(2024, 1, 1), section=section
        )
        for number in (1, 2)
    ]


def code_link(paper, **fields):
    return PaperLink.objects.create(paper=paper, label="Code", url="https://github.com/a/b", kind=CODE, **fields)


def test_a_code_link_added_changed_moved_and_removed(two_papers):
    first, second = two_papers
    assert flags() == {first.pk: False, second.pk: False}
    link = code_link(first)
    assert flags() == {first.pk: True, second.pk: False}
    PaperLink.objects.filter(pk=link.pk).update(paper=second)
    assert flags() == {first.pk: False, second.pk: True}
    PaperLink.objects.filter(pk=link.pk).update(kind=PaperLink.Kind.BLOG)
    assert flags() == {first.pk: False, second.pk: False}
    PaperLink.objects.filter(pk=link.pk).update(kind=CODE)
    code_link(second)
    PaperLink.objects.filter(pk=link.pk).delete()
    assert flags() == {first.pk: False, second.pk: True}
    PaperLink.objects.filter(paper=second).delete()
    assert flags() == {first.pk: False, second.pk: False}


def test_links_written_in_bulk(two_papers):
    first, second = two_papers
    PaperLink.objects.bulk_create(
        [PaperLink(paper=paper, label="Code", url="https://github.com/a/b", kind=CODE) for paper in two_papers]
    )
    assert flags() == {first.pk: True, second.pk: True}
    PaperLink.objects.all().delete()
    assert flags() == {first.pk: False, second.pk: False}


def test_a_paper_saved_with_a_stale_flag_keeps_the_right_one(two_papers):
    first, _ = two_papers
    stale = Paper.objects.get(pk=first.pk)
    code_link(first)
    stale.title = "Paper 1, edited"
    stale.save()
    assert Paper.objects.get(pk=first.pk).has_code is True
    Paper.objects.filter(pk=first.pk).update(has_code=False)
    assert Paper.objects.get(pk=first.pk).has_code is True
    Paper.objects.create(
        title="Told it has code",
        url="https://example.org/3",
        date=dt.date(2024, 1, 1),
        section=first.section,
        has_code=True,
    )
    assert flags() == from_links()


def test_an_import_a_fixture_and_a_replace_leave_every_flag_right(seeded, tmp_path):
    assert flags() == from_links()
    assert 0 < sum(flags().values()) < Paper.objects.count()
    fixture = tmp_path / "catalog.json"
    call_command("export_fixtures", "-o", str(fixture), stdout=StringIO())
    assert '"has_code"' not in fixture.read_text()
    Paper.objects.all().delete()
    call_command("loaddata", str(fixture), stdout=StringIO())
    assert flags() == from_links()
    assert any(flags().values())


def test_writes_with_the_row_triggers_suspended_are_put_right_at_the_end(two_papers):
    first, second = two_papers
    with transaction.atomic(), row_triggers_suspended():
        code_link(second)
    assert flags() == {first.pk: False, second.pk: True}


def test_build_puts_right_what_was_written_without_the_triggers(two_papers):
    first, _ = two_papers
    code_links.drop(connection)
    code_link(first)
    assert flags()[first.pk] is False
    assert code_links.build(connection)
    assert flags()[first.pk] is True
    PaperLink.objects.all().delete()
    assert flags()[first.pk] is False


def test_the_code_filter_and_its_counts_read_the_flags(seeded, client):
    with_code = sum(from_links().values())
    assert client.get("/papers.json?has_code=true").json()["count"] == with_code
    assert client.get("/papers.json?has_code=false").json()["count"] == Paper.objects.count() - with_code
    html = client.get("/papers/").content.decode()
    assert f'<option value="true">With code ({with_code})</option>' in html
