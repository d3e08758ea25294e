"""The limit of downloads (CSV, BibTeX, whole JSON) per client address: `CATALOG_DOWNLOAD_LIMIT` every
`CATALOG_DOWNLOAD_WINDOW` seconds, counted in the cache (shared by every instance with Redis), answered 429."""

import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from redis.exceptions import RedisError


def refusal(request, breaker) -> HttpResponse | None:
    """A 429 answer when the request's client has used up its downloads of this window; None otherwise.

    The client's address is REMOTE_ADDR as `ClientAddressMiddleware` sets it. When the cache fails, downloads are
    not counted (`breaker` then leaves the cache alone for a while)."""
    limit, window = settings.CATALOG_DOWNLOAD_LIMIT, settings.CATALOG_DOWNLOAD_WINDOW
    if not limit or not breaker.available():
        return None
    now = time.time()
    key = f"downloads:{request.META.get('REMOTE_ADDR', '')}:{int(now // window)}"
    cache = caches[settings.CATALOG_PAGE_CACHE]
    try:
        cache.add(key, 0, window)
        count = cache.incr(key)
    except ValueError:  # the count was evicted between the two calls
        return None
    except RedisError as error:
        breaker.failed(error, "downloads not counted")
        return None
    if count <= limit:
        return None
    retry_after = int(window - now % window) + 1
    response = HttpResponse(
        f"Too many downloads from your address: at most {limit} every {window} seconds. "
        f"Try again in {retry_after} seconds.\n",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(retry_after)
    add_never_cache_headers(response)
    return response
