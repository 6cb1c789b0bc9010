"""SQLite FTS5 backend: stems written by Python into `kb_search_fts` (rowid = entry id).

The FTS table holds the stemmed words of each field; `kb.search.russian` stems the query the
same way, so any word form meets any other. bm25 weighs the fields like the ranking promises:
title, then summary, steps and tags, then body.
"""

from collections.abc import Sequence

from django.db import connection

from kb.content.models import SearchDocument
from kb.search.base import Backend, Filters
from kb.search.query import Alternative, Group
from kb.search.russian import stems

FTS_TABLE = "kb_search_fts"
COLUMNS = ("title", "summary", "steps", "tags", "body")
WEIGHTS = "10.0, 4.0, 3.0, 3.0, 1.0"
TIERS = ("{title}", "{summary steps tags}", "")


def alternative_expression(alternative: Alternative) -> str:
    # Stems hold only letters and digits, so quoting them makes any input a plain phrase.
    if alternative.prefix:
        return f'"{alternative.words[0]}"*'
    return '"' + " ".join(alternative.stems) + '"'


def match_expression(groups: Sequence[Group], mode: str, tier: int = 2) -> str:
    parts = ["(" + " OR ".join(map(alternative_expression, g.alternatives)) + ")" for g in groups]
    expression = f" {mode} ".join(parts)
    columns = TIERS[tier]
    return f"{columns} : ({expression})" if columns else expression


def indexed_text(document: SearchDocument, column: str) -> str:
    """A column's text; search phrases share the title's column, so they weigh as it does."""
    if column == "title":
        return f"{document.title}\n{document.phrases}"
    return getattr(document, column)


class SqliteBackend(Backend):
    id_column = f"{FTS_TABLE}.rowid"

    def write(self, documents: Sequence[SearchDocument]) -> None:
        rows = [
            (d.pk, *(" ".join(stems(indexed_text(d, column))) for column in COLUMNS))
            for d in documents
        ]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, {', '.join(COLUMNS)}) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                rows,
            )

    def delete(self, ids: Sequence[int]) -> None:
        ids = list(ids)
        with connection.cursor() as cursor:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                cursor.execute(
                    f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({', '.join(['%s'] * len(chunk))})",
                    chunk,
                )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")

    def matching(
        self, groups: Sequence[Group], mode: str, filters: Filters, tier: int = 2
    ) -> tuple[str, list]:
        where, params = self.filter_sql(filters)
        sql = (
            f"FROM {FTS_TABLE} JOIN kb_searchdocument d ON d.entry_id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH %s{where}"
        )
        return sql, [match_expression(groups, mode, tier), *params]

    def score_sql(self, groups: Sequence[Group], mode: str, tier: int = 2) -> tuple[str, list]:
        # bm25 is lower for better matches; negated so that higher is better everywhere.
        return f"-bm25({FTS_TABLE}, {WEIGHTS})", []

    def bare(self, text: str, limit: int = 10) -> list[int]:
        expression = " ".join(f'"{s}"' for s in stems(text)) or '""'
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
                f"ORDER BY bm25({FTS_TABLE}) LIMIT %s",
                [expression, limit],
            )
            return [row[0] for row in cursor.fetchall()]
