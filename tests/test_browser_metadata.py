"""Authors and abstracts in Chromium: a paper's page, an author's page, and the admin's add form filling itself
from a pasted arXiv URL (a fake arXiv on 127.0.0.1)."""

from io import StringIO

import pytest
from django.core.management import call_command

from catalog.models import Author, Paper, PaperAuthor
from catalog.services.authors import set_authors
from tests.admin_support import make_user
from tests.browser import screenshot
from tests.conftest import SEED_README
from tests.fake_sources import ABSTRACT, ARXIV_PAPERS, fake_sources
from tests.test_browser_admin import sign_in
from tests.test_browser_site import stay_local

SAE = ARXIV_PAPERS["2403.00745"]


@pytest.fixture
def live_catalog(transactional_db):
    call_command("import_readme", str(SEED_README), stdout=StringIO(), stderr=StringIO())
    paper = Paper.objects.get(title__startswith="Interpretability in the Wild")
    set_authors({paper: ["Kevin Wang", "Alexandre Variengien", "Arthur Conmy", "Buck Shlegeris", "Jacob Steinhardt"]})
    Paper.objects.filter(pk=paper.pk).update(
        abstract=(
            "Research in mechanistic interpretability seeks to explain behaviors of machine learning models in "
            "terms of their internal components. We present an explanation for how GPT-2 small performs a natural "
            "language task called indirect object identification (IOI).\n\n"
            "Our explanation encompasses 26 attention heads grouped into 7 main classes, which we discovered "
            "using a combination of interpretability approaches relying on causal interventions."
        ),
        arxiv_id="2211.00593",
        canonical_url="https://arxiv.org/abs/2211.00593",
        arxiv_primary_category="cs.LG",
        citation_count=512,
    )
    other = Paper.objects.get(title__startswith="Circuit Component Reuse")
    set_authors({other: ["Jack Merullo", "Carsten Eickhoff", "Ellie Pavlick", "Kevin Wang"]})
    return paper


@pytest.fixture
def page(browser_page, live_server):
    return stay_local(browser_page, live_server)


def test_a_paper_page_shows_its_authors_and_abstract_and_leads_to_an_authors_page(live_catalog, page):
    page.goto(live_catalog.get_absolute_url())

    assert page.locator(".detail-authors").inner_text().startswith("Kevin Wang, Alexandre Variengien")
    assert "indirect object identification" in page.locator("section.abstract").inner_text()
    assert page.locator("meta[name=citation_author]").count() == 5
    screenshot(page, "paper-detail-authors")

    page.get_by_role("link", name="Kevin Wang").first.click()
    page.wait_for_url("**/authors/kevin-wang/")
    assert page.locator("h1").inner_text() == "Kevin Wang"
    assert page.locator(".paper-title").count() == 2
    assert page.console_errors == []
    screenshot(page, "author-page")


def test_the_add_form_fills_itself_from_a_pasted_arxiv_url(transactional_db, browser_page, settings):
    make_user("maintainer", superuser=True)
    with fake_sources(settings, arxiv_papers=ARXIV_PAPERS) as sources:
        page = browser_page
        sign_in(page, "maintainer")
        page.goto("/admin/catalog/paper/add/")
        page.fill("#id_date", "2024-01-01")

        page.fill("#id_reference", "https://arxiv.org/pdf/2403.00745v2")
        page.get_by_role("button", name="Fill in").click()

        status = page.locator(".lookup-status")
        status.filter(has_text="Filled in from arXiv").wait_for()
        assert status.inner_text() == (
            "Filled in from arXiv: title, URL, 5 authors, abstract, DOI, arXiv category. Kept what you typed: date."
        )
        assert page.input_value("#id_title") == SAE["title"]
        assert page.input_value("#id_url") == "https://arxiv.org/abs/2403.00745"
        assert page.input_value("#id_date") == "2024-01-01"
        assert page.input_value("#id_abstract") == ABSTRACT
        names = page.locator("#paper_authors-group input[name$='-name']:not([name*='__prefix__'])")
        assert [names.nth(index).input_value() for index in range(names.count())] == SAE["authors"]
        screenshot(page, "admin-add-form-filled")

        page.fill("#id_reference", "2499.99999")
        page.get_by_role("button", name="Fill in").click()
        status.filter(has_text="does not know").wait_for()
        assert "arXiv does not know 2499.99999" in status.inner_text()
        assert page.input_value("#id_title") == SAE["title"], "a failed lookup changes nothing"
        assert len(sources.arxiv.requests) == 2
    assert page.console_errors == [] or all("404" in error for error in page.console_errors)

    page.locator("#id_section").evaluate("select => select.removeAttribute('required')")
    page.click("input[name=_save]")
    page.wait_for_selector(".errorlist")
    assert not Author.objects.exists() and not PaperAuthor.objects.exists(), "nothing saved without a section"
