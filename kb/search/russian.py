"""Russian text for search: normalisation, words, stems, lemmas and stop words.

The index and the query go through the same `stem`, so every word form of a query meets every
form in the text. Stems come from the Snowball Russian stemmer in C (PyStemmer, the algorithm
PostgreSQL's `russian` configuration uses); lemmas (dictionary forms, from pymorphy3) are only
used on the query side, to meet synonyms written in dictionary form and colloquial verb forms
the stemmer cuts differently ("психует" → "психовать").
"""

import functools
import logging
import re

import Stemmer

# Letters and digits; a hyphen or apostrophe splits words ("из-за" → "из", "за").
WORD = re.compile(r"[^\W_]+")
CYRILLIC_WORD = re.compile(r"[а-яё]+")

STOP_WORDS = frozenset(
    """
    а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да
    даже для до его ее ей ею если есть еще же за здесь и из или им их к как ко когда кто
    ли либо мне может мы на над надо наш не него нее нет ни них но ну о об однако он она
    они оно от очень по под при с со так также такой там те тем то того тоже той только
    том ты у уже хотя чего чей чем что чтобы чье чья эта эти это я
    """.split()  # noqa: SIM905 (a word list reads better as text)
)

_stemmer = Stemmer.Stemmer("russian")
_stemmer.maxCacheSize = 200_000


def normalize(text: str) -> str:
    """Lower case, "ё" as "е"."""
    return text.lower().replace("ё", "е")


def words(text: str) -> list[str]:
    """The normalised words of a text, in order."""
    return WORD.findall(normalize(text))


def stem(word: str) -> str:
    """The stem of a normalised word."""
    return _stemmer.stemWord(word)


def stems(text: str) -> list[str]:
    """Stems of the text's words, stop words left out: what the SQLite index stores."""
    return _stemmer.stemWords([w for w in words(text) if w not in STOP_WORDS])


@functools.cache
def _morph():
    import pymorphy3  # loads dictionaries: only when a query needs them

    logging.getLogger("pymorphy3").setLevel(logging.WARNING)  # not a line per process start
    return pymorphy3.MorphAnalyzer()


@functools.lru_cache(maxsize=50_000)
def lemma(word: str) -> str:
    """The dictionary form of a normalised word ("клиенту" → "клиент"), or the word itself."""
    if not CYRILLIC_WORD.fullmatch(word):
        return word  # the dictionary is Russian; other scripts can even crash its parser
    return normalize(_morph().parse(word)[0].normal_form)
