"""Papers like a given one by what they say: the papers sharing the most distinctive words of its title and abstract,
weighted by TF-IDF, found in the full-text index the database keeps in step with every write
(catalog/search_index.py). Each step reads a bounded part of the index, whatever the size of the catalog:

1. The paper's words, without stop words, numbers and words of fewer than three letters, each weighing
   TITLE_WEIGHT for every time it is in the title and one for every time it is in the abstract; the CANDIDATES
   heaviest (the longer first among equals: a long word is more often a rare one).
2. How many papers hold each in their title or abstract: for the words held by more than RARE papers, from a table
   of them made once per catalog version and cached (`word_counts`); the others are counted in one query, which
   reads at most RARE + 1 index entries for each.
3. A word's weight in the paper times its inverse document frequency, log(papers / holders), ranks the words; the
   first are chosen while the papers holding them add up to BUDGET at most (a word held by more papers is too
   common to tell papers apart anyway), so that
4. one query, reading at most BUDGET index entries, scores each paper holding a chosen word: for each such word, the
   word's weight in the paper times its idf squared (its TF-IDF in both papers' vectors), times TITLE_WEIGHT when
   it is in that paper's title, plus once when it is in its abstract. Highest score first; among equals, the paper
   added last.

SQLite reads the FTS5 table with column filters (`{title abstract} : "word"`) and its vocabulary through an
`fts5vocab` table (where a paper holding a frequent word in both its title and its abstract counts twice);
PostgreSQL reads the stored tsvectors with lexemes restricted to the title's and the abstract's weights
(`'word':AC`), quoted as the search quotes them, and its vocabulary with `ts_stat`.
"""

import math
from collections import Counter
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models.sql import Query

from catalog.catalog_version import State, current_state
from catalog.models import Paper, PaperSearchVector
from catalog.search import WORD, Lexeme
from catalog.search_index import PAPERS, TSVECTOR_CONFIG
from catalog.spelling import folded

TITLE_WEIGHT = 3
CANDIDATES = 16
# Words held by more papers are counted once per catalog version; rarer ones on each page, RARE + 1 at most.
RARE = 100
# Index entries (papers holding a chosen word) the scoring query reads at most.
BUDGET = 5_000
WORD_COUNTS_CACHE_SECONDS = 7 * 24 * 3600
SHORTEST_WORD = 3
# Words that say nothing of what a paper is about, as the index holds them (folded).
STOP_WORDS = frozenset({
    "a", "about", "above", "across", "after", "again", "against", "all", "almost", "along", "already", "also",
    "although", "always", "am", "among", "an", "and", "another", "any", "anyone", "anything", "are", "around", "as",
    "at", "away", "back", "be", "became", "because", "become", "becomes", "been", "before", "being", "below", "between",
    "both", "but", "by", "can", "cannot", "could", "did", "do", "does", "doing", "done", "down", "during", "each",
    "either", "else", "enough", "etc", "even", "ever", "every", "few", "first", "for", "from", "further", "get", "gets",
    "given", "gives", "go", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself",
    "his", "how", "however", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "last", "least", "less",
    "like", "made", "make", "makes", "many", "may", "me", "might", "more", "most", "mostly", "much", "must", "my",
    "myself", "neither", "never", "new", "next", "no", "nor", "not", "now", "of", "off", "often", "on", "once", "one",
    "only", "onto", "or", "other", "others", "otherwise", "our", "ours", "ourselves", "out", "over", "own", "per",
    "perhaps", "put", "rather", "same", "several", "she", "should", "show", "shown", "shows", "since", "so", "some",
    "something", "still", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there",
    "thereby", "therefore", "these", "they", "this", "those", "though", "through", "throughout", "thus", "to",
    "together", "too", "toward", "towards", "two", "under", "until", "up", "upon", "us", "use", "used", "uses", "using",
    "very", "via", "was", "we", "well", "were", "what", "whatever", "when", "where", "whether", "which", "while", "who",
    "whole", "whom", "whose", "why", "will", "with", "within", "without", "would", "yet", "you", "your", "yours",
    "yourself", "approach", "approaches", "based", "find", "finds", "found", "method", "methods", "paper", "present",
    "propose", "proposed", "result", "results", "study", "work"
})  # fmt: skip
# The texts of the index compared, with the weight of a word found in each.
FIELDS = {"title": TITLE_WEIGHT, "abstract": 1}


def paper_terms(title: str, abstract: str) -> Counter:
    """The words of a paper that may tell it apart, as the index holds them, with their weights in the paper."""
    weights = Counter()
    for text, weight in ((title, FIELDS["title"]), (abstract, FIELDS["abstract"])):
        for word in WORD.findall(text):
            term = folded(word)
            if len(term) >= SHORTEST_WORD and not term.isdigit() and term not in STOP_WORDS:
                weights[term] += weight
    return weights


def candidate_terms(weights: Counter) -> list[str]:
    """The CANDIDATES heaviest terms, the longer first among equals."""
    return sorted(weights, key=lambda term: (-weights[term], -len(term), term))[:CANDIDATES]


def chosen_terms(weights: Counter, holders: dict[str, int], *, papers: int) -> dict[str, float]:
    """{term: weight in the scoring} of the terms that rank first by TF-IDF while the papers holding them add up
    to BUDGET at most; a term no other paper holds, or every paper holds, is left out."""
    idf = {term: math.log(papers / count) for term, count in holders.items() if 1 < count < papers}
    chosen, read = {}, 0
    for term in sorted(idf, key=lambda term: (-weights[term] * idf[term], term)):
        if read + holders[term] <= BUDGET:
            chosen[term] = weights[term] * idf[term] ** 2
            read += holders[term]
    return chosen


@dataclass(frozen=True)
class WordCounts:
    """The number of papers, and of papers holding each word held by more than RARE of them."""

    papers: int
    frequent: dict[str, int]


def word_counts(state: State) -> WordCounts:
    """The catalog's word counts, made once per catalog version."""
    key = f"similar-papers:word-counts:{state.version}"
    counts = cache.get(key)
    if counts is None:
        index = _index()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {Paper._meta.db_table}")
            (papers,) = cursor.fetchone()
            counts = WordCounts(papers, index.frequent_words(cursor))
        cache.set(key, counts, WORD_COUNTS_CACHE_SECONDS)
    return counts


def similar_paper_ids(paper: Paper, *, limit: int, state: State | None = None) -> list[int]:
    """The ids of the `limit` papers most like `paper` by the words of their titles and abstracts, best first.

    `state`: the catalog's version, if the caller has read it already."""
    weights = paper_terms(paper.title, paper.abstract)
    candidates = candidate_terms(weights)
    if not candidates:
        return []
    counts = word_counts(state or current_state())
    holders = {term: counts.frequent[term] for term in candidates if term in counts.frequent}
    rare = [term for term in candidates if term not in holders]
    index = _index()
    with connection.cursor() as cursor:
        if rare:
            sql, params = [], []
            for term in rare:
                where, where_params = index.holding(term, list(FIELDS))
                sql.append(f"(SELECT count(*) FROM (SELECT 1 FROM {index.table} WHERE {where} LIMIT %s) AS held)")
                params += [*where_params, RARE + 1]
            cursor.execute(f"SELECT {', '.join(sql)}", params)
            holders.update(zip(rare, cursor.fetchone(), strict=True))
        chosen = chosen_terms(weights, holders, papers=counts.papers)
        if not chosen:
            return []
        hits, params = [], []
        for term, weight in chosen.items():
            sql, hit_params = index.hits(term, weight)
            hits.append(sql)
            params += hit_params
        cursor.execute(
            f"SELECT paper_id FROM ({' UNION ALL '.join(hits)}) AS hits WHERE paper_id <> %s "
            "GROUP BY paper_id ORDER BY sum(score) DESC, paper_id DESC LIMIT %s",
            [*params, paper.pk, limit],
        )
        return [paper_id for (paper_id,) in cursor.fetchall()]


def _index():
    return _SQLiteIndex() if connection.vendor == "sqlite" else _PostgreSQLIndex()


class _SQLiteIndex:
    """The FTS5 table: a column filter picks the texts."""

    table = PAPERS.fts
    vocabulary = f"temp.{PAPERS.table}_vocab_columns"

    def holding(self, term: str, fields: list[str]):
        """The condition (SQL, parameters) of the index rows holding `term` in one of the texts `fields`."""
        return f"{self.table} MATCH %s", ["{" + " ".join(fields) + "} : " + f'"{term}"']

    def hits(self, term: str, weight: float):
        """SELECT (SQL, parameters) of (paper_id, score) for the papers holding `term`: one row per text."""
        selects, params = [], []
        for field, field_weight in FIELDS.items():
            where, where_params = self.holding(term, [field])
            selects.append(f"SELECT rowid AS paper_id, %s AS score FROM {self.table} WHERE {where}")
            params += [weight * field_weight, *where_params]
        return " UNION ALL ".join(selects), params

    def frequent_words(self, cursor) -> dict[str, int]:
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.vocabulary} USING fts5vocab(main, {self.table}, 'col')"
        )
        cursor.execute(
            f"SELECT term, sum(doc) FROM {self.vocabulary} WHERE col IN ({', '.join(['%s'] * len(FIELDS))}) "
            "GROUP BY term HAVING sum(doc) > %s",
            [*FIELDS, RARE],
        )
        return dict(cursor.fetchall())


class _PostgreSQLIndex:
    """The weighted tsvectors: a lexeme restricted to the texts' weights (`'word':AC`)."""

    table = PAPERS.search
    weights = {text.name: text.weight for text in PAPERS.texts if text.name in FIELDS}

    def __init__(self):
        self.compiler = Query(PaperSearchVector).get_compiler(connection=connection)

    def _query(self, term, weights):
        lexeme, params = self.compiler.compile(Lexeme(term).expression())
        # A subquery: the query is made once, not again for each row (unaccent is not immutable).
        return f"(SELECT to_tsquery('{TSVECTOR_CONFIG}', {lexeme} || ':{weights}'))", params

    def holding(self, term, fields):
        query, params = self._query(term, "".join(self.weights[field] for field in fields))
        return f"document @@ {query}", params

    def hits(self, term, weight):
        """One row per paper, each of its texts that holds the word adding its weight."""
        scores, params = [], []
        for field, field_weight in FIELDS.items():
            query, query_params = self._query(term, self.weights[field])
            scores.append(f"CASE WHEN document @@ {query} THEN %s ELSE 0 END")
            params += [*query_params, weight * field_weight]
        where, where_params = self.holding(term, list(FIELDS))
        # OFFSET 0 keeps the score computed in the scan: otherwise the planner may sort whole documents by paper.
        scored = f"SELECT paper_id, {' + '.join(scores)} AS score FROM {self.table} WHERE {where}"
        return f"SELECT * FROM ({scored} OFFSET 0) AS h", [*params, *where_params]

    def frequent_words(self, cursor):
        cursor.execute(
            "SELECT word, ndoc FROM ts_stat(%s, %s) WHERE ndoc > %s",
            [f"SELECT document FROM {self.table}", "".join(self.weights.values()), RARE],
        )
        return dict(cursor.fetchall())
