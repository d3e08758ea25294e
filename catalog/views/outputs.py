"""Machine-readable outputs: the papers as JSON, CSV and BibTeX, plus robots.txt and the health check."""

import csv
import io
from itertools import islice

from django import forms
from django.core.paginator import EmptyPage, Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from catalog import downloads
from catalog.bibtex import catalog_keys, paper_bibtex
from catalog.models import Paper, PaperAuthor, PaperLink, PaperTopic
from catalog.request_filters import bad_filters, filtered_papers, renamed_redirect

JSON_VERSION = 1
JSON_PAGE_SIZE = 50
JSON_MAX_PAGE_SIZE = 200
EXPORT_CHUNK_SIZE = 500
CSV_HEADER = [
    "id",
    "title",
    "url",
    "venue",
    "venue_kind",
    "date",
    "section",
    "star_repo",
    "code",
    "blog",
    "tags",
    "authors",
    "abstract",
    "arxiv_id",
    "doi",
    "openreview_id",
    "citation_count",
]
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
    if not paper_filter.is_valid() and (redirect := renamed_redirect(request, paper_filter)):
        return redirect
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
        "tags": sorted(tag.slug for tag in paper.topics.all()),
        "authors": [author.name for author in paper.author_list],
        "abstract": paper.abstract,
        "arxiv_id": paper.arxiv_id or None,
        "doi": paper.doi or None,
        "openreview_id": paper.openreview_id or None,
        "citation_count": paper.citation_count,
        "detail_url": request.build_absolute_uri(paper.get_absolute_url()),
    }


def spreadsheet_safe(value: str) -> str:
    return "'" + value if value.startswith(CSV_FORMULA_STARTS) else value


def links_cell(links) -> str:
    return "; ".join(f"{label}: {url}" for label, url in links)


CSV_COLUMNS = (
    "pk",
    "title",
    "url",
    "venue__name",
    "venue__kind",
    "date",
    "section__title",
    "star_repo",
    "abstract",
    "arxiv_id",
    "doi",
    "openreview_id",
    "citation_count",
)


def csv_rows(papers):
    """The CSV rows of the queryset `papers`, in its order: plain rows, read a chunk at a time with the chunk's
    links, topics and authors (links and authors in their order, topics by slug)."""
    rows = papers.prefetch_related(None).values_list(*CSV_COLUMNS).iterator(chunk_size=EXPORT_CHUNK_SIZE)
    while chunk := list(islice(rows, EXPORT_CHUNK_SIZE)):
        ids = [row[0] for row in chunk]
        links = {pk: {PaperLink.Kind.CODE: [], PaperLink.Kind.BLOG: []} for pk in ids}
        for pk, kind, label, url in PaperLink.objects.filter(paper__in=ids).values_list(
            "paper", "kind", "label", "url"
        ):
            links[pk][kind].append((label, url))
        tags = {pk: [] for pk in ids}
        for pk, slug in PaperTopic.objects.filter(entry__in=ids).values_list("entry", "tag__slug"):
            tags[pk].append(slug)
        authors = {pk: [] for pk in ids}
        for pk, name in PaperAuthor.objects.filter(paper__in=ids).values_list("paper", "author__name"):
            authors[pk].append(name)
        for pk, title, url, venue, kind, day, section, star_repo, abstract, arxiv, doi, openreview, cited in chunk:
            row = [str(pk), title, url, venue or "", kind or "", day.isoformat(), section, star_repo]
            row += [links_cell(links[pk][PaperLink.Kind.CODE]), links_cell(links[pk][PaperLink.Kind.BLOG])]
            row += [", ".join(sorted(tags[pk])), "; ".join(authors[pk]), abstract, arxiv, doi, openreview]
            row.append("" if cited is None else str(cited))
            yield [spreadsheet_safe(cell) for cell in row]


def attachment(filename: str) -> str:
    return f'attachment; filename="{filename}"'


def write_csv(papers, out) -> None:
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_rows(papers))


def write_bibtex(papers, out) -> None:
    """BibTeX reads a paper's own fields, its venue, its authors and its topics."""
    credits = Prefetch("paper_authors", queryset=PaperAuthor.objects.select_related("author"))
    papers = papers.prefetch_related(None).select_related("venue").with_topics().prefetch_related(credits)
    keys = catalog_keys()
    out.writelines(paper_bibtex(paper, keys) + "\n" for paper in papers.iterator(chunk_size=EXPORT_CHUNK_SIZE))


CSV_DOWNLOAD = downloads.Download("papers.csv", "text/csv; charset=utf-8", write_csv)
BIBTEX_DOWNLOAD = downloads.Download("papers.bib", "application/x-bibtex; charset=utf-8", write_bibtex)


def download(request, kind: downloads.Download):
    """The papers the filters select, whole (never a truncated download); the full catalog from its file."""
    paper_filter = filtered_papers(request)
    if not paper_filter.is_valid():
        return renamed_redirect(request, paper_filter) or bad_filters(paper_filter.errors)
    if not request.GET:
        return downloads.serve(request, kind, paper_filter.qs)
    content = io.StringIO()
    kind.write(paper_filter.qs, content)
    response = HttpResponse(content.getvalue(), content_type=kind.content_type)
    response["Content-Disposition"] = attachment(kind.filename)
    return response


@require_GET
def papers_csv(request):
    return download(request, CSV_DOWNLOAD)


@require_GET
def papers_bib(request):
    return download(request, BIBTEX_DOWNLOAD)


@require_GET
def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("catalog:sitemap"))
    admin_path = reverse("admin:index")
    lines = ["User-agent: *", f"Disallow: {admin_path}", "Allow: /", "", f"Sitemap: {sitemap_url}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
