"""Text typed with the keyboard in the wrong layout (ЙЦУКЕН ↔ QWERTY): «ghbynth» is «принтер»,
«мшз» is «vip».

A word is converted only when, as typed, neither the index nor the Russian dictionary knows it
and, converted, one of them does: «vip» and «wifi» stay as they are.
"""

from collections.abc import Callable

LATIN = "`qwertyuiop[]asdfghjkl;'zxcvbnm,.~QWERTYUIOP{}ASDFGHJKL:\"ZXCVBNM<>"
CYRILLIC = "ёйцукенгшщзхъфывапролджэячсмитьбюЁЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮ"
TO_CYRILLIC = str.maketrans(LATIN, CYRILLIC)
TO_LATIN = str.maketrans(CYRILLIC, LATIN)
LATIN_KEYS = frozenset(LATIN)
CYRILLIC_KEYS = frozenset(CYRILLIC)


def switched(token: str) -> str | None:
    """The token as the other layout would have typed it, or None when it mixes layouts or
    holds characters no letter key makes (digits, other scripts)."""
    if token and all(c in LATIN_KEYS for c in token) and any(c.isalpha() for c in token):
        return token.translate(TO_CYRILLIC)
    if token and all(c in CYRILLIC_KEYS for c in token):
        return token.translate(TO_LATIN)
    return None


def convert(text: str, is_known: Callable[[str], bool]) -> str | None:
    """The text with each wrong-layout word converted, or None when none was.

    `is_known(word)` says whether a lower-cased word is a real or indexed word. Punctuation
    that a letter key makes in the other layout («,» is «б») is part of the word.
    """
    tokens = text.split()
    converted, changed = [], False
    for token in tokens:
        other = switched(token)
        lower = token.lower()
        if (
            other is not None
            and not is_known(lower.strip(".,;:!?\"'"))
            and other.isalpha()
            and is_known(other.lower())
        ):
            converted.append(other.lower())
            changed = True
        else:
            converted.append(token)
    return " ".join(converted) if changed else None
