"""Recording searches and openings, purging old ones, and the two fixes editors apply.

Recording is a side line of a search: it runs in a savepoint of its own, and any failure is
logged and swallowed, so a search always answers whatever happens to the log.
"""

import logging
import time

import reversion
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from kb import search
from kb.misslog import conf
from kb.misslog.models import QUERY_MAX_LENGTH, SearchRecord, Source
from kb.models import Entry, Synonym
from kb.search.russian import STOP_WORDS, words

logger = logging.getLogger(__name__)

PURGE_EVERY_SECONDS = 3600  # opportunistic purges: at most one per process per hour
_last_purge: float | None = None


def normalise(text: str) -> str:
    """The query as the log groups it: its words only (letters and digits, lower case, "ё" as
    "е"), single-spaced, at most `QUERY_MAX_LENGTH` characters. Punctuation, control
    characters and NUL cannot survive it."""
    normalised = " ".join(words(text))[:QUERY_MAX_LENGTH]
    return normalised.rsplit(" ", 1)[0] if len(normalised) == QUERY_MAX_LENGTH else normalised


def query_words(query: str) -> list[str]:
    """The words of a logged query an editor may add to a synonym group."""
    return list(dict.fromkeys(w for w in words(query) if w not in STOP_WORDS and not w.isdigit()))


def record_search(text: str, result_count: int, source: Source) -> int | None:
    """Log a search; its id, or None when there was nothing to log or the log failed."""
    query = normalise(text)
    if not query:
        return None
    try:
        with transaction.atomic():
            record = SearchRecord.objects.create(
                query=query, result_count=result_count, source=source
            )
    except Exception:
        logger.exception("The miss log could not record a search; the search went on.")
        return None
    maybe_purge()
    return record.pk


def record_opening(record_id: int, entry: Entry) -> None:
    """Note which result of a search was opened (the first one opened counts)."""
    try:
        with transaction.atomic():
            SearchRecord.objects.filter(pk=record_id, opened_at__isnull=True).update(
                opened_entry=entry, opened_at=timezone.now()
            )
    except Exception:
        logger.exception("The miss log could not record an opened result.")


def purge(days: int | None = None) -> int:
    """Delete searches older than `days` (the setting by default); how many were deleted."""
    deleted, _ = SearchRecord.objects.older_than(
        conf.retention_days() if days is None else days
    ).delete()
    return deleted


def maybe_purge() -> None:
    """Purge now and then while recording, so the log stays bounded without a scheduler."""
    global _last_purge
    now = time.monotonic()
    if _last_purge is not None and now - _last_purge < PURGE_EVERY_SECONDS:
        return
    _last_purge = now
    try:
        with transaction.atomic():
            purge()
    except Exception:
        logger.exception("The miss log could not purge old searches.")


def resolve(query: str) -> int:
    """Mark every search of the query so far as fixed: it leaves the list until it misses again."""
    return SearchRecord.objects.unresolved().filter(query=query).update(resolved_at=timezone.now())


@transaction.atomic
def add_word_to_synonyms(query: str, word: str, group: Synonym) -> Synonym:
    """Add a word of the query to a synonym group, and mark the query fixed."""
    group.words = f"{group.words}, {word}"
    group.save()
    search.forget_synonyms()
    resolve(query)
    return group


@transaction.atomic
def add_search_phrase(query: str, entry: Entry, user: AbstractBaseUser | None) -> Entry:
    """Add the query to an entry's search phrases (recorded in its history, indexed at once),
    and mark the query fixed."""
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if not entry.has_search_phrase(query):
        entry.search_phrases = "\n".join([*entry.search_phrase_items, query])
        with reversion.create_revision():
            reversion.set_user(user)
            reversion.set_comment(
                gettext("Search phrase “%(phrase)s” added from the miss log") % {"phrase": query}
            )
            entry.save()
        search.index_entries([entry.pk])
    resolve(query)
    return entry
