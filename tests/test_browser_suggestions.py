"""A reader suggests a paper and a maintainer accepts it, previews and publishes the README, in a real browser; axe
finds nothing on the pages used."""

from catalog.models import Paper, Resource
from suggestions.models import Suggestion
from tests.admin_support import make_user
from tests.axe import axe_violations, require_axe
from tests.browser import screenshot
from tests.test_browser_admin import published_readme, sign_in  # noqa: F401 (fixture)

TITLE = "Scaling and Evaluating Sparse Autoencoders"
SAE = "SAE, Dictionary Learning and Superposition"


def unexpected_errors(page):
    # the admin has no favicon: its 404 is the only resource allowed to fail
    return [error for error in page.console_errors if not error.startswith("Failed to load resource")]


def test_a_reader_suggests_a_paper_and_a_maintainer_accepts_and_publishes_it(seeded, published_readme, browser_page):  # noqa: F811
    require_axe()
    page = browser_page
    page.goto("/suggest/")
    assert axe_violations(page) == []
    page.fill("#id_reference", "2406.04093")
    page.fill("#id_title", TITLE)
    page.fill("#id_authors", "Leo Gao, Tom Dupré la Tour, Henk Tillman")
    page.fill("#id_date", "2024-06-06")
    page.fill("#id_venue", "arXiv")
    page.select_option("#id_section", label=SAE)
    page.fill("#id_code_url", "https://github.com/openai/sparse_autoencoder")
    page.fill("#id_note", "The reference for training SAEs at scale.")
    page.fill("#id_credit", "@sae-reader")
    screenshot(page, "suggest-form")
    page.click("button[type=submit]")
    page.wait_for_url("**/suggest/thanks/")
    assert "What happens next" in page.inner_text("main")
    assert axe_violations(page) == []
    screenshot(page, "suggest-thanks")

    page.goto("/suggest/")
    page.fill("#id_reference", "https://arxiv.org/pdf/2406.04093v2")
    page.fill("#id_title", "Another title")
    page.fill("#id_date", "2024-06-06")
    page.click("button[type=submit]")
    assert "Someone has already suggested this paper" in page.inner_text("[role=alert]")
    assert axe_violations(page) == []
    screenshot(page, "suggest-duplicate")

    make_user("maintainer", superuser=True)
    sign_in(page, "maintainer")
    assert page.inner_text("#pending-suggestions") == "1 pending suggestion from readers."
    page.click("text=Suggestions")
    page.wait_for_selector("#result_list")
    assert axe_violations(page) == []
    screenshot(page, "admin-suggestion-queue")
    page.select_option("select[name=action]", "reject_selected")
    assert page.locator("input[name=reason]").is_visible()
    page.click(f"#result_list a:text('{TITLE}')")
    page.wait_for_selector("#review-actions")
    assert page.inner_text("#duplicate-check").startswith("Already there?")
    assert axe_violations(page) == []
    screenshot(page, "admin-suggestion-review")

    page.click("#accept-link")
    page.wait_for_selector("#paper_form")
    assert page.input_value("#id_title") == TITLE
    assert page.input_value("#id_links-0-url") == "https://github.com/openai/sparse_autoencoder"
    assert "sae" in page.input_value("#id_tags")
    page.fill("#id_star_repo", "openai/sparse_autoencoder")
    page.fill("#id_tags", "sae, Scaling Laws")
    assert axe_violations(page) == []
    screenshot(page, "admin-suggestion-accept-form")
    # axe's own checks set inline styles, which the Content-Security-Policy reports; the site's scripts must not.
    page.console_errors.clear()
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    assert "suggested by @sae-reader" in page.inner_text(".messagelist")
    screenshot(page, "admin-suggestion-accepted")

    paper = Paper.objects.get(title=TITLE)
    assert sorted(paper.tags.names()) == ["sae", "scaling-laws"]
    assert Suggestion.objects.get().paper == paper
    page.goto(f"/admin/catalog/paper/{paper.pk}/history/")
    assert "Added from the suggestion of @sae-reader." in page.inner_text("#change-history")
    assert unexpected_errors(page) == []

    page.goto("/admin/readme/")
    changed = page.locator(".readme-preview tr.changed")
    assert changed.count() == 1 and TITLE in changed.inner_text()
    screenshot(page, "admin-readme-preview")
    assert axe_violations(page) == []

    page.console_errors.clear()  # axe's
    page.click("input[name=publish]")
    page.wait_for_selector(".messagelist .success")
    assert "(suggested by @sae-reader)" in page.inner_text(".messagelist")
    published = [line for line in published_readme.read_text(encoding="utf-8").split("\n") if TITLE in line]
    assert len(published) == 1 and "(https://arxiv.org/abs/2406.04093)" in published[0]
    assert "[Github](https://github.com/openai/sparse_autoencoder)" in published[0]
    assert unexpected_errors(page) == []
    screenshot(page, "admin-readme-published")
    assert axe_violations(page) == []


def test_the_admin_pages_of_papers_and_resources_have_no_axe_violations(seeded, browser_page):
    require_axe()
    page = browser_page
    make_user("maintainer", superuser=True)
    sign_in(page, "maintainer")
    paper = Paper.objects.filter(links__isnull=False).first()
    resource = Resource.objects.filter(links__isnull=False).first()
    found = {}
    for path in (
        "/admin/",
        "/admin/catalog/paper/",
        "/admin/catalog/paper/add/",
        f"/admin/catalog/paper/{paper.pk}/change/",
        f"/admin/catalog/paper/{paper.pk}/history/",
        "/admin/catalog/resource/",
        "/admin/catalog/resource/add/",
        f"/admin/catalog/resource/{resource.pk}/change/",
        "/admin/suggestions/suggestion/",
    ):
        page.goto(path)
        if path.endswith("/change/"):
            page.click(".add-row a")
        if violations := axe_violations(page):
            found[path] = violations
    assert found == {}


def test_the_action_bar_shows_only_the_field_the_action_reads(seeded, browser_page):
    page = browser_page
    make_user("maintainer", superuser=True)
    sign_in(page, "maintainer")
    page.goto("/admin/catalog/paper/")
    fields = {name: page.locator(f".actions [name={name}]") for name in ("tag", "section", "venue")}
    assert [name for name, field in fields.items() if field.is_visible()] == []
    for action, shown in (("add_tag", "tag"), ("move_to_section", "section"), ("set_venue", "venue")):
        page.select_option("select[name=action]", action)
        assert [name for name, field in fields.items() if field.is_visible()] == [shown]
    screenshot(page, "admin-action-bar-venue")
    assert unexpected_errors(page) == []


def test_the_tag_input_offers_the_catalogs_tags_for_the_tag_being_typed(seeded, browser_page):
    page = browser_page
    make_user("maintainer", superuser=True)
    sign_in(page, "maintainer")
    page.goto("/admin/catalog/paper/add/")
    page.fill("#id_tags", "circuits, sa")
    offered = page.eval_on_selector_all("#id_tags-choices option", "options => options.map(o => o.value)")
    assert "circuits, sae" in offered
    assert all(value.startswith("circuits, ") for value in offered)
    assert "circuits, circuits" not in offered
    assert unexpected_errors(page) == []
