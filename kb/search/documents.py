"""What the index holds for an entry: its text by field, plain, as staff read it."""

import html
from collections import Counter
from collections.abc import Iterable

import nh3

from kb.models import Entry, SearchDocument, SearchWord
from kb.search.russian import STOP_WORDS, lemma, words


def plain_text(rendered_html: str) -> str:
    """The text of sanitised HTML, without tags or entities."""
    return " ".join(html.unescape(nh3.clean(rendered_html, tags=set())).split())


def document_for(entry: Entry) -> SearchDocument:
    """The search document of a published entry (responses and tags prefetched).

    A situation's signals describe it as its summary does, so they weigh as the summary; its
    phrases and hand-over say what to do, as its steps do, so they weigh as the steps.
    """
    steps = [plain_text(step.text_html) for step in entry.responses.all()]
    return SearchDocument(
        entry=entry,
        kind=entry.kind,
        title=str(entry),
        summary="\n".join(filter(None, (entry.summary, entry.signals))),
        steps="\n".join(filter(None, (*steps, entry.say, entry.avoid, entry.escalation))),
        tags=", ".join(tag.name for tag in entry.tags.all()),
        body="\n".join(filter(None, (plain_text(entry.body_html), plain_text(entry.lesson_html)))),
    )


def document_words(document: SearchDocument) -> set[str]:
    """The distinct indexed words of a document: what the typo corrector may suggest."""
    text = " ".join(
        (document.title, document.summary, document.steps, document.tags, document.body)
    )
    return {w for w in words(text) if w not in STOP_WORDS and len(w) <= 100}


# The lexicon's row for the empty word (which no text has) counts the documents themselves: IDF
# weights need that number, and counting 100,000 rows on PostgreSQL takes 150 ms.
DOCUMENTS = ""


def lexicon_row(word: str, document_count: int) -> SearchWord:
    return SearchWord(word=word, lemma=lemma(word)[:100], document_count=document_count)


def update_lexicon(delta: Counter) -> None:
    """Add (or, for negative counts, take away) documents from each word's count."""
    delta = Counter({w: n for w, n in delta.items() if n})
    if not delta:
        return
    existing = {w.word: w for w in SearchWord.objects.filter(word__in=list(delta))}
    changed, created, emptied = [], [], []
    for word, n in delta.items():
        if word in existing:
            row = existing[word]
            row.document_count += n
            (changed if row.document_count > 0 else emptied).append(row)
        elif n > 0:
            created.append(lexicon_row(word, n))
    SearchWord.objects.bulk_update(changed, ["document_count"], batch_size=500)
    SearchWord.objects.bulk_create(created, batch_size=500)
    SearchWord.objects.filter(word__in=[w.word for w in emptied]).delete()


def entries_to_index(ids: Iterable[int] | None = None):
    """Published entries with what their documents need, in primary key order."""
    entries = Entry.objects.published().prefetch_related("responses", "tags").order_by("pk")
    return entries if ids is None else entries.filter(pk__in=list(ids))
