"""Honest answers when little of a query was understood.

When the only words of a query that matched are in most entries («клиент») and others matched
nothing, ranking by the words would present arbitrary entries as answers. Instead the entries
closest in meaning are offered, labelled as such (`SearchResults.closest_by_meaning`): the
candidates are the entries holding the query's words or the indexed words loosely near in
meaning to the words not understood, and they are ranked by how close the meaning of their
title and summary is to that of the whole query (mean navec vectors, cosine).
"""

import math

import numpy as np

from kb.content.models import SearchDocument
from kb.search import meaning, spelling
from kb.search.base import Backend, Filters
from kb.search.query import Group, ParsedQuery, meaning_alternatives
from kb.search.russian import STOP_WORDS, is_filler, words

CANDIDATES = 60  # entries whose meaning is compared, at most
MAX_CACHED_WORDS = 100_000
MIN_SIMILARITY = 0.15  # an entry less close than this is not offered at all…
CLOSE_TO_BEST = 0.1  # …nor one this much less close than the closest


def little_matched(parsed: ParsedQuery) -> bool:
    """Some words were not understood, and those that were are in most entries."""
    known = [g for g in parsed.groups if g.known]
    return bool(parsed.ignored_words) and all(g.common for g in known)


class WordVectors:
    """Each word's unit vector weighted by how rare it is in the index (a word in every entry
    says nothing of what one is about), or None for a stop word or a word without a vector;
    kept until the lexicon is re-read (the weights depend on it)."""

    lexicon: spelling.Lexicon | None = None
    vectors: dict[str, np.ndarray | None] = {}  # one cache per process

    @classmethod
    def get(cls, word: str, lexicon: spelling.Lexicon) -> np.ndarray | None:
        if cls.lexicon is not lexicon or len(cls.vectors) > MAX_CACHED_WORDS:
            cls.lexicon, cls.vectors = lexicon, {}
        if word not in cls.vectors:
            vector = None
            if word not in STOP_WORDS and not is_filler(word):
                vector = meaning.vector(word)
            if vector is not None:
                documents = max(lexicon.documents, 1)
                weight = math.log(1 + documents / (1 + lexicon.document_count(word)))
                vector = vector * (weight / (np.linalg.norm(vector) + 1e-9))
            cls.vectors[word] = vector
        return cls.vectors[word]


def text_vector(text: str) -> np.ndarray | None:
    """The sum of a text's weighted word vectors (see `WordVectors`), as a unit vector, or None
    when no word has a vector."""
    lexicon = spelling.lexicon()
    found = [
        v for w in dict.fromkeys(words(text)) if (v := WordVectors.get(w, lexicon)) is not None
    ]
    if not found:
        return None
    total = np.sum(found, axis=0)
    return total / (np.linalg.norm(total) + 1e-9)


def closest(
    parsed: ParsedQuery, engine: Backend, filters: Filters, limit: int
) -> tuple[list[tuple[int, float]], dict[str, list[str]]]:
    """The entries closest in meaning to the query, with their similarity, best first, and the
    indexed words each word not understood was loosely read as."""
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
    if not groups:
        return [], near_words
    candidates = engine.ranked(groups, "OR", filters, CANDIDATES)
    fields = ("title", "phrases", "summary", "tags")
    documents = SearchDocument.objects.only("entry_id", *fields).in_bulk(
        [pk for pk, _ in candidates]
    )
    scored = []
    for pk, _ in candidates:
        document = documents.get(pk)
        text = " ".join(getattr(document, f) for f in fields) if document else ""
        vector = text_vector(text) if text else None
        if vector is not None:
            similarity = float(vector @ query)
            if similarity >= MIN_SIMILARITY:
                scored.append((pk, round(similarity, 4)))
    scored.sort(key=lambda row: (-row[1], row[0]))
    scored = [row for row in scored if row[1] >= scored[0][1] - CLOSE_TO_BEST] if scored else []
    return scored[:limit], near_words


RERANK_DEPTH = 10  # partial matches re-ranked by meaning, from the top
MEANING_SHARE = 1.0  # the weight of meaning against the engine's (normalised) score


def rerank(parsed: ParsedQuery, scored: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """Partial matches (no entry holds every word) re-ranked by how close each entry's title,
    phrases, summary and tags are in meaning to the whole query: of entries that each hold
    some of the words, the one about the same thing comes first."""
    query = text_vector(parsed.text) if len(scored) > 1 else None
    if query is None:
        return scored
    head, tail = scored[:RERANK_DEPTH], scored[RERANK_DEPTH:]
    fields = ("title", "phrases", "summary", "tags")
    documents = SearchDocument.objects.only("entry_id", *fields).in_bulk([pk for pk, _ in head])
    best = max(score for _, score in head) or 1.0
    combined = []
    for pk, score in head:
        document = documents.get(pk)
        text = " ".join(getattr(document, f) for f in fields) if document else ""
        vector = text_vector(text) if text else None
        similarity = float(vector @ query) if vector is not None else 0.0
        combined.append((pk, round(score / best + MEANING_SHARE * similarity, 4)))
    combined.sort(key=lambda row: (-row[1], row[0]))
    return combined + tail
