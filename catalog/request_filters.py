"""The paper filter of a request's parameters, the redirect to renamed values and the 400 answer for bad ones:
for the outputs and the feed."""

from django.http import HttpResponseBadRequest, HttpResponsePermanentRedirect

from catalog.filters import PaperFilter
from catalog.renames import renamed_query
from catalog.selectors import paper_list_queryset


def filtered_papers(request, queryset=None):
    """The filter for the request's GET parameters over `queryset`, by default papers with all they show."""
    if queryset is None:
        queryset = paper_list_queryset()
    return PaperFilter(request.GET, queryset=queryset, request=request)


def renamed_redirect(request, paper_filter):
    """A 301 to the same output with the current names of renamed or merged tags and venues, or None."""
    renamed = renamed_query(paper_filter)
    return None if renamed is None else HttpResponsePermanentRedirect(f"{request.path}?{renamed.urlencode()}")


def bad_filters(errors) -> HttpResponseBadRequest:
    """A 400 answer listing each bad parameter and what is wrong with it, one per line."""
    text = "".join(f"{field}: {' '.join(messages)}\n" for field, messages in errors.items())
    return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")
