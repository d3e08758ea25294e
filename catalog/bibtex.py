"""BibTeX entries for papers.

Keys read `<first author's last name><year><first significant title word>`, e.g. `cunningham2023sparse` (`anon`
for a paper without authors). Two papers of the catalog with the same key are told apart by a letter after the
newer one's (`cunningham2023sparseb`), decided over the whole catalog, so a paper's key is the same whichever
papers are exported together. Authors are written `Last, First and Last, First`. Papers whose URL is an arXiv
address get `eprint` and `archivePrefix = {arXiv}`; preprints and papers without a venue are `@misc`. A paper's
topics (its tags and those its section implies) are its `keywords`.
"""

import re
import string
import time
import unicodedata

from django.conf import settings
from django.core.cache import cache
from django.db.models import OuterRef, Subquery

from catalog.catalog_version import current_state
from catalog.identity import arxiv_id
from catalog.models import Paper, PaperAuthor, VenueKind
from catalog.paper_records import PaperRecord

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


# Lower-case words that belong to the last name that follows them: "Jan van der Berg" is "van der Berg, Jan".
NAME_PARTICLES = frozenset({"da", "de", "del", "della", "der", "di", "du", "la", "le", "ten", "ter", "van", "von"})
KEYS_CACHE_KEY = "bibtex-keys"
KEYS_STAMP_CACHE_KEY = "bibtex-keys-stamp"
KEYS_CACHE_SECONDS = 7 * 24 * 3600
# (stamp, keys) as this process last read them from the cache or worked them out.
_keys_read = None
# What `disambiguated_keys` adds to a base key.
DISAMBIGUATING_SUFFIX = re.compile(r"[b-z]|-[0-9]+")


def escape_latex(text: str) -> str:
    return LATEX_SPECIAL.sub(lambda match: LATEX_SPECIALS[match.group()], text)


def ascii_words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower())


def name_parts(name: str) -> tuple[str, str]:
    """(last name, first names) of an author's name, written "First Last" or "Last, First"."""
    if "," in name:
        last, _, first = name.partition(",")
        return last.strip(), first.strip()
    words = name.split()
    start = len(words) - 1
    while start > 1 and words[start - 1] in NAME_PARTICLES:
        start -= 1
    return " ".join(words[start:]), " ".join(words[:start])


def bibtex_authors(names) -> str:
    return " and ".join(escape_latex(f"{last}, {first}" if first else last) for last, first in map(name_parts, names))


def base_key(first_author: str | None, year: int, title: str) -> str:
    """`lastnameYEARword`: the first author's last name (its last word), the year, the first significant word."""
    last = ascii_words(name_parts(first_author)[0]) if first_author else []
    word = next((word for word in ascii_words(title) if word not in KEY_STOPWORDS), "paper")
    return f"{(last[-1] if last else 'anon')[:30]}{year}{word[:30]}"


def disambiguated_keys(rows) -> dict[int, str]:
    """Of papers given as (id, first author, year, title), the keys of those whose base key an older paper (lower
    id) already has: the base key with the first letter from b on, or number, that no other paper's key is."""
    by_key = {}
    for pk, first_author, year, title in sorted(rows):
        by_key.setdefault(base_key(first_author, year, title), []).append(pk)
    taken = set(by_key)
    keys = {}
    for key, pks in by_key.items():
        suffixes = (*string.ascii_lowercase[1:], *(f"-{number}" for number in range(27, 27 + len(pks))))
        free = (key + suffix for suffix in suffixes if key + suffix not in taken)
        for pk in pks[1:]:
            keys[pk] = next(free)
            taken.add(keys[pk])
    return keys


def catalog_keys() -> dict[int, str]:
    """The keys that differ from the base key, for the whole catalog: worked out for the catalog's version, or,
    while the catalog changes every few seconds, at most `CATALOG_DOWNLOAD_REFRESH_SECONDS` ago (as the download
    files are), since working them out reads every paper. `bibtex_key` ignores a key whose paper has since taken
    another base key.

    The keys (tens of thousands in a large catalog, a megabyte or two) are shared through the cache with a small
    stamp of when they were worked out; each process keeps the last keys it read, and reads them from the cache
    again only when the stamp there is another: a page needs only the stamp."""
    global _keys_read
    version = current_state().version
    read = _keys_read
    stamp = cache.get(KEYS_STAMP_CACHE_KEY)
    if read is None or read[0] != stamp:
        read = cache.get(KEYS_CACHE_KEY) if stamp is not None else None
    if read is None or not _current(read[0], version):
        read = ((version, time.time()), _work_out_keys())
        cache.set_many({KEYS_CACHE_KEY: read, KEYS_STAMP_CACHE_KEY: read[0]}, KEYS_CACHE_SECONDS)
    _keys_read = read
    return read[1]


def _current(stamp, version) -> bool:
    worked_out_for, worked_out_at = stamp
    return worked_out_for == version or time.time() - worked_out_at < settings.CATALOG_DOWNLOAD_REFRESH_SECONDS


def _work_out_keys() -> dict[int, str]:
    first_author = PaperAuthor.objects.filter(paper=OuterRef("pk")).order_by("position", "id")
    rows = Paper.objects.annotate(first_author=Subquery(first_author.values("author__name")[:1])).values_list(
        "pk", "first_author", "date", "title"
    )
    return disambiguated_keys((pk, author, date.year, title) for pk, author, date, title in rows)


def bibtex_key(paper: PaperRecord, keys: dict[int, str]) -> str:
    """The paper's key, given `catalog_keys()`."""
    key = base_key(paper.authors[0] if paper.authors else None, paper.date.year, paper.title)
    told_apart = keys.get(paper.pk)
    if told_apart and DISAMBIGUATING_SUFFIX.fullmatch(told_apart, len(key)) and told_apart.startswith(key):
        return told_apart
    return key


def paper_bibtex(paper: PaperRecord, keys: dict[int, str]) -> str:
    """One BibTeX entry, its key from `catalog_keys()`, its keywords the paper's topics."""
    entry_type, venue_fields = _entry_type_and_venue(paper)
    fields = [("author", bibtex_authors(paper.authors))] if paper.authors else []
    fields += [("title", "{" + escape_latex(paper.title) + "}"), *venue_fields]
    fields += [("year", str(paper.date.year)), ("month", MONTHS[paper.date.month - 1])]
    if paper.doi:
        fields.append(("doi", escape_latex(paper.doi)))
    eprint = arxiv_id(paper.url)
    if eprint:
        fields += [("eprint", eprint), ("archivePrefix", "arXiv")]
    fields.append(("url", paper.url.replace("{", "%7B").replace("}", "%7D")))
    if paper.topic_names:
        fields.append(("keywords", escape_latex(", ".join(paper.topic_names))))
    lines = [f"@{entry_type}{{{bibtex_key(paper, keys)},"]
    lines += [f"  {name} = {value}," if name == "month" else f"  {name} = {{{value}}}," for name, value in fields]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _entry_type_and_venue(paper: PaperRecord) -> tuple[str, list[tuple[str, str]]]:
    if paper.venue is None or paper.venue_kind == VenueKind.PREPRINT:
        return "misc", []
    name = escape_latex(paper.venue)
    if paper.venue_kind in (VenueKind.CONFERENCE, VenueKind.WORKSHOP):
        return "inproceedings", [("booktitle", name)]
    if paper.venue_kind == VenueKind.JOURNAL:
        return "article", [("journal", name)]
    return "misc", [("howpublished", name)]
