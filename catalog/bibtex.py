"""BibTeX entries for papers.

Keys read `<first significant title word><year>-<id>`, e.g. `interpretability2022-17`: the id makes them unique
and keeps them the same whichever papers are exported together. Papers whose URL is an arXiv address get `eprint`
and `archivePrefix = {arXiv}`; preprints and papers without a venue are `@misc`.
"""

import re
import unicodedata

from catalog.identity import arxiv_id
from catalog.models import Paper, VenueKind

# BibTeX counts braces whatever stands before them, so `\{` would unbalance a field: braces become commands.
LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
}
LATEX_SPECIAL = re.compile("|".join(re.escape(character) for character in LATEX_SPECIALS))
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
KEY_STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "how",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "the",
        "to",
        "towards",
        "toward",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "with",
    }
)


def escape_latex(text: str) -> str:
    return LATEX_SPECIAL.sub(lambda match: LATEX_SPECIALS[match.group()], text)


def bibtex_key(paper: Paper) -> str:
    ascii_title = unicodedata.normalize("NFKD", paper.title).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", ascii_title)
    word = next((word for word in words if word not in KEY_STOPWORDS), "paper")
    return f"{word[:30]}{paper.date.year}-{paper.pk}"


def paper_bibtex(paper: Paper) -> str:
    """One BibTeX entry; expects `venue` loaded with the paper (select_related) to avoid a query."""
    entry_type, venue_fields = _entry_type_and_venue(paper)
    fields = [("title", "{" + escape_latex(paper.title) + "}"), *venue_fields]
    fields += [("year", str(paper.date.year)), ("month", MONTHS[paper.date.month - 1])]
    eprint = arxiv_id(paper.url)
    if eprint:
        fields += [("eprint", eprint), ("archivePrefix", "arXiv")]
    fields.append(("url", paper.url.replace("{", "%7B").replace("}", "%7D")))
    lines = [f"@{entry_type}{{{bibtex_key(paper)},"]
    lines += [f"  {name} = {value}," if name == "month" else f"  {name} = {{{value}}}," for name, value in fields]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _entry_type_and_venue(paper: Paper) -> tuple[str, list[tuple[str, str]]]:
    venue = paper.venue
    if venue is None or venue.kind == VenueKind.PREPRINT:
        return "misc", []
    name = escape_latex(venue.name)
    if venue.kind in (VenueKind.CONFERENCE, VenueKind.WORKSHOP):
        return "inproceedings", [("booktitle", name)]
    if venue.kind == VenueKind.JOURNAL:
        return "article", [("journal", name)]
    return "misc", [("howpublished", name)]
