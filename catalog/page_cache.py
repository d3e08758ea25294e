"""Public pages and outputs cached per catalog version, with ETag and Last-Modified for revalidation.

`PageCacheMiddleware` answers the views marked with `cached_page`, near the top of the middleware stack: a page
served from the cache skips sessions, CSRF, authentication and sign-in throttling, and carries the headers that
the rest of the stack gave it when it was rendered. The cache key holds the catalog's version
(`catalog.catalog_version`), read from the database on every request, so an edit committed by any process is seen by the
next request of every process, whatever cache each uses. Only anonymous GET and HEAD requests are served from
or stored in the cache; a request carrying the session of a signed-in maintainer, or messages waiting, gets a
fresh, private page (a made-up cookie does not). A page sees, and is keyed by, only the query parameters it
reads. Only complete 200 answers that set no cookie are stored, and only they answer 304 to a current validator.
"""

import hashlib
import logging
import time
from datetime import timedelta
from functools import wraps
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe
from redis.exceptions import RedisError

from catalog import download_limit
from catalog.catalog_version import State, current_state
from catalog.unavailable import database_unavailable

logger = logging.getLogger(__name__)

STATUS_HEADER = "X-Page-Cache"
HIT, MISS, BYPASS = "hit", "miss", "bypass"
# Headers that depend on the catalog's version or on the request, set on each answer and not stored.
OWN_HEADERS = {"etag", "last-modified", STATUS_HEADER.lower()}
CONDITIONAL_HEADERS = ("HTTP_IF_MATCH", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE")
# A Last-Modified has a one-second resolution: it is only sent once its second is over, so that a later
# change never carries the same Last-Modified (If-Modified-Since would then wrongly answer 304).
LAST_MODIFIED_SETTLING = timedelta(seconds=1)


def cached_page(view, *, reads=(), limited=False):
    """Mark `view` as a page that `PageCacheMiddleware` serves from the cache to anonymous visitors.

    `reads` names the query parameters the page reads: the view sees only those (the others are dropped, as are
    empty values), and the cache key holds only those, so `?utm_source=…` or a reordered query is the same page.
    A `limited` page is a download: each client address may ask for a few a minute (`catalog.download_limit`).
    """

    @wraps(view)
    def page(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    page.cached_page = True
    page.reads = frozenset(reads)
    page.limited = limited
    return page


def cached_view(request):
    """The `cached_page` view the request is for, or None."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return match.func if getattr(match.func, "cached_page", False) else None


def read_parameters(query: QueryDict, names) -> QueryDict:
    """The parameters of `query` that are in `names` and not empty, sorted by name (values in their order)."""
    kept = QueryDict(mutable=True)
    for name in sorted(names & query.keys()):
        if values := [value for value in query.getlist(name) if value != ""]:
            kept.setlist(name, values)
    kept._mutable = False
    return kept


def etag(state: State) -> str:
    return f'"{state.token}"'


def last_modified(state: State) -> int | None:
    """The time of the last change as a timestamp, once its second is over."""
    if state.changed_at is None or timezone.now() - state.changed_at < LAST_MODIFIED_SETTLING:
        return None
    return int(state.changed_at.timestamp())


def is_anonymous_read(request) -> bool:
    return request.method in ("GET", "HEAD") and not is_signed_in(request) and not has_messages(request)


def is_signed_in(request) -> bool:
    """Whether the request carries the session of a signed-in user; a made-up session cookie does not count."""
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return False
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    try:
        return SESSION_KEY in session
    except (OperationalError, InterfaceError):  # the page, rendered privately, then answers with the 503 page
        return True


def has_messages(request) -> bool:
    """Whether messages wait for the visitor, in a cookie the site signed."""
    if CookieStorage.cookie_name not in request.COOKIES:
        return False
    return any(True for _ in CookieStorage(request))


def cache_key(request, state: State) -> str:
    # The address with scheme and host (the JSON, the feed and the sitemap write absolute URLs), and the
    # parameters the page reads.
    address = request.build_absolute_uri(request.path)
    if request.GET:
        address += "?" + request.GET.urlencode()
    return f"page:{state.token}:{hashlib.sha256(address.encode()).hexdigest()}"


def is_storable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(getattr(request, "_messages", None), "used", False)
        and "private" not in response.get("Cache-Control", "")
        and len(response.content) <= settings.CATALOG_PAGE_CACHE_MAX_BYTES
    )


def stored_entry(response):
    headers = [(name, value) for name, value in response.items() if name.lower() not in OWN_HEADERS]
    return response.status_code, headers, response.content


def response_from(entry) -> HttpResponse:
    status, headers, content = entry
    return HttpResponse(content, status=status, headers=headers)


class CacheBreaker:
    """Leaves the cache alone for a while after an error, so that a Redis that hangs costs one request a socket
    timeout, not every request."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.closed_until = 0.0

    def available(self) -> bool:
        return time.monotonic() >= self.closed_until

    def failed(self, error, doing: str):
        pause = settings.CATALOG_PAGE_CACHE_RETRY_SECONDS
        self.closed_until = time.monotonic() + pause
        logger.warning("Page cache unavailable, %s; not used for %g s: %s", doing, pause, error)


breaker = CacheBreaker()


def _cache_get(key):
    if not settings.CATALOG_PAGE_CACHE_SECONDS or not breaker.available():
        return None
    try:
        return caches[settings.CATALOG_PAGE_CACHE].get(key)
    except RedisError as error:
        breaker.failed(error, "serving without it")
        return None


def _cache_set(key, entry):
    if not settings.CATALOG_PAGE_CACHE_SECONDS or not breaker.available():
        return
    try:
        caches[settings.CATALOG_PAGE_CACHE].set(key, entry, settings.CATALOG_PAGE_CACHE_SECONDS)
    except RedisError as error:
        breaker.failed(error, "page not stored")


def revalidated(response, state: State):
    """Browsers and proxies may keep the page, but ask each time whether it is still current."""
    patch_cache_control(response, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    if response.status_code in (200, 304) and not response.has_header("ETag"):  # a file knows its own version
        with_validators(response, state)
    return response


def with_validators(response, state: State):
    response["ETag"] = etag(state)
    changed = last_modified(state)
    if changed:
        response["Last-Modified"] = http_date(changed)
    else:
        response.headers.pop("Last-Modified", None)
    return response


def private(response):
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    response[STATUS_HEADER] = BYPASS
    return response


class PageCacheMiddleware:
    """Serves the pages marked with `cached_page` from the page cache, and stores them, with validators that
    answer 304 when the catalog is unchanged.

    It sits above the session, CSRF, authentication and messages middleware, so that a cached page costs the
    version query and one cache read; the headers those add to a page (X-Frame-Options, the CSP) are stored
    with it. The middleware above it (security headers) applies to every answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = cached_view(request)
        if view is None:
            return self.get_response(request)
        request.GET = read_parameters(request.GET, view.reads)
        if view.limited and (refused := download_limit.refusal(request, breaker)):
            return refused
        if not is_anonymous_read(request):
            return private(self.get_response(request))
        try:
            state = current_state()
        except (OperationalError, InterfaceError) as error:
            # Every cached page reads the catalog: answered at once, rather than after a second wait for it.
            return database_unavailable(request, error)
        request.catalog_state = state  # for a view that needs the version too, without reading it again
        key = cache_key(request, state)
        entry = _cache_get(key)
        if entry is not None:
            response = with_validators(response_from(entry), state)
            response[STATUS_HEADER] = HIT
        else:
            response = revalidated(self.get_response(request), state)
            if is_storable(request, response):
                _cache_set(key, stored_entry(response))
            response.headers.setdefault(STATUS_HEADER, MISS)
        return conditional(request, response, state)


def conditional(request, response, state: State):
    """`response`, or a 304 (412) when the request's validators say the client's copy is current (stale).

    Only a page that is there is ever answered 304: the validators are checked against the answer itself, a
    cached one or one just rendered, never before it is known. An If-Modified-Since in the future is ignored,
    as RFC 9110 asks: the client cannot have seen that time.
    """
    if response.status_code != 200 or not any(header in request.META for header in CONDITIONAL_HEADERS):
        return response
    changed = parse_http_date_safe(response.get("Last-Modified", ""))
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    if since is not None and since > time.time():
        changed = None
    answer = get_conditional_response(request, etag=response.get("ETag"), last_modified=changed, response=response)
    if answer is response:
        return response
    release(response)
    answer[STATUS_HEADER] = response[STATUS_HEADER]
    return revalidated(answer, state)


def release(response):
    """Close the file a response not sent holds open (a download's), but not with `response.close()`: that also
    sends `request_finished`, and Django then closes the request's database connection while the request is
    still being answered (and, in a test, the connection of the test's transaction)."""
    if file := getattr(response, "file_to_stream", None):
        file.close()
