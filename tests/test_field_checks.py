"""The import's field checks report for each value exactly what the model field's own validation reports."""

import datetime as dt

from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from catalog.models import Paper, PaperLink, Resource
from catalog.services.field_checks import FieldCheck, HostMemoURLValidator, ShortTextValidator

HOSTS = [
    "arxiv.org",
    "github.com",
    "www.example.co.uk:8080",
    "localhost",
    "127.0.0.1",
    "[::1]",
    "[::zz]",
    "a",
    "user:pw@github.com",
    "a?b@github.com",
    "-bad-.com",
    "exa mple.com",
    "ex\tample.com",
    "münchen.de",
    "x" * 250 + ".com",
    "",
]
PATHS = ["", "/", "/abs/2309.08600", "?q=1", "#top", "/a b", "/a\nb", "/(x)", "/a)", "/\\", "/@x.org", "/" + "p" * 2100]
URLS = st.builds(
    lambda scheme, host, path: scheme + host + path,
    st.sampled_from(["https://", "http://", "HTTPS://", "ftp://", "https:/", ""]),
    st.sampled_from(HOSTS),
    st.sampled_from(PATHS),
)


def field_messages(field, value) -> list[str]:
    if field.blank and value in field.empty_values:
        return []
    try:
        field.clean(value, None)
    except ValidationError as error:
        return error.messages
    return []


@given(urls=st.lists(URLS, min_size=1, max_size=12))
def test_url_problems_are_those_of_the_field_whichever_urls_came_before(urls):
    for model in (Paper, PaperLink, Resource):
        field = model._meta.get_field("url")
        check = FieldCheck(field)
        for url in urls:
            assert check.messages(url) == field_messages(field, url), url
        assert not any(isinstance(v, HostMemoURLValidator | ShortTextValidator) for v in field.validators)


@given(values=st.lists(st.sampled_from(["Code", "", " Code", "a\nb", "L" * 100, "L" * 101, "owner/name", "x/" * 101])))
def test_text_problems_are_those_of_the_field_each_time_a_value_comes_again(values):
    for model, name in ((PaperLink, "label"), (Paper, "star_repo"), (Resource, "description")):
        field = model._meta.get_field(name)
        check = FieldCheck(field)
        for value in values + values:
            assert check.messages(value) == field_messages(field, value), value


def test_a_date_is_valid():
    assert FieldCheck(Paper._meta.get_field("date")).messages(dt.date(2024, 2, 29)) == []
