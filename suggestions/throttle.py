"""At most SUGGESTIONS_RATE_LIMIT suggestions from one address per SUGGESTIONS_RATE_WINDOW seconds, counted in the
cache (shared by every process when it is Redis). The address is the client's behind the trusted proxies
(DJANGO_TRUSTED_PROXY_COUNT), as ClientAddressMiddleware sets it for the sign-in throttling and the logs."""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from catalog.middleware import request_address

KEY = "suggestions:rate:{}"


@dataclass(frozen=True)
class Limited:
    limit: int
    window: int
    retry_after: int


def take_one(request) -> Limited | None:
    """Count one submission from the request's address; a Limited when the address is over its limit."""
    limit, window = settings.SUGGESTIONS_RATE_LIMIT, settings.SUGGESTIONS_RATE_WINDOW
    key = KEY.format(request_address(request))
    now = int(time.time())
    # The window opens with the first submission; the count and its start expire together.
    cache.add(key, {"start": now}, timeout=window)
    start = (cache.get(key) or {"start": now})["start"]
    count_key = f"{key}:{start}"
    cache.add(count_key, 0, timeout=window)
    try:
        count = cache.incr(count_key)
    except ValueError:  # expired between the two calls: a new window
        cache.set(count_key, 1, timeout=window)
        count = 1
    if count > limit:
        return Limited(limit=limit, window=window, retry_after=max(1, start + window - now))
    return None
