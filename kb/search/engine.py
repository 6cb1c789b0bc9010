"""search() and suggest(): the one interface the views and the API use, on either backend.

A query typed in the wrong keyboard layout is searched converted (`converted_query`), unless
asked `as_typed`. Every informative word must match (in any form, a synonym or a derivation);
when nothing matches them all, any may, the rarer words weighing more. Words nothing matched
are reported (`ignored_words`).
Up to `EXACT_LIMIT` matches are ranked exactly. Past that (a common word on a large knowledge
base, where ranking every match costs seconds), results come tier by tier: title matches, then
summary, steps and tags, then body, each tier a bounded sample ranked by the engine's score,
and the total is counted no further than `EXACT_LIMIT` and flagged as an estimate.
"""

from collections.abc import Collection
from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from kb.content.models import Kind, SearchDocument, Tag
from kb.search import closest, semantic
from kb.search.backends import backend
from kb.search.base import Backend, Filters
from kb.search.query import COMMON_SHARE, MAX_QUERY_LENGTH, Group, ParsedQuery, parse
from kb.search.snippets import highlight, snippet
from kb.search.translit import convert_query

EXACT_LIMIT = 1000
TIER_SAMPLE = 200
# The filters count kinds and tags over the same matches as the total (which stops at
# EXACT_LIMIT and says "more than"): counting 5,000 cost ~0.2 s per search at 100,000 entries
# on PostgreSQL.
FACET_LIMIT = EXACT_LIMIT


@dataclass
class Hit:
    document: SearchDocument
    score: float
    title_html: SafeString
    snippet: SafeString
    by_meaning: bool = False  # holds no word of the query: offered as close in meaning

    @property
    def kind(self) -> str:
        return self.document.kind

    @property
    def kind_label(self) -> str:
        return str(Kind(self.document.kind).label)

    @property
    def title(self) -> str:
        return self.document.title

    @property
    def url(self) -> str:
        return self.document.entry.get_absolute_url()


@dataclass
class SearchResults:
    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    total_is_estimate: bool = False
    suggestion: str | None = None
    converted_query: str | None = None  # what was searched instead of `query` (keyboard layout)
    ignored_words: list[str] = field(default_factory=list)  # words nothing matched
    # Words no entry holds, read by meaning as these indexed words (kb/search/meaning.py).
    by_meaning: dict[str, list[str]] = field(default_factory=dict)
    closest_by_meaning: bool = False  # the hits are only the closest by meaning (closest.py)
    found_by_meaning: set[int] = field(default_factory=set)  # hits that hold no query word
    page: int = 1
    per_page: int = 10
    kind_counts: dict[str, int] = field(default_factory=dict)
    tag_counts: dict[str, int] = field(default_factory=dict)

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.per_page))


def search(
    text: str,
    *,
    kind: str | None = None,
    tags: tuple[str, ...] = (),
    page: int = 1,
    per_page: int = 10,
    facets: bool = False,
    typing: bool = False,
    as_typed: bool = False,
) -> SearchResults:
    """Published entries that match `text`, best first, one page of them; with `as_typed`,
    the text is never converted to the other keyboard layout."""
    converted = None if as_typed else convert_query(text, typing=typing)
    parsed = parse(converted or text, typing=typing)
    results = SearchResults(
        query=" ".join(text[:MAX_QUERY_LENGTH].split()),
        suggestion=parsed.suggestion,
        converted_query=converted,
        ignored_words=parsed.ignored_words,
        by_meaning=dict(parsed.meanings),
        per_page=per_page,
    )
    groups = parsed.live_groups
    if not all_tags_exist(tags) or not (groups or (parsed.ignored_words and not typing)):
        return results
    engine = backend()
    filters = Filters(kind, tuple(tags))
    if not typing and closest.little_matched(parsed):
        return closest_by_meaning(results, parsed, engine, filters)
    mode = "AND"
    results.total = engine.count(groups, mode, filters, EXACT_LIMIT + 1)
    if not results.total and len(groups) > 1:
        mode = "OR"
        results.total = engine.count(groups, mode, filters, EXACT_LIMIT + 1)
    if not results.total and not typing and parsed.groups:
        # No entry holds any word: those closest in meaning, labelled as such.
        return closest_by_meaning(results, parsed, engine, filters)
    if results.total > EXACT_LIMIT:
        results.total, results.total_is_estimate = EXACT_LIMIT, True
    results.page = max(1, min(page, results.page_count))
    offset = (results.page - 1) * per_page
    # Entries in the query's own words first, then those found through synonyms; when any
    # word may match, one ranking, so that a rare word's synonym outweighs a common word.
    layers = [parsed.own_word_groups(), groups] if mode == "AND" else [groups]
    wanted = offset + per_page
    if typing or offset >= semantic.DEPTH or results.total_is_estimate:
        # Past `EXACT_LIMIT` matches, the tiers' order (title matches first) is the ranking.
        scored = ranked_pages(engine, layers, groups, mode, filters, results, wanted)
    else:
        scored = by_meaning(engine, layers, groups, mode, filters, results, parsed, wanted)
    scored = scored[offset:]
    results.hits = hits(scored, parsed, not typing, results.found_by_meaning)
    if facets:
        results.kind_counts, results.tag_counts = engine.facets(groups, mode, filters, FACET_LIMIT)
    return results


def by_meaning(
    engine: Backend,
    layers: list[list[Group]],
    groups: list[Group],
    mode: str,
    filters: Filters,
    results: SearchResults,
    parsed: ParsedQuery,
    count: int,
) -> list[tuple[int, float]]:
    """The first `count` matches, the head of each layer re-ranked by meaning
    (kb/search/semantic.py); when few entries hold every word, those holding some and those
    nearest in meaning follow them; when no entry holds every word, or a word with a meaning
    matched nothing, the matches hold only part of the query: the entries nearest in meaning
    join them, all ranked by meaning."""
    depth = max(count, semantic.DEPTH)
    found = ranked_pages(engine, layers, groups, mode, filters, results, depth, by_layer=True)
    partly = mode == "OR" or semantic.partly_understood(parsed)
    if partly and not results.total_is_estimate:
        # No entry holds the whole query: the words matched weigh less against the meaning.
        head = [row for layer in found for row in layer]
        before = len(results.found_by_meaning)
        ranked = followers(filters, results, parsed, head[: semantic.DEPTH], set(), strict=False)
        results.total += len(results.found_by_meaning) - before
        return (ranked + head[semantic.DEPTH :])[:count] if ranked else head[:count]
    blended = semantic.blend(parsed, found)
    if blended is None:
        return [row for layer in found for row in layer][:count]
    if not results.total_is_estimate and results.total < semantic.FEW:
        exclude = {pk for pk, _ in blended}
        partial = []
        if mode == "AND" and len(groups) > 1:
            # Holding only the query's least telling words, or words most entries hold
            # («клиент»), is no partial match.
            most = max(g.weight for g in groups)
            telling = [g for g in groups if g.weight >= most / 2 and g.share <= COMMON_SHARE]
            if telling:
                partial = engine.partial(telling, filters, semantic.DEPTH + len(exclude))
                partial = [row for row in partial if row[0] not in exclude]
        extra = followers(filters, results, parsed, partial, exclude, strict=True)
        extra = extra[: semantic.FEW - results.total]
        results.total += len(extra)
        blended += extra
    return blended[:count]


def followers(
    filters: Filters,
    results: SearchResults,
    parsed: ParsedQuery,
    partial: list[tuple[int, float]],
    exclude: set[int],
    *,
    strict: bool,
) -> list[tuple[int, float]]:
    """The `partial` matches and the entries nearest in meaning (not in `exclude`), ranked by
    meaning (`semantic.followers`); those that hold no query word are marked
    `found_by_meaning`."""
    near = closest.filtered(semantic.near_entries(parsed, exclude, strict=strict), filters)
    ranked, by_meaning = semantic.followers(parsed, partial, near, semantic.FEW)
    results.found_by_meaning |= by_meaning
    return ranked


def ranked_pages(
    engine: Backend,
    layers: list[list[Group]],
    groups: list[Group],
    mode: str,
    filters: Filters,
    results: SearchResults,
    count: int,
    *,
    by_layer: bool = False,
):
    """The first `count` matches, layer by layer (own words first, then synonyms); with
    `by_layer`, a list for each layer."""
    scored: list[tuple[int, float]] = []
    split: list[list[tuple[int, float]]] = []
    for layer in layers if layers[0] != groups else layers[-1:]:
        wanted = count - len(scored)
        if wanted <= 0:
            break
        if results.total_is_estimate:
            found = tiered(engine, layer, mode, filters, wanted + len(scored))
        else:
            found = engine.ranked(layer, mode, filters, wanted + len(scored))
        known = {pk for pk, _ in scored}
        split.append([row for row in found if row[0] not in known][:wanted])
        scored += split[-1]
    return split if by_layer else scored


def closest_by_meaning(
    results: SearchResults, parsed: ParsedQuery, engine: Backend, filters: Filters
) -> SearchResults:
    """One page of the entries closest in meaning, for a query whose understood words are in
    most entries: labelled, never presented as matches."""
    scored, near = closest.closest(parsed, engine, filters, limit=results.per_page)
    results.closest_by_meaning = bool(scored)
    results.by_meaning.update(near)
    results.total = len(scored)
    results.hits = hits(scored, parsed, True, {pk for pk, _ in scored})
    return results


def all_tags_exist(slugs: tuple[str, ...]) -> bool:
    """Whether every slug is a tag's: when one is not, nothing can match all of them."""
    wanted = set(slugs)
    return not wanted or Tag.objects.filter(slug__in=wanted).count() == len(wanted)


def tiered(
    engine: Backend, groups: list[Group], mode: str, filters: Filters, wanted: int
) -> list[tuple[int, float]]:
    """Title matches first, then summary and steps, then body: each tier a bounded sample."""
    seen: set[int] = set()
    ranked: list[tuple[int, float]] = []
    sample = max(TIER_SAMPLE, wanted)
    for tier in range(3):
        found = engine.sample(groups, mode, filters, tier, sample)
        found.sort(key=lambda row: (-row[1], row[0]))
        ranked += [row for row in found if row[0] not in seen]
        seen.update(row[0] for row in found)
        if len(ranked) >= wanted:
            break
    return ranked[:wanted]


def hits(
    scored: list[tuple[int, float]],
    parsed: ParsedQuery,
    with_snippets: bool,
    by_meaning: Collection[int] = (),
) -> list[Hit]:
    documents = (
        SearchDocument.objects.select_related("entry")
        .defer("search_vector")  # PostgreSQL's vector is large and only the engine reads it
        .in_bulk([pk for pk, _ in scored])
    )
    stems, prefixes = parsed.highlight_terms()
    found = []
    for pk, score in scored:
        document = documents.get(pk)
        if document is None:
            continue
        found.append(
            Hit(
                document=document,
                score=round(float(score), 4),
                title_html=highlight(document.title, stems, prefixes),
                snippet=snippet(
                    [document.summary, document.steps, document.body],
                    document.summary,
                    stems,
                    prefixes,
                )
                if with_snippets
                else SafeString(""),
                by_meaning=pk in by_meaning,
            )
        )
    return found


def suggest(text: str, limit: int = 8, as_typed: bool = False) -> SearchResults:
    """The top matches of a query being typed: its last word may be unfinished."""
    return search(text, per_page=limit, typing=True, as_typed=as_typed)
