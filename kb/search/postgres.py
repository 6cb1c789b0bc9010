"""PostgreSQL backend: a weighted `tsvector` per document, in the `pravila_russian`
configuration (the built-in `russian` one without its stop words, created by migration
kb/content/migrations/0010: SQLite's index keeps those words, and staff search by some).

Title and search phrases weigh A, summary, steps and tags B, body C; PostgreSQL stems both
sides itself. "ё" is folded into "е" before stemming (the `russian` configuration does not).
"""

from collections.abc import Sequence

from django.db import connection

from kb.content.models import SearchDocument
from kb.search.base import Backend, Filters
from kb.search.query import Alternative, Group

GIN_INDEX = "kb_searchdoc_vector_gin"  # migration kb/content/migrations/0005
TIERS = ("A", "B", "")
# The GIN index cannot tell a title match from a body match: a weighted tier rechecks each
# matching row's vector. It looks at no more than this many matches, so that a word common in
# bodies but rare in titles costs milliseconds, not a second, on 100,000 entries.
TIER_SCAN = 1000
VECTOR = (
    "setweight(to_tsvector('pravila_russian', translate(lower(title), 'ё', 'е')), 'A') || "
    "setweight(to_tsvector('pravila_russian', translate(lower(phrases), 'ё', 'е')), 'A') || "
    "setweight(to_tsvector('pravila_russian', translate(lower(summary), 'ё', 'е')), 'B') || "
    "setweight(to_tsvector('pravila_russian', translate(lower(steps), 'ё', 'е')), 'B') || "
    "setweight(to_tsvector('pravila_russian', translate(lower(tags), 'ё', 'е')), 'B') || "
    "setweight(to_tsvector('pravila_russian', translate(lower(body), 'ё', 'е')), 'C')"
)


def alternative_expression(alternative: Alternative, weights: str) -> str:
    # Words hold only letters and digits; quoted, they are always plain lexemes.
    if alternative.prefix:
        return f"'{alternative.words[0]}':*{weights}"
    label = f":{weights}" if weights else ""
    return "(" + " <-> ".join(f"'{w}'{label}" for w in alternative.words) + ")"


def tsquery(groups: Sequence[Group], mode: str, tier: int = 2) -> str:
    operator = " & " if mode == "AND" else " | "
    weights = TIERS[tier]
    return operator.join(
        "(" + " | ".join(alternative_expression(a, weights) for a in g.alternatives) + ")"
        for g in groups
    )


class PostgresBackend(Backend):
    id_column = "d.entry_id"

    def write(self, documents: Sequence[SearchDocument]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE kb_searchdocument SET search_vector = {VECTOR} WHERE entry_id = ANY(%s)",
                [[d.pk for d in documents]],
            )

    def delete(self, ids: Sequence[int]) -> None:
        """Nothing to do: the vector goes with its document row."""

    def settle(self) -> None:
        # A GIN index takes new vectors into a pending list (up to 4 MB), which every search
        # reads whole until VACUUM or autoanalyze merges it: after the bench's rebuild of
        # 10,000 entries, 400 pages read by each full-text query (docs/search.md, "Speed").
        # And the statistics the planner goes by were the table's before the rebuild, or
        # none. Both work inside the rebuild's transaction.
        with connection.cursor() as cursor:
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [GIN_INDEX])
            cursor.execute("ANALYZE kb_searchdocument")

    def clear(self) -> None:
        """Nothing to do: the vectors go with their document rows."""

    def matching(
        self, groups: Sequence[Group], mode: str, filters: Filters, tier: int = 2
    ) -> tuple[str, list]:
        where, params = self.filter_sql(filters)
        sql = (
            "FROM kb_searchdocument d WHERE d.search_vector @@ to_tsquery('pravila_russian', %s)"
            + where
        )
        return sql, [tsquery(groups, mode, tier), *params]

    def score_sql(self, groups: Sequence[Group], mode: str, tier: int = 2) -> tuple[str, list]:
        if mode == "OR" and len(groups) > 1:
            # When any word may match, ts_rank knows nothing of how rare a word is. Each group
            # counts its inverse document frequency when the document holds it (plus its rank,
            # which prefers the title): the rare word a document holds outweighs the common
            # ones, as bm25's IDF does on SQLite. (When every word matches, plain ts_rank.)
            part = (
                "{weight!r} * ((d.search_vector @@ to_tsquery('pravila_russian', %s))::int"
                " + ts_rank(d.search_vector, to_tsquery('pravila_russian', %s), 1))"
            )
            parts, params = [], []
            for group in groups:
                parts.append(part.format(weight=float(group.weight)))
                query = tsquery([group], mode, tier)
                params += [query, query]
            return "(" + " + ".join(parts) + ")", params
        return "ts_rank(d.search_vector, to_tsquery('pravila_russian', %s), 1)", [
            tsquery(groups, mode, tier)
        ]

    def sample(
        self, groups: Sequence[Group], mode: str, filters: Filters, tier: int, limit: int
    ) -> list[tuple[int, float]]:
        if not TIERS[tier]:
            return super().sample(groups, mode, filters, tier, limit)
        sql, params = self.matching(groups, mode, filters)
        score, score_params = self.score_sql(groups, mode, tier)
        return self._fetch(
            f"SELECT d.entry_id, {score} AS score "
            f"FROM (SELECT d.entry_id, d.search_vector {sql} LIMIT %s) d "
            "WHERE d.search_vector @@ to_tsquery('pravila_russian', %s) LIMIT %s",
            [*score_params, *params, TIER_SCAN, tsquery(groups, mode, tier), limit],
        )

    def partial(
        self, groups: Sequence[Group], filters: Filters, limit: int
    ) -> list[tuple[int, float]]:
        # Any of a query's words matches thousands of documents at 10,000 entries (six in ten
        # for four ordinary words), and the any-word score tests and ranks each word in each:
        # 120 ms. Rank within at most TIER_SCAN of them, as the tiers do.
        sql, params = self.matching(groups, "OR", filters)
        score, score_params = self.score_sql(groups, "OR")
        return self._fetch(
            f"SELECT d.entry_id, {score} AS score "
            f"FROM (SELECT d.entry_id, d.search_vector {sql} LIMIT %s) d "
            "ORDER BY score DESC, d.entry_id LIMIT %s",
            [*score_params, *params, TIER_SCAN, limit],
        )

    def bare(self, text: str, limit: int = 10) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT entry_id FROM kb_searchdocument, plainto_tsquery('pravila_russian', %s) q "
                "WHERE search_vector @@ q ORDER BY ts_rank(search_vector, q) DESC LIMIT %s",
                [text, limit],
            )
            return [row[0] for row in cursor.fetchall()]
