"""Maintainers review readers' suggestions: the queue, accepting one as a paper, rejecting with a reason."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.utils import timezone

from catalog.models import Paper, PaperLink, Section
from suggestions.models import Suggestion
from tests.admin_support import inline_management, make_user
from tests.test_suggestions import suggestion_data

pytestmark = pytest.mark.django_db

QUEUE = "/admin/suggestions/suggestion/"
SAE = "SAE, Dictionary Learning and Superposition"


@pytest.fixture
def maintainer(client):
    client.force_login(make_user("maintainer", superuser=True))
    return client


def suggest(title="Scaling and Evaluating Sparse Autoencoders", url="https://arxiv.org/abs/2406.04093", **fields):
    values = {
        "reference": url,
        "url": url,
        "title": title,
        "date": datetime.date(2024, 6, 6),
        "venue": "arXiv",
        "section": Section.objects.get(title=SAE),
        "code_url": "https://github.com/openai/sparse_autoencoder",
        "credit": "@reader",
        "authors": "Leo Gao, Tom Dupré la Tour",
        **fields,
    }
    return Suggestion.objects.create(**values)


def history(obj):
    return list(
        LogEntry.objects.filter(object_id=str(obj.pk), content_type__model=obj._meta.model_name)
        .order_by("action_time", "id")
        .values_list("change_message", flat=True)
    )


def test_the_queue_lists_pending_newest_first_with_the_duplicate_check(seeded, maintainer):
    listed = Paper.objects.get(url="https://arxiv.org/pdf/2403.00745")
    old = suggest(title="An Older Suggestion", url="https://example.org/older")
    Suggestion.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=1))
    twin = suggest(title=listed.title.lower(), url="https://openreview.net/forum?id=xyz")
    suggest(title="Rejected One", url="https://example.org/rejected", status=Suggestion.Status.REJECTED)
    content = maintainer.get(QUEUE).content.decode()
    assert content.index(twin.title) < content.index("An Older Suggestion")
    assert "Rejected One" not in content
    assert f'Listed: <a href="/admin/catalog/paper/{listed.pk}/change/">' in content
    assert "Rejected One" in maintainer.get(QUEUE + "?status=rejected").content.decode()


def test_the_admin_index_shows_the_queue_count(seeded, maintainer):
    suggest()
    suggest(title="Another", url="https://example.org/another")
    suggest(title="Done", url="https://example.org/done", status=Suggestion.Status.ACCEPTED)
    content = maintainer.get("/admin/").content.decode()
    assert "2 pending suggestions from readers." in content


def test_accepting_opens_the_paper_form_filled_from_the_suggestion(seeded, maintainer):
    suggestion = suggest()
    review = maintainer.get(f"{QUEUE}{suggestion.pk}/change/").content.decode()
    assert f'href="/admin/catalog/paper/add/?suggestion={suggestion.pk}"' in review
    form = maintainer.get(f"/admin/catalog/paper/add/?suggestion={suggestion.pk}")
    initial = form.context["adminform"].form.initial
    assert initial["title"] == suggestion.title and initial["url"] == suggestion.url
    assert initial["section"] == Section.objects.get(title=SAE).pk
    assert initial["venue"] == Paper.objects.filter(venue__name="arXiv").first().venue_id
    assert "sae" in initial["tags"]
    formsets = {inline.formset.prefix: inline.formset for inline in form.context["inline_admin_formsets"]}
    assert formsets["links"].forms[0].initial["url"] == "https://github.com/openai/sparse_autoencoder"
    assert [f.initial["name"] for f in formsets["paper_authors"].forms] == ["Leo Gao", "Tom Dupré la Tour"]
    assert "From the suggestion of @reader" in form.content.decode()


def accept_data(suggestion, **changes):
    data = {
        "title": suggestion.title,
        "url": suggestion.url,
        "venue": Paper.objects.filter(venue__name="arXiv").first().venue_id,
        "date": "2024-06-06",
        "section": Section.objects.get(title=SAE).pk,
        "star_repo": "openai/sparse_autoencoder",
        "tags": "sae, Scaling Laws",
        "position": "",
        **inline_management("paper_authors", total=2),
        "paper_authors-0-position": "0",
        "paper_authors-0-name": "Leo Gao",
        "paper_authors-1-position": "1",
        "paper_authors-1-name": "Tom Dupré la Tour",
        **inline_management("links", total=1),
        "links-0-kind": "code",
        "links-0-position": "0",
        "links-0-label": "Github",
        "links-0-url": suggestion.code_url,
    }
    data.update(changes)
    return data


def test_accepting_adds_the_paper_credits_the_reader_and_reaches_the_readme(seeded, maintainer, export):
    suggestion = suggest()
    data = accept_data(suggestion, title="Scaling and evaluating sparse autoencoders")
    response = maintainer.post(f"/admin/catalog/paper/add/?suggestion={suggestion.pk}", data)
    assert response.status_code == 302 and response["Location"] == QUEUE
    paper = Paper.objects.get(title="Scaling and evaluating sparse autoencoders")
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.ACCEPTED and suggestion.paper == paper
    assert suggestion.reviewed_by.username == "maintainer"
    assert history(paper) == ["Added from the suggestion of @reader."]
    assert history(suggestion) == [f"Accepted as the paper “{paper}” (id {paper.pk})."]
    assert [link.url for link in paper.links.all()] == ["https://github.com/openai/sparse_autoencoder"]
    assert paper.links.get().kind == PaperLink.Kind.CODE
    assert [a.author.name for a in paper.paper_authors.select_related("author")] == ["Leo Gao", "Tom Dupré la Tour"]
    line = (
        "| ![GitHub Repo stars](https://img.shields.io/github/stars/openai/sparse_autoencoder) <br> "
        "[**Scaling and evaluating sparse autoencoders**](https://arxiv.org/abs/2406.04093) <br>| arXiv | 2024-06-06 "
        "| [Github](https://github.com/openai/sparse_autoencoder) | - |"
    )
    assert line in export().splitlines()
    assert "0 pending suggestions" in maintainer.get("/admin/").content.decode()


def test_an_accepted_suggestion_cannot_be_accepted_again(seeded, maintainer):
    suggestion = suggest(status=Suggestion.Status.ACCEPTED)
    count = Paper.objects.count()
    response = maintainer.post(f"/admin/catalog/paper/add/?suggestion={suggestion.pk}", accept_data(suggestion))
    assert response.status_code == 302 and response["Location"] == QUEUE
    assert Paper.objects.count() == count
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("not pending any more" in m for m in messages)


def test_a_duplicate_found_when_accepting_is_refused_like_any_paper(seeded, maintainer):
    suggestion = suggest(url="https://arxiv.org/abs/2403.00745")
    response = maintainer.post(f"/admin/catalog/paper/add/?suggestion={suggestion.pk}", accept_data(suggestion))
    assert response.status_code == 200
    assert "already listed" in str(response.context["adminform"].form.errors["url"])
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.PENDING


def test_rejecting_needs_a_reason_and_keeps_it(seeded, maintainer):
    suggestion = suggest()
    refused = maintainer.post(f"{QUEUE}{suggestion.pk}/reject/", {"reason": ""})
    assert refused.status_code == 400 and "This field is required." in refused.content.decode()
    response = maintainer.post(f"{QUEUE}{suggestion.pk}/reject/", {"reason": "Not about language models."})
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.reason) == (Suggestion.Status.REJECTED, "Not about language models.")
    assert history(suggestion) == ["Rejected: Not about language models."]
    assert not Paper.objects.filter(title=suggestion.title).exists()


def test_a_spam_burst_is_rejected_in_bulk(seeded, maintainer):
    spam = [suggest(title=f"Buy now {n}", url=f"https://spam.example/{n}") for n in range(5)]
    keep = suggest()
    data = {"action": "reject_selected", "reason": "spam", "_selected_action": [s.pk for s in spam], "index": 0}
    assert maintainer.post(QUEUE, data).status_code == 302
    assert Suggestion.objects.filter(status=Suggestion.Status.REJECTED, reason="spam").count() == 5
    keep.refresh_from_db()
    assert keep.status == Suggestion.Status.PENDING
    missing = maintainer.post(QUEUE, {**data, "_selected_action": [keep.pk], "reason": ""}, follow=True)
    assert "Give a reason next to the action" in missing.content.decode()


def test_a_reviewer_without_permission_cannot_reject(seeded, client):
    suggestion = suggest()
    client.force_login(make_user("reader", permissions=["view_paper"]))
    assert client.post(f"{QUEUE}{suggestion.pk}/reject/", {"reason": "no"}).status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.PENDING


def test_the_publish_summary_names_who_suggested_the_new_papers(seeded, maintainer, settings, tmp_path):
    settings.CATALOG_README_PATH = tmp_path / "README.md"
    settings.CATALOG_FIXTURE_PATH = tmp_path / "catalog.json"
    suggestion = suggest()
    maintainer.post(f"/admin/catalog/paper/add/?suggestion={suggestion.pk}", accept_data(suggestion))
    fingerprint = maintainer.get("/admin/readme/").context["preview"].fingerprint
    maintainer.post("/admin/readme/", {"publish": "1", "fingerprint": fingerprint})
    entry = LogEntry.objects.filter(object_repr="README").get()
    assert entry.change_message.endswith("(suggested by @reader).")


def test_the_admin_index_counts_the_changes_since_the_last_publish(seeded, maintainer, settings, tmp_path):
    settings.CATALOG_README_PATH = tmp_path / "README.md"
    settings.CATALOG_FIXTURE_PATH = tmp_path / "catalog.json"
    assert "0 unpublished changes" in maintainer.get("/admin/").content.decode()
    suggestion = suggest()
    maintainer.post(f"/admin/catalog/paper/add/?suggestion={suggestion.pk}", accept_data(suggestion))
    paper = Paper.objects.get(url=suggestion.url)
    data = {"action": "add_tag", "tag": "favourite", "_selected_action": [paper.pk], "index": 0}
    maintainer.post("/admin/catalog/paper/", data)
    assert "2 unpublished changes" in maintainer.get("/admin/").content.decode()
    fingerprint = maintainer.get("/admin/readme/").context["preview"].fingerprint
    maintainer.post("/admin/readme/", {"publish": "1", "fingerprint": fingerprint})
    assert "0 unpublished changes" in maintainer.get("/admin/").content.decode()


@pytest.fixture
def readme_files(seeded, settings, tmp_path):
    settings.CATALOG_README_PATH = tmp_path / "README.md"
    settings.CATALOG_FIXTURE_PATH = tmp_path / "catalog.json"


def test_a_suggestion_goes_from_the_public_form_to_a_published_readme_line(readme_files, maintainer, settings, export):
    settings.CATALOG_README_PATH.write_text(export(), encoding="utf-8")
    reader = Client()
    assert reader.post("/suggest/", suggestion_data(credit="@reader")).status_code == 302
    suggestion = Suggestion.objects.get()
    data = accept_data(suggestion, title=suggestion.title)
    maintainer.post(f"/admin/catalog/paper/add/?suggestion={suggestion.pk}", data)
    fingerprint = maintainer.get("/admin/readme/").context["preview"].fingerprint
    published = maintainer.post("/admin/readme/", {"publish": "1", "fingerprint": fingerprint}, follow=True)
    assert "1 line added, 0 removed (suggested by @reader)" in published.content.decode()
    line = (
        "| ![GitHub Repo stars](https://img.shields.io/github/stars/openai/sparse_autoencoder) <br> "
        f"[**{suggestion.title}**](https://arxiv.org/abs/2406.04093) <br>| arXiv | 2024-06-06 "
        "| [Github](https://github.com/openai/sparse_autoencoder) | - |"
    )
    assert line in settings.CATALOG_README_PATH.read_text(encoding="utf-8").split("\n")


def test_an_error_in_the_export_is_linked_to_its_entry_and_needs_publish_anyway(readme_files, maintainer, settings):
    listed = Paper.objects.get(url="https://arxiv.org/pdf/2403.00745")
    twin = Paper.objects.create(
        title="A copy", url=listed.url, date=listed.date, section=Section.objects.get(title="Position Papers")
    )
    page = maintainer.get("/admin/readme/")
    content = page.content.decode()
    # the copy comes first in the README, so the listed paper, after it, is the duplicate
    assert twin.section.position < listed.section.position
    assert f'(<a href="/admin/catalog/paper/{listed.pk}/change/">{listed.title}</a>): duplicate (error)' in content
    assert "Publish anyway, with 1 error" in content
    fingerprint = page.context["preview"].fingerprint
    refused = maintainer.post("/admin/readme/", {"publish": "1", "fingerprint": fingerprint}, follow=True)
    assert "Nothing was published: the checks find 1 error in the export." in refused.content.decode()
    assert not LogEntry.objects.filter(object_repr="README").exists()
    data = {"publish": "1", "fingerprint": fingerprint, "publish_anyway": "1"}
    maintainer.post("/admin/readme/", data)
    assert LogEntry.objects.filter(object_repr="README").count() == 1
    assert "[**A copy**]" in settings.CATALOG_README_PATH.read_text(encoding="utf-8")


def test_the_readme_page_renders_the_export_and_marks_the_added_entry(readme_files, maintainer, settings):
    settings.CATALOG_README_PATH.write_text(
        (settings.BASE_DIR / "fixtures" / "README.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    suggestion = suggest()
    maintainer.post(f"/admin/catalog/paper/add/?suggestion={suggestion.pk}", accept_data(suggestion))
    content = maintainer.get("/admin/readme/").content.decode()
    preview = content[content.index('class="readme-preview"') : content.index('class="readme-diff"')]
    assert '<tr class="changed">' in preview
    changed = preview[preview.index('<tr class="changed">') :]
    assert "Scaling and Evaluating Sparse Autoencoders" in changed[: changed.index("</tr>")]
    assert preview.count('class="changed"') == 1
    assert "<table>" in preview and "<script" not in preview and "<img" not in preview
    assert '<span class="badge">GitHub Repo stars</span>' in preview


def test_the_preview_is_sanitised():
    from catalog.services.readme_preview import render_preview

    html = render_preview('# T\n\n<script>alert(1)</script> [x](javascript:alert(1)) <b onclick="x">b</b>\n')
    assert "<script" not in html and 'href="javascript' not in html and "<b " not in html
    assert "&lt;script&gt;" in html
