"""Synonym groups editors keep in the admin (`kb.content.models.Synonym`), applied to queries.

A query word belongs to a group when its lemma or stem is that of one of the group's words;
the query then accepts every word of the group in its place. Groups are read once and kept until the
content generation changes (kb/core/cache.py: every process sees an edit at its next search).
"""

from dataclasses import dataclass

from kb.search.expiring import Expiring
from kb.search.russian import STOP_WORDS, lemma, related_keys, root_keys, roots, stem, words


@dataclass(frozen=True)
class Term:
    """One word or phrase of a synonym group, normalised."""

    words: tuple[str, ...]

    @property
    def stems(self) -> tuple[str, ...]:
        return tuple(stem(w) for w in self.words if w not in STOP_WORDS) or tuple(
            stem(w) for w in self.words
        )


class SynonymTable:
    def __init__(self, groups: list[list[Term]]) -> None:
        self.groups = groups
        self.by_key: dict[str, set[int]] = {}
        self.phrases: list[tuple[tuple[str, ...], int]] = []
        self.by_root: dict[tuple[str, str], set[int]] = {}
        for index, group in enumerate(groups):
            for term in group:
                if len(term.words) == 1:
                    word = term.words[0]
                    for key in {lemma(word), stem(word)}:
                        self.by_key.setdefault(key, set()).add(index)
                    for key in root_keys(roots(word)):
                        self.by_root.setdefault(key, set()).add(index)
                else:
                    self.phrases.append((term.stems, index))

    def groups_of_word(self, word: str) -> list[list[Term]]:
        found = self.by_key.get(lemma(word), set()) | self.by_key.get(stem(word), set())
        return [self.groups[i] for i in sorted(found)]

    def groups_of_root(self, word: str) -> list[list[Term]]:
        """Groups with a derivation of the word's root («нахамил» → «хамить», «обещание» →
        «обещать»); see `russian.roots`."""
        found = {i for key in related_keys(roots(word)) for i in self.by_root.get(key, ())}
        return [self.groups[i] for i in sorted(found)]

    def terms_with_root(self, root: str) -> list[Term]:
        """The terms of every group with a one-word term that begins with `root`."""
        found = {i for i, group in enumerate(self.groups) for t in group
                 if len(t.words) == 1 and t.words[0].startswith(root)}  # fmt: skip
        return [term for i in sorted(found) for term in self.groups[i]]

    def phrase_at(self, query_stems: list[str], start: int) -> tuple[int, list[Term]] | None:
        """The longest synonym phrase starting at `start`: (its length, its group)."""
        best = None
        for phrase, index in self.phrases:
            end = start + len(phrase)
            if tuple(query_stems[start:end]) == phrase and (best is None or len(phrase) > best[0]):
                best = (len(phrase), self.groups[index])
        return best


def load_table() -> SynonymTable:
    from kb.content.models import Synonym  # apps must be ready first

    groups = []
    for synonym in Synonym.objects.all():
        terms = [Term(tuple(words(t))) for t in synonym.terms()]
        terms = [t for t in terms if t.words]
        if len(terms) > 1:
            groups.append(terms)
    return SynonymTable(groups)


_table = Expiring(load_table)
table = _table.get
forget = _table.forget
