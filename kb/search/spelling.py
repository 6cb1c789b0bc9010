"""Typo correction against the words of the index (`kb.content.models.SearchWord`).

A query word is known when some indexed word shares its stem; an unknown word is replaced by
the closest indexed word (Damerau–Levenshtein: one edit for short words, two for longer ones),
the more frequent one on a tie. The lexicon is read once and kept until the content generation
changes (kb/core/cache.py: every process re-reads it after an index change).
"""

import bisect
import functools

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from kb.search.expiring import Expiring
from kb.search.russian import lemma_roots, related_keys, root_keys, roots, stem

MIN_LENGTH = 4  # shorter words are too ambiguous to correct


class Lexicon:
    def __init__(
        self, counts: dict[str, int], lemmas: dict[str, str] | None = None, documents: int = 0
    ) -> None:
        self.counts = counts
        self.lemmas = lemmas or {}
        self.documents = max(documents, max(counts.values(), default=0))
        self.forms: dict[str, list[str]] = {}
        for word, lemma in (lemmas or {}).items():
            self.forms.setdefault(lemma, []).append(word)
        self.sorted_words = sorted(counts)
        # A stem's document count is that of its most frequent word: a floor for how many
        # documents hold the stem in any form.
        self.stem_counts: dict[str, int] = {}
        for word, count in counts.items():
            key = stem(word)
            self.stem_counts[key] = max(count, self.stem_counts.get(key, 0))
        self.stems = set(self.stem_counts)
        self.by_length: dict[int, list[str]] = {}
        for word in counts:
            self.by_length.setdefault(len(word), []).append(word)

    def knows(self, word: str) -> bool:
        return word in self.counts or stem(word) in self.stems

    def forms_of(self, lemma: str, limit: int = 12) -> list[str]:
        """Indexed words with this dictionary form, the most frequent first."""
        forms = self.forms.get(lemma, [])
        return sorted(forms, key=lambda w: (-self.counts[w], w))[:limit]

    def document_count(self, word: str) -> int:
        """How many documents hold the word, in any form (at least)."""
        return max(self.counts.get(word, 0), self.stem_counts.get(stem(word), 0))

    @functools.cached_property
    def by_root(self) -> dict[tuple[str, str], list[str]]:
        """Indexed words by their root keys (built on first use: most queries never need it)."""
        filed: dict[tuple[str, str], list[str]] = {}
        for word in self.counts:
            for key in root_keys(lemma_roots(self.lemmas.get(word, word))):
                filed.setdefault(key, []).append(word)
        return filed

    def derivations(self, word: str, limit: int = 8) -> list[str]:
        """Indexed words of the same root (see `russian.roots`), the most frequent first."""
        found = {w for key in related_keys(roots(word)) for w in self.by_root.get(key, ())}
        return sorted(found, key=lambda w: (-self.counts[w], w))[:limit]

    def knows_prefix(self, prefix: str) -> bool:
        i = bisect.bisect_left(self.sorted_words, prefix)
        return i < len(self.sorted_words) and self.sorted_words[i].startswith(prefix)

    def correct(self, word: str) -> tuple[str, int] | None:
        """The indexed word closest to an unknown `word` and its distance, or None."""
        if len(word) < MIN_LENGTH or not word.isalpha():
            return None
        allowed = 1 if len(word) <= 5 else 2
        choices = [
            w
            for length in range(len(word) - allowed, len(word) + allowed + 1)
            for w in self.by_length.get(length, ())
        ]
        matches = process.extract(
            word,
            choices,
            scorer=DamerauLevenshtein.distance,
            score_cutoff=allowed,
            limit=20,
        )
        if not matches:
            return None
        best = min(matches, key=lambda m: (m[1], m[0][0] != word[0], -self.counts[m[0]], m[0]))
        return best[0], int(best[1])


def load_lexicon() -> Lexicon:
    from kb.content.models import SearchWord  # apps must be ready first
    from kb.search.documents import DOCUMENTS

    counts, lemmas = {}, {}
    for word, lemma, count in SearchWord.objects.values_list("word", "lemma", "document_count"):
        counts[word], lemmas[word] = count, lemma
    # An index built before the documents were counted: the commonest word's count is a floor.
    documents = counts.pop(DOCUMENTS, 0)
    lemmas.pop(DOCUMENTS, None)
    return Lexicon(counts, lemmas, documents)


_lexicon = Expiring(load_lexicon)
lexicon = _lexicon.get
forget = _lexicon.forget
