"""What the README writes of an entry that the catalog has no field for, shown and edited in the admin: the lines
the entry is written as, the description of a paper written as a list item or heading, a paper's cells in the
columns of its table the catalog does not know. An edit is written into the README and reads back as written."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils.html import escape

from catalog.models import Paper, Resource
from catalog.readme import parse
from catalog.services.readme_export import export_readme
from history.models import FieldChange
from tests.admin_support import make_user, paper_form_data
from tests.test_readme_shapes import SAMPLES, entry, sample

pytestmark = pytest.mark.django_db
AUTHORS_ROW = "| A. Author, B. Author | NeurIPS |"


@pytest.fixture
def maintainer(client):
    client.force_login(make_user("maintainer", superuser=True))
    return client


def imported(name: str) -> str:
    call_command("import_readme", str(SAMPLES / name), stdout=StringIO(), stderr=StringIO())
    return sample(name)


def change_url(entry) -> str:
    return f"/admin/catalog/{entry._meta.model_name}/{entry.pk}/change/"


def test_the_change_page_shows_the_readme_line_and_a_field_for_each_column_the_catalog_does_not_know(maintainer):
    text = imported("paper_tables.md")
    paper = Paper.objects.get(title="Automated Circuit Finding")
    page = maintainer.get(change_url(paper)).content.decode()
    (line,) = [line for line in text.split("\n") if "Automated Circuit Finding" in line]
    assert escape(line) in page
    assert "Authors (README column)" in page
    assert 'name="kept_cell_0" value="A. Author, B. Author"' in page


def test_an_edited_cell_is_written_into_its_row_reads_back_and_is_in_the_history(maintainer):
    text = imported("paper_tables.md")
    paper = Paper.objects.get(title="Automated Circuit Finding")
    response = maintainer.post(change_url(paper), paper_form_data(paper, kept_cell_0="A. Author, C. Author"))
    assert response.status_code == 302, response.content.decode()[:3000]
    exported = export_readme()
    assert exported == text.replace(AUTHORS_ROW, "| A. Author, C. Author | NeurIPS |")
    assert entry(parse(exported), "Automated Circuit Finding").hints["kept_cells"] == ["A. Author, C. Author"]
    change = FieldChange.objects.get(field="Authors (README column)")
    assert (change.old, change.new) == ("A. Author, B. Author", "A. Author, C. Author")


def test_a_cell_that_would_split_its_row_is_refused_and_nothing_changes(maintainer):
    text = imported("paper_tables.md")
    paper = Paper.objects.get(title="Automated Circuit Finding")
    response = maintainer.post(change_url(paper), paper_form_data(paper, kept_cell_0="A. Author | B. Author"))
    assert response.status_code == 200
    assert "must not contain a &#x27;|&#x27;" in response.content.decode()
    assert export_readme() == text


def test_the_description_of_a_paper_item_is_shown_edited_and_written(maintainer):
    text = imported("bracketed.md")
    paper = Paper.objects.get(title="Reading and Controlling Representations")
    page = maintainer.get(change_url(paper)).content.decode()
    assert 'value="A top-down approach to transparency."' in page
    data = paper_form_data(paper, readme_description="A top-down look at *transparency*.")
    assert maintainer.post(change_url(paper), data).status_code == 302
    exported = export_readme()
    assert exported == text.replace("A top-down approach to transparency.", "A top-down look at \\*transparency\\*.")
    reread = entry(parse(exported), "Reading and Controlling Representations")
    assert reread.hints["description"] == "A top-down look at *transparency*."


def test_a_description_for_a_table_row_is_refused(maintainer):
    imported("paper_tables.md")
    paper = Paper.objects.get(title="Automated Circuit Finding")
    response = maintainer.post(change_url(paper), paper_form_data(paper, readme_description="A summary."))
    assert response.status_code == 200
    assert "has no place for a description" in response.content.decode()
    assert "description" not in Paper.objects.get(pk=paper.pk).render_hints


def test_a_resource_change_page_shows_its_readme_line(maintainer):
    text = imported("markup.md")
    resource = Resource.objects.get(name="headscope")
    (line,) = [line for line in text.split("\n") if "[headscope]" in line]
    assert escape(line) in maintainer.get(change_url(resource)).content.decode()
