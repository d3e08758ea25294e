"""Admin parameters the database cannot take (NUL characters, numbers beyond any date or integer column) are
refused or left out, never a 500. Run on SQLite and on PostgreSQL (DATABASE_URL=postgres://...)."""

import json

import pytest

from catalog.models import Section, Venue

pytestmark = pytest.mark.django_db

BAD_FILTERS = [
    "date__year=99999999999999999999",
    "date__year=2024&date__month=99999999999999999999",
    "date__year=%00",
    "venue__id__exact=%00",
    "section__id__exact=%00",
    "venue__kind=%00",
    "tag=%00",
    "year=%00",
    "venue__name=%00",
    "%00=1",
]


@pytest.mark.parametrize("query", BAD_FILTERS)
def test_a_changelist_filter_the_database_cannot_take_is_reported_as_a_bad_filter(seeded, admin_client, query):
    response = admin_client.get(f"/admin/catalog/paper/?{query}")
    assert response.status_code == 302 and response["Location"] == "/admin/catalog/paper/?e=1"


@pytest.mark.parametrize(
    "changelist",
    ["catalog/venue", "catalog/section", "catalog/resource", "taggit/tag", "catalog/linkcheck", "catalog/repository"],
)
def test_every_changelist_reports_a_nul_in_its_filters(seeded, admin_client, changelist):
    response = admin_client.get(f"/admin/{changelist}/?id__exact=%00")
    assert response.status_code == 302 and response["Location"] == f"/admin/{changelist}/?e=1"


@pytest.mark.parametrize(
    "query", ["section=abc&venue=%00", "section=99999999999999999999", "venue=99999999999999999999", "title=a%00b"]
)
def test_an_add_form_leaves_out_prefilled_values_the_database_cannot_take(seeded, admin_client, query):
    response = admin_client.get(f"/admin/catalog/paper/add/?{query}")
    assert response.status_code == 200
    initial = response.context["adminform"].form.initial
    assert not {"section", "venue", "title"} & set(initial)


def test_an_add_form_keeps_valid_prefilled_values(seeded, admin_client):
    section, venue = Section.objects.filter(kind="papers").first(), Venue.objects.first()
    response = admin_client.get(f"/admin/catalog/paper/add/?section={section.pk}&venue={venue.pk}&title=Zebra")
    initial = response.context["adminform"].form.initial
    assert (initial["section"], initial["venue"], initial["title"]) == (str(section.pk), str(venue.pk), "Zebra")


@pytest.mark.parametrize("field", ["venue", "section"])
def test_an_autocomplete_search_holding_a_nul_finds_nothing(seeded, admin_client, field):
    url = f"/admin/autocomplete/?app_label=catalog&model_name=paper&field_name={field}"
    assert json.loads(admin_client.get(f"{url}&term=a").content)["results"]
    response = admin_client.get(f"{url}&term=a%00")
    assert response.status_code == 200 and json.loads(response.content)["results"] == []
