"""At most SUGGESTIONS_RATE_LIMIT suggestions from one address per SUGGESTIONS_RATE_WINDOW seconds, counted in the
cache (shared by every process when it is Redis)."""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

KEY = "suggestions:rate:{}"


@dataclass(frozen=True)
class Limited:
    limit: int
    window: int
    retry_after: int


def client_address(request) -> str:
    """The reader's address: REMOTE_ADDR, or behind SUGGESTIONS_PROXY_COUNT proxies the address the first of them
    saw, from X-Forwarded-For (the entries before it are the client's word, not to be trusted)."""
    proxies = settings.SUGGESTIONS_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def take_one(request) -> Limited | None:
    """Count one submission from the request's address; a Limited when the address is over its limit."""
    limit, window = settings.SUGGESTIONS_RATE_LIMIT, settings.SUGGESTIONS_RATE_WINDOW
    key = KEY.format(client_address(request))
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
