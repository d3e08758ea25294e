"""A maintainer in a real browser: the catalog connected to the list's repository, its README taken in, a
contributor's commit taken in, an edit published as a commit."""

import pytest

from catalog.models import Paper
from catalog.repository import config
from tests.admin_support import PASSWORD, make_user
from tests.browser import screenshot
from tests.repository.conftest import add_row

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page):
    maintainer = make_user("maria", superuser=True)
    maintainer.first_name, maintainer.last_name, maintainer.email = "Maria", "Maintainer", "maria@example.org"
    maintainer.save()
    page.goto("/admin/")
    page.fill("#id_username", "maria")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#readme-module")


def test_connect_take_in_and_publish(upstream, browser_page):
    page = browser_page
    failed = []
    page.on("response", lambda r: r.status >= 400 and "favicon" not in r.url and failed.append(r.url))
    sign_in(page)

    page.goto("/admin/readme/")
    assert "never taken the repository in" in page.inner_text("[data-testid=synced]")
    screenshot(page, "repository-1-connected")
    page.click("input[name=take_in]")
    page.wait_for_selector(".messagelist .success")
    assert Paper.objects.count() == 149
    assert upstream.head()[:7] in page.inner_text("[data-testid=synced]")

    upstream.identity("Carol Contributor", "carol@example.org")
    sha = upstream.commit(add_row, "Add a circuit tracing paper")
    page.goto("/admin/readme/")
    waiting = page.inner_text("[data-testid=waiting]")
    assert sha[:7] in waiting and "Carol Contributor" in waiting and "Upstream Added Paper" in waiting
    assert page.locator("input[name=publish]").count() == 0
    screenshot(page, "repository-2-waiting")
    page.click("input[name=take_in]")
    page.wait_for_selector(".messagelist .success")
    assert config.synced_commit() == sha

    paper = Paper.objects.get(url="https://arxiv.org/abs/2411.00001")
    page.goto(f"/admin/catalog/paper/{paper.pk}/change/")
    page.fill("#id_title", "Upstream Added Paper On Circuit Tracing, Revised")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    page.goto("/admin/readme/")
    assert "1 line added" in page.inner_text("[data-testid=lines-added]")
    screenshot(page, "repository-3-diff")
    page.click("input[name=publish]")
    message = page.inner_text(".messagelist .success")
    assert message.startswith("Published") and "Update 1 paper" in message
    assert "Revised" in upstream.show("main:README.md")
    assert upstream.log("%an") == "Maria Maintainer"
    assert "Nothing to publish" in page.inner_text("#content-main")
    screenshot(page, "repository-4-published")
    assert failed == []
    assert [error for error in page.console_errors if "Failed to load resource" not in error] == []


def test_the_page_a_pull_request_status_links_to_lists_the_findings(browser_page):
    from catalog.repository.models import PullRequestCheck
    from tests.browser import low_contrast_texts

    check = PullRequestCheck.objects.create(
        repository="owner/list",
        number=12,
        sha="a" * 40,
        state="failure",
        findings=[
            {"line": 70, "rule": "duplicate", "severity": "error", "message": "the same arXiv id 2406.04093 as line 9"},
            {"line": 188, "rule": "date-order", "severity": "warning", "message": "dated 2024-02-19, newer than above"},
        ],
    )
    page = browser_page
    page.goto(f"/repository/checks/{check.pk}/")
    text = page.inner_text("main")
    assert "1 error and 1 warning" in text and "README.md:70" in text and "the same arXiv id" in text
    assert low_contrast_texts(page) == []
    screenshot(page, "repository-check")
