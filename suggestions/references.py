"""What a reader types to name a paper (a URL, an arXiv id or a DOI) as the URL the catalog lists."""

import re

from catalog.identity import reference
from catalog.sources.lookup import listed_url


def reference_url(text: str) -> str | None:
    """The URL named by `text`: an arXiv id or URL, an OpenReview URL or a DOI as the catalog lists them (arXiv abs
    page, OpenReview forum, doi.org), any other http(s) address as it is; else None."""
    text = text.strip()
    if named := reference(text):
        return listed_url(*named)
    if re.match(r"https?://", text, re.I):
        return text
    return None
