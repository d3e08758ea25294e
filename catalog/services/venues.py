"""A first guess at a venue's kind from its name, for venues met during an import."""

from catalog.models import VenueKind

KNOWN_KINDS = {
    "arxiv": VenueKind.PREPRINT,
    "biorxiv": VenueKind.PREPRINT,
    "openreview": VenueKind.PREPRINT,
    "lesswrong": VenueKind.BLOG,
    "alignment forum": VenueKind.BLOG,
    "ai alignment forum": VenueKind.BLOG,
    "distill": VenueKind.JOURNAL,
    "tmlr": VenueKind.JOURNAL,
    "jmlr": VenueKind.JOURNAL,
    "tacl": VenueKind.JOURNAL,
    "nature": VenueKind.JOURNAL,
    "anthropic": VenueKind.LAB,
    "openai": VenueKind.LAB,
    "deepmind": VenueKind.LAB,
    "google deepmind": VenueKind.LAB,
    "transformer circuits": VenueKind.LAB,
}


def guess_venue_kind(name: str) -> str:
    lowered = name.lower()
    if "@" in name or "workshop" in lowered:
        return VenueKind.WORKSHOP
    return KNOWN_KINDS.get(lowered, VenueKind.CONFERENCE)
