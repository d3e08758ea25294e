"""The public site in Chromium: find papers with the form, open one, and read it on a phone."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from catalog.models import Paper
from tests.browser import DESKTOP, PHONE, low_contrast_texts, screenshot
from tests.topics import having_topic


def stay_local(page, live_server):
    """Answer requests that leave the live server (badges) empty."""

    def local_only(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            route.fulfill(status=204, body="")

    page.route("**/*", local_only)
    return page


@pytest.fixture
def page(browser_page, live_server):
    """A desktop page that never leaves the live server: outside requests (badges) are answered empty."""
    return stay_local(browser_page, live_server)


@pytest.fixture
def page_without_javascript(chromium, live_server):
    context = chromium.new_context(java_script_enabled=False, base_url=live_server.url, viewport=DESKTOP)
    yield stay_local(context.new_page(), live_server)
    context.close()


def has_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


def apply_venue_and_tag(page, venue, tag):
    """Tick a venue and a tag in the filter form, apply it, and return the query of the page it leads to."""
    page.get_by_role("group", name="Venue").get_by_role("checkbox", name=re.compile(rf"^{venue} \d+$")).check()
    page.get_by_role("group", name="Tags").get_by_role("checkbox", name=re.compile(rf"^{tag} \d+$")).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/papers/?*")
    return parse_qs(urlsplit(page.url).query)


def test_find_papers_by_venue_and_tag_then_open_one(live_catalog, page):
    page.goto("/")
    assert page.locator("h1").count() == 1
    assert page.get_by_role("group", name="Papers per month").is_visible()
    screenshot(page, "site-home-desktop")

    page.get_by_role("link", name="papers", exact=False).first.click()
    page.wait_for_url("**/papers/")
    assert apply_venue_and_tag(page, "ICLR", "sae") == {"venue": ["ICLR"], "tag": ["sae"]}
    expected = having_topic(Paper.objects.filter(venue__name="ICLR"), "sae").count()
    assert expected > 0
    assert page.locator("ol.paper-list > li").count() == expected
    assert page.get_by_role("heading", level=2, name=f"{expected} paper").is_visible()
    assert page.get_by_role("link", name="Remove Venue: ICLR").is_visible()
    screenshot(page, "site-papers-filtered-desktop")

    first = page.locator("ol.paper-list h3 a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url("**/papers/*/")
    assert page.get_by_role("heading", level=1).inner_text() == title
    assert page.get_by_role("heading", name="BibTeX").is_visible()
    screenshot(page, "site-paper-detail-desktop")
    assert page.console_errors == []


def test_the_filter_form_works_without_javascript(live_catalog, page_without_javascript):
    page = page_without_javascript
    page.goto("/papers/")
    assert apply_venue_and_tag(page, "ICLR", "circuits") == {"venue": ["ICLR"], "tag": ["circuits"]}
    expected = Paper.objects.filter(venue__name="ICLR", tags__slug="circuits").order_by("-date", "position", "id")
    titles = list(expected.values_list("title", flat=True))
    assert len(titles) > 1
    assert page.locator("ol.paper-list h3 a").all_inner_texts() == titles
    assert page.get_by_role("heading", level=2, name=f"{len(titles)} papers").is_visible()
    assert page.get_by_role("group", name="Venue").get_by_role("checkbox", name=re.compile(r"^ICLR \d+$")).is_checked()


def test_copy_button_copies_the_bibtex(live_catalog, page):
    from playwright.sync_api import expect

    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    paper = Paper.objects.get(title__startswith="Interpretability in the Wild")
    page.goto(paper.get_absolute_url())
    page.get_by_role("button", name="Copy BibTeX").click()
    expect(page.get_by_role("status")).to_have_text("Copied to the clipboard.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.strip() == page.locator("#bibtex").inner_text().strip()
    assert page.console_errors == []


def test_empty_fields_stay_out_of_the_shared_link(live_catalog, page):
    page.goto("/papers/")
    page.get_by_label("Search papers").fill("circuit")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/papers/?*")
    assert parse_qs(urlsplit(page.url).query) == {"q": ["circuit"]}


@pytest.mark.parametrize(
    ("name", "path"),
    [("home", "/"), ("papers-filtered", "/papers/?venue=ICLR&tag=sae"), ("paper-detail", None)],
)
def test_pages_fit_a_phone(live_catalog, page, name, path):
    page.set_viewport_size(PHONE)
    path = path or Paper.objects.exclude(star_repo="").filter(tags__isnull=False).first().get_absolute_url()
    page.goto(path)
    assert not has_horizontal_scroll(page)
    assert page.get_by_role("heading", level=1).is_visible()
    if name == "papers-filtered":
        assert page.get_by_role("link", name="Remove Venue: ICLR").is_visible()
        page.get_by_text("Filters", exact=False).first.click()
        assert page.get_by_role("group", name="Venue").is_visible()
        page.get_by_text("Filters", exact=False).first.click()
    screenshot(page, f"site-{name}-phone")
    assert page.console_errors == []


FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    tag: element.tagName,
    name: element.name || element.getAttribute("href") || element.textContent.trim().slice(0, 40),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    inMain: Boolean(element.closest("main")),
  };
}"""


def test_keyboard_reaches_every_control_with_a_visible_focus(live_catalog, page):
    page.goto("/papers/?venue=ICLR")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["name"] == "#main"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["inMain"], "the skip link leads into the main content"

    page.goto("/papers/?venue=ICLR")
    without_outline, names = [], set()
    for _ in range(200):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] == "BODY":
            break
        names.add(focused["name"])
        if not focused["outline"]:
            without_outline.append(focused)
    assert {"q", "sort", "section", "date_after", "date_before", "venue", "tag"} <= names
    assert without_outline == []


def test_phone_filters_open_from_the_keyboard(live_catalog, page):
    page.set_viewport_size(PHONE)
    page.goto("/papers/")
    venues = page.get_by_role("group", name="Venue")
    assert not venues.is_visible()
    page.locator("summary").filter(has_text="Filters").focus()
    page.keyboard.press("Enter")
    assert venues.is_visible()
    assert not has_horizontal_scroll(page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_has_readable_contrast(live_catalog, page, scheme):
    page.emulate_media(color_scheme=scheme)
    detail = Paper.objects.exclude(star_repo="").filter(tags__isnull=False).first().get_absolute_url()
    paths = ["/", "/papers/?venue=ICLR&tag=sae&year=abc", detail, "/resources/", "/venues/", "/tags/", "/about/"]
    for path in paths:
        page.goto(path)
        page.locator("details").evaluate_all("elements => elements.forEach(e => e.open = true)")
        assert low_contrast_texts(page) == [], path
    page.goto(detail)
    screenshot(page, f"site-paper-detail-{scheme}")
