"""The page of a search's best matches, chosen from SQLite's search index alone.

Ranked best match first (`filters.best_match_first`), a search orders its matches through the paper table: the
titles equal to the search or begun by it first, then by bm25, then newest first; every match's row is read to
order them. For a search with no other filter, SQLite's index can order its matches by itself: the titles that
come first are picked out from those the search's words begin (the index finds them), the index ranks its matches
and stops a little past the page, and only matches of equal rank are then ordered newest first, from their rows.
When equal ranks run on past what was read, when the page is deep in the list, or on PostgreSQL, `page_ids`
gives None and the list's own query chooses the page.
"""

from collections import Counter
from dataclasses import dataclass

from django.db import connections, models

from catalog import search
from catalog.filters import title_match
from catalog.models import Paper, PaperFTS

# Matches read past the page's end, to see that the ranks there differ from the page's last.
SPARE = 20
# Deeper than this, the index would rank nearly every match anyway: the list's query chooses the page.
DEEPEST = 1_000
# More titles equal to the search or begun by it than this, and the list's query chooses the page.
MOST_AHEAD = 500
TITLE = "title"


@dataclass(frozen=True)
class Ranked:
    pk: int
    ahead: int
    rank: float

    @property
    def key(self):
        return self.ahead, self.rank


def page_ids(text, start, stop) -> list[int] | None:
    """The ids of the matches of the search `text` from position `start` to `stop` (excluded), best match first as
    `filters.best_match_first` orders them; None when the search index alone cannot tell them (see above)."""
    phrases = search.search_phrases(text)
    if not phrases or stop > DEEPEST or connections[Paper.objects.db].vendor != "sqlite":
        return None
    ahead = _titles_ahead(text, phrases)
    if len(ahead) > MOST_AHEAD:
        return None
    read = stop + SPARE
    ranked = [Ranked(*row) for row in _ranked(phrases, ahead, limit=read)]
    if len(ranked) == read:
        last = ranked[stop - 1].key
        if ranked[-1].key == last:
            return None
        ranked = [match for match in ranked if match.key <= last]
    return [match.pk for match in _newest_first_among_equals(ranked)][start:stop]


def _titles_ahead(text, phrases) -> dict[int, int]:
    """{id: title_match} of the papers whose title is equal to the search or begun by it (title_match 0 or 1),
    looked for among those whose title begins with the search's words: the index finds them."""
    begun = PaperFTS.objects.filter(document__match=search.fts5_column_start_query(TITLE, phrases))
    papers = Paper.objects.filter(pk__in=begun.values("pk")).annotate(ahead=title_match(text))
    return dict(papers.filter(ahead__lt=2).values_list("pk", "ahead"))


def _ranked(phrases, ahead, *, limit):
    """(id, title_match, bm25) of the best `limit` matches by title and rank alone, from the search index."""
    titles_first = models.Case(
        *(models.When(pk__in=[pk for pk, its in ahead.items() if its == value], then=value) for value in (0, 1)),
        default=2,
        output_field=models.IntegerField(),
    )
    return (
        PaperFTS.objects.filter(document__match=search.fts5_query(phrases))
        .annotate(ahead=titles_first, rank=search.bm25(Paper, "document"))
        .order_by("ahead", "rank")
        .values_list("pk", "ahead", "rank")[:limit]
    )


def _newest_first_among_equals(ranked):
    """`ranked` (in order of their key), matches of equal key newest first, as the list orders them; the date and
    position are read for those only."""
    repeated = {key for key, count in Counter(match.key for match in ranked).items() if count > 1}
    tied = {match.pk for match in ranked if match.key in repeated}
    if not tied:
        return ranked
    order = {
        pk: (-day.toordinal(), position, pk)
        for pk, day, position in Paper.objects.filter(pk__in=tied).values_list("pk", "date", "position")
    }
    return sorted(ranked, key=lambda match: (match.key, order.get(match.pk, ())))
