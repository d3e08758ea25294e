"""A paper's identity from its URL, so one paper linked in different ways is recognised as the same.

Pure functions, no Django: an arXiv id in any of its URL forms, an OpenReview forum id, or else the URL
in a normal form (lower-case scheme and host, no `www.`, no fragment, no tracking parameters, no trailing slash);
and a title in a normal form (no case, single spaces).
"""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

ARXIV_HOSTS = {"arxiv.org", "export.arxiv.org"}
OPENREVIEW_HOSTS = {"openreview.net"}
# New-style ids (2403.00745, 0704.0001) and old-style ids (hep-th/9901001, math.GT/0309136).
ARXIV_ID_RE = re.compile(
    r"/(?:abs|pdf|html|format)/(?P<id>\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?:\.pdf)?/?$"
)
TRACKING_PARAMETERS = {"fbclid", "gclid", "mc_cid", "mc_eid", "ref", "ref_src", "source"}


def arxiv_id(url: str) -> str | None:
    """The arXiv id of an arXiv abs, pdf or html URL (without version), or None."""
    parts = urlsplit(url.strip())
    if _host(parts.hostname or "") not in ARXIV_HOSTS:
        return None
    match = ARXIV_ID_RE.search(parts.path)
    return match["id"] if match else None


def paper_identity(url: str) -> str:
    """A key equal for two URLs of the same paper: `arxiv:ID`, `openreview:ID` or `url:NORMALISED`."""
    arxiv = arxiv_id(url)
    if arxiv:
        return f"arxiv:{arxiv}"
    parts = urlsplit(url.strip())
    host = _host(parts.hostname or "")
    if host in OPENREVIEW_HOSTS and parts.path.rstrip("/") in {"/forum", "/pdf"}:
        forum = dict(parse_qsl(parts.query)).get("id")
        if forum:
            return f"openreview:{forum}"
    return f"url:{normalise_url(url)}"


def normalise_title(title: str) -> str:
    """`title` compared without case or spacing: two titles of one paper as the README and readers write them."""
    return " ".join(title.casefold().split())


def normalise_url(url: str) -> str:
    """`url` with a lower-case scheme and host, no `www.`, default port, fragment, tracking query or final slash."""
    parts = urlsplit(url.strip())
    scheme = "https" if parts.scheme.lower() in {"http", "https"} else parts.scheme.lower()
    host = _host(parts.hostname or "")
    port = _port(parts)
    if port and port not in {80, 443}:
        host = f"{host}:{port}"
    query = urlencode(
        [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(key)]
    )
    return urlunsplit((scheme, host, parts.path.rstrip("/"), query, ""))


def _host(hostname: str) -> str:
    hostname = hostname.lower()
    return hostname[4:] if hostname.startswith("www.") else hostname


def _port(parts) -> int | str | None:
    """The port of `parts`; one out of range or not a number is kept as written."""
    try:
        return parts.port
    except ValueError:
        return parts.netloc.rpartition(":")[2]


def _is_tracking(key: str) -> bool:
    key = key.lower()
    return key.startswith("utm_") or key in TRACKING_PARAMETERS
