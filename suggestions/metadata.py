"""Where a suggestion's title, authors, date and venue come from when the reader leaves them empty."""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class PaperMetadata:
    title: str = ""
    authors: str = ""
    date: datetime.date | None = None
    venue: str = ""


def fetch_metadata(url: str) -> PaperMetadata | None:
    """What the metadata sources know of the paper at `url`; None while no source is configured, so the reader types
    the fields."""
    return None
