"""The site's answer when the database is away: the 503 page, never cached, with a Retry-After."""

import logging

from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

RETRY_AFTER_SECONDS = 30

logger = logging.getLogger(__name__)


def database_unavailable(request, error):
    """The 503 page for `request`, the database having failed with `error` (logged)."""
    logger.warning("Database unavailable, answered 503 for %s: %s", request.path, error)
    response = render(request, "503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response
