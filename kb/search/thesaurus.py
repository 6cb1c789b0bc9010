"""A Russian thesaurus: the words a word stands for when navec's news vectors place it far from
them («кончина» → «смерть», «пьянка» → «вечеринка», «уйти из жизни» → «умереть»).

The data is the Wiktionary thesaurus that the `wiki-ru-wordnet` package ships as an SQLite file
(94,000 words and phrases in 105,000 senses, with the senses' hypernyms; package MIT, data from
Wiktionary): nothing is downloaded at run time, and the package itself is never imported (its
connector writes to the file); the file is opened read-only. On the first query that needs it,
once per process, a compact index is built (the hash of each word → its senses, and the
hypernym pairs, in numpy arrays: a few MB, a fraction of a second; `manage.py bench_meaning`
prints both); a word's relatives are then read from the file by sense number, through its
primary key. For a word, `related` gives its relatives with a strength below 1: synonyms (a
sense's other words, and «= X» in its definition), the words of its senses' hypernyms and
hyponyms, and the first words its definitions link to. Every sense of the word counts (the
thesaurus cannot tell which one is meant), so callers weigh them below the word itself.
"""

import functools
import logging
import re
import sqlite3
import threading
from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kb.core.packages import installed_file

logger = logging.getLogger(__name__)

DATA_FILE = Path("database", "wikiwordnet.db")
# How much a relative stands for the word (the word itself is 1).
SYNONYM = 0.8
HYPERNYM = 0.6
HYPONYM = 0.5
DEFINITION = 0.5
MAX_LINKS = 3  # the first words a definition links to: the genus («рыдать»: «плакать»)
MAX_DEFINITION_WORDS = 6  # the first words of a definition's first clause («произносить грубые…»)
MAX_HYPONYMS = 12  # a general word's hyponyms are many and say little about it
MAX_SENSES = 12
MAX_WORDS_IN_PHRASE = 4
LINK = re.compile(r"\[\[([^\]|#]+)(?:[|#][^\]]*)?\]\]")
EQUALS = re.compile(r"\{\{=\|([^}|]+)")
LABEL = re.compile(r"\{\{[^}]*\}\}")


def data_path() -> Path | None:
    """The thesaurus file inside the installed `wiki_ru_wordnet` package (not imported)."""
    return installed_file("wiki_ru_wordnet", DATA_FILE)


def normal(word: str) -> str:
    return " ".join(word.lower().replace("ё", "е").split())


@dataclass
class Thesaurus:
    connection: sqlite3.Connection
    hashes: np.ndarray  # hash of each (word, sense) row's word, sorted
    senses: np.ndarray  # the rows' senses, in the same order
    pairs: np.ndarray  # (sense, hypernym) rows
    by_hypernym: np.ndarray  # the same pairs sorted by hypernym
    phrases: dict[str, tuple[tuple[str, ...], ...]]  # first word → phrases beginning with it
    lock: threading.Lock

    def senses_of(self, word: str) -> list[int]:
        key = hash(word)
        start, end = np.searchsorted(self.hashes, [key, key + 1])
        return sorted({int(s) for s in self.senses[start:end]})[:MAX_SENSES]

    def rows(self, senses: list[int]) -> list[tuple[int, str, str]]:
        """(sense, word, beginning of its definition) of the senses' words."""
        if not senses:
            return []
        marks = ",".join("?" * len(senses))
        with self.lock:
            return self.connection.execute(
                "SELECT synset_id, lemma, substr(definition, 1, 400) FROM synsets "
                f"WHERE synset_id IN ({marks})",
                senses,
            ).fetchall()

    def hypernyms(self, sense: int) -> list[int]:
        start, end = np.searchsorted(self.pairs[:, 0], [sense, sense + 1])
        return [int(s) for s in self.pairs[start:end, 1]]

    def hyponyms(self, sense: int) -> list[int]:
        start, end = np.searchsorted(self.by_hypernym[:, 1], [sense, sense + 1])
        return [int(s) for s in self.by_hypernym[start:end, 0]][:MAX_HYPONYMS]


def definition_words(definition: str) -> tuple[list[str], list[str]]:
    """The «= X» words of a definition («слово~ru~слово~ru~текст {{пример|…}}~id~id»), and its
    first linked words followed by the dictionary forms of the first words of its first clause
    (labels and examples left out)."""
    from kb.search.russian import STOP_WORDS, is_filler, lemma

    text = normal(definition.split("~ru~")[-1].split("{{пример")[0])
    equals = [w.strip() for w in EQUALS.findall(text)]
    links = [w.strip() for w in LINK.findall(text) if w.strip() not in equals][:MAX_LINKS]
    clause = re.split(r"[;:(]", LABEL.sub(" ", LINK.sub(r" \1 ", text)))[0]
    plain = [
        lemma(w)
        for w in re.findall(r"[а-я]+", clause)
        if len(w) > 2 and w not in STOP_WORDS and not is_filler(w)
    ][:MAX_DEFINITION_WORDS]
    return equals, list(dict.fromkeys(w for w in [*links, *plain] if w not in equals))


def load(path: Path) -> Thesaurus:
    connection = sqlite3.connect(
        f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False
    )
    keys, senses, phrases = array("q"), array("i"), {}
    for sense, word in connection.execute("SELECT synset_id, lemma FROM synsets"):
        word = normal(word)
        keys.append(hash(word))
        senses.append(sense)
        parts = tuple(word.split())
        if 1 < len(parts) <= MAX_WORDS_IN_PHRASE and all(p.isalpha() for p in parts):
            phrases.setdefault(parts[0], set()).add(parts)
    hashes = np.frombuffer(keys, dtype=np.int64)
    order = np.argsort(hashes, kind="stable")
    pairs = np.array(
        connection.execute("SELECT sid, hypersid FROM hypernyms ORDER BY sid").fetchall(),
        dtype=np.int32,
    ).reshape(-1, 2)
    return Thesaurus(
        connection,
        hashes[order],
        np.frombuffer(senses, dtype=np.int32)[order],
        pairs,
        pairs[np.argsort(pairs[:, 1], kind="stable")],
        {w: tuple(sorted(p)) for w, p in phrases.items()},
        threading.Lock(),
    )


_lock = threading.Lock()


@functools.cache
def thesaurus() -> Thesaurus | None:
    """The thesaurus, indexed once per process; None when the package's file is missing."""
    with _lock:
        path = data_path()
        if path is None:
            logger.warning("wiki-ru-wordnet not found: search runs without its thesaurus.")
            return None
        return load(path)


@functools.lru_cache(maxsize=10_000)
def related(word: str) -> dict[str, float]:
    """The words and phrases related to `word` (a dictionary form or a phrase of them), each
    with how much it stands for the word, strongest first; never the word itself."""
    data = thesaurus()
    word = normal(word)
    if data is None:
        return {}
    found: dict[str, float] = {}

    def add(words: list[str], strength: float) -> None:
        for other in words:
            if other != word and found.get(other, 0.0) < strength:
                found[other] = strength

    own = data.senses_of(word)
    rows = [row for row in data.rows(own) if normal(row[1]) == word]
    own = sorted({sense for sense, _, _ in rows})  # a hash shared by another word is dropped
    for _, _, definition in rows:
        equals, links = definition_words(definition)
        add(equals, SYNONYM)
        add(links, DEFINITION)
    strengths = {sense: SYNONYM for sense in own}
    for sense in own:
        for hypernym in data.hypernyms(sense):
            strengths.setdefault(hypernym, HYPERNYM)
        for hyponym in data.hyponyms(sense):
            strengths.setdefault(hyponym, HYPONYM)
    for sense, other, _ in data.rows(sorted(strengths)):
        add([normal(other)], strengths[sense])
    return dict(sorted(found.items(), key=lambda item: -item[1]))


def phrase_at(lemmas: list[str], start: int) -> tuple[int, str] | None:
    """The longest phrase of the thesaurus that the dictionary forms `lemmas` begin at `start`
    («ушел из жизни» as «уйти из жизнь»: the phrase «уйти из жизни», matched by its words'
    dictionary forms), as (its length in words, the phrase), or None."""
    from kb.search.russian import lemma

    data = thesaurus()
    if data is None or start >= len(lemmas):
        return None
    best = None
    for parts in data.phrases.get(lemmas[start], ()):
        end = start + len(parts)
        longer = end <= len(lemmas) and (best is None or len(parts) > best[0])
        if longer and all(lemma(p) == lemmas[i] for i, p in enumerate(parts[1:], start + 1)):
            best = (len(parts), " ".join(parts))
    return best
