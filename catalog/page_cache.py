"""Public pages and outputs cached per catalog version, with ETag and Last-Modified for revalidation.

The cache key holds the catalog's version (`catalog.state`), read from the database on every request, so
an edit committed by any process is seen by the next request of every process, whatever cache each uses.
Only anonymous GET and HEAD requests are served from or stored in the cache; a request carrying a session
or messages cookie (a signed-in maintainer) gets a fresh, private page. Only complete 200 answers that set
no cookie are stored.
"""

import hashlib
import logging
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from redis.exceptions import RedisError

from catalog.state import State, current_state

logger = logging.getLogger(__name__)

STATUS_HEADER = "X-Page-Cache"
HIT, MISS, BYPASS = "hit", "miss", "bypass"
# Headers the wrapper sets itself on every answer, so they are not stored with the page.
OWN_HEADERS = {"etag", "last-modified", "cache-control", "vary", "expires", STATUS_HEADER.lower()}
# A Last-Modified has a one-second resolution: it is only sent once its second is over, so that a later
# change never carries the same Last-Modified (If-Modified-Since would then wrongly answer 304).
LAST_MODIFIED_SETTLING = timedelta(seconds=1)


def etag(state: State) -> str:
    stamp = int(state.changed_at.timestamp() * 1_000_000) if state.changed_at else 0
    return f'"{state.version}.{stamp}"'


def last_modified(state: State) -> int | None:
    """The time of the last change as a timestamp, once its second is over."""
    if state.changed_at is None or timezone.now() - state.changed_at < LAST_MODIFIED_SETTLING:
        return None
    return int(state.changed_at.timestamp())


def is_anonymous_read(request) -> bool:
    cookies = request.COOKIES
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in cookies
        and CookieStorage.cookie_name not in cookies
    )


def cache_key(request, state: State) -> str:
    # The address with scheme and host: the JSON, the feed and the sitemap write absolute URLs.
    address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"page:{etag(state).strip(chr(34))}:{address}"


def is_storable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(getattr(request, "_messages", None), "used", False)
        and "private" not in response.get("Cache-Control", "")
    )


def stored_entry(response, content: bytes):
    headers = [(name, value) for name, value in response.items() if name.lower() not in OWN_HEADERS]
    return response.status_code, headers, content


def response_from(entry) -> HttpResponse:
    status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


def _cache_get(key):
    if not settings.CATALOG_PAGE_CACHE_SECONDS:
        return None
    try:
        return caches[settings.CATALOG_PAGE_CACHE].get(key)
    except RedisError as error:
        logger.warning("Page cache unavailable, serving without it: %s", error)
        return None


def _cache_set(key, entry):
    if not settings.CATALOG_PAGE_CACHE_SECONDS:
        return
    try:
        caches[settings.CATALOG_PAGE_CACHE].set(key, entry, settings.CATALOG_PAGE_CACHE_SECONDS)
    except RedisError as error:
        logger.warning("Page cache unavailable, page not stored: %s", error)


def _render(request, view, key, args, kwargs):
    response = view(request, *args, **kwargs)
    if callable(getattr(response, "render", None)):
        response.render()
    if is_storable(request, response) and len(response.content) <= settings.CATALOG_PAGE_CACHE_MAX_BYTES:
        _cache_set(key, stored_entry(response, response.content))
    return response


def cached_page(view):
    """Serve `view` from the page cache to anonymous visitors, with validators that answer 304 when unchanged."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_anonymous_read(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True)
            response[STATUS_HEADER] = BYPASS
            return response
        state = current_state()
        validators = {"etag": etag(state), "last_modified": last_modified(state)}
        response = get_conditional_response(request, **validators)
        if response is None:
            key = cache_key(request, state)
            entry = _cache_get(key)
            if entry is None:
                response = _render(request, view, key, args, kwargs)
                response[STATUS_HEADER] = MISS
            else:
                response = response_from(entry)
                response[STATUS_HEADER] = HIT
        if response.status_code in (200, 304):
            response.headers.pop("Last-Modified", None)
            response["ETag"] = validators["etag"]
            if validators["last_modified"]:
                response["Last-Modified"] = http_date(validators["last_modified"])
        # Browsers and proxies may keep the page, but ask each time whether it is still current.
        patch_cache_control(response, no_cache=True)
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapper
