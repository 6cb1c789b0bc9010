"""Keeping the index current. Called explicitly wherever entries change: the admin, history
restores, `load_seed`, imports; `rebuild_index` starts over."""

from collections import Counter
from collections.abc import Callable, Iterable

from django.db import transaction

from kb.content.models import Entry, SearchDocument, SearchWord
from kb.core.cache import SEARCH, bump_generation
from kb.search import spelling
from kb.search.backends import backend
from kb.search.documents import (
    DOCUMENTS,
    document_for,
    document_words,
    entries_to_index,
    lexicon_row,
    update_lexicon,
)


def replace_documents(ids: set[int], documents: list[SearchDocument]) -> None:
    """Make `documents` the index's documents for `ids` (none for ids without one), keeping
    the lexicon's word counts right."""
    old = list(SearchDocument.objects.filter(pk__in=ids))
    delta = Counter()
    for document in old:
        delta.subtract(document_words(document))
    for document in documents:
        delta.update(document_words(document))
    delta[DOCUMENTS] += len(documents) - len(old)
    engine = backend()
    # Every id, not only those with a document: an entry deleted without `remove_entries`
    # can leave a full-text row behind, which would clash when its id is recovered.
    engine.delete(sorted(ids))
    SearchDocument.objects.filter(pk__in=ids).delete()
    SearchDocument.objects.bulk_create(documents)
    engine.write(documents)
    update_lexicon(delta)
    if contents(old) != contents(documents):
        # Other processes: their lexicon and search pages are stale. Not when nothing the
        # index holds changed: a draft's edit (no document before or after), or an edit of
        # what no document holds.
        spelling.forget()
        bump_generation(SEARCH)


def contents(documents: list[SearchDocument]) -> set[tuple]:
    fields = SearchDocument._meta.concrete_fields
    return {tuple(getattr(d, f.attname) for f in fields) for d in documents}


@transaction.atomic
def index_entries(entry_ids: Iterable[int]) -> None:
    """Bring the documents of these entries up to date: published ones (re)indexed, drafts and
    deleted entries taken out."""
    ids = {int(pk) for pk in entry_ids}
    if ids:
        replace_documents(ids, [document_for(entry) for entry in entries_to_index(ids)])


@transaction.atomic
def remove_entries(entry_ids: Iterable[int]) -> None:
    """Take entries out of the index; call before deleting them (their words are counted)."""
    ids = {int(pk) for pk in entry_ids}
    if ids:
        replace_documents(ids, [])


@transaction.atomic
def rebuild_index(
    progress: Callable[[int, int], None] | None = None, chunk_size: int = 2000
) -> int:
    """Index every published entry from scratch; returns how many. `progress(done, total)` is
    called after each chunk."""
    engine = backend()
    engine.clear()
    SearchDocument.objects.all().delete()
    SearchWord.objects.all().delete()
    total = Entry.objects.published().count()
    words = Counter()
    done, last_pk = 0, 0
    while True:
        entries = list(entries_to_index().filter(pk__gt=last_pk)[:chunk_size])
        if not entries:
            break
        documents = [document_for(entry) for entry in entries]
        SearchDocument.objects.bulk_create(documents, batch_size=500)
        engine.write(documents)
        for document in documents:
            words.update(document_words(document))
        done += len(entries)
        last_pk = entries[-1].pk
        if progress is not None:
            progress(done, total)
    words[DOCUMENTS] = done
    SearchWord.objects.bulk_create(
        (lexicon_row(word, count) for word, count in words.items() if count),
        batch_size=1000,
    )
    engine.settle()
    spelling.forget()
    bump_generation(SEARCH)
    return done


def index_is_complete() -> bool:
    """Every published entry has a document, nothing else has one, and the lexicon counts the
    documents (an index built before it did is rebuilt by `rebuild_search_index
    --if-incomplete`)."""
    published = Entry.objects.published()
    documents = SearchDocument.objects.count()
    return (
        documents == published.count()
        and not SearchDocument.objects.exclude(entry__in=published).exists()
        and SearchWord.objects.filter(word=DOCUMENTS, document_count=documents).exists()
        == bool(documents)
    )
