"""What both backends share: filters, and the queries built on their match and score SQL."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection

from kb.content.models import SearchDocument
from kb.search.query import Group


@dataclass(frozen=True)
class Filters:
    kind: str | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)


class Backend:
    """A search backend: writes documents, and gives the SQL that matches and scores them.

    `matching` returns a `FROM … WHERE …` clause over the documents that match (the alias `d`
    is the `kb_searchdocument` row), `score_sql` the expression that ranks them (higher is
    better); `tier` 0 matches titles only, 1 summaries, steps and tags, 2 everything.
    """

    id_column = "d.entry_id"

    def write(self, documents: Sequence[SearchDocument]) -> None:
        raise NotImplementedError

    def delete(self, ids: Sequence[int]) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    def settle(self) -> None:
        """After many documents were written at once (a rebuild): leave the index and the
        database's statistics as searches need them. Nothing to do by default."""

    def matching(
        self, groups: Sequence[Group], mode: str, filters: Filters, tier: int = 2
    ) -> tuple[str, list]:
        raise NotImplementedError

    def score_sql(self, groups: Sequence[Group], mode: str, tier: int = 2) -> tuple[str, list]:
        raise NotImplementedError

    def bare(self, text: str, limit: int = 10) -> list[int]:
        """The engine alone: one ranked full-text query, for the benchmark's baseline."""
        raise NotImplementedError

    def filter_sql(self, filters: Filters) -> tuple[str, list]:
        where, params = "", []
        if filters.kind:
            where += " AND d.kind = %s"
            params.append(filters.kind)
        slugs = sorted(set(filters.tags))
        if slugs:
            # One subquery for any number of tags: the entries carrying all of them.
            placeholders = ", ".join(["%s"] * len(slugs))
            where += (
                f" AND {self.id_column} IN (SELECT te.content_object_id FROM kb_taggedentry te"
                f" JOIN kb_tag t ON t.id = te.tag_id WHERE t.slug IN ({placeholders})"
                " GROUP BY te.content_object_id HAVING count(*) = %s)"
            )
            params += [*slugs, len(slugs)]
        return where, params

    def count(self, groups: Sequence[Group], mode: str, filters: Filters, cap: int) -> int:
        """How many documents match, counting no further than `cap`."""
        sql, params = self.matching(groups, mode, filters)
        return self._fetch(
            f"SELECT count(*) FROM (SELECT 1 {sql} LIMIT %s) matches", [*params, cap]
        )[0][0]

    def ranked(
        self, groups: Sequence[Group], mode: str, filters: Filters, limit: int, offset: int = 0
    ) -> list[tuple[int, float]]:
        """The best matches, all of them ranked."""
        sql, params = self.matching(groups, mode, filters)
        score, score_params = self.score_sql(groups, mode)
        return self._fetch(
            f"SELECT {self.id_column}, {score} AS score {sql} "
            f"ORDER BY score DESC, {self.id_column} LIMIT %s OFFSET %s",
            [*score_params, *params, limit, offset],
        )

    def partial(
        self, groups: Sequence[Group], filters: Filters, limit: int
    ) -> list[tuple[int, float]]:
        """The best matches of any of the groups, ranked: the entries that hold part of a
        query, after the few that hold all of it. Exact by default."""
        return self.ranked(groups, "OR", filters, limit)

    def sample(
        self, groups: Sequence[Group], mode: str, filters: Filters, tier: int, limit: int
    ) -> list[tuple[int, float]]:
        """Up to `limit` matches of a tier with their scores, unranked: the cost stays bounded
        however many documents match, since only the rows fetched are scored."""
        sql, params = self.matching(groups, mode, filters, tier)
        score, score_params = self.score_sql(groups, mode, tier)
        return self._fetch(
            f"SELECT {self.id_column}, {score} AS score {sql} LIMIT %s",
            [*score_params, *params, limit],
        )

    def facets(
        self, groups: Sequence[Group], mode: str, filters: Filters, cap: int
    ) -> tuple[dict[str, int], dict[str, int]]:
        """Matches per kind (ignoring the kind filter) and per tag slug, over at most `cap`."""

        def matched_ids(narrowed_by: Filters) -> tuple[str, list]:
            sql, params = self.matching(groups, mode, narrowed_by)
            return f"SELECT {self.id_column} AS id {sql} LIMIT %s", [*params, cap]

        ids_sql, params = matched_ids(Filters(None, filters.tags))
        kinds = self._fetch(
            f"SELECT d.kind, count(*) FROM ({ids_sql}) m "
            "JOIN kb_searchdocument d ON d.entry_id = m.id GROUP BY d.kind",
            params,
        )
        ids_sql, params = matched_ids(filters)
        tags = self._fetch(
            f"SELECT t.slug, count(*) FROM ({ids_sql}) m "
            "JOIN kb_taggedentry te ON te.content_object_id = m.id "
            "JOIN kb_tag t ON t.id = te.tag_id GROUP BY t.slug",
            params,
        )
        return dict(kinds), dict(tags)

    @staticmethod
    def _fetch(sql: str, params: list) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
