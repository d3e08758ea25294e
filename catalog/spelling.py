"""Did you mean: the words of a search that the index does not hold, put right from the index's own vocabulary.

SQLite reads the words of an FTS5 table through an `fts5vocab` table (made per connection, in its temporary
schema); PostgreSQL reads them with `ts_stat` over the stored documents and finds the close ones by trigram
similarity (the `pg_trgm` extension, migration 0016). Both then choose among those candidates the same way.
"""

import difflib
import re
import unicodedata

from django.db import connections

from catalog.search import search_phrases
from catalog.search_index import index_of

# How alike (difflib's ratio) a word of the index must be to a word of the search to replace it.
CLOSE_ENOUGH = 0.75
CANDIDATES = 50
# Shorter words, and numbers, are too close to too many others to be put right: they are left out.
SHORTEST_CORRECTED = 4
LETTERS_OR_DIGITS = re.compile(r"[^\W\d_]+|\d+")


def folded(word: str) -> str:
    """The word as the index holds it: lower case, without diacritics."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def corrected_searches(model, value, *, using="default") -> list[str]:
    """Searches to try, in turn, when `value` finds nothing in the index of `model`: first with each word the index
    lacks replaced by the closest one it holds (or left out when none is close, or when it is a number or shorter
    than SHORTEST_CORRECTED), then with only the words it holds.
    Empty when every word is there. The last word counts as there if a word of the index starts with it.

    A word of letters and digits becomes the phrase of its parts in both ("gpt2" finds "GPT-2").
    """
    words = [folded(word) for words in search_phrases(value) for word in words]
    if not words:
        return []
    connection = connections[using]
    lookup = _sqlite_vocabulary if connection.vendor == "sqlite" else _postgresql_vocabulary
    known, candidates = lookup(connection, index_of(model), words)
    replaced, kept = [], []
    for position, word in enumerate(words):
        if word in known or (position == len(words) - 1 and any(term.startswith(word) for term in known)):
            replaced.append(word)
            kept.append(word)
        elif len(word) >= SHORTEST_CORRECTED and word.isalpha():
            replaced.extend(difflib.get_close_matches(word, candidates.get(word, []), n=1, cutoff=CLOSE_ENOUGH))
    if len(kept) == len(words):
        return []
    searches = [" ".join(phrase(word) for word in chosen) for chosen in (replaced, kept) if chosen]
    return list(dict.fromkeys(searches))


def phrase(word: str) -> str:
    parts = LETTERS_OR_DIGITS.findall(word)
    return f'"{" ".join(parts)}"' if len(parts) > 1 else word


def _sqlite_vocabulary(connection, index, words):
    vocabulary = f"temp.{index.table}_vocab"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {vocabulary} USING fts5vocab(main, {index.fts}, 'row')")
        last = words[-1]
        cursor.execute(
            f"SELECT term FROM {vocabulary} WHERE term IN ({', '.join(['%s'] * len(words))}) "
            f"UNION SELECT * FROM (SELECT term FROM {vocabulary} WHERE term >= %s AND term < %s LIMIT 1)",
            [*words, last, last + "\U0010ffff"],
        )
        known = {term for (term,) in cursor.fetchall()}
        candidates = {}
        for word in {word for word in words if len(word) >= SHORTEST_CORRECTED and word.isalpha()} - known:
            # Words of the same first letter and about the same length: a misspelling rarely changes the first.
            cursor.execute(
                f"SELECT term FROM {vocabulary} WHERE term >= %s AND term < %s AND length(term) BETWEEN %s AND %s",
                [word[0], word[0] + "\U0010ffff", len(word) - 2, len(word) + 2],
            )
            candidates[word] = [term for (term,) in cursor.fetchall()]
    return known, candidates


def _postgresql_vocabulary(connection, index, words):
    documents = f"SELECT document FROM {index.search}"
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH vocabulary AS MATERIALIZED (SELECT word FROM ts_stat(%s)), "
            "asked AS (SELECT * FROM unnest(%s::text[]) WITH ORDINALITY AS a(word, n)) "
            "SELECT asked.word, v.word, v.word = asked.word "
            "OR (asked.n = cardinality(%s::text[]) AND starts_with(v.word, asked.word)) "
            "FROM asked CROSS JOIN LATERAL (SELECT word FROM vocabulary WHERE word = asked.word "
            "OR (asked.n = cardinality(%s::text[]) AND starts_with(word, asked.word)) OR word %% asked.word "
            "ORDER BY word = asked.word DESC, similarity(word, asked.word) DESC, word LIMIT %s) AS v",
            [documents, words, words, words, CANDIDATES],
        )
        known, candidates = set(), {}
        for word, term, matches in cursor.fetchall():
            if matches:
                known.add(term)
            else:
                candidates.setdefault(word, []).append(term)
    return known, candidates
