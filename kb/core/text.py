"""Small text helpers shared by models and services."""

import re
from collections.abc import Callable

from django.utils.text import slugify

# The same Russian map as Django admin's URLify, so a slug prepopulated in the admin and one
# made on the server agree; "ё" is folded into "е" first, as Russian text often omits the dots.
_RUSSIAN_TO_LATIN = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z",
        "и": "i", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
        "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "c", "ч": "ch",
        "ш": "sh", "щ": "sh", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    }
)  # fmt: skip


def transliterate(text: str) -> str:
    """Latin spelling of a Russian text (lower case)."""
    return text.lower().replace("ё", "е").translate(_RUSSIAN_TO_LATIN)


def make_slug(text: str, max_length: int = 80) -> str:
    """A URL slug of Latin letters, digits and hyphens, cut at a word boundary."""
    slug = slugify(transliterate(text))
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug.strip("-")


def unique_slug(base: str, taken: Callable[[str], bool], max_length: int = 80) -> str:
    """`base`, or `base-2`, `base-3`... whichever `taken` says is free."""
    candidate = base
    counter = 2
    while taken(candidate):
        suffix = f"-{counter}"
        candidate = f"{base[: max_length - len(suffix)]}{suffix}"
        counter += 1
    return candidate


_WHITESPACE = re.compile(r"\s+")


def squash_whitespace(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def split_lines(text: str) -> list[str]:
    """The non-blank lines of a text, each with its spaces squashed: a list kept one per line."""
    return [line for line in (squash_whitespace(raw) for raw in text.splitlines()) if line]


def join_lines(items: list[str]) -> str:
    """A list kept one item per line, as `split_lines` reads it back."""
    return "\n".join(split_lines("\n".join(items)))
