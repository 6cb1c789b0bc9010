"""Searching a large index stays cheap: the full-text index is used on PostgreSQL, and a
search runs a bounded number of queries however many words it has (issue 19's speed target,
`manage.py bench_search`)."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kb import search
from kb.search.engine import EXACT_LIMIT
from kb.tools.search_benchmark import Corpus, add_entries, staff_queries

pytestmark = pytest.mark.django_db

# Large enough that reading every document costs far more than the index, and that the
# planner chose to, before (PostgreSQL's default random_page_cost).
ENTRIES = 3000
# Counting matches (all words, then any), ranking the query's own words and then with
# synonyms, one tier after another past 1,000 matches, the facets, loading the hits.
MAX_QUERIES = 10


@pytest.fixture
def bench_queries() -> list[str]:
    """The benchmark's corpus (recombined seed sentences) indexed, and its staff-like queries."""
    rng = random.Random(7)
    corpus = Corpus(rng)
    queries = staff_queries(corpus, rng, count=60)
    add_entries(corpus, 0, ENTRIES)
    search.rebuild_index()
    return queries


def document_scans(sql: str) -> list[dict]:
    """The sequential scans of the search documents in the query's executed plan."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        nodes = [cursor.fetchone()[0][0]["Plan"]]
    scans = []
    while nodes:
        node = nodes.pop()
        nodes += node.get("Plans", [])
        if node["Node Type"] == "Seq Scan" and node["Relation Name"] == "kb_searchdocument":
            scans.append(node)
    return scans


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query planner")
def test_full_text_queries_find_matches_through_the_index(bench_queries):
    """Reading documents one after another is fine only while most of them match (a word in
    nearly every entry, counted up to a cap): else the GIN index must find them. Each
    document read costs its whole vector, decompressed."""
    with connection.cursor() as cursor:
        # The rebuild merged the index's pending list, which every search would read whole.
        cursor.execute("SELECT gin_clean_pending_list('kb_searchdoc_vector_gin'::regclass)")
        assert cursor.fetchone()[0] == 0
    with CaptureQueriesContext(connection) as captured:
        for query in bench_queries:
            search.search(query, facets=True)
    full_text = [q["sql"] for q in captured.captured_queries if "to_tsquery" in q["sql"]]
    assert len(full_text) >= len(bench_queries)
    wasteful = [
        (scan["Actual Rows"], scan["Rows Removed by Filter"], sql)
        for sql in full_text
        for scan in document_scans(sql)
        if scan.get("Rows Removed by Filter", 0) > scan["Actual Rows"]
    ]
    assert not wasteful, f"{len(wasteful)} of {len(full_text)}, e.g. {wasteful[0]}"


def test_a_search_runs_a_bounded_number_of_queries(bench_queries):
    """No query per word: a query of twenty words costs no more queries than one of one."""
    long_queries = [" ".join(bench_queries[i : i + 10]) for i in range(0, 60, 10)]
    counts = {}
    for text in bench_queries + long_queries:
        with CaptureQueriesContext(connection) as captured:
            search.search(text, facets=True)
        counts[text] = len(captured)
    assert max(counts.values()) <= MAX_QUERIES, counts


def plan(sql: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
        return cursor.fetchone()[0][0]["Plan"]


def documents_scored(node: dict) -> int:
    """The most search documents one scan in the plan returned (to be scored above it)."""
    rows = node["Actual Rows"] if node.get("Relation Name") == "kb_searchdocument" else 0
    return max([rows] + [documents_scored(child) for child in node.get("Plans", [])])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query planner")
def test_no_ranking_scores_more_than_the_exact_limit(bench_queries):
    """Ranking costs a `ts_rank` (and, for any word, a test per word) in every document it
    scores: however many documents hold some word of the query, no statement scores more than
    `EXACT_LIMIT` of them (past that, bounded samples: the tiers, the entries holding part of
    a query)."""
    # Four words of a query that few entries hold together, many one of them.
    long_queries = [" ".join(bench_queries[i : i + 4]) for i in range(0, 60, 4)]
    with CaptureQueriesContext(connection) as captured:
        for query in bench_queries + long_queries:
            search.search(query)
    ranking = [q["sql"] for q in captured.captured_queries if "ts_rank" in q["sql"]]
    scored = sorted((documents_scored(plan(sql)), sql) for sql in ranking)
    assert scored[-1][0] <= EXACT_LIMIT, scored[-1]


def toast_blocks_read() -> int:
    """Blocks of the search documents' TOAST table read so far in this transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_stat_get_xact_blocks_fetched(reltoastrelid) FROM pg_class"
            " WHERE oid = 'kb_searchdocument'::regclass"
        )
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's storage")
def test_ranking_reads_vectors_from_the_table_rows(bench_queries):
    """Each `ts_rank` and each weighted `@@` reads the document's vector. Kept out of line (in
    TOAST, PostgreSQL's default for a row this long), each call fetched it anew through the
    TOAST index: some twenty blocks per document scored, most of a ranking's time."""
    with CaptureQueriesContext(connection) as captured:
        for query in bench_queries:
            search.search(query)
    ranking = [q["sql"] for q in captured.captured_queries if "ts_rank" in q["sql"]]
    before = toast_blocks_read()
    scored = sum(documents_scored(plan(sql)) for sql in ranking)
    assert scored > 10 * len(ranking)
    assert toast_blocks_read() - before <= len(ranking)
