"""Russian typed in Latin letters as it sounds: «klient krichit» is «клиент кричит».

Phones without a Russian keyboard give «shch» or «sch» for «щ», «kh» or «h» for «х», «ya»/«ja»
for «я», «y» for «ы» or «й», «'» for «ь», «c» for «ц» or «к»… The maintained libraries on PyPI
were tried first: `transliterate` turns «ya» into «ыа» and «shch» into «шч», `cyrtranslit`
turns «y» into «и», «c» into «к» and «kh» into «кх», and `iuliia` only goes from Cyrillic to
Latin; none reads the spellings people actually use. So a word is read here with every
spelling a Latin letter group can stand for (a handful of choices per word, bounded), and the
reading a dictionary knows wins: the index's words first, then the Russian dictionary's.

A word is converted only when, as typed, it is nothing the index knows («vip», «wifi» stay)
and one of its readings is a real word; once one word of the text is converted, the short
words around it («k», «u», «na») are read too, so «uvazhenie k klientu» keeps its «к».
"""

import itertools
import re
from collections.abc import Callable

from kb.search import spelling
from kb.search.query import MAX_QUERY_LENGTH, MAX_WORDS, convert_layout
from kb.search.russian import is_dictionary_word, stem

# Latin letter groups and the Russian letters each can stand for, the likelier first.
# Longer groups are tried before shorter ones at each position.
GROUPS = {
    "shch": ("щ",),
    "sch": ("щ", "сч"),
    "zh": ("ж",),
    "kh": ("х",),
    "ch": ("ч",),
    "sh": ("ш",),
    "ts": ("ц", "тс"),
    "tz": ("ц",),
    "ya": ("я", "ыа"),
    "ja": ("я",),
    "yu": ("ю",),
    "ju": ("ю",),
    "yo": ("е", "йо"),
    "jo": ("е",),
    "ye": ("е", "ые"),
    "je": ("е",),
    "a": ("а",),
    "b": ("б",),
    "c": ("ц", "к"),
    "d": ("д",),
    "e": ("е", "э"),
    "f": ("ф",),
    "g": ("г",),
    "h": ("х",),
    "i": ("и", "й"),
    "j": ("й",),
    "k": ("к",),
    "l": ("л",),
    "m": ("м",),
    "n": ("н",),
    "o": ("о",),
    "p": ("п",),
    "q": ("к",),
    "r": ("р",),
    "s": ("с",),
    "t": ("т",),
    "u": ("у",),
    "v": ("в",),
    "w": ("в",),
    "x": ("кс", "х"),
    "y": ("ы", "й"),
    "z": ("з",),
    "'": ("ь", "ъ", ""),
    "`": ("ь",),
}
LONGEST = max(len(g) for g in GROUPS)
LATIN_WORD = re.compile(r"[a-z'`]+")
MAX_WORD = 30  # longer Latin strings are no Russian word: left alone, at no cost
MAX_READINGS = 256  # readings tried per word, the likelier spellings first
SOFT_ENDINGS = frozenset("бвдзлмнпрстфц")
TOKEN_EDGES = '.,;:!?"()«»'


def segments(word: str) -> list[tuple[str, ...]]:
    """The word as a chain of letter groups, each with the Russian letters it can stand for."""
    found, i = [], 0
    while i < len(word):
        for size in range(LONGEST, 0, -1):
            choices = GROUPS.get(word[i : i + size])
            if choices:
                found.append(choices)
                i += size
                break
        else:
            return []  # a character no group reads
    return found


def readings(word: str) -> list[str]:
    """Cyrillic readings of a lower-case Latin word, the likeliest first (at most
    `MAX_READINGS`); none for what is not Latin letters or is too long to be a word."""
    if not word or len(word) > MAX_WORD or not LATIN_WORD.fullmatch(word):
        return []
    chain = segments(word)
    if not chain:
        return []
    combos = itertools.islice(itertools.product(*chain), MAX_READINGS)
    return list(dict.fromkeys("".join(c) for c in combos))


def read_word(word: str, is_known: Callable[[str], int]) -> str | None:
    """The best-known reading of a Latin word: `is_known(reading)` ranks readings (0 for an
    unknown word, more for a better-known one); None when no reading is known."""
    best, best_rank = None, 0
    for reading in readings(word):
        if not reading:  # only apostrophes (soft and hard signs) read as nothing
            continue
        # A soft sign at the end is often left out («svyaz» is «связь»).
        soft = [reading + "ь"] if reading[-1] in SOFT_ENDINGS and word[-1] != "'" else []
        for candidate in (reading, *soft):
            rank = is_known(candidate)
            if rank > best_rank:
                best, best_rank = candidate, rank
    return best


def convert(
    text: str,
    is_known: Callable[[str], int],
    is_known_as_typed: Callable[[str], bool],
    is_known_beginning: Callable[[str], bool] | None = None,
) -> tuple[str | None, int]:
    """The text with its transliterated words in Russian letters, or None when none was, and
    how many words were read.

    `is_known(word)` ranks a Cyrillic word (0: unknown); `is_known_as_typed` says whether the
    index holds the Latin word itself. With `is_known_beginning` (suggestions), the last word
    may be unfinished: it is read when a reading begins an indexed word.
    """
    tokens = text.split()
    if not any(LATIN_WORD.search(t.lower()) for t in tokens):
        return None, 0
    read: list[str | None] = []
    for i, token in enumerate(tokens):
        word = token.lower().strip(TOKEN_EDGES)
        reading = None
        if len(word) > 1 and not is_known_as_typed(word):
            reading = read_word(word, is_known)
            if reading is None and is_known_beginning is not None and i == len(tokens) - 1:
                reading = next((r for r in readings(word)[:16] if is_known_beginning(r)), None)
        read.append(reading)
    count = sum(r is not None for r in read)
    if not count:
        return None, 0
    converted = []
    for token, reading in zip(tokens, read, strict=True):
        word = token.lower().strip(TOKEN_EDGES)
        if reading is None and word and not is_known_as_typed(word):
            # Short words between read ones: prepositions and particles, read as spelt.
            first = readings(word)[:1]
            reading = first[0] if first and len(word) <= 3 else None
        converted.append(reading or token)
    return " ".join(converted), count


def rank_known(word: str, lexicon: spelling.Lexicon) -> int:
    """How well a Cyrillic reading is known: 3 an indexed word, 2 an indexed stem, 1 a word of
    the Russian dictionary, 0 unknown."""
    if word in lexicon.counts:
        return 3
    if len(word) > 2 and stem(word) in lexicon.stems:
        return 2
    return 1 if is_dictionary_word(word) else 0


def convert_query(text: str, *, typing: bool = False) -> str | None:
    """The query as searched: its transliterated words in Russian letters, or its wrong-layout
    words converted (`kb.search.layout`), whichever reads more of its words; None when
    neither reads any."""
    text = text[:MAX_QUERY_LENGTH]
    by_layout = convert_layout(text, typing=typing)
    lexicon = spelling.lexicon()
    beginning = lexicon.knows_prefix if typing and not text[-1:].isspace() else None
    head = " ".join(text.split()[: MAX_WORDS * 2])
    by_sound, read = convert(
        head, lambda w: rank_known(w, lexicon), lambda w: w in lexicon.counts, beginning
    )
    if by_sound is None:
        return by_layout
    if by_layout is not None:
        switched = sum(a != b for a, b in zip(by_layout.split(), text.split(), strict=False))
        if switched > read:
            return by_layout
    return by_sound
