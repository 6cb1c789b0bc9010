"""A query as typed → groups of alternatives the backends can run.

Each group stands for one word (or synonym phrase) of the query; a document matches the group
when it holds any alternative: the word's own stem, its lemma's, a synonym, a derivation of its
root, or, for the word being typed in suggestions, any word it begins. Filler words («можно
ли», «что делать», «опять») are left out. A real word (the dictionary's or the index's) is
never replaced by another: when nothing holds it, its derivations and synonyms are looked for,
and failing those it is reported as not understood (`ParsedQuery.ignored_words`). Only words
the dictionary does not know are corrected against the index, or matched by their root (see
`unknown_word_alternatives`). Each group weighs by how rare its words are in the index.
"""

import itertools
import math
import re
from dataclasses import dataclass, field

import numpy as np

from kb.search import layout, meaning, spelling, synonyms, thesaurus
from kb.search.russian import (
    STOP_WORDS,
    is_dictionary_word,
    is_filler,
    lemma,
    stem,
    words,
)

MAX_QUERY_LENGTH = 500
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
MAX_WORDS = 20
# A word in more than this share of the documents says little about which one is meant
# («клиент»): it only counts when the query has nothing rarer.
COMMON_SHARE = 0.4
MIN_DOCUMENTS_FOR_SHARE = 10  # below this no word is common: shares of a few mean nothing
MAX_DERIVATIONS = 8
MAX_PHRASE_FORMS = 9
MIN_ROOT = 4  # shorter shared beginnings say nothing about meaning
CLOSE_ROOT = 6  # a root this long, minus a letter or two, is trusted over a 2-edit correction
MAX_RELATIVES = 4  # a word's relatives in the thesaurus searched in its place, at most
RELATIVE_COSINE = 0.15  # navec similarity a relative other than a synonym needs to the word
CYRILLIC_ONLY = re.compile(r"[а-я]+")


@dataclass(frozen=True)
class Alternative:
    words: tuple[str, ...]  # normalised words (PostgreSQL stems them itself)
    stems: tuple[str, ...]  # the same words stemmed, stop words left out (SQLite, snippets)
    prefix: bool = False  # words[0] is the beginning of a word still being typed
    synonym: bool = False  # not the query's own word, but one of its synonyms


@dataclass
class Group:
    text: str
    alternatives: list[Alternative]
    known: bool = True
    weight: float = 1.0  # inverse document frequency: rarer words weigh more
    common: bool = False  # in so many documents that it cannot tell them apart
    share: float = 0.0  # of the documents that hold it (any alternative)
    similarity: float = 1.0  # below 1 when found by meaning: it weighs that much less


@dataclass
class ParsedQuery:
    text: str
    groups: list[Group] = field(default_factory=list)
    corrections: dict[str, str] = field(default_factory=dict)
    suggestion: str | None = None
    meanings: dict[str, list[str]] = field(default_factory=dict)  # word → indexed words near it

    @property
    def ignored_words(self) -> list[str]:
        """Words of the query nothing in the index matched: what was not understood."""
        return [g.text for g in self.groups if not g.known]

    @property
    def live_groups(self) -> list[Group]:
        """Groups some indexed word can match, the common ones only when nothing rarer is:
        a word in most entries cannot narrow anything down."""
        live = [g for g in self.groups if g.known]
        return [g for g in live if not g.common] or live

    def own_word_groups(self) -> list[Group]:
        """The live groups without synonyms: entries in the query's own words rank first."""
        return [
            Group(
                g.text,
                [a for a in g.alternatives if not a.synonym] or g.alternatives,
                weight=g.weight,
            )
            for g in self.live_groups
        ]

    def highlight_terms(self) -> tuple[set[str], set[str]]:
        """Stems and prefixes to mark in titles and snippets."""
        stems_, prefixes = set(), set()
        for group in self.live_groups:
            for alternative in group.alternatives:
                if alternative.prefix:
                    prefixes.add(alternative.words[0])
                else:
                    stems_.update(alternative.stems)
        return stems_, prefixes


def forms(word: str) -> list[str]:
    """The word, its dictionary form, and the indexed words with that dictionary form, which
    catch what stemming misses ("скидка" and "скидок", "умереть" and "умер")."""
    return list(dict.fromkeys([word, lemma(word), *spelling.lexicon().forms_of(lemma(word))]))


def term_alternatives(term: synonyms.Term) -> list[Alternative]:
    """A synonym in its indexed forms; a phrase in a few combinations of its words' forms."""
    if len(term.words) == 1:
        return [Alternative((w,), (stem(w),), synonym=True) for w in forms(term.words[0])]
    choices = [[w] if w in STOP_WORDS else forms(w)[:3] for w in term.words]
    return [
        Alternative(combo, tuple(stem(w) for w in combo if w not in STOP_WORDS), synonym=True)
        for combo in itertools.islice(itertools.product(*choices), MAX_PHRASE_FORMS)
    ]


def word_alternatives(word: str) -> list[Alternative]:
    """The word in its own forms, plus its synonyms in theirs."""
    alternatives = [Alternative((w,), (stem(w),)) for w in forms(word)]
    for group in synonyms.table().groups_of_word(word):
        for term in group:
            alternatives += term_alternatives(term)
    return unique(alternatives)


def derivation_alternatives(
    word: str, lexicon: spelling.Lexicon, *, with_synonyms: bool
) -> list[Alternative]:
    """Indexed words of the same root and, `with_synonyms`, the synonym groups of a word of
    that root: «нахамил» → «хамить» and its group «грубость, хамство»."""
    found = [
        Alternative((w,), (stem(w),), synonym=True)
        for w in lexicon.derivations(word, limit=MAX_DERIVATIONS)
    ]
    if with_synonyms:
        for group in synonyms.table().groups_of_root(word):
            for term in group:
                found += term_alternatives(term)
    return found


def unique(alternatives: list[Alternative]) -> list[Alternative]:
    seen, kept = set(), []
    for alternative in alternatives:
        key = (alternative.stems, alternative.prefix)
        if key not in seen:
            seen.add(key)
            kept.append(alternative)
    return kept


def is_known(alternative: Alternative, lexicon: spelling.Lexicon) -> bool:
    """Every word of the alternative is in the index (stop words are in no index)."""
    content = [w for w in alternative.words if w not in STOP_WORDS]
    return bool(content) and all(lexicon.knows(w) for w in content)


# Russian prefixes: a shared beginning that is only a prefix («пере…», «под…») shares no root.
_PREFIX_LIST = (
    "без бес во воз вос вз вс вы до за из ис на над об обо от ото пере по под пред при про раз "
    "рас роз рос с со су у недо небез"
)
PREFIXES = sorted(_PREFIX_LIST.split(), key=len, reverse=True)


def has_substance(root: str) -> bool:
    """At least `MIN_ROOT` letters, three of them past any prefix."""
    if len(root) < MIN_ROOT or not root.isalpha():
        return False
    prefix = next((p for p in PREFIXES if root.startswith(p)), "")
    return len(root) - len(prefix) >= 3


def root_alternatives(root: str, lexicon: spelling.Lexicon) -> list[Alternative]:
    """Synonyms with a word that begins with `root`, else indexed words that do."""
    alternatives = [
        a for term in synonyms.table().terms_with_root(root) for a in term_alternatives(term)
    ]
    if not alternatives and lexicon.knows_prefix(root):
        alternatives = [Alternative((root,), (root,), prefix=True, synonym=True)]
    return alternatives


def unknown_word_alternatives(
    word: str, lexicon: spelling.Lexicon, parsed: ParsedQuery, *, real: bool = False
) -> tuple[list[Alternative], bool]:
    """What to look for in place of a word no entry holds, most confident first:

    1. synonyms with a word its stem begins («нервный» → «нервничать»);
    2. an indexed word one edit away, offered as a correction («сотрудинк» → «сотрудник»);
    3. synonyms sharing all but the last letter or two of its stem («задержали» → «задержка»),
       unless the correction of step 4 shares that much too;
    4. an indexed word two edits away, offered as a correction;
    5. synonyms or indexed words sharing a shorter root, down to `MIN_ROOT` letters: colloquial
       words are often other derivations of a known root («психанул» → «психовать»).

    A `real` word (one the dictionary knows) is never corrected: only steps 1 and 3 apply.
    """
    root = stem(word)
    if not root.isalpha() or len(root) < MIN_ROOT:
        root = ""
    correction = None if real else lexicon.correct(word)

    def corrected() -> list[Alternative]:
        parsed.corrections[word] = correction[0]
        return word_alternatives(correction[0])

    def synonyms_of_root(length: int) -> list[Alternative]:
        if not has_substance(root[:length]):
            return []
        if correction and correction[0].startswith(root[:length]):
            return []  # the correction keeps this root: offer it instead (next steps)
        terms = synonyms.table().terms_with_root(root[:length])
        return [a for term in terms for a in term_alternatives(term)]

    steps = [
        lambda: synonyms_of_root(len(root)) if root else [],
        lambda: corrected() if correction and correction[1] <= 1 else [],
        *(
            lambda n=n: synonyms_of_root(n) if root and n >= CLOSE_ROOT else []
            for n in (len(root) - 1, len(root) - 2)
        ),
        lambda: corrected() if correction else [],
        *(
            lambda n=n: (
                root_alternatives(root[:n], lexicon) if has_substance(root[:n]) and not real else []
            )
            for n in range(len(root) - 1, MIN_ROOT - 1, -1)
        ),
    ]
    for step in steps:
        found = step()
        if found:
            return found, True
    return [Alternative((word,), (stem(word),))], False


def is_real_word(word: str, lexicon: spelling.Lexicon) -> bool:
    return lexicon.knows(word) or is_dictionary_word(word)


def convert_layout(text: str, *, typing: bool = False) -> str | None:
    """The text with its wrong-layout words converted (see `kb.search.layout`), or None; with
    `typing`, the last word may be unfinished."""
    lexicon = spelling.lexicon()
    text = text[:MAX_QUERY_LENGTH]
    beginning = None
    if typing and not text[-1:].isspace():
        beginning = lexicon.knows_prefix
    return layout.convert(text, lambda w: is_real_word(w, lexicon), beginning)


def weigh(group: Group, lexicon: spelling.Lexicon) -> None:
    """An IDF weight for the group, and whether it is so common that it cannot tell entries
    apart. The query's own word decides when the index holds it; a word found only through
    synonyms or derivations weighs as the most specific of them, since whichever one a
    document holds says what the word meant."""

    def frequencies(alternatives: list[Alternative]) -> list[int]:
        counts = (lexicon.document_count(w) for a in alternatives for w in a.words)
        return [n for n in counts if n]

    own = frequencies([a for a in group.alternatives if not a.synonym])
    frequency = max(own) if own else min(frequencies(group.alternatives), default=0)
    documents = max(lexicon.documents, 1)
    group.weight = round(group.similarity * math.log(1 + documents / (1 + frequency)), 4)
    # Whichever alternative a document holds matches it: the commonest says how many do.
    coverage = max([frequency, *frequencies(group.alternatives)])
    group.share = coverage / documents
    group.common = documents >= MIN_DOCUMENTS_FOR_SHARE and group.share > COMMON_SHARE


def word_group(
    word: str, lexicon: spelling.Lexicon, parsed: ParsedQuery, *, being_typed: bool
) -> Group:
    """The group of one query word: its forms and synonyms, the derivations of its root, and,
    for a word the dictionary does not know, a correction."""
    alternatives = word_alternatives(word)
    known = any(is_known(a, lexicon) for a in alternatives)
    real = is_real_word(word, lexicon)
    if real:
        # A word the index holds keeps to its own root; one it lacks borrows the synonyms of
        # a derivation («нахамил» has none of its own, «хамить» has).
        derived = derivation_alternatives(word, lexicon, with_synonyms=not known)
        derived = [a for a in derived if is_known(a, lexicon)]
        alternatives = unique(alternatives + derived)
        known = known or bool(derived)
    if being_typed and lexicon.knows_prefix(word):
        alternatives.append(Alternative((word,), (word,), prefix=True))
        known = True
    if not known:
        alternatives, known = unknown_word_alternatives(word, lexicon, parsed, real=real)
    if not known and not being_typed:
        near = merge(meaning.neighbours(word), thesaurus_neighbours(lemma(word), lexicon))
        if near:
            parsed.meanings[word] = [w for w, _ in near]
            return Group(word, meaning_alternatives(near), similarity=near[0][1])
    return Group(word, alternatives, known)


def reaches_index(word: str, lexicon: spelling.Lexicon) -> bool:
    """Whether an entry holds the word in some form or one of its synonyms (what
    `meaning_alternatives` searches in its place)."""
    return any(is_known(a, lexicon) for a in word_alternatives(word))


_neighbours: dict[str, list[tuple[str, float]]] = {}  # of the lexicon `_neighbours_of`
_neighbours_of: list[spelling.Lexicon] = []
MAX_CACHED_NEIGHBOURS = 10_000


def thesaurus_neighbours(word: str, lexicon: spelling.Lexicon) -> list[tuple[str, float]]:
    """`find_thesaurus_neighbours`, kept until the lexicon is re-read (the index changed)."""
    if _neighbours_of[:1] != [lexicon] or len(_neighbours) > MAX_CACHED_NEIGHBOURS:
        _neighbours.clear()
        _neighbours_of[:] = [lexicon]
    if word not in _neighbours:
        _neighbours[word] = find_thesaurus_neighbours(word, lexicon)
    return _neighbours[word]


def find_thesaurus_neighbours(word: str, lexicon: spelling.Lexicon) -> list[tuple[str, float]]:
    """The thesaurus's relatives of `word` (kb/search/thesaurus.py) that some entry holds (in
    some form or a synonym), with their strength (below 1), strongest first: its
    synonyms, and the words of its hypernyms, hyponyms and definitions that navec does not
    place far from it (the thesaurus lists every sense of a word: «мат» in chess, too). When
    none is held, the relatives of its closest relatives, at the product of the strengths
    («пьянка» → «вечеринка» → «корпоратив»)."""

    def relatives(of: str, strength: float) -> dict[str, float]:
        found = {}
        for other, link in thesaurus.related(of).items():
            if link < thesaurus.SYNONYM:
                break  # hyponyms and definitions' words: too loose to search in its place
            if CYRILLIC_ONLY.fullmatch(other) and other != word and agrees(word, other, link):
                found[other] = round(strength * link, 3)
        return found

    first = relatives(word, 1.0)
    held = [(w, s) for w, s in first.items() if reaches_index(w, lexicon)]
    if not held:
        second: dict[str, float] = {}
        for other, strength in list(first.items())[:MAX_RELATIVES]:
            if strength >= thesaurus.HYPERNYM:
                for far, far_strength in relatives(other, strength).items():
                    second[far] = max(far_strength, second.get(far, 0.0))
        held = [(w, s) for w, s in second.items() if reaches_index(w, lexicon)]
    held.sort(key=lambda row: -row[1])
    return held[:MAX_RELATIVES]


def agrees(word: str, other: str, strength: float) -> bool:
    """Whether a relative other than a synonym is not far from the word in navec (when both
    have a vector): the thesaurus cannot tell which sense of the word is meant."""
    if strength >= thesaurus.SYNONYM:
        return True
    one, two = meaning.vector(word), meaning.vector(other)
    if one is None or two is None:
        return True
    cosine = float(one @ two) / (float(np.linalg.norm(one) * np.linalg.norm(two)) + 1e-9)
    return cosine >= RELATIVE_COSINE


def merge(*rankings: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """Words from several rankings, each at its best similarity, the closest first."""
    best: dict[str, float] = {}
    for ranking in rankings:
        for word, similarity in ranking:
            best[word] = max(similarity, best.get(word, 0.0))
    return sorted(best.items(), key=lambda row: -row[1])


def meaning_alternatives(near: list[tuple[str, float]]) -> list[Alternative]:
    """Words close in meaning (see `kb.search.meaning`): in their indexed forms, with their
    synonym groups (a word near «хамить» reaches «грубость»)."""
    found = [
        Alternative(a.words, a.stems, synonym=True) for n, _ in near for a in word_alternatives(n)
    ]
    return unique(found)


def idiom_groups(
    all_words: list[str], lexicon: spelling.Lexicon, parsed: ParsedQuery
) -> tuple[list[Group], set[int]]:
    """Groups for the thesaurus's set phrases in the query whose synonyms some entry holds
    («ушёл из жизни» → «умереть»): an idiom means what its words do not. Each matches the
    phrase as typed or its synonyms. Returns them and the positions of the words they took."""
    groups: list[Group] = []
    taken: set[int] = set()
    if len(all_words) < 2:
        return groups, taken
    lemmas = [lemma(w) for w in all_words]
    i = 0
    while i < len(all_words):
        found = thesaurus.phrase_at(lemmas, i)
        own = all_words[i : i + found[0]] if found else []
        if found and any(w not in STOP_WORDS and not is_filler(w) for w in own):
            near = thesaurus_neighbours(found[1], lexicon)
            if near:
                text = " ".join(own)
                stems_ = tuple(stem(w) for w in own if w not in STOP_WORDS)
                alternatives = [Alternative(tuple(own), stems_), *meaning_alternatives(near)]
                parsed.meanings[text] = [w for w, _ in near]
                groups.append(Group(text, unique(alternatives), similarity=near[0][1]))
                taken.update(range(i, i + len(own)))
                i += len(own)
                continue
        i += 1
    return groups, taken


def parse(text: str, *, typing: bool = False) -> ParsedQuery:
    """Parse a query; with `typing`, the last word may be unfinished (suggestions)."""
    text = text[:MAX_QUERY_LENGTH]
    all_words = words(text)[: MAX_WORDS * 3]
    parsed = ParsedQuery(text=" ".join(text.split()))
    lexicon = spelling.lexicon()
    idioms, taken = ([], set()) if typing else idiom_groups(all_words, lexicon, parsed)
    free = [w for i, w in enumerate(all_words) if i not in taken]
    # One group per word, however many forms of it the query has («друг другу»).
    by_stem = {stem(w): w for w in reversed(free) if w not in STOP_WORDS}
    content = list(dict.fromkeys(by_stem[stem(w)] for w in free if w not in STOP_WORDS))
    # Filler counts only when the query is nothing else («что делать»).
    query_words = ([w for w in content if not is_filler(w)] or content)[:MAX_WORDS]
    for group in idioms:
        weigh(group, lexicon)
        parsed.groups.append(group)
    if not query_words:
        return parsed
    table = synonyms.table()
    query_stems = [stem(w) for w in query_words]
    last_unfinished = typing and not text[-1:].isspace()
    i = 0
    while i < len(query_words):
        phrase = table.phrase_at(query_stems, i)
        if phrase is not None and phrase[0] > 1:
            length, terms = phrase
            alternatives = [a for t in terms for a in term_alternatives(t)]
            group = Group(" ".join(query_words[i : i + length]), unique(alternatives))
            i += length
        else:
            being_typed = last_unfinished and i == len(query_words) - 1
            group = word_group(query_words[i], lexicon, parsed, being_typed=being_typed)
            i += 1
        weigh(group, lexicon)
        parsed.groups.append(group)
    if parsed.corrections:
        parsed.suggestion = " ".join(parsed.corrections.get(w, w) for w in all_words)
    return parsed


def clean_query(text: str) -> str:
    """A query with control characters and extra spaces removed, and its length capped."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", text).split())[:MAX_QUERY_LENGTH]
