"""A maintainer checks the links from the admin in a real browser: the button, the run's report, the action on
selected papers and the broken-links filter; axe finds nothing on the pages used, at 1280 px."""

from catalog.models import CheckRun
from tests.admin_support import make_user
from tests.axe import axe_violations, require_axe
from tests.browser import screenshot
from tests.test_admin_checks import catalog, links  # noqa: F401 (fixtures)
from tests.test_browser_admin import sign_in


def test_a_maintainer_checks_the_links_and_finds_the_broken_one(catalog, browser_page):  # noqa: F811
    require_axe()
    page = browser_page
    make_user("maintainer", superuser=True)
    sign_in(page, "maintainer")
    found = {}

    page.goto("/admin/catalog/paper/")
    found["papers"] = axe_violations(page)
    page.click("button[value=links]")
    page.wait_for_selector(".messagelist .success")
    assert "Link check of the whole catalog done: Checked 4 URLs: 2 ok, 1 broken" in page.inner_text(".messagelist")
    assert "Checked 4 URLs" in page.inner_text(".check-runs")
    screenshot(page, "admin-checks-papers")
    found["papers after a run"] = axe_violations(page)

    page.click("text=The papers with a broken link")
    page.wait_for_url("**/admin/catalog/paper/?link_status=broken")
    rows = page.locator("#result_list tbody tr").all_inner_texts()
    assert len(rows) == 1 and "Circuits" in rows[0] and "Broken" in rows[0]

    page.goto("/admin/catalog/paper/")
    page.locator("#result_list tbody tr", has_text="Circuits").locator("input.action-select").check()
    page.select_option("select[name=action]", "check_links_of_selected")
    page.click("button[name=index]")
    assert "Link check of 1 paper done" in page.inner_text(".messagelist")

    page.goto("/admin/catalog/checkrun/")
    found["check runs"] = axe_violations(page)
    screenshot(page, "admin-check-runs")
    page.goto(f"/admin/catalog/checkrun/{CheckRun.objects.filter(scope='1 paper').get().pk}/change/")
    assert "Broken: 404" in page.inner_text("#content-main")
    found["a check run"] = axe_violations(page)
    page.goto("/admin/catalog/resource/")
    found["resources"] = axe_violations(page)
    page.goto("/admin/")
    assert "Link check: 1 paper, done" in page.inner_text("#check-runs")
    screenshot(page, "admin-index-checks")
    found["index"] = axe_violations(page)
    assert {name: violations for name, violations in found.items() if violations} == {}
