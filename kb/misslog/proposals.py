"""What the miss log proposes for a missed query, each applied in one step on its Fix page.

Likely entries: those the search offers now, else those closest in meaning
(`kb.search.closest`), each to take the query as a search phrase. Synonym candidates: for each
word of the query that no entry holds, the synonym groups holding an indexed word close to it
in meaning (`kb.search.meaning`), to take the word.
"""

from dataclasses import dataclass

from kb import search
from kb.content.models import Entry, Synonym
from kb.misslog.services import query_words
from kb.search import meaning, spelling
from kb.search.russian import lemma, words

MAX_ENTRIES = 3
MAX_SYNONYMS = 5


@dataclass(frozen=True)
class SynonymProposal:
    word: str  # the query's word
    group: Synonym
    near: str  # the group's word it is close to in meaning
    similarity: float


def likely_entries(query: str) -> list[Entry]:
    """The entries the query is probably about: what it finds now, by meaning if need be."""
    results = search.search(query, per_page=MAX_ENTRIES)
    return [hit.document.entry for hit in results.hits]


def synonym_proposals(query: str) -> list[SynonymProposal]:
    """Synonym groups to add each unindexed word of the query to, the closest first."""
    lexicon = spelling.lexicon()
    groups = list(Synonym.objects.all())
    by_word: dict[str, list[Synonym]] = {}
    for group in groups:
        for term in group.terms():
            for word in words(term):
                by_word.setdefault(lemma(word), []).append(group)
    found: list[SynonymProposal] = []
    for word in query_words(query):
        if lexicon.knows(word) or lemma(word) in by_word:
            continue
        for near, similarity in meaning.neighbours(word, threshold=meaning.LOOSE, limit=8):
            for group in by_word.get(near, ()):
                if all(p.group != group or p.word != word for p in found):
                    found.append(SynonymProposal(word, group, near, similarity))
    found.sort(key=lambda p: -p.similarity)
    return found[:MAX_SYNONYMS]
