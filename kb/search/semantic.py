"""Meaning at the level of entries: a vector for each indexed entry and one for the query.

An entry's vector is the sum of its words' navec vectors (kb/search/meaning.py), each weighted
by how rare the word is in the index (a word every entry holds says nothing of what one is
about) and by the field it stands in (title and search phrases most, body least), as a unit
vector. The query's is built the same way from its informative words, corrected and converted
as they were searched. Cosine similarity then tells which entries are about the same thing
even when they share no word with the query: `blend` adds it to the engine's ranking and
offers the entries closest in meaning after the matches (never before them).

The vectors are built on the first search that needs them, once per process, and built again
(reusing the vectors of entries whose text did not change) when the lexicon is re-read after
the index changed. Past `MAX_DOCUMENTS` entries the matrix is not built (memory grows with the
entries) and the meaning of entries is not used; `manage.py bench_meaning` prints what the
layer costs.
"""

import math
import threading
from dataclasses import dataclass

import numpy as np

from kb.content.models import SearchDocument
from kb.search import meaning, spelling
from kb.search.query import ParsedQuery
from kb.search.russian import STOP_WORDS, is_filler, words

FIELDS = ("title", "phrases", "summary", "tags", "steps", "body")
# How much a word counts by where it stands: the ranking's own order of fields.
FIELD_WEIGHTS = (3.0, 3.0, 2.0, 2.0, 1.0, 0.5)
MAX_DOCUMENTS = 20_000  # 300 float32 a document: 24 MB at this size
MAX_CACHED_WORDS = 200_000
# The head of a ranking re-ranked by meaning: a fixed depth, so that a page's size never
# changes the order.
DEPTH = 30
MEANING_WEIGHT = 1.0  # cosine similarity against the engine's score divided by the best one's
# When fewer entries than this hold every word of the query, those holding some of its words
# and those nearest in meaning follow them, ranked by meaning (see `followers`), up to this
# many results in all: a fixed number, so that a page's size never changes the order.
FEW = 10
NEAR_CANDIDATES = 30  # entries nearest by their vectors considered to follow the matches
# An entry that holds no query word follows the matches only when its vector is at least this
# close to the query's, and not much less close than the closest one's.
NEAR_SIMILARITY = 0.45
NEAR_CLOSE_TO_BEST = 0.08
# A follower that holds no query word must be at least this close, word by word, and not much
# less close than the closest entry.
FOLLOWER_SIMILARITY = 0.15
FOLLOWER_CLOSE_TO_BEST = 0.1
PARTIAL_WEIGHT = 0.5


class WordVectors:
    """Each word's unit vector weighted by how rare it is in the index, or None for a stop
    word, a filler word or a word without a vector; kept until the lexicon is re-read (the
    weights depend on it)."""

    lexicon: spelling.Lexicon | None = None
    vectors: dict[str, np.ndarray | None] = {}  # one cache per process

    @classmethod
    def get(
        cls, word: str, lexicon: spelling.Lexicon, *, enriched: bool = False
    ) -> np.ndarray | None:
        """With `enriched` (a query word no entry holds), the vector leans towards the word's
        synonyms in the thesaurus (`meaning.enriched_vector`)."""
        if cls.lexicon is not lexicon or len(cls.vectors) > MAX_CACHED_WORDS:
            cls.lexicon, cls.vectors = lexicon, {}
        key = f"+{word}" if enriched else word
        if key not in cls.vectors:
            vector = None
            if word not in STOP_WORDS and not is_filler(word):
                vector = meaning.enriched_vector(word) if enriched else meaning.vector(word)
            if vector is not None:
                documents = max(lexicon.documents, 1)
                weight = math.log(1 + documents / (1 + lexicon.document_count(word)))
                vector = vector * (weight / (np.linalg.norm(vector) + 1e-9))
            cls.vectors[key] = vector
        return cls.vectors[key]


def unit(vectors: list[np.ndarray]) -> np.ndarray | None:
    if not vectors:
        return None
    total = np.sum(vectors, axis=0)
    norm = np.linalg.norm(total)
    return total / norm if norm > 1e-9 else None


def text_vector(text: str) -> np.ndarray | None:
    """The sum of a text's weighted word vectors (see `WordVectors`), as a unit vector, or None
    when no word has a vector."""
    lexicon = spelling.lexicon()
    found = [WordVectors.get(w, lexicon) for w in dict.fromkeys(words(text))]
    return unit([v for v in found if v is not None])


class Vocabulary:
    """The indexed words with a vector, each a row of unit vectors shared by every document
    (a document keeps only its words' rows); it only grows, so that the documents kept from
    an earlier build keep their rows."""

    def __init__(self) -> None:
        self.rows: dict[str, int] = {}
        self.vectors: list[np.ndarray] = []
        self.matrix = np.zeros((0, 1), dtype=np.float32)

    def row(self, word: str, vector: np.ndarray) -> int:
        if word not in self.rows:
            self.rows[word] = len(self.vectors)
            self.vectors.append(vector / (np.linalg.norm(vector) + 1e-9))
        return self.rows[word]

    def freeze(self) -> None:
        if len(self.vectors) != len(self.matrix):
            self.matrix = np.array(self.vectors, dtype=np.float32).reshape(len(self.vectors), -1)


def document_vectors(
    texts: tuple[str, ...], lexicon: spelling.Lexicon, vocabulary: Vocabulary
) -> tuple[np.ndarray | None, tuple[np.ndarray, np.ndarray]]:
    """A document's unit vector (each distinct word once, at the weight of its best field), and
    its words' vocabulary rows with the weights of their fields (for `word_similarities`)."""
    weights: dict[str, float] = {}
    for text, weight in zip(texts, FIELD_WEIGHTS, strict=True):
        for word in words(text):
            if weights.get(word, 0.0) < weight:
                weights[word] = weight
    found, rows, kept = [], [], []
    for word, weight in weights.items():
        vector = WordVectors.get(word, lexicon)
        if vector is not None:
            found.append(vector * weight)
            rows.append(vocabulary.row(word, vector))
            kept.append(weight)
    field = np.array(kept, dtype=np.float32) / max(FIELD_WEIGHTS)
    return unit(found), (np.array(rows, dtype=np.int32), field)


@dataclass
class DocumentSpace:
    lexicon: spelling.Lexicon
    ids: np.ndarray
    matrix: np.ndarray  # one unit row per document (zeros for a document without a vector)
    rows: dict[int, int]
    texts: dict[int, int]  # document → hash of its text, to reuse its vector when unchanged
    words: dict[int, tuple[np.ndarray, np.ndarray]]  # document → its vocabulary rows, weights
    vocabulary: Vocabulary


_space: list[DocumentSpace] = []
_lock = threading.Lock()


def document_space() -> DocumentSpace | None:
    """The vectors of the indexed documents, built again when the lexicon is re-read; None
    without the navec model or past `MAX_DOCUMENTS`."""
    lexicon = spelling.lexicon()
    if _space and _space[0].lexicon is lexicon:
        return _space[0]
    if lexicon.documents > MAX_DOCUMENTS or meaning.model() is None:
        return None
    with _lock:
        if _space and _space[0].lexicon is lexicon:
            return _space[0]
        old = _space[0] if _space else None
        vocabulary = old.vocabulary if old is not None else Vocabulary()
        ids, rows, texts, word_rows = [], [], {}, {}
        for pk, *fields in SearchDocument.objects.values_list("entry_id", *FIELDS).iterator(
            chunk_size=2000
        ):
            key = hash(tuple(fields))
            if old is not None and old.texts.get(pk) == key:
                vector, word_rows[pk] = old.matrix[old.rows[pk]], old.words[pk]
            else:
                vector, word_rows[pk] = document_vectors(tuple(fields), lexicon, vocabulary)
            ids.append(pk)
            texts[pk] = key
            rows.append(vector if vector is not None else np.zeros(meaning_dimensions()))
        vocabulary.freeze()
        matrix = np.array(rows, dtype=np.float32).reshape(len(rows), meaning_dimensions())
        space = DocumentSpace(
            lexicon, np.array(ids, dtype=np.int64), matrix, {pk: i for i, pk in enumerate(ids)},
            texts, word_rows, vocabulary,
        )  # fmt: skip
        _space[:] = [space]
        return space


def meaning_dimensions() -> int:
    return meaning.model().pq.dim


def query_words(parsed: ParsedQuery) -> list[str]:
    """The query's informative words as searched (typos corrected), each once."""
    found = (parsed.corrections.get(w, w) for g in parsed.groups for w in g.text.split())
    return list(dict.fromkeys(w for w in found if w not in STOP_WORDS and not is_filler(w)))


def query_word_vectors(parsed: ParsedQuery) -> list[np.ndarray]:
    """The weighted vectors of the query's words (see `query_words`) that have one."""
    lexicon = spelling.lexicon()
    # Words no entry holds: those read by meaning, and those not understood at all.
    unheld = {*parsed.meanings, *parsed.ignored_words}
    found = [WordVectors.get(w, lexicon, enriched=w in unheld) for w in query_words(parsed)]
    return [v for v in found if v is not None]


def query_vector(parsed: ParsedQuery) -> np.ndarray | None:
    """The query's unit vector (see `query_word_vectors`)."""
    return unit(query_word_vectors(parsed))


def similarities(query: np.ndarray, ids: list[int]) -> dict[int, float]:
    """Each document's cosine similarity to the query (0 for one without a vector)."""
    space = document_space()
    if space is None:
        return {}
    rows = [space.rows[pk] for pk in ids if pk in space.rows]
    values = space.matrix[rows] @ query if rows else []
    return {int(space.ids[r]): float(v) for r, v in zip(rows, values, strict=True)}


def word_similarities(parsed: ParsedQuery, ids: list[int]) -> dict[int, float]:
    """How well each document answers the query word by word: for each query word, its
    closest word in the document (cosine, times that word's field weight), averaged over the
    query's words weighted by how rare they are. A document about the same thing holds a near
    word for each («рыдать» → «плакать»), where one sharing a common word does not."""
    space = document_space()
    vectors = query_word_vectors(parsed)
    if space is None or not vectors:
        return {}
    weights = np.array([np.linalg.norm(v) for v in vectors], dtype=np.float32)
    query = (np.array(vectors) / weights[:, None]).astype(np.float32).T
    wanted = [pk for pk in ids if pk in space.words and len(space.words[pk][0])]
    found = dict.fromkeys(ids, 0.0)
    if not wanted:
        return found
    rows = np.unique(np.concatenate([space.words[pk][0] for pk in wanted]))
    near = space.vocabulary.matrix[rows] @ query  # each word of those documents × query words
    for pk in wanted:
        word_rows, field = space.words[pk]
        closeness = near[np.searchsorted(rows, word_rows)] * field[:, None]
        found[pk] = float((closeness.max(axis=0) * weights).sum() / weights.sum())
    return found


def nearest(query: np.ndarray, limit: int) -> list[tuple[int, float]]:
    """The documents closest in meaning to the query, closest first (any filter is the
    caller's to apply)."""
    space = document_space()
    if space is None or not len(space.ids):
        return []
    values = space.matrix @ query
    best = np.argsort(-values)[:limit]
    return [(int(space.ids[i]), float(values[i])) for i in best]


def blend(
    parsed: ParsedQuery, layers: list[list[tuple[int, float]]]
) -> list[tuple[int, float]] | None:
    """The layers of matches (each the engine's ranking, best first) re-ranked by meaning
    within each layer, the first `DEPTH` rows of them: the engine's score over the layer's
    best, plus the similarity; the rows past them keep their order. None when the query or the
    entries have no meaning to go by."""
    query = query_vector(parsed)
    if query is None:
        return None
    ids = [pk for layer in layers for pk, _ in layer][:DEPTH]
    near = word_similarities(parsed, ids)
    if not near:
        return None
    blended, seen = [], 0
    for layer in layers:
        head = layer[: max(DEPTH - seen, 0)]  # the first `DEPTH` rows of all the layers
        seen += len(layer)
        best = max((score for _, score in head), default=0.0) or 1.0
        combined = [
            (pk, round(score / best + MEANING_WEIGHT * near.get(pk, 0.0), 4)) for pk, score in head
        ]
        combined.sort(key=lambda row: (-row[1], row[0]))
        blended += combined + layer[len(head) :]
    return blended


def partly_understood(parsed: ParsedQuery) -> bool:
    """Whether a word with a meaning matched nothing: the entries that hold the other words
    answer only part of the query."""
    return any(
        meaning.vector(parsed.corrections.get(w, w)) is not None for w in parsed.ignored_words
    )


def near_entries(parsed: ParsedQuery, exclude: set[int], *, strict: bool) -> list[int]:
    """Entries not in `exclude` nearest in meaning to the query, closest first. `strict`, after
    entries that hold every word: only those whose vectors are close to the query's (see
    `NEAR_SIMILARITY`), and only for a query whose every informative word has a meaning to go
    by (one that does not is not understood well enough to offer entries sharing no word with
    it). Otherwise (nothing holds the whole query) the `NEAR_CANDIDATES` nearest, for
    `followers` to keep those close enough word by word."""
    vectors = query_word_vectors(parsed)
    if not vectors or (strict and len(vectors) < len(query_words(parsed))):
        return []
    found = [row for row in nearest(unit(vectors), NEAR_CANDIDATES) if row[0] not in exclude]
    if not strict:
        return [pk for pk, _ in found]
    top = found[0][1] if found else 0.0
    return [pk for pk, s in found if s >= NEAR_SIMILARITY and s >= top - NEAR_CLOSE_TO_BEST]


def closeness(parsed: ParsedQuery, ids: list[int]) -> dict[int, float]:
    """How close each entry is to the query in meaning: the mean of its word-by-word closeness
    (`word_similarities`) and its vector's cosine to the query's (`similarities`)."""
    near = word_similarities(parsed, ids)
    query = query_vector(parsed)
    whole = similarities(query, ids) if near and query is not None else {}
    return {pk: (value + whole.get(pk, value)) / 2 for pk, value in near.items()}


def followers(
    parsed: ParsedQuery,
    partial: list[tuple[int, float]],
    near: list[int],
    limit: int,
) -> tuple[list[tuple[int, float]], set[int]]:
    """Entries holding some of the query's words (`partial`, the engine's ranking, best first)
    and entries near in meaning (`near`, see `near_entries`), ranked by their word-by-word
    closeness to the query plus, for a partial match, its engine score over the best one's.
    Every partial match is kept; of the others, at most `limit`, and only those at least
    `FOLLOWER_SIMILARITY` close word by word and not much less close than the closest entry.
    Returns them, best first, and the ids of those that hold no query word (found by meaning
    alone)."""
    if not query_word_vectors(parsed):
        return list(partial), set()
    best = max((score for _, score in partial), default=0.0) or 1.0
    lexical = {pk: score / best for pk, score in partial}
    ids = list(dict.fromkeys([*lexical, *near]))
    near_by = closeness(parsed, ids)
    if not near_by:
        return list(partial), set()
    least = max(FOLLOWER_SIMILARITY, max(near_by.values()) - FOLLOWER_CLOSE_TO_BEST)
    scored, others = [], set()
    for pk in ids:
        similarity = near_by.get(pk, 0.0)
        if pk not in lexical:
            if similarity < least or len(others) >= limit:
                continue  # holds no query word and is not close enough to be offered
            others.add(pk)
        scored.append((pk, round(PARTIAL_WEIGHT * lexical.get(pk, 0.0) + similarity, 4)))
    scored.sort(key=lambda row: (-row[1], row[0]))
    return scored, others
