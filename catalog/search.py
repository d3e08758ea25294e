"""Full-text search of papers and resources over the index the database keeps in step with every change.

SQLite: an FTS5 table per model (unicode61 tokenizer, case and diacritics folded), ranked by bm25 with column
weights. PostgreSQL: a stored tsvector per entry (weights A to D, accents folded by unaccent) under a GIN
index, ranked by ts_rank.
Both index the same texts, with the same weights, declared in catalog/search_index.py: for papers the title, the
authors and the venue, the abstract, and the links (the entry's URL, then each link's label and URL), for
resources the name, the description and the links. The tables and the triggers filling them are made from that
declaration.

User text never reaches either query language: it is cut into words (runs of letters and digits), and the
query is built from those words only. Every term must match (a "quoted phrase" is one term, its words in
order); the last word also matches as a prefix, so results come while a word is being typed.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections, models
from django.db.models.functions import Coalesce, Concat, NullIf, Replace
from django.utils.text import smart_split, unescape_string_literal

from catalog.search_index import TSVECTOR_CONFIG, index_of

# The relation from Paper and Resource to their row in each backend's index (see models.py).
FTS5_RELATION = "fts"
TSVECTOR_RELATION = "search_vector"
INDEX_RELATIONS = {"sqlite": FTS5_RELATION, "postgresql": TSVECTOR_RELATION}
WORD = re.compile(r"[^\W_]+")


class FTS5Field(models.TextField):
    """An FTS5 table's hidden column named after the table: `match` on it searches every column."""


@FTS5Field.register_lookup
class Match(models.Lookup):
    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


def search_terms(value):
    """The terms of a search, a phrase in quotes counting as one term ("sparse autoencoders"), as in the admin."""
    for term in smart_split(value):
        if len(term) > 1 and term[0] in "\"'" and term[-1] == term[0]:
            term = unescape_string_literal(term)
        if term.strip():
            yield term


def search_phrases(value) -> list[list[str]]:
    """The words of each term of `value`; a term with no letter or digit (`*`, `-`, a lone quote) is left out."""
    return [words for term in search_terms(value) if (words := WORD.findall(term))]


def fts5_query(phrases) -> str:
    """An FTS5 query: each phrase a quoted string (so no word is ever an operator), the last one a prefix."""
    query = " ".join('"' + " ".join(words) + '"' for words in phrases)
    return query + "*"


def fts5_column_start_query(column, phrases) -> str:
    """An FTS5 query for the entries whose `column` begins with the words of `phrases`, in order, the last one a
    prefix."""
    return f'{{{column}}} : ^"' + " ".join(word for words in phrases for word in words) + '"*'


def tsquery(phrases) -> list:
    """A to_tsquery expression in pieces: its syntax as text and each word as a `Lexeme`. The phrases AND together,
    the words of a phrase follow each other, the last word is a prefix."""
    pieces = []
    for words in phrases:
        pieces.append(" & (" if pieces else "(")
        for position, word in enumerate(words):
            pieces += [" <-> " if position else "", Lexeme(word)]
        pieces.append(")")
    pieces.insert(-1, ":*")
    return [piece for piece in pieces if piece != ""]


@dataclass(frozen=True)
class Lexeme:
    word: str

    def expression(self):
        """The word without its accents, as the indexed texts are (migration 0010), then quoted: unaccent turns some
        letters into a quote or a backslash (ʼ into '), so the quoting comes after it. A word that unaccent empties
        stays as it is (an empty quoted lexeme is a syntax error; the word then matches nothing)."""
        text = models.Func(_text(self.word), function="unaccent", output_field=models.TextField())
        text = Coalesce(NullIf(text, _text("")), _text(self.word))
        for special in ("\\", "'"):
            text = Replace(text, _text(special), _text(special * 2))
        return Concat(_text("'"), text, _text("'"))


def _text(value: str):
    return models.Value(value, output_field=models.TextField())


def _vendor(queryset) -> str:
    vendor = connections[queryset.db].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise NotImplementedError(f"Full-text search needs SQLite or PostgreSQL, not {vendor}.")
    return vendor


def matching(queryset, value):
    """The entries of `queryset` that match every term of the search `value` (none if it has no word)."""
    phrases = search_phrases(value)
    if not phrases:
        return queryset.none()
    vendor = _vendor(queryset)
    return queryset.filter(**_match(vendor, phrases, through=INDEX_RELATIONS[vendor]))


def matching_ids(model, value):
    """The ids of `model`'s entries that match the search `value`, read from the search index alone: a subquery
    for a condition on many entries that needs nothing else of them."""
    phrases = search_phrases(value)
    entries = model.objects.all()
    vendor = _vendor(entries)
    if not phrases:
        return entries.none().values("pk")
    index = model._meta.get_field(INDEX_RELATIONS[vendor]).related_model
    return index.objects.filter(**_match(vendor, phrases)).values("pk")


def _match(vendor, phrases, *, through=None) -> dict:
    """The filter() condition of an index row (or, `through` a relation, of an entry) that matches `phrases`."""
    document = f"{through}__document" if through else "document"
    if vendor == "sqlite":
        return {f"{document}__match": fts5_query(phrases)}
    return {document: _search_query(phrases)}


def relevance(queryset, value):
    """An expression ordering a `matching(queryset, value)` queryset best match first (pass it to order_by)."""
    phrases = search_phrases(value)
    if not phrases:
        return models.F("pk").asc()
    if _vendor(queryset) == "sqlite":
        return _bm25(queryset).asc()  # bm25 is lower for better matches
    return _rank(phrases).desc()


def ahead_then_relevance(queryset, value, ahead):
    """order_by() terms for a `matching(queryset, value)` queryset: first the entries whose `ahead` (an integer
    expression) is lower, then the best matches.

    PostgreSQL compares the two as one row value. Given `ahead` as a key of its own, it may sort every entry by it
    first, counting on many small groups of equal values (an incremental sort), and then look each entry up in the
    search index in turn, instead of reading the matches from the index: seconds for a common word in 100,000
    papers."""
    phrases = search_phrases(value)
    if not phrases or _vendor(queryset) == "sqlite":
        return [ahead.asc(), relevance(queryset, value)]
    pair = models.Func(ahead, -_rank(phrases), template="ROW(%(expressions)s)", output_field=models.Field())
    return [pair.asc()]


def _bm25(queryset):
    return bm25(queryset.model, f"{FTS5_RELATION}__document")


def bm25(model, document):
    """SQLite: the bm25 rank of `model`'s entries with the declared weights of their texts, lower for a better
    match; `document` is the path to the FTS5 table's hidden column (from the entry or from its index row)."""
    weights = [models.Value(weight) for weight in index_of(model).bm25_weights]
    return models.Func(models.F(document), *weights, function="bm25", output_field=models.FloatField())


def _rank(phrases):
    return SearchRank(models.F(f"{TSVECTOR_RELATION}__document"), _search_query(phrases))


def tsquery_expression(phrases):
    """The text of `tsquery(phrases)`, built by the database from the words with their accents folded."""
    pieces = [piece.expression() if isinstance(piece, Lexeme) else _text(piece) for piece in tsquery(phrases)]
    return Concat(*pieces)


def _search_query(phrases) -> SearchQuery:
    return SearchQuery(tsquery_expression(phrases), search_type="raw", config=TSVECTOR_CONFIG)
