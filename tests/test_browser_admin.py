"""A maintainer's week in a real browser: sign in, add a paper, review the README diff, publish it."""

import difflib
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from catalog.models import Paper
from catalog.services.fixtures import catalog_fixture
from tests.admin_support import PASSWORD, make_user
from tests.browser import screenshot

FIXTURES = Path(django_settings.BASE_DIR) / "fixtures"
TITLE = "Scaling and Evaluating Sparse Autoencoders"
URL = "https://arxiv.org/abs/2406.04093"
CODE_LINKS = [
    ("Github", "https://github.com/openai/sparse_autoencoder"),
    ("Code", "https://example.org/sae-training-code"),
]
CODE_CELL = "| [Github](https://github.com/openai/sparse_autoencoder), [Code](https://example.org/sae-training-code) |"


@pytest.fixture
def published_readme(seeded, settings, tmp_path):
    settings.CATALOG_README_PATH = tmp_path / "README.md"
    settings.CATALOG_FIXTURE_PATH = tmp_path / "catalog.json"
    settings.CATALOG_README_PATH.write_bytes((FIXTURES / "README.md").read_bytes())
    settings.CATALOG_FIXTURE_PATH.write_text(catalog_fixture()[0], encoding="utf-8")
    return settings.CATALOG_README_PATH


def choose_in_autocomplete(page, field, text):
    page.click(f".field-{field} .select2-selection")
    page.fill(".select2-container--open .select2-search__field", text)
    page.locator(".select2-results__option", has_text=text).first.click()


def sign_in(page, username):
    page.goto("/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#readme-module")


def test_add_a_paper_review_the_diff_and_publish(seeded, published_readme, browser_page):
    page = browser_page
    failed_requests = []
    page.on("response", lambda r: r.status >= 400 and "favicon" not in r.url and failed_requests.append(r.url))
    make_user("maintainer", superuser=True)
    original = published_readme.read_text(encoding="utf-8")

    sign_in(page, "maintainer")

    page.goto("/admin/catalog/paper/add/")
    page.fill("#id_title", TITLE)
    page.fill("#id_url", URL)
    choose_in_autocomplete(page, "venue", "arXiv")
    page.fill("#id_date", "2024-06-06")
    choose_in_autocomplete(page, "section", "SAE, Dictionary Learning")
    page.fill("#id_tags", "sae")
    for index, (label, url) in enumerate(CODE_LINKS):
        page.click("#links-group .add-row a")
        page.select_option(f"#id_links-{index}-kind", "code")
        page.fill(f"#id_links-{index}-position", str(index))
        page.fill(f"#id_links-{index}-label", label)
        page.fill(f"#id_links-{index}-url", url)
    page.click("input[name=_save]")

    page.wait_for_selector(".messagelist .success")
    page.fill("#searchbar", "Evaluating Sparse Autoencoders")
    page.press("#searchbar", "Enter")
    page.wait_for_url("**/admin/catalog/paper/?q=*")
    row = page.locator("#result_list tbody tr", has_text=TITLE)
    assert row.count() == 1
    assert "sae" in row.locator("td.field-tag_list").inner_text()
    assert row.locator("td.field-has_code img").get_attribute("alt") == "True"
    screenshot(page, "admin-paper-changelist")

    page.goto("/admin/")
    page.click("#readme-module a")
    page.wait_for_selector(".readme-diff")
    assert page.locator("[data-testid=lines-added]").inner_text() == "1 line added"
    assert page.locator("[data-testid=lines-removed]").inner_text() == "0 lines removed"
    added = page.locator(".readme-diff code.added").all_inner_texts()
    assert len(added) == 1 and TITLE in added[0]
    assert CODE_CELL in added[0]
    screenshot(page, "admin-readme-diff")

    page.click("input[name=publish]")
    page.wait_for_selector(".messagelist .success")
    assert "Nothing to publish" in page.locator("#content-main").inner_text()
    published = published_readme.read_text(encoding="utf-8")
    changes = [
        line for line in difflib.ndiff(original.split("\n"), published.split("\n")) if line.startswith(("+ ", "- "))
    ]
    assert len(changes) == 1 and changes[0].startswith("+ ") and TITLE in changes[0]
    assert CODE_CELL in changes[0]
    assert Paper.objects.get(title=TITLE).links.count() == 2
    assert [error for error in page.console_errors if not error.startswith("Failed to load resource")] == []
    assert failed_requests == []


def test_a_bulk_action_runs_under_the_content_security_policy(seeded, browser_page):
    page = browser_page
    make_user("maintainer", superuser=True)
    sign_in(page, "maintainer")
    page.goto("/admin/catalog/paper/?q=superposition")
    matching = page.locator("#result_list tbody tr").count()
    page.check("#action-toggle")
    assert page.locator(".action-counter").inner_text().startswith(f"{matching} of {matching} selected")
    page.select_option("select[name=action]", "add_tag")
    page.fill("input[name=tag]", "superposition-reading")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist .success")
    assert Paper.objects.filter(tags__name="superposition-reading").count() == matching > 0
    # the admin has no favicon: its 404 is the only resource allowed to fail
    assert [error for error in page.console_errors if not error.startswith("Failed to load resource")] == []
