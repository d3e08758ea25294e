"""Machine-readable outputs: the papers as JSON, CSV and BibTeX, plus robots.txt."""

import csv
import io

from django import forms
from django.core.paginator import EmptyPage, Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from catalog.bibtex import paper_bibtex
from catalog.models import Paper
from catalog.request_filters import bad_filters, filtered_papers

JSON_VERSION = 1
JSON_PAGE_SIZE = 50
JSON_MAX_PAGE_SIZE = 200
EXPORT_CHUNK_SIZE = 500
CSV_HEADER = ["id", "title", "url", "venue", "venue_kind", "date", "section", "star_repo", "code", "blog", "tags"]
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class HTMLSafeJSONEncoder(DjangoJSONEncoder):
    """JSON with `<`, `>` and `&` written as \\u escapes (as `json_script` does), so no value reads as markup."""

    ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}

    def encode(self, o):
        return super().encode(o).translate(self.ESCAPES)


def json_response(data, status=200) -> JsonResponse:
    return JsonResponse(data, status=status, encoder=HTMLSafeJSONEncoder)


class JSONPageForm(forms.Form):
    page = forms.IntegerField(min_value=1, required=False)
    page_size = forms.IntegerField(min_value=1, max_value=JSON_MAX_PAGE_SIZE, required=False)


@require_GET
def papers_json(request):
    paper_filter = filtered_papers(request)
    page_form = JSONPageForm(request.GET)
    if not paper_filter.is_valid() or not page_form.is_valid():
        return json_response({"errors": {**paper_filter.errors, **page_form.errors}}, status=400)
    page_size = page_form.cleaned_data["page_size"] or JSON_PAGE_SIZE
    paginator = Paginator(paper_filter.qs, page_size)
    try:
        page = paginator.page(page_form.cleaned_data["page"] or 1)
    except EmptyPage:
        message = f"There is no page {page_form.cleaned_data['page']}; there are {paginator.num_pages}."
        return json_response({"errors": {"page": [message]}}, status=404)
    return json_response(
        {
            "version": JSON_VERSION,
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "page_size": page_size,
            "next": page_url(request, page.next_page_number()) if page.has_next() else None,
            "previous": page_url(request, page.previous_page_number()) if page.has_previous() else None,
            "papers": [paper_json(request, paper) for paper in page],
        }
    )


def page_url(request, number: int) -> str:
    query = request.GET.copy()
    query["page"] = number
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def paper_json(request, paper: Paper) -> dict:
    return {
        "id": paper.pk,
        "title": paper.title,
        "url": paper.url,
        "venue": {"name": paper.venue.name, "kind": paper.venue.kind} if paper.venue else None,
        "date": paper.date.isoformat(),
        "section": {"slug": paper.section.slug, "title": paper.section.title},
        "star_repo": paper.star_repo or None,
        "code": [{"label": link.label, "url": link.url} for link in paper.code_links],
        "blog": [{"label": link.label, "url": link.url} for link in paper.blog_links],
        "tags": sorted(tag.slug for tag in paper.tags.all()),
        "detail_url": request.build_absolute_uri(paper.get_absolute_url()),
    }


def spreadsheet_safe(value: str) -> str:
    return "'" + value if value.startswith(CSV_FORMULA_STARTS) else value


def links_cell(links) -> str:
    return "; ".join(f"{link.label}: {link.url}" for link in links)


def paper_csv_row(paper: Paper) -> list[str]:
    row = [
        str(paper.pk),
        paper.title,
        paper.url,
        paper.venue.name if paper.venue else "",
        paper.venue.kind if paper.venue else "",
        paper.date.isoformat(),
        paper.section.title,
        paper.star_repo,
        links_cell(paper.code_links),
        links_cell(paper.blog_links),
        ", ".join(sorted(tag.slug for tag in paper.tags.all())),
    ]
    return [spreadsheet_safe(cell) for cell in row]


def attachment(filename: str) -> str:
    return f'attachment; filename="{filename}"'


@require_GET
def papers_csv(request):
    paper_filter = filtered_papers(request)
    if not paper_filter.is_valid():
        return bad_filters(paper_filter.errors)
    content = io.StringIO()
    writer = csv.writer(content)
    writer.writerow(CSV_HEADER)
    writer.writerows(paper_csv_row(paper) for paper in paper_filter.qs.iterator(chunk_size=EXPORT_CHUNK_SIZE))
    response = HttpResponse(content.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = attachment("papers.csv")
    return response


@require_GET
def papers_bib(request):
    paper_filter = filtered_papers(request)
    if not paper_filter.is_valid():
        return bad_filters(paper_filter.errors)
    entries = (paper_bibtex(paper) + "\n" for paper in paper_filter.qs.iterator(chunk_size=EXPORT_CHUNK_SIZE))
    response = HttpResponse("".join(entries), content_type="application/x-bibtex; charset=utf-8")
    response["Content-Disposition"] = attachment("papers.bib")
    return response


@require_GET
def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("catalog:sitemap"))
    admin_path = reverse("admin:index")
    lines = ["User-agent: *", f"Disallow: {admin_path}", "Allow: /", "", f"Sitemap: {sitemap_url}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
