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
from typing import NamedTuple

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


def is_dictionary_word(word: str) -> bool:
    """Whether the Russian dictionary knows this normalised word: a real word is never a typo,
    even when no entry holds it."""
    if not CYRILLIC_WORD.fullmatch(word):
        return False
    return _morph().word_is_known(word) or _morph().word_is_known(word.replace("е", "ё", 1))


# Query words that carry nothing a search could use: question words and filler staff put
# around what happened («можно ли…», «что делать, если…», «опять», «сегодня»). Dictionary
# forms; only queries drop them (the index keeps them: «делать» is in a title).
FILLER_LEMMAS = frozenset(
    """
    быть вообще вдруг вечно делать день должный зачем как какой какой-то который ли можно
    мочь надо нужно опять очень почему просто раз сегодня сейчас случай снова так тогда
    тут хотеть что что-то щас вчера теперь постоянно часто ещё еще уже всё все всегда
    никогда иногда вот это этот тот такой сказать говорить поступить быть-то ситуация
    пожалуйста подсказать правильно лучше вести себя я ты он она оно мы вы они свой мой твой
    ваш наш
    ну короче блин типа кстати посоветовать подскажите скажите перед вообще-то
    собственно значит допустим например вроде какой-нибудь
    """.split()  # noqa: SIM905 (a word list reads better as text)
)


def is_filler(word: str) -> bool:
    return word in STOP_WORDS or lemma(word) in FILLER_LEMMAS


# Prefixes and derivational suffixes: «нахамил», «хамство» and «хамить» share the root «хам»,
# «обещание» and «обещать» the root «обещ». Stripping is bounded (a root keeps 3 letters) and a
# root with its prefix stripped only meets a whole root, never another stripped one, so that
# «пропал» and «упал» do not meet at «пал».
ROOT_PREFIXES = sorted(
    """
    без бес вз воз вос вс вы до за из ис на над недо об обо от ото пере по под пред при про
    раз рас с со у
    """.split(),  # noqa: SIM905
    key=len,
    reverse=True,
)
ROOT_SUFFIXES = sorted(
    """
    ирова ова ева ыва ива нут ну ств ость ост ани ени ан ен тель щик чик ник ниц ическ ск
    ательн ительн тельн елив лив чив
    а я и е ы к
    """.split(),  # noqa: SIM905
    key=len,
    reverse=True,
)
# Consonants that alternate at the end of a root («угроза» ↔ «угрожать», «плакать» ↔ «плач»).
ALTERNATIONS = str.maketrans({"ж": "з", "ч": "к", "ш": "с", "щ": "с"})
# What else a folded final consonant may stand for, both ways: «ч» (folded to «к») and «щ»
# (folded to «с») alternate with «т» too, «ж» (folded to «з») with «д» and «г». Only for roots
# this long: «плат» (платить) and «плак» (плакать, плач) must not meet.
ALTERNATING = {"т": "кс", "к": "т", "с": "т", "з": "дг", "д": "з", "г": "з"}
MIN_ALTERNATING_ROOT = 5
MIN_ROOT_LETTERS = 3
VERB_ENDINGS = ("ть", "ться", "ти", "тись", "чь", "чься")


def keeps_root(base: str, suffix: str) -> bool:
    # A lone consonant is a suffix only after a long root («задержк»), not in «крик».
    least = MIN_ROOT_LETTERS + (2 if suffix == "к" else 0)
    return len(base) - len(suffix) >= least


def _strip_suffixes(base: str) -> str:
    for _ in range(2):
        suffix = next((s for s in ROOT_SUFFIXES if base.endswith(s) and keeps_root(base, s)), None)
        if suffix is None:
            break
        base = base[: -len(suffix)]
    return base[:-1] + base[-1:].translate(ALTERNATIONS)


class Roots(NamedTuple):
    whole: str  # the root, prefix included
    bare: str | None  # a prefixed verb's root without its prefix
    verb: bool


@functools.lru_cache(maxsize=50_000)
def roots(word: str) -> Roots:
    """The derivational root of a normalised Russian word, and, for a verb with a prefix, the
    same without it (else None): what its noun, verb and adjective share."""
    if not CYRILLIC_WORD.fullmatch(word):
        return Roots(word, None, False)
    return lemma_roots(lemma(word))


@functools.lru_cache(maxsize=100_000)
def lemma_roots(dictionary_form: str) -> Roots:
    """`roots` of a word already in its dictionary form."""
    if not CYRILLIC_WORD.fullmatch(dictionary_form):
        return Roots(dictionary_form, None, False)
    base = stem(dictionary_form)
    whole = _strip_suffixes(base)
    # Only verbs lose their prefix: «нахамить» is «хамить» done once, while «обсудить» is no
    # «суд» (and a verb's stripped root only meets verbs: see `Lexicon.words_with_root`).
    is_verb = dictionary_form.endswith(VERB_ENDINGS)
    prefix = next((p for p in ROOT_PREFIXES if base.startswith(p)), "") if is_verb else ""
    stripped = _strip_suffixes(base[len(prefix) :]) if prefix else None
    if stripped is not None and len(stripped) < MIN_ROOT_LETTERS:
        stripped = None
    return Roots(whole, stripped, is_verb)


def related_keys(word_roots: Roots) -> list[tuple[str, str]]:
    """The keys under which derivations of the word are filed (see `root_keys`)."""
    # A root of three letters meets a prefixed root only verb to verb: «хамить» meets
    # «нахамить», but «суд» does not meet «обсудить». Longer roots say enough on their own:
    # «обещание» meets «пообещать».
    keys = [("whole", word_roots.whole)]
    if len(word_roots.whole) >= MIN_ALTERNATING_ROOT:
        # «ответ» ↔ «отвечать», «возврат» ↔ «возвращать»: a long root's final consonant may
        # alternate with another than the one it folds to (`ALTERNATIONS`).
        base, last = word_roots.whole[:-1], word_roots.whole[-1]
        keys += [("whole", base + other) for other in ALTERNATING.get(last, "")]
    if word_roots.verb or len(word_roots.whole) > MIN_ROOT_LETTERS:
        keys.append(("bare", word_roots.whole))
    if word_roots.bare:
        keys.append(("verb", word_roots.bare))
        if len(word_roots.bare) > MIN_ROOT_LETTERS:
            keys.append(("whole", word_roots.bare))
    return keys


def root_keys(word_roots: Roots) -> list[tuple[str, str]]:
    """The keys to file a word under, for `related_keys` to find."""
    keys = [("whole", word_roots.whole)]
    if word_roots.verb:
        keys.append(("verb", word_roots.whole))
    if word_roots.bare:
        keys.append(("bare", word_roots.bare))
    return keys
