"""Meaning beyond the words: Russian word vectors (navec) find the indexed words closest in
meaning to a query word no entry holds («фуршет» → «банкет», «рыдать» → «плакать»).

The vectors are navec's news model (250,000 words, 300 dimensions, product-quantised), which
the `natasha` wheel ships as a file: nothing is downloaded at run time, and `natasha` itself is
never imported (only its data file is read). They are loaded on the first query that needs
them, once per process (`manage.py bench_meaning` prints the memory and time this costs), and
the indexed words' vectors are rebuilt when the index changes.
"""

import bisect
import functools
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kb.core.packages import installed_file
from kb.search import spelling, synonyms, thesaurus
from kb.search.russian import CYRILLIC_WORD, STOP_WORDS, is_filler, lemma, roots, stem

logger = logging.getLogger(__name__)

MODEL_FILE = Path("data", "emb", "navec_news_v1_1B_250K_300d_100q.tar")
# Cosine similarity a neighbour needs to stand in for a query word: `CLOSE` as an alternative
# of the word (a search as usual, ranked below its exact matches); `LOOSE` only to offer
# entries "closest by meaning", labelled as such, when nothing else was understood.
CLOSE = 0.42
LOOSE = 0.3
MAX_NEIGHBOURS = 4
# A neighbour must also be among the word's `MAX_RANK` closest of the language's
# `REFERENCE_WORDS` commonest words: in a small index the closest word can still be far
# («суд» → «срок» is 0.41, yet 175th of all 250,000 words; «фуршет» → «банкет» is 0.42 and 1st).
REFERENCE_WORDS = 12_000
MAX_RANK = 15
MIN_LETTERS = 3
# A word navec lacks borrows the vectors of the words it has of the same stem, else of the same
# derivational root: this many at most, and only for a stem or root this long.
MAX_BORROWED = 5
MIN_BORROWED_ROOT = 5


def model_path() -> Path | None:
    """The navec file inside the installed `natasha` package (found without importing it)."""
    return installed_file("natasha", MODEL_FILE)


_lock = threading.Lock()


@functools.cache
def model():
    """The navec model, loaded once per process; None when the file is missing."""
    from navec import Navec

    with _lock:
        path = model_path()
        if path is None:
            logger.warning("navec vectors not found: search runs without its semantic layer.")
            return None
        return Navec.load(str(path))


def vector(word: str) -> np.ndarray | None:
    """The word's vector (its own form's, else its dictionary form's), or None."""
    navec = model()
    if navec is None or not CYRILLIC_WORD.fullmatch(word):
        return None
    for form in (word, lemma(word)):
        if form in navec:
            return navec[form]
    return borrowed(word)


# A word no entry holds leans towards its synonyms in the thesaurus: navec's news vectors place
# colloquial and formal words far from the entries' words («кончина» is 0.22 from «смерть»).
MAX_SYNONYMS = 6
SYNONYMS_SHARE = 0.5  # the synonyms' vectors together weigh this much against the word's own


def held_by_index(word: str, lexicon: spelling.Lexicon) -> bool:
    """Whether an entry holds the word, or a word of its synonym groups, in some form."""

    def held(other: str) -> bool:
        return lexicon.knows(other) or bool(lexicon.forms_of(lemma(other), limit=1))

    return held(word) or any(
        held(w) for group in synonyms.table().groups_of_word(word) for t in group for w in t.words
    )


def enriched_vector(word: str) -> np.ndarray | None:
    """The unit vector of a word no entry holds (see `vector`) leaning towards the vectors of its
    synonyms in the thesaurus (`thesaurus.related`) that the index holds, a bridge to the
    entries' words; together they weigh `SYNONYMS_SHARE` of it. None when neither has a
    vector."""
    own = vector(word)
    lexicon = spelling.lexicon()
    found = []
    for other, strength in thesaurus.related(lemma(word)).items():
        if len(found) >= MAX_SYNONYMS or strength < thesaurus.SYNONYM:
            break
        held = CYRILLIC_WORD.fullmatch(other) and held_by_index(other, lexicon)
        near = vector(other) if held else None
        if near is not None and other not in STOP_WORDS and not is_filler(other):
            found.append(near / (np.linalg.norm(near) + 1e-9))
    if not found:
        return None if own is None else own / (np.linalg.norm(own) + 1e-9)
    mean = np.sum(found, axis=0)
    mean /= np.linalg.norm(mean) + 1e-9
    if own is None:
        return mean
    total = (1 - SYNONYMS_SHARE) * own / (np.linalg.norm(own) + 1e-9) + SYNONYMS_SHARE * mean
    return total / (np.linalg.norm(total) + 1e-9)


@functools.cache
def sorted_words() -> list[str]:
    """navec's words in alphabetical order, to find those beginning with a stem."""
    return sorted(model().vocab.words)


def beginning_with(beginning: str, limit: int = 50) -> list[str]:
    words = sorted_words()
    found, i = [], bisect.bisect_left(words, beginning)
    while i < len(words) and words[i].startswith(beginning) and len(found) < limit:
        found.append(words[i])
        i += 1
    return found


@functools.lru_cache(maxsize=10_000)
def borrowed(word: str) -> np.ndarray | None:
    """For a word navec lacks, the mean vector of the words it has in other forms of the word
    («компьютерщик» → «компьютерщики»), else in other words of its derivational root
    («передумывать» → «передумать»): a rarer word is often missing only in the form typed."""
    navec = model()
    base = stem(word)
    found = []
    if len(base) >= MIN_BORROWED_ROOT:
        found = [w for w in beginning_with(base) if stem(w) == base]
    root = roots(word).whole
    if not found and len(root) >= MIN_BORROWED_ROOT:
        found = [
            w for w in beginning_with(root) if CYRILLIC_WORD.fullmatch(w) and roots(w).whole == root
        ]
    if not found:
        return None
    return np.mean([navec[w] for w in found[:MAX_BORROWED]], axis=0)


@functools.cache
def reference() -> np.ndarray:
    """Unit vectors of the `REFERENCE_WORDS` commonest words of navec's vocabulary."""
    navec = model()
    counts = np.asarray(navec.vocab.counts)
    top = np.argsort(-counts)[:REFERENCE_WORDS]
    codes = navec.pq.codes  # chunks × centroids × chunk dimensions
    chunks = np.arange(codes.shape[0])[None, :]
    matrix = np.empty((len(top), navec.pq.dim), dtype=np.float32)
    for start in range(0, len(top), 2000):  # in blocks: no large temporary arrays
        block = codes[chunks, navec.pq.indexes[top[start : start + 2000]]]
        matrix[start : start + len(block)] = block.reshape(len(block), -1)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-9
    return matrix


def among_closest(query: np.ndarray, similarity: float) -> bool:
    """Whether `similarity` (to a unit `query`) ranks among the `MAX_RANK` highest of the
    reference words'."""
    return int((reference() @ query > similarity).sum()) < MAX_RANK


@dataclass
class IndexSpace:
    """The indexed words with a vector, one per dictionary form, and the words of the editors'
    synonym groups (a word near one of them reaches its group), with their unit vectors."""

    lexicon: spelling.Lexicon
    table: synonyms.SynonymTable
    words: list[str]
    matrix: np.ndarray


_space: list[IndexSpace] = []


def index_space() -> IndexSpace | None:
    """The vectors of the index's words, built again when the lexicon or the synonyms are
    re-read."""
    lexicon, table = spelling.lexicon(), synonyms.table()
    if _space and _space[0].lexicon is lexicon and _space[0].table is table:
        return _space[0]
    if model() is None:
        return None
    by_lemma: dict[str, str] = {}
    single = [t.words[0] for group in table.groups for t in group if len(t.words) == 1]
    indexed = sorted(lexicon.counts, key=lambda w: -lexicon.counts[w])
    for word in [*indexed, *single]:
        base = lexicon.lemmas.get(word) or lemma(word)
        if len(base) < MIN_LETTERS or base in STOP_WORDS or is_filler(base):
            continue
        by_lemma.setdefault(base, word)
    words, rows = [], []
    for base in by_lemma:
        found = vector(base)
        if found is not None:
            words.append(base)
            rows.append(found)
    if rows:
        matrix = np.array(rows, dtype=np.float32)
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-9
    else:  # an empty index: nothing to be near
        matrix = np.zeros((0, 1), dtype=np.float32)
    space = IndexSpace(lexicon, table, words, matrix)
    _space[:] = [space]
    return space


def neighbours(
    word: str, threshold: float = CLOSE, limit: int = MAX_NEIGHBOURS
) -> list[tuple[str, float]]:
    """Indexed words closest in meaning to `word` (dictionary forms), with their similarity,
    the closest first: only those at `threshold` or above, and never the word itself."""
    found = vector(word)
    space = index_space() if found is not None else None
    if space is None or not space.words:
        return []
    query = found / (np.linalg.norm(found) + 1e-9)
    similarity = space.matrix @ query
    best = np.argsort(-similarity)[: limit + 1]
    own = {word, lemma(word)}
    found = [
        (space.words[i], round(float(similarity[i]), 3))
        for i in best
        if similarity[i] >= threshold and space.words[i] not in own
    ][:limit]
    return [(w, s) for w, s in found if among_closest(query, s)]
