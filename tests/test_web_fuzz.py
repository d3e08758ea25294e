"""Every public URL and every filter parameter under hostile query strings: never a 5xx, a 4xx says why."""

from urllib.parse import quote

import pytest
from django.urls import URLPattern, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog import urls as catalog_urls
from catalog.filters import PaperFilter, ResourceFilter
from catalog.models import Author, Paper, Resource, Section

pytestmark = pytest.mark.django_db

# Requests per test: 120 in the quick Hypothesis profile, 5,000 in "thorough".
EXAMPLES = max(120, settings.default.max_examples)
fuzz_settings = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

PAPER_PARAMETERS = [*PaperFilter.base_filters, "page", "page_size"]
RESOURCE_PARAMETERS = [*ResourceFilter.base_filters, "page"]
ATTACKS = [
    "' OR '1'='1",
    "1; DROP TABLE catalog_paper; --",
    '" UNION SELECT password FROM auth_user --',
    "%' AND 1=1 --",
    "{{ 7|add:7 }}",
    "{% debug %}",
    "{{ request.META }}",
    "${7*7}",
    "<script>alert(1)</script>",
    "\x00",
    "../../etc/passwd",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "2024-02-30",
    "0000-00-00",
    "true\x00",
    "\ufeff",
    "\u202e",
]
values = st.one_of(
    st.sampled_from(ATTACKS),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.builds(lambda char, size: char * size, st.characters(exclude_categories=("Cs",)), st.integers(200, 20_000)),
    st.integers(-(10**30), 10**30).map(str),
    st.dates().map(str),
)


def public_urls():
    """Every named URL of the catalog, reversed with a real object where it needs one."""
    paper, resource = Paper.objects.first(), Resource.objects.first()
    section = Section.objects.exclude(slug="").first()
    author, _ = Author.objects.get_or_create(name="Fuzz Author")
    arguments = {
        "paper-detail": [paper.pk],
        "resource-detail": [resource.pk],
        "section-detail": [section.slug],
        "author-detail": [author.slug],
    }
    names = [pattern.name for pattern in catalog_urls.urlpatterns if isinstance(pattern, URLPattern)]
    return [reverse(f"catalog:{name}", args=arguments.get(name, [])) for name in names]


def assert_answers_sanely(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code < 500, (url, extra, response.status_code)
    if response.status_code >= 400:
        assert response.content.strip(), (url, extra, response.status_code)
    return response


@fuzz_settings
@given(
    data=st.data(),
    parameters=st.lists(st.tuples(st.sampled_from(PAPER_PARAMETERS), values), max_size=6),
)
def test_filter_parameters_never_cause_a_server_error(seeded, client, data, parameters):
    url = data.draw(st.sampled_from(["/papers/", "/papers.json", "/papers.csv", "/papers.bib", "/papers/feed/"]))
    query = "&".join(f"{quote(name)}={quote(value, safe='')}" for name, value in parameters)
    assert_answers_sanely(client, f"{url}?{query}")


@fuzz_settings
@given(parameters=st.lists(st.tuples(st.sampled_from(RESOURCE_PARAMETERS), values), max_size=4))
def test_resource_filters_never_cause_a_server_error(seeded, client, parameters):
    query = "&".join(f"{quote(name)}={quote(value, safe='')}" for name, value in parameters)
    assert_answers_sanely(client, f"/resources/?{query}")


raw_query_strings = st.one_of(
    st.binary(max_size=200).map(lambda raw: raw.decode("latin-1")),
    st.binary(max_size=60).map(lambda raw: "q=" + "".join(f"%{byte:02X}" for byte in raw)),
    st.lists(st.sampled_from(["%", "%%", "%zz", "%C3", "%FF%FE", "&", "=", ";", "+", "q=", "venue=", "tag="])).map(
        "".join
    ),
)


@fuzz_settings
@given(data=st.data(), query_string=raw_query_strings)
def test_every_public_url_survives_a_garbage_query_string(seeded, client, data, query_string):
    url = data.draw(st.sampled_from(public_urls()))
    assert_answers_sanely(client, url, QUERY_STRING=query_string)


def test_every_public_url_answers_a_hostile_value_in_every_parameter(seeded, client):
    names = sorted({*PAPER_PARAMETERS, *RESOURCE_PARAMETERS})
    for url in public_urls():
        for value in ATTACKS:
            assert_answers_sanely(client, url, data={name: [value, value + "x"] for name in names})


def test_a_bad_parameter_is_a_400_with_the_reason_on_the_outputs(seeded, client):
    for url in ["/papers.json", "/papers.csv", "/papers.bib"]:
        response = client.get(url, {"year": "{{ 7|add:7 }}"})
        assert response.status_code == 400
        assert "year" in response.content.decode() and "whole number" in response.content.decode()
    response = client.get("/papers/feed/", {"q": "bell\x07"})
    assert response.status_code == 400 and "control characters" in response.content.decode()
    response = client.get("/papers/", QUERY_STRING="venue=%FF%FE")
    assert response.status_code == 200 and "not one of the available choices" in response.content.decode()
