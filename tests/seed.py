"""The seed content for tests that only need it there: loaded for real once per process, then
written back row for row.

`load_seed()` makes about 3,800 queries and sends the signals that keep history, the search
index and the caches current: 2 s of every such test on SQLite, 4 s and more on PostgreSQL.
`seed()` loads it for real the first time, keeps the rows it wrote (every table's new rows,
read raw, the SQLite full-text table and PostgreSQL's vectors included), and for later tests
inserts those rows again, as they were, and moves on the cache generations the real load moved
on. Tests of the loader itself call `load_seed()`.

It loads for real again whenever the database is not as it was when the rows were kept: a
table the loader touched holds other rows (a test made an entry first, or loaded the seed
already), or rows it points at without having written them (content types) are missing.
Content types renumbered by a transactional test's flush are matched by their values, and the
rows' references follow them; SQLite's full-text table, which the flush leaves as it was, has
the copied ids' rows replaced, as the search index replaces them. tests/test_seed_copy.py shows
that the copy is the database a real load leaves.
"""

import copy
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.test.utils import CaptureQueriesContext

from kb import search
from kb.content.services import SeedReport, load_seed
from kb.core.cache import bump_generation, pending_generations

Row = tuple[Any, ...]
FTS5_SHADOWS = ("data", "idx", "content", "docsize", "config")
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class Table:
    name: str
    virtual: bool = False  # an SQLite FTS5 table: its rows are read and written with their rowid
    columns: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    def counted(self) -> Counter:
        return Counter(self.rows)


@dataclass
class Capture:
    """What one real load wrote, and the database it wrote it into."""

    tables: dict[str, Table]  # the rows it wrote, by table
    base: dict[str, Table]  # the tables it touched or points into, as they were before
    references: dict[str, dict[str, str]]  # table -> column -> the table it points into
    generations: list[str]
    report: SeedReport


_capture: list[Capture] = []
loads = Counter()  # how many real loads and copies this process made ("real", "copy")


def seed() -> SeedReport:
    """The seed content in the database, as `load_seed()` leaves it (see the module's text)."""
    if _capture:
        report = _copy(_capture[0])
        if report is not None:
            loads["copy"] += 1
            return report
    loads["real"] += 1
    report, capture = _load_and_capture()
    if capture is not None:
        _capture[:] = [capture]
    return report


def forget() -> None:
    """Load for real next time (and keep what that load wrote)."""
    _capture.clear()


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def virtual_tables(cursor: CursorWrapper) -> set[str]:
    if connection.vendor != "sqlite":
        return set()
    cursor.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")
    return {name for (name,) in cursor.fetchall()}


def all_tables(cursor: CursorWrapper) -> dict[str, Table]:
    """Every table of the database, empty; an FTS5 table's own storage (its shadow tables)
    left out: it is written through the FTS5 table."""
    virtual = virtual_tables(cursor)
    shadows = {f"{name}_{suffix}" for name in virtual for suffix in FTS5_SHADOWS}
    return {
        name: Table(name, virtual=name in virtual)
        for name in connection.introspection.table_names(cursor)
        if name not in shadows
    }


def value(item: Any) -> Any:
    return bytes(item) if isinstance(item, memoryview) else item


def read(cursor: CursorWrapper, table: Table) -> Table:
    rowid = "rowid, " if table.virtual else ""
    cursor.execute(f"SELECT {rowid}* FROM {quote(table.name)}")
    columns = [column[0] for column in cursor.description]
    return Table(table.name, table.virtual, columns, [tuple(map(value, r)) for r in cursor])


def snapshot(names: set[str] | None = None) -> dict[str, Table]:
    """The rows of every table (or of those named), read raw."""
    with connection.cursor() as cursor:
        tables = all_tables(cursor)
        return {
            name: read(cursor, table)
            for name, table in tables.items()
            if names is None or name in names
        }


def touched_tables(queries: list[dict[str, Any]], names: set[str]) -> set[str]:
    """The tables named in these queries' SQL."""
    touched: set[str] = set()
    for query in queries:
        touched.update(names.intersection(WORD.findall(query["sql"])))
    return touched


def _load_and_capture() -> tuple[SeedReport, Capture | None]:
    """Load the seed for real; what it wrote, kept only where it wrote into empty tables (the
    database a test that only needs the seed starts from) and added rows only (rows changed or
    removed cannot be written again as new ones)."""
    before = snapshot()
    with transaction.atomic():
        pending = pending_generations()
        earlier = dict(pending.names) if pending is not None else {}
        with CaptureQueriesContext(connection) as queries:
            report = load_seed()
        pending = pending_generations()
        moved = pending.names if pending is not None else {}
        generations = [name for name, stamp in moved.items() if earlier.get(name) != stamp]
    after = snapshot()
    written: dict[str, Table] = {}
    for name, table in after.items():
        old, new = before[name].counted(), table.counted()
        if old == new:
            continue
        if table.virtual:
            # Rows of other entries may be there (see `replace_rows`): only the new ones count.
            added = [row for row in table.rows if row not in old]
            ids = {row[0] for row in added}
            if any(row[0] not in ids for row in old - new):
                return report, None
            written[name] = Table(name, table.virtual, table.columns, added)
        elif old:
            return report, None
        else:
            written[name] = table
    references = references_of(written)
    pointed_into = {target for columns in references.values() for target in columns.values()}
    touched = touched_tables(queries.captured_queries, set(before)) | pointed_into
    base = {name: before[name] for name in touched | set(written)}
    return report, Capture(written, base, references, generations, copy.deepcopy(report))


def references_of(written: dict[str, Table]) -> dict[str, dict[str, str]]:
    """For each written table, its columns that point into tables the load did not write and
    hold a value in some written row: column -> the table pointed into."""
    found: dict[str, dict[str, str]] = {}
    with connection.cursor() as cursor:
        for name, table in written.items():
            if table.virtual:
                continue
            relations = connection.introspection.get_relations(cursor, name)
            for column, (_, target) in relations.items():
                at = table.columns.index(column)
                if target not in written and any(row[at] is not None for row in table.rows):
                    found.setdefault(name, {})[column] = target
    return found


def primary_key(table: Table) -> str:
    with connection.cursor() as cursor:
        return connection.introspection.get_primary_key_column(cursor, table.name)


def renumbering(old: Table, new: Table) -> dict[Any, Any] | None:
    """Old primary keys -> new ones, where `new` holds the same rows as `old` under other
    primary keys (each row told apart by its other values); None where it does not."""
    at = old.columns.index(primary_key(old))
    if old.columns != new.columns or len(old.rows) != len(new.rows):
        return None

    def by_values(table: Table) -> dict[Row, Any]:
        return {row[:at] + row[at + 1 :]: row[at] for row in table.rows}

    was, now = by_values(old), by_values(new)
    if len(was) != len(old.rows) or len(now) != len(new.rows) or was.keys() != now.keys():
        return None
    return {was[values]: now[values] for values in was}


def _copy(capture: Capture) -> SeedReport | None:
    """Write the captured rows again; None (nothing written) where the database is not the
    one they were captured from."""
    current = snapshot(set(capture.base))
    renumbered: dict[str, dict[Any, Any]] = {}
    for name, table in capture.base.items():
        if name not in current:
            return None
        if table.virtual or current[name].counted() == table.counted():
            continue
        pointed_into = {t for columns in capture.references.values() for t in columns.values()}
        mapping = renumbering(table, current[name]) if name in pointed_into else None
        if name in capture.tables or mapping is None:
            return None
        renumbered[name] = mapping
    with transaction.atomic(), connection.cursor() as cursor:
        for table in capture.tables.values():
            if table.virtual:
                replace_rows(cursor, table)
            cursor.executemany(insert_sql(table), rows(table, capture, renumbered))
        reset_sequences(cursor, set(capture.tables))
        for name in capture.generations:
            bump_generation(name)
    # What the loader's signals make this process forget, and the content types it looks up
    # (cached per process, as the loader leaves them: a page's queries are counted after it).
    search.forget_lexicon()
    search.forget_synonyms()
    for pk in content_types(capture, renumbered):
        ContentType.objects.get_for_id(pk)
    return copy.deepcopy(capture.report)


def content_types(capture: Capture, renumbered: dict[str, dict[Any, Any]]) -> set[int]:
    """The content types the copied rows point at."""
    table = ContentType._meta.db_table
    found = set()
    for name, columns in capture.references.items():
        for column, target in columns.items():
            if target == table:
                at = capture.tables[name].columns.index(column)
                found.update(row[at] for row in capture.tables[name].rows if row[at] is not None)
    mapping = renumbered.get(table, {})
    return {mapping.get(pk, pk) for pk in found}


def rows(table: Table, capture: Capture, renumbered: dict[str, dict[Any, Any]]) -> list[Row]:
    follow = {
        table.columns.index(column): renumbered[target]
        for column, target in capture.references.get(table.name, {}).items()
        if target in renumbered
    }
    if not follow:
        return table.rows
    return [
        tuple(
            follow[i][item] if i in follow and item is not None else item
            for i, item in enumerate(row)
        )
        for row in table.rows
    ]


def replace_rows(cursor: CursorWrapper, table: Table) -> None:
    """An FTS5 table outlives a transactional test's flush (Django empties only its models'
    tables), so it can hold rows of entries an earlier test made; the search index replaces
    the rows of the ids it writes (`kb.search.index.replace_documents`), and so does the copy."""
    ids = [row[0] for row in table.rows]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join(["%s"] * len(chunk))
        cursor.execute(f"DELETE FROM {quote(table.name)} WHERE rowid IN ({marks})", chunk)


def insert_sql(table: Table) -> str:
    columns = ", ".join(quote(c) if c != "rowid" else c for c in table.columns)
    marks = ", ".join(["%s"] * len(table.columns))
    return f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({marks})"


def reset_sequences(cursor: CursorWrapper, names: set[str]) -> None:
    """PostgreSQL's sequences past the rows written with their ids (SQLite's follow them)."""
    models = [m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in names]
    for sql in connection.ops.sequence_reset_sql(no_style(), models):
        cursor.execute(sql)
