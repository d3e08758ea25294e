"""axe-core finds nothing on any public page, on a desktop and on a phone, in light and dark colours."""

import pytest

from tests.axe import axe_violations, require_axe
from tests.browser import DESKTOP, PHONE
from tests.pages import PUBLIC_PAGES, SUGGESTION_PAGES, author_page, detail_pages


def public_pages():
    """Every public page (an author's, and a paper's with its authors and abstract, among them), and the paper list
    filtered, searched, with a bad value and on its second page."""
    variants = [
        "/papers/?venue=ICLR&tag=sae",
        "/papers/?q=monosemanticty",
        "/papers/?year=abc&tag=sae",
        "/papers/?page=2",
        "/resources/?q=lens",
    ]
    return [*PUBLIC_PAGES, author_page(), *detail_pages(), *SUGGESTION_PAGES, *variants]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_any_public_page(live_catalog, browser_page, viewport, scheme):
    require_axe()
    page = browser_page
    page.set_viewport_size(viewport)
    page.emulate_media(color_scheme=scheme)
    found = {}
    for path in public_pages():
        page.goto(path)
        if violations := axe_violations(page):
            found[path] = violations
    assert found == {}
