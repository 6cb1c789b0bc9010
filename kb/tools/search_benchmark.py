"""The search benchmark behind `manage.py bench_search`.

Builds throw-away corpora of 1,000, 10,000 and 100,000 entries whose text recombines the seed
content's sentences (so word frequencies are natural: «клиент» is in most entries), inside a
transaction that is rolled back, and times three ways of answering the same staff-like queries:
(a) the product's whole search path as the API runs it, (b) the engine's bare ranked query on
the same index, (c) a naive `icontains` search.
"""

import random
import re
import resource
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q

from kb import search
from kb.content.models import (
    Entry,
    Kind,
    Response,
    SearchDocument,
    SearchWord,
    Status,
    Tag,
    TaggedEntry,
)
from kb.content.services import read_seed, read_seed_synonyms
from kb.search.backends import backend
from kb.search.query import clean_query
from kb.search.russian import STOP_WORDS, words

SIZES = (1_000, 10_000, 100_000)
SENTENCE = re.compile(r"[^.!?…]+[.!?…]")
TARGETS = {10_000: 30.0, 100_000: 150.0}  # SQLite and PostgreSQL: (a) p95 in ms
MIN_SPEED_UP = 100  # SQLite, 100,000 entries: (a) median at least this much faster than (c)


@dataclass
class Timing:
    median_ms: float
    p95_ms: float

    def __str__(self) -> str:
        return f"median {self.median_ms:7.2f} ms   p95 {self.p95_ms:7.2f} ms"


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE.findall(" ".join(text.split())) if len(s.strip()) > 20]


class Corpus:
    """Seed sentences and titles to recombine, and tags to hang on entries."""

    def __init__(self, rng: random.Random) -> None:
        _, items = read_seed()
        self.rng = rng
        self.titles = [item["title"] for item in items]
        self.summaries = [s for item in items for s in sentences(item["summary"])]
        self.body = [
            s
            for item in items
            for field in ("body", "lesson")
            for s in sentences(item.get(field) or "")
        ] or self.summaries
        self.steps = [s for item in items for step in item.get("steps") or [] for s in [step]]
        self.tags = sorted({t for item in items for t in item.get("tags") or []})

    def pick(self, pool: list[str], low: int, high: int) -> str:
        return " ".join(self.rng.choice(pool) for _ in range(self.rng.randint(low, high)))

    def entry(self, n: int) -> tuple[Entry, list[str], list[str]]:
        kind = self.rng.choice(
            [Kind.SITUATION, Kind.SITUATION, Kind.PRINCIPLE, Kind.RULE, Kind.CASE]
        )
        body = self.pick(self.body, 3, 8)
        entry = Entry(
            kind=kind,
            title=self.rng.choice(self.titles),
            slug=f"bench-{n}",
            summary=self.pick(self.summaries, 1, 2),
            body=body,
            body_html=f"<p>{body}</p>",
            status=Status.PUBLISHED,
        )
        steps = (
            [self.rng.choice(self.steps) for _ in range(self.rng.randint(2, 4))]
            if kind == Kind.SITUATION
            else []
        )
        return entry, steps, self.rng.sample(self.tags, 2)


def add_entries(corpus: Corpus, start: int, stop: int) -> None:
    """Entries start..stop-1, written in bulk (no per-entry save: markdown is pre-rendered)."""
    tags = {t.name: t for t in Tag.objects.filter(name__in=corpus.tags)}
    for name in corpus.tags:
        if name not in tags:
            tags[name] = Tag.objects.create(name=name)
    for chunk_start in range(start, stop, 5000):
        made = [corpus.entry(n) for n in range(chunk_start, min(stop, chunk_start + 5000))]
        entries = Entry.objects.bulk_create([e for e, _, _ in made], batch_size=1000)
        Response.objects.bulk_create(
            [
                Response(situation=e, position=i, anchor=f"s{i}", text=t, text_html=f"<p>{t}</p>")
                for e, (_, steps, _) in zip(entries, made, strict=True)
                for i, t in enumerate(steps, start=1)
            ],
            batch_size=2000,
        )
        TaggedEntry.objects.bulk_create(
            [
                TaggedEntry(content_object=e, tag=tags[name])
                for e, (_, _, names) in zip(entries, made, strict=True)
                for name in names
            ],
            batch_size=2000,
        )


def typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    edit = rng.choice(["swap", "drop", "double", "replace"])
    if edit == "swap":
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    if edit == "drop":
        return word[:i] + word[i + 1 :]
    if edit == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("аеиоукнс") + word[i + 1 :]


def staff_queries(corpus: Corpus, rng: random.Random, count: int = 240) -> list[str]:
    """Queries like staff type: 1–4 words in any form, typos, synonyms, the commonest words."""
    text = " ".join(corpus.titles + corpus.summaries + corpus.body + corpus.steps)
    vocabulary = [w for w in words(text) if w not in STOP_WORDS and len(w) > 2]
    common = [w for w, _ in Counter(vocabulary).most_common(12)]
    colloquial = [w.strip() for g in read_seed_synonyms() for w in g.split(",")]
    queries = [*common]  # the hardest: one very common word
    while len(queries) < count:
        shape = rng.random()
        if shape < 0.35:  # a few words of a title, as typed
            title_words = [w for w in words(rng.choice(corpus.titles)) if w not in STOP_WORDS]
            queries.append(
                " ".join(rng.sample(title_words, min(len(title_words), rng.randint(1, 3))))
            )
        elif shape < 0.6:  # words of any sentence, in the forms they have there
            queries.append(" ".join(rng.sample(vocabulary, rng.randint(1, 4))))
        elif shape < 0.8:  # a typo in a longer word, next to a common one
            long_words = [w for w in vocabulary if len(w) >= 6]
            queries.append(f"{rng.choice(common)} {typo(rng.choice(long_words), rng)}".strip())
        else:  # a colloquial word or synonym, sometimes with a common word
            extra = rng.choice(["", rng.choice(common)])
            queries.append(f"{rng.choice(colloquial)} {extra}".strip())
    return queries


def measure(function: Callable[[str], object], queries: list[str]) -> Timing:
    times = []
    for query in queries:
        started = time.perf_counter()
        function(query)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return Timing(statistics.median(times), times[int(len(times) * 0.95) - 1])


def product_search(query: str) -> None:
    """What the API does for a query: search, then each hit as JSON."""
    results = search.search(clean_query(query))
    [
        (hit.kind, hit.kind_label, hit.title, hit.url, str(hit.snippet), hit.score)
        for hit in results.hits
    ]


def naive_search(query: str) -> None:
    entries = Entry.objects.published()
    for word in query.split()[:10]:
        entries = entries.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
        )
    list(entries.order_by("title")[:10])
    entries.count()


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(write: Callable[[str], None], sizes: tuple[int, ...] = SIZES, seed: int = 7) -> bool:
    """Run the benchmark, writing a report line by line; True when the targets are met."""
    rng = random.Random(seed)
    corpus = Corpus(rng)
    queries = staff_queries(corpus, rng)
    engine = backend()
    vendor = connection.vendor
    write(f"Database: {vendor}; {len(queries)} queries, e.g. {queries[:3] + queries[-3:]}")
    met = True
    with transaction.atomic():
        Entry.objects.all().delete()
        made = 0
        for size in sizes:
            add_entries(corpus, made, size)
            made = size
            started = time.perf_counter()
            search.rebuild_index()
            indexing = time.perf_counter() - started
            product_search("клиент")  # load the lexicon, synonyms and URLs once, as a server would
            product = measure(product_search, queries)
            bare = measure(engine.bare, queries)
            naive = measure(naive_search, queries)
            write(
                f"\n{size:,} entries: indexed in {indexing:.1f} s, peak memory "
                f"{peak_memory_mb():.0f} MB"
            )
            write(f"  (a) product search path   {product}")
            write(f"  (b) bare engine query     {bare}")
            write(f"  (c) naive icontains       {naive}")
            speed_up = naive.median_ms / product.median_ms
            write(f"  (a) median is {speed_up:.0f}× faster than (c)")
            if size in TARGETS:
                ok = product.p95_ms <= TARGETS[size]
                with_speed_up = vendor == "sqlite" and size == 100_000
                if with_speed_up:
                    ok = ok and speed_up >= MIN_SPEED_UP
                met = met and ok
                write(
                    f"  target ({vendor}): p95 ≤ {TARGETS[size]:.0f} ms"
                    + (f", ≥{MIN_SPEED_UP}× (c)" if with_speed_up else "")
                    + f": {'met' if ok else 'MISSED'}"
                )
        transaction.set_rollback(True)
    tidy_up()
    search.forget_lexicon()
    return met


def tidy_up() -> None:
    """On PostgreSQL, reclaim the rolled-back corpus's rows and index entries: without
    autovacuum they stay, and every later run (and search) reads through them."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    models = (Entry, Response, TaggedEntry, SearchDocument, SearchWord)
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
