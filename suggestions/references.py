"""What a reader types to name a paper (a URL, an arXiv id or a DOI) as the URL the catalog lists."""

import re

from catalog.services.arxiv import ABS_URL

ARXIV_RE = re.compile(r"(?:arxiv:)?\s*(?P<id>\d{4}\.\d{4,5}(?:v\d+)?|[a-z-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)", re.I)
DOI_RE = re.compile(r"(?:doi:\s*)?(?P<doi>10\.\d{4,9}/\S+)", re.I)
DOI_URL = "https://doi.org/{}"


def reference_url(reference: str) -> str | None:
    """The URL named by `reference`: itself if http(s), arxiv.org/abs for an arXiv id, doi.org for a DOI; else None."""
    text = reference.strip()
    if re.match(r"https?://", text, re.I):
        return text
    if match := ARXIV_RE.fullmatch(text):
        return ABS_URL.format(re.sub(r"v\d+$", "", match["id"]))
    if match := DOI_RE.fullmatch(text):
        return DOI_URL.format(match["doi"])
    return None
