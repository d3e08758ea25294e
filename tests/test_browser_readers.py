"""A reader's flows in Chromium: cite a selection, find a paper from the keyboard, read on a phone."""

import re

import pytest

from catalog.models import Paper, Repository
from tests.axe import axe_violations
from tests.browser import PHONE, screenshot
from tests.pages import PUBLIC_PAGES, SUGGESTION_PAGES, author_page, detail_pages
from tests.test_bibtex import parse_bibtex
from tests.topics import having_topic


@pytest.fixture
def page(browser_page):
    return browser_page


def select(page, title):
    page.get_by_role("checkbox", name=f"Select {title}").check()


def test_a_selection_is_kept_across_pages_and_cited_at_once(live_catalog, page):
    from playwright.sync_api import expect

    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/papers/?tag=sae")
    titles = page.locator("ol.paper-list h3 a").all_inner_texts()[:2]
    for title in titles:
        select(page, title)
    page.goto("/papers/?page=2")
    third = page.locator("ol.paper-list h3 a").first.inner_text()
    select(page, third)
    bar = page.get_by_role("region", name="Selected papers")
    expect(bar).to_contain_text("3 papers selected")
    screenshot(page, "site-selection-desktop")
    chosen = sorted(Paper.objects.get(title=title).url for title in [*titles, third])

    download = bar.get_by_role("link", name="Download BibTeX")
    assert download.get_attribute("href") == f"/papers.bib?id={','.join(map(str, chosen_in_order(titles, third)))}"
    with page.expect_download() as downloaded:
        download.click()
    cited = parse_bibtex(downloaded.value.path().read_text(encoding="utf-8"))
    assert sorted(entry["url"] for entry in cited) == chosen

    bar.get_by_role("button", name="Copy BibTeX").click()
    expect(bar.get_by_role("status")).to_have_text("BibTeX of 3 papers copied to the clipboard.")
    copied = parse_bibtex(page.evaluate("navigator.clipboard.readText()"))
    assert sorted(entry["url"] for entry in copied) == chosen

    bar.get_by_role("link", name="Show them").click()
    page.wait_for_url(re.compile(r"/papers/\?id="))
    assert sorted(page.locator("ol.paper-list h3 a").all_inner_texts()) == sorted([*titles, third])
    assert all(box.is_checked() for box in page.locator("input[data-select-paper]").all())
    assert axe_violations(page) == []

    page.get_by_role("checkbox", name=f"Select {third}").uncheck()
    expect(bar).to_contain_text("2 papers selected")
    bar.get_by_role("button", name="Clear selection").click()
    expect(bar).to_be_hidden()
    assert page.console_errors == []


def chosen_in_order(titles, third):
    return [Paper.objects.get(title=title).pk for title in [*titles, third]]


def test_without_javascript_no_select_control_shows(live_catalog, chromium, live_server):
    context = chromium.new_context(java_script_enabled=False, base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    page.goto("/papers/")
    assert page.get_by_role("checkbox", name=re.compile("^Select ")).count() == 0
    assert not page.get_by_role("region", name="Selected papers").is_visible()
    context.close()


def test_no_page_asks_another_host_for_anything(live_catalog, page, live_server):
    for full_name in Paper.objects.exclude(star_repo="").values_list("star_repo", flat=True).distinct()[:20]:
        Repository.objects.get_or_create(full_name=full_name, defaults={"stars": 42, "archived": True})
    starred = Paper.objects.exclude(star_repo="").first()
    outside = []
    page.on("request", lambda request: request.url.startswith(live_server.url) or outside.append(request.url))
    pages = [*PUBLIC_PAGES, author_page(), *detail_pages(), *SUGGESTION_PAGES]
    for path in [*pages, starred.get_absolute_url(), "/papers/?sort=-stars"]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert outside == []
    page.goto(starred.get_absolute_url())
    assert page.get_by_label(f"42 GitHub stars: {starred.star_repo}").first.is_visible()


FOCUSED = """() => {
  const element = document.activeElement;
  return {
    tag: element.tagName,
    text: element.textContent.trim().slice(0, 80),
    label: element.getAttribute("aria-label") || "",
    href: element.getAttribute("href") || "",
    firstResult: element === document.querySelector("ol.paper-list h3 a"),
    inChart: Boolean(element.closest("svg")),
  };
}"""


def tabs_until(page, condition, limit):
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if condition(page.evaluate(FOCUSED)):
            return presses
    return None


def test_skip_to_results_then_the_first_result_in_a_few_tabs(live_catalog, page):
    page.goto("/papers/?venue=ICLR")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["text"] == "Skip to results"
    page.keyboard.press("Enter")
    presses = tabs_until(page, lambda focused: focused["firstResult"], limit=12)
    # the outputs (JSON, CSV, BibTeX, feed), the filter in use and "Clear all", then the first title
    assert presses is not None and presses <= 8


def test_a_filter_applies_as_it_changes_and_keeps_the_focus(live_catalog, page):
    page.goto("/papers/")
    sae = page.get_by_role("group", name="Tags").get_by_role("checkbox", name=re.compile(r"^sae \d+$"))
    sae.focus()
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert page.url.endswith("/papers/?tag=sae")
    focused = page.evaluate("() => [document.activeElement.name, document.activeElement.value]")
    assert focused == ["tag", "sae"]
    with page.expect_navigation():
        page.get_by_label("Year").select_option("2024")
    assert page.url.endswith("/papers/?year=2024&tag=sae")
    assert page.evaluate("document.activeElement.id") == "id_year"
    expected = having_topic(Paper.objects.filter(date__year=2024), "sae").count()
    assert page.get_by_role("heading", level=2, name=f"{expected} papers").is_visible()
    assert page.console_errors == []


def test_on_a_phone_the_first_result_shows_without_scrolling(live_catalog, page):
    page.set_viewport_size(PHONE)
    for path in ("/papers/", "/papers/?tag=sae&year=2024", "/resources/"):
        page.goto(path)
        first = page.locator("ol.paper-list > li, ul.resource-list > li").first
        box = first.bounding_box()
        assert box["y"] + box["height"] <= PHONE["height"], path
        screenshot(page, f"site-first-result-phone{path.replace('/', '-').replace('?', '-')}")


def test_the_search_box_takes_the_width_of_its_column(live_catalog, page):
    for viewport in (None, PHONE):
        if viewport:
            page.set_viewport_size(viewport)
        page.goto("/papers/")
        widths = page.evaluate(
            """() => {
              const row = document.querySelector(".search-box");
              return [document.getElementById("id_q").getBoundingClientRect().width, row.clientWidth];
            }"""
        )
        assert widths[0] >= widths[1] - 110 and widths[0] >= 220, widths


def test_the_chart_months_are_reachable_by_tab(live_catalog, page):
    page.goto("/")
    presses = tabs_until(page, lambda focused: focused["inChart"], limit=80)
    assert presses is not None
    focused = page.evaluate(FOCUSED)
    assert re.fullmatch(r"[A-Z][a-z]+ \d{4}: \d+ papers?", focused["label"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "date_after=" in page.url and "date_before=" in page.url
