"""Highlighted titles and snippets: the matched words wrapped in <mark>, everything escaped."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kb.search.russian import WORD, normalize, stem

SNIPPET_LENGTH = 220
SENTENCE = re.compile(r"[^.!?…\n]+[.!?…]*")


def is_match(word: str, stems: set[str], prefixes: set[str]) -> bool:
    word = normalize(word)
    return stem(word) in stems or any(word.startswith(p) for p in prefixes)


def highlight(text: str, stems: set[str], prefixes: set[str]) -> SafeString:
    """The text, escaped, with every matched word in <mark>."""
    parts, last = [], 0
    for found in WORD.finditer(text):
        if is_match(found.group(), stems, prefixes):
            before = escape(text[last : found.start()])
            parts += [before, "<mark>", escape(found.group()), "</mark>"]
            last = found.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # every piece of text is escaped above


def best_passage(fields: list[str], stems: set[str], prefixes: set[str]) -> str:
    """The sentence that holds the most distinct matched words (the earliest on a tie)."""
    best, best_score = "", 0
    for text in fields:
        for sentence in SENTENCE.findall(text):
            matched = set()
            for word in WORD.findall(sentence):
                # is_match() inlined: every word of every field of every hit passes here,
                # and stemming each once instead of twice is a few ms a search.
                word = normalize(word)
                root = stem(word)
                if root in stems or any(word.startswith(p) for p in prefixes):
                    matched.add(root)
            if len(matched) > best_score:
                best, best_score = sentence.strip(), len(matched)
    return best


def shorten(text: str, stems: set[str], prefixes: set[str], length: int = SNIPPET_LENGTH) -> str:
    """At most `length` characters of the text, around its first matched word."""
    if len(text) <= length:
        return text
    matches = (m.start() for m in WORD.finditer(text) if is_match(m.group(), stems, prefixes))
    first = next(matches, 0)
    start = max(0, min(first - length // 4, len(text) - length))
    start = text.rfind(" ", 0, start) + 1 if start else 0
    cut = text[start : start + length]
    cut = cut.rsplit(" ", 1)[0] if start + length < len(text) else cut
    return ("…" if start else "") + cut + ("…" if start + length < len(text) else "")


def snippet(fields: list[str], fallback: str, stems: set[str], prefixes: set[str]) -> SafeString:
    """A highlighted passage from `fields` (summary, steps, body), or the fallback text."""
    passage = best_passage(fields, stems, prefixes) or fallback
    return highlight(shorten(passage, stems, prefixes), stems, prefixes)
