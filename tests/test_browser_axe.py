"""axe-core finds nothing on any public page, on a desktop and on a phone, in light and dark colours."""

import pytest

from catalog.models import Paper, Resource, Section
from tests.axe import axe_violations, require_axe
from tests.browser import DESKTOP, PHONE


def public_pages():
    """Every kind of public page, with a filtered list, a search, a bad filter value and a second page."""
    paper = Paper.objects.exclude(star_repo="").filter(tags__isnull=False).first()
    section = Section.objects.filter(papers__isnull=False).first()
    return [
        "/",
        "/papers/",
        "/papers/?venue=ICLR&tag=sae",
        "/papers/?q=monosemanticty",
        "/papers/?year=abc&tag=sae",
        "/papers/?page=2",
        paper.get_absolute_url(),
        "/resources/",
        "/resources/?q=lens",
        Resource.objects.first().get_absolute_url(),
        section.get_absolute_url(),
        "/venues/",
        "/tags/",
        "/about/",
    ]


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
