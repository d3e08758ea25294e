"""publish_readme without a repository: the export and the fixture written to their files, unless the checks of the
export find an error and --publish-anyway was not given."""

from io import StringIO

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.models import Paper, Section
from catalog.services.fixtures import catalog_fixture
from catalog.services.readme_export import export_readme
from tests.admin_support import make_user, paper_form_data

LISTED_URL = "https://arxiv.org/pdf/2403.00745"


def publish(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("publish_readme", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def add_a_duplicate() -> str:
    """A copy of a listed paper in an earlier section, so the listed one is the duplicate `lint_readme` finds; its
    finding as `README.md:LINE: rule: message`."""
    listed = Paper.objects.get(url=LISTED_URL)
    Paper.objects.create(
        title="A copy", url=listed.url, date=listed.date, section=Section.objects.get(title="Position Papers")
    )
    lines = export_readme().split("\n")
    copy = next(number for number, text in enumerate(lines, 1) if "[**A copy**]" in text)
    line = next(number for number, text in enumerate(lines, 1) if listed.url in text and number != copy)
    return f"README.md:{line}: duplicate: the same arXiv id 2403.00745 as line {copy}"


@pytest.fixture
def files(seeded, settings, tmp_path):
    """The seed README and its fixture, published where the settings say."""
    settings.CATALOG_README_PATH = tmp_path / "README.md"
    settings.CATALOG_FIXTURE_PATH = tmp_path / "catalog.json"
    settings.CATALOG_README_PATH.write_text(export_readme(), encoding="utf-8")
    settings.CATALOG_FIXTURE_PATH.write_text(catalog_fixture()[0], encoding="utf-8")
    return settings.CATALOG_README_PATH, settings.CATALOG_FIXTURE_PATH


def contents(paths):
    return [path.read_bytes() for path in paths]


def test_a_publish_writes_the_export_and_the_fixture_and_warnings_do_not_stop_it(files):
    """The seed's export has warnings only (trailing whitespace, date order)."""
    paper = Paper.objects.get(url=LISTED_URL)
    paper.title += " (revised)"
    paper.save()
    out, err = publish()
    assert out == "Published the README: 1 line added, 1 removed; fixture regenerated.\n" and err == ""
    assert files[0].read_text(encoding="utf-8") == export_readme()
    assert "(revised)" in files[1].read_text(encoding="utf-8")
    assert publish()[0].startswith("Nothing to publish")


def test_a_publish_is_recorded_as_the_admins_and_the_index_counts_no_change_left(files, client):
    make_user("alice")
    paper = Paper.objects.get(url=LISTED_URL)
    client.force_login(make_user("maintainer", superuser=True))
    client.post(f"/admin/catalog/paper/{paper.pk}/change/", paper_form_data(paper, title=f"{paper.title} (revised)"))
    assert ">1 unpublished change<" in client.get("/admin/").content.decode()
    publish("--user", "alice")
    assert ">0 unpublished changes<" in client.get("/admin/").content.decode()
    page = client.get("/admin/readme/").content.decode()
    assert "by alice: Published the README: 1 line added, 1 removed." in page
    Paper.objects.filter(pk=paper.pk).update(title="Retitled")
    publish()
    entry = LogEntry.objects.filter(object_repr="README").latest("action_time")
    assert (entry.user.username, entry.user.is_active) == ("readme-publish", False), "no --user: a system account"


def test_an_error_in_the_export_refuses_the_publish_and_lists_the_findings(files):
    before = contents(files)
    finding = add_a_duplicate()
    for args in [(), ("--dry-run",)]:
        err = StringIO()
        with pytest.raises(CommandError) as refused:
            call_command("publish_readme", *args, stdout=StringIO(), stderr=err)
        assert err.getvalue().splitlines() == [finding], args
        assert str(refused.value) == (
            "Nothing was published: the checks find 1 error in the export (listed above). Correct them, or run "
            "again with --publish-anyway to publish with them."
        )
        assert contents(files) == before, "nothing written"


def test_publish_anyway_publishes_with_the_errors_still_listed(files):
    finding = add_a_duplicate()
    out, err = publish("--publish-anyway")
    assert err.splitlines() == [finding], "still listed"
    assert out.startswith("Published the README")
    assert "[**A copy**]" in files[0].read_text(encoding="utf-8")
