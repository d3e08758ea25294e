"""A maintainer checks the links from the admin in a real browser: the button, the run's report, the action on
selected papers and the broken-links filter, a run followed as it goes; axe finds nothing on the pages used, at
1280 px."""

from catalog.models import CheckRun
from catalog.services import check_runs
from tests.admin_support import make_user
from tests.axe import axe_violations, require_axe
from tests.browser import screenshot
from tests.repository.test_tasks import DATABASE, work
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


def test_a_maintainer_follows_a_link_check_as_it_goes_without_reloading(catalog, browser_page, settings, monkeypatch):  # noqa: F811
    """The worker checks the four URLs one by one; after each, the page (never reloaded) says how many are checked,
    then what the run found."""
    from playwright.sync_api import expect

    require_axe()
    settings.TASKS = DATABASE
    page = browser_page
    make_user("maintainer", superuser=True)
    sign_in(page, "maintainer")
    page.goto("/admin/catalog/paper/")
    page.click("button[value=links]")
    line = page.locator(".check-runs .check-run-line", has_text="Link check")
    expect(line).to_contain_text("the whole catalog, queued, waiting for a worker")
    page.evaluate("window.loadedOnce = true")
    asked = []
    page.on("response", lambda response: "/status/" in response.url and asked.append(response.status))
    found = {}
    check_the_links = check_runs.WORK[CheckRun.Kind.LINKS]

    def watched(run, progress):
        advance = progress.advance

        def advance_then_look(count=1):
            advance(count)
            expect(line).to_contain_text(f"running: URLs, {progress.done} of 4 checked")
            if progress.done == 2:
                screenshot(page, "admin-check-run-progress")
                found["papers while a run goes"] = axe_violations(page)

        progress.advance = advance_then_look
        return check_the_links(run, progress)

    monkeypatch.setitem(check_runs.WORK, CheckRun.Kind.LINKS, watched)
    monkeypatch.setattr(check_runs, "PROGRESS_INTERVAL", 0)
    work()
    run = CheckRun.objects.get()
    assert run.status == "done", run.error
    expect(line).to_contain_text("the whole catalog, done")
    expect(line).to_contain_text(": Checked 4 URLs: 2 ok, 1 broken, 1 unverifiable.")
    assert page.evaluate("window.loadedOnce") is True, "the page was not reloaded"
    assert line.get_attribute("data-status-url") is None, "a run that has ended is no longer asked about"
    screenshot(page, "admin-check-run-done")
    found["papers after the run"] = axe_violations(page)
    line.get_by_role("link", name="reload the list").click()
    expect(page.locator("#result_list tbody tr", has_text="Circuits")).to_contain_text("Broken")
    assert len(asked) >= 5 and set(asked) == {200}, "its status asked once per step, and once more at the end"
    assert [error for error in page.console_errors if not error.startswith("Failed to load resource")] == []
    assert {name: violations for name, violations in found.items() if violations} == {}
