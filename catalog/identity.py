"""A paper's identity from its URL, so one paper linked in different ways is recognised as the same.

Pure functions, no Django: an arXiv id in any of its URL forms, an OpenReview forum id, a DOI, or else the URL
in a normal form (lower-case scheme and host, no `www.`, no fragment, no tracking parameters, no trailing slash);
and a title in a normal form (no case, single spaces).
"""

import re
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

ARXIV_HOSTS = {"arxiv.org", "export.arxiv.org"}
OPENREVIEW_HOSTS = {"openreview.net"}
DOI_HOSTS = {"doi.org", "dx.doi.org"}
# New-style ids (2403.00745, 0704.0001) and old-style ids (hep-th/9901001, math.GT/0309136).
ARXIV_ID_RE = re.compile(
    r"/(?:abs|pdf|html|format)/(?P<id>\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?:\.pdf)?/?$"
)
BARE_ARXIV_ID_RE = re.compile(r"(?:arxiv:)?(?P<id>\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?", re.IGNORECASE)
# Crossref's pattern for the DOIs in use.
DOI_RE = re.compile(r"10\.\d{4,9}/[-._;()/:a-z0-9<>\[\]]+", re.IGNORECASE)
TRACKING_PARAMETERS = {"fbclid", "gclid", "mc_cid", "mc_eid", "ref", "ref_src", "source"}


def arxiv_id(url: str) -> str | None:
    """The arXiv id of an arXiv abs, pdf or html URL (without version), or None."""
    parts = urlsplit(url.strip())
    if _host(parts.hostname or "") not in ARXIV_HOSTS:
        return None
    match = ARXIV_ID_RE.search(parts.path)
    return match["id"] if match else None


def openreview_id(url: str) -> str | None:
    """The forum id of an OpenReview forum or pdf URL, or None."""
    parts = urlsplit(url.strip())
    if _host(parts.hostname or "") not in OPENREVIEW_HOSTS or parts.path.rstrip("/") not in {"/forum", "/pdf"}:
        return None
    return dict(parse_qsl(parts.query)).get("id") or None


def doi(url: str) -> str | None:
    """The DOI of a doi.org URL, or None."""
    parts = urlsplit(url.strip())
    if _host(parts.hostname or "") not in DOI_HOSTS:
        return None
    match = DOI_RE.fullmatch(unquote(parts.path.lstrip("/")))
    return match[0] if match else None


def reference(text: str) -> tuple[str, str] | None:
    """What a pasted reference names, as ("arxiv" | "openreview" | "doi", id): an arXiv id (`2403.00745v2`,
    `arXiv:2403.00745`) or abs/pdf URL, an OpenReview forum or pdf URL, a DOI (`10.1000/xyz`, `doi:...`) or
    doi.org URL; None for anything else."""
    text = text.strip()
    if match := BARE_ARXIV_ID_RE.fullmatch(text):
        return "arxiv", match["id"]
    if text.lower().startswith("doi:"):
        text = text[4:].strip()
    if DOI_RE.fullmatch(text):
        return "doi", text
    for kind, read in (("arxiv", arxiv_id), ("openreview", openreview_id), ("doi", doi)):
        if found := read(text):
            return kind, found
    return None


def paper_identity(url: str) -> str:
    """A key equal for two URLs of the same paper: `arxiv:ID`, `openreview:ID` or `url:NORMALISED`."""
    if arxiv := arxiv_id(url):
        return f"arxiv:{arxiv}"
    if forum := openreview_id(url):
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
