"""/api/ documents every output, every filter parameter, and limits that are the outputs' own."""

import re

from catalog.filters import PaperFilter
from catalog.models import Author, Paper, PaperAuthor
from catalog.views.outputs import JSON_MAX_PAGE_SIZE
from tests.test_site_pages import Page


def test_the_api_page_documents_every_output_and_parameter_with_working_examples(seeded, client):
    PaperAuthor.objects.create(paper=Paper.objects.first(), author=Author.objects.create(name="Chris Olah"))
    response = client.get("/api/")
    assert response.status_code == 200
    html = response.content.decode()
    page = Page(html)
    documented = {re.sub(r"<.*?>", "", row[0]) for row in page.rows[1:]}
    assert documented == set(PaperFilter.base_filters)
    assert f"at most\n      {JSON_MAX_PAGE_SIZE}" in html
    examples = [href for href in page.hrefs() if href.startswith(("/papers.", "/papers-all.", "/papers/feed/"))]
    outputs = {"/papers.json", "/papers-all.json", "/papers.csv", "/papers.bib", "/papers/feed/"}
    assert {href.split("?")[0] for href in examples} == outputs
    for href in examples:
        assert client.get(href.replace("&amp;", "&")).status_code == 200, href
    assert '<a href="/api/">API</a>' in client.get("/").content.decode()


def test_the_api_page_documents_the_download_limits(seeded, client, settings):
    settings.CATALOG_DOWNLOAD_LIMIT, settings.CATALOG_DOWNLOAD_WINDOW = 7, 90
    text = re.sub(r"\s+", " ", client.get("/api/").content.decode())
    assert "Each address may download 7 files every 90 seconds, then gets 429" in text
