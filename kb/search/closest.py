"""Honest answers when little of a query was understood.

When the only words of a query that matched are in most entries («клиент») and others matched
nothing, ranking by the words would present arbitrary entries as answers. Instead the entries
closest in meaning are offered, labelled as such (`SearchResults.closest_by_meaning`): the
candidates are the entries holding the query's words or the indexed words loosely near in
meaning to the words not understood, and the entries nearest by their vectors
(kb/search/semantic.py); they are ranked by their word-by-word closeness to the query. Without
the entries' vectors (past `semantic.MAX_DOCUMENTS`), by how close the meaning of their title
and summary is to that of the whole query.
"""

from kb.content.models import SearchDocument
from kb.search import meaning, semantic
from kb.search.base import Backend, Filters
from kb.search.query import Group, ParsedQuery, meaning_alternatives
from kb.search.semantic import text_vector

CANDIDATES = 60  # entries whose meaning is compared, at most
MIN_SIMILARITY = 0.15  # an entry less close than this is not offered at all…
CLOSE_TO_BEST = 0.1  # …nor one this much less close than the closest


def little_matched(parsed: ParsedQuery) -> bool:
    """Some words were not understood, and those that were are in most entries."""
    known = [g for g in parsed.groups if g.known]
    return bool(parsed.ignored_words) and all(g.common for g in known)


def closest(
    parsed: ParsedQuery, engine: Backend, filters: Filters, limit: int
) -> tuple[list[tuple[int, float]], dict[str, list[str]]]:
    """The entries closest in meaning to the query, with their similarity, best first, and the
    indexed words each word not understood was loosely read as."""
    query = semantic.query_vector(parsed)
    if query is None:
        query = text_vector(parsed.text)
    if query is None or all(meaning.vector(w) is None for w in parsed.ignored_words):
        return [], {}  # no word that was not understood has a meaning to go by
    groups = [g for g in parsed.groups if g.known]
    near_words: dict[str, list[str]] = {}
    for word in parsed.ignored_words:
        near = meaning.neighbours(word, threshold=meaning.LOOSE)
        if near:
            near_words[word] = [w for w, _ in near]
            groups.append(Group(word, meaning_alternatives(near), weight=near[0][1]))
    if not groups and len(semantic.query_word_vectors(parsed)) < 2:
        # No word, not even loosely, is in any entry. A sentence still has a meaning the
        # entries' own can be close to; a lone word near no indexed word has not.
        return [], near_words
    candidates = (
        [pk for pk, _ in engine.ranked(groups, "OR", filters, CANDIDATES)] if groups else []
    )
    if semantic.document_space() is not None:
        # The whole entries' meaning: those that share no word with the query too.
        nearest = [pk for pk, _ in semantic.nearest(query, CANDIDATES)]
        candidates += filtered(nearest, filters)
        near = semantic.word_similarities(parsed, list(dict.fromkeys(candidates)))
    elif candidates:
        near = title_similarities(query, candidates)
    else:
        return [], near_words
    scored = [(pk, round(s, 4)) for pk, s in near.items() if s >= MIN_SIMILARITY]
    scored.sort(key=lambda row: (-row[1], row[0]))
    scored = [row for row in scored if row[1] >= scored[0][1] - CLOSE_TO_BEST] if scored else []
    return scored[:limit], near_words


def title_similarities(query, candidates: list[int]) -> dict[int, float]:
    """Without the entries' vectors (a very large index): how close each candidate's title,
    phrases, summary and tags are in meaning to the query."""
    fields = ("title", "phrases", "summary", "tags")
    documents = SearchDocument.objects.only("entry_id", *fields).in_bulk(candidates)
    found = {}
    for pk in candidates:
        document = documents.get(pk)
        vector = text_vector(" ".join(getattr(document, f) for f in fields)) if document else None
        if vector is not None:
            found[pk] = float(vector @ query)
    return found


def filtered(ids: list[int], filters: Filters) -> list[int]:
    """The ids, in their order, of the documents that pass the filters."""
    if not ids or (not filters.kind and not filters.tags):
        return ids
    documents = SearchDocument.objects.filter(pk__in=ids)
    if filters.kind:
        documents = documents.filter(kind=filters.kind)
    for slug in filters.tags:
        documents = documents.filter(entry__tags__slug=slug)
    kept = set(documents.values_list("pk", flat=True))
    return [pk for pk in ids if pk in kept]
