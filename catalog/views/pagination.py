"""Pages of 50 entries, the page number validated by a form: a bad or missing page comes with a message saying
why, which the views show on a 404 page."""

from django import forms
from django.core.paginator import Paginator
from django.template.defaultfilters import pluralize

PER_PAGE = 50


class PageForm(forms.Form):
    page = forms.IntegerField(min_value=1, required=False)


class CountedPaginator(Paginator):
    """A paginator told the number of entries, when it is already known: no COUNT query of its own."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self.count = count


def paginate(request, queryset, *, per_page=PER_PAGE, count=None):
    """(paginator, page or None, message): the page is None and the message says why for a page that is not there.

    `count`, when given, is the number of entries of `queryset`."""
    paginator = Paginator(queryset, per_page) if count is None else CountedPaginator(queryset, per_page, count=count)
    form = PageForm(request.GET)
    if not form.is_valid():
        return paginator, None, "The page number must be a whole number from 1."
    number = form.cleaned_data["page"] or 1
    if number > paginator.num_pages:
        pages = f"{paginator.num_pages} page{pluralize(paginator.num_pages)}"
        return paginator, None, f"There is no page {number}: this list has {pages}."
    return paginator, paginator.page(number), ""


def page_numbers(page):
    """The page numbers to link around `page`, with the paginator's ellipsis for the gaps."""
    if page is None:
        return []
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
