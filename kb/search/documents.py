"""What the index holds for an entry: its text by field, plain, as staff read it."""

import html
from collections import Counter
from collections.abc import Iterable

import nh3

from kb.content.models import Entry, SearchDocument, SearchWord
from kb.search.russian import STOP_WORDS, lemma, words


def plain_text(rendered_html: str) -> str:
    """The text of sanitised HTML, without tags or entities."""
    return " ".join(html.unescape(nh3.clean(rendered_html, tags=set())).split())


def document_for(entry: Entry) -> SearchDocument:
    """The search document of a published entry (responses and tags prefetched).

    A situation's signals describe it as its summary does, so they weigh as the summary; its
    phrases and hand-over say what to do, as its steps do, so they weigh as the steps. Search
    phrases (any kind) name the entry as staff do, so they weigh as the title.
    """
    steps = [plain_text(step.text_html) for step in entry.responses.all()]
    return SearchDocument(
        entry=entry,
        kind=entry.kind,
        title=str(entry),
        phrases=entry.search_phrases,
        summary="\n".join(filter(None, (entry.summary, entry.signals))),
        steps="\n".join(filter(None, (*steps, entry.say, entry.avoid, entry.escalation))),
        tags=", ".join(tag.name for tag in entry.tags.all()),
        body="\n".join(filter(None, (plain_text(entry.body_html), plain_text(entry.lesson_html)))),
    )


def document_words(document: SearchDocument) -> set[str]:
    """The distinct indexed words of a document: what the typo corrector may suggest."""
    text = " ".join(
        (
            document.title,
            document.phrases,
            document.summary,
            document.steps,
            document.tags,
            document.body,
        )
    )
    return {w for w in words(text) if w not in STOP_WORDS and len(w) <= 100}


# The lexicon's row for the empty word (which no text has) counts the documents themselves: IDF
# weights need that number, and counting 100,000 rows on PostgreSQL takes 150 ms.
DOCUMENTS = ""


def lexicon_row(word: str, document_count: int) -> SearchWord:
    return SearchWord(word=word, lemma=lemma(word)[:100], document_count=document_count)


def update_lexicon(delta: Counter) -> None:
    """Add (or, for negative counts, take away) documents from each word's count.

    Safe when several saves count the same words at once (PostgreSQL): a new word is inserted
    with ON CONFLICT DO NOTHING, so a save that adds it at the same moment as another waits and
    then finds it, and the rows are locked in word order before their counts are changed, so
    no count is lost and two saves never wait for each other in a circle. Must run in a
    transaction (`index_entries` does).
    """
    delta = Counter({w: n for w, n in delta.items() if n})
    if not delta:
        return
    words = sorted(delta)
    known = set(SearchWord.objects.filter(word__in=words).values_list("word", flat=True))
    SearchWord.objects.bulk_create(
        [lexicon_row(word, 0) for word in words if delta[word] > 0 and word not in known],
        batch_size=500,
        ignore_conflicts=True,
    )
    changed, emptied = [], []
    for row in SearchWord.objects.filter(word__in=words).order_by("word").select_for_update():
        row.document_count = max(row.document_count + delta[row.word], 0)
        (changed if row.document_count > 0 else emptied).append(row)
    SearchWord.objects.bulk_update(changed, ["document_count"], batch_size=500)
    SearchWord.objects.filter(word__in=[w.word for w in emptied]).delete()


def entries_to_index(ids: Iterable[int] | None = None):
    """Published entries with what their documents need, in primary key order."""
    entries = Entry.objects.published().prefetch_related("responses", "tags").order_by("pk")
    return entries if ids is None else entries.filter(pk__in=list(ids))
