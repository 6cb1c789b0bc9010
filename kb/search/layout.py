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


def convert(
    text: str,
    is_known: Callable[[str], bool],
    is_known_beginning: Callable[[str], bool] | None = None,
) -> str | None:
    """The text with each wrong-layout word converted, or None when none was.

    `is_known(word)` says whether a lower-cased word is a real or indexed word. Punctuation
    that a letter key makes in the other layout («,» is «б») is part of the word. With
    `is_known_beginning` (suggestions), the last word may be unfinished: it is converted when,
    converted, it begins an indexed word and, as typed, it does not.
    """
    tokens = text.split()
    converted, changed = [], False
    for i, token in enumerate(tokens):
        other = switched(token)
        lower = token.lower()
        known = is_known
        if is_known_beginning is not None and i == len(tokens) - 1 and len(token) >= 3:
            known = is_known_beginning
        if (
            other is not None
            and not known(lower.strip(".,;:!?\"'"))
            and other.isalpha()
            and known(other.lower())
        ):
            converted.append(other.lower())
            changed = True
        else:
            converted.append(token)
    return " ".join(converted) if changed else None
