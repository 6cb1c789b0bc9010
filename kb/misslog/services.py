"""Recording searches and openings, purging old ones, and the two fixes editors apply.

Recording is a side line of a search. A search made while serving a request is written after
the response has gone out (when the server closes it: `request_finished`), so the staff member
never waits for the log; outside a request it is written at once. Either way the write runs in
a savepoint of its own, and any failure is logged and swallowed.

After a response, a process writes the searches it has gathered together, at most once per
`PRAVILA_MISSLOG_WRITE_SECONDS`: one INSERT per search would make every search a database
commit, which on SQLite serialises the readers behind it (searches served 0.2 × as fast as
other pages under load). What is still waiting is written when the process exits, when it
opens a result, or after the next response; a crash loses at most those seconds of searches.
"""

import logging
import threading
import time
import uuid
from contextvars import ContextVar

import reversion
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from kb import search
from kb.content.models import Entry, Synonym
from kb.core.clients import client_address, within_limit
from kb.misslog import conf
from kb.misslog.models import QUERY_MAX_LENGTH, SearchRecord, Source
from kb.search.russian import STOP_WORDS, words

logger = logging.getLogger(__name__)

PURGE_EVERY_SECONDS = 3600  # opportunistic purges: at most one per process per hour
_last_purge: float | None = None
# The searches of the request being served, written when its response is closed; None outside
# a request (or where the request's context is not this one), where searches are written at once.
_pending: ContextVar[list[SearchRecord] | None] = ContextVar("misslog_pending", default=None)
# The client (address, kb/core/clients.py) of the request being served: each client may add only
# so many searches a minute, and the same query only so many times a day.
_client: ContextVar[str | None] = ContextVar("misslog_client", default=None)
DAY = 86400
# An opening whose search is not written yet (another process still holds it) is tried again
# at every write for this long; at most this many wait (the oldest go first), so that a flood
# of made-up keys costs each later opening one query, not one per key.
OPENING_RETRY_SECONDS = 60
MAX_WAITING_OPENINGS = 500


class Waiting:
    """This process's searches and openings gathered for the next write (threads share them)."""

    lock = threading.Lock()
    searches: list[SearchRecord] = []
    # (search key, entry id, give up at) of openings whose search was not found yet
    openings: list[tuple[uuid.UUID, int, float]] = []
    written_at = float("-inf")


def normalise(text: str) -> str:
    """The query as the log groups it: its words only (letters and digits, lower case, "ё" as
    "е"), single-spaced, at most `QUERY_MAX_LENGTH` characters. Punctuation, control
    characters and NUL cannot survive it."""
    normalised = " ".join(words(text))[:QUERY_MAX_LENGTH]
    return normalised.rsplit(" ", 1)[0] if len(normalised) == QUERY_MAX_LENGTH else normalised


def query_words(query: str) -> list[str]:
    """The words of a logged query an editor may add to a synonym group."""
    return list(dict.fromkeys(w for w in words(query) if w not in STOP_WORDS and not w.isdigit()))


def record_search(text: str, result_count: int, source: Source) -> uuid.UUID | None:
    """Log a search; the key its result links carry, or None when there is nothing to log."""
    query = normalise(text)
    if not query or not admitted(query):
        return None
    record = SearchRecord(query=query, result_count=result_count, source=source)
    pending = _pending.get()
    if pending is None:
        write([record])
    else:
        pending.append(record)
    return record.key


def admitted(query: str) -> bool:
    """Whether the request's client may add this search to the log: at most
    `PRAVILA_MISSLOG_SEARCHES_PER_MINUTE` searches a minute, and the same query at most
    `PRAVILA_MISSLOG_REPEATS_PER_DAY` times a day. A search beyond them still answers; it is
    not logged, and its result links lead straight to the entries."""
    client = _client.get()
    if client is None:  # outside a request: a command, a test
        return True
    return within_limit("misslog", client, conf.searches_per_minute(), 60) and within_limit(
        "misslog-repeats", f"{client}\n{query}", conf.repeats_per_day(), DAY
    )


def write(records: list[SearchRecord]) -> None:
    try:
        with transaction.atomic():
            SearchRecord.objects.bulk_create(records)
    except Exception:
        logger.exception("The miss log could not record a search; the search went on.")
        return
    maybe_purge()


def start_request(environ: dict | None = None, **kwargs: object) -> None:
    """`request_started`: searches of this request wait for its response to be sent."""
    _pending.set([])
    _client.set(client_address(environ) if environ else None)


def finish_request(**kwargs: object) -> None:
    """`request_finished` (the response has been sent and closed): gather its searches, and
    write what the process has gathered when the last write is old enough."""
    records = _pending.get()
    _pending.set(None)
    _client.set(None)
    with Waiting.lock:
        Waiting.searches.extend(records or ())
        due = time.monotonic() - Waiting.written_at >= conf.write_seconds()
        if not (due and (Waiting.searches or Waiting.openings)):
            return
    # Django has closed the request's connection by now; close the one the write opens.
    opened_here = connection.connection is None
    write_waiting()
    if opened_here:
        connection.close()


def write_waiting() -> None:
    """Write the searches this process has gathered, then the openings waiting for them."""
    with Waiting.lock:
        records, Waiting.searches = Waiting.searches, []
        openings, Waiting.openings = Waiting.openings, []
        Waiting.written_at = time.monotonic()
    if records:
        write(records)
    now = time.monotonic()
    openings = [opening for opening in openings if now < opening[2]]
    found = written_keys([key for key, _entry, _give_up in openings])
    for key, entry_pk, give_up_at in openings:
        if key not in found or note_opening(key, entry_pk) is False:
            wait_for_search(key, entry_pk, give_up_at)


def written_keys(keys: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of the keys have their search written (one query for all of them); all of them
    when the database failed (each is then tried on its own, and logged)."""
    if not keys:
        return set()
    try:
        with transaction.atomic():
            return set(SearchRecord.objects.filter(key__in=keys).values_list("key", flat=True))
    except Exception:
        logger.exception("The miss log could not look up searches waiting for an opening.")
        return set(keys)


def wait_for_search(key: uuid.UUID, entry_pk: int, give_up_at: float) -> None:
    """Keep an opening until its search is written, the oldest dropped past the limit."""
    with Waiting.lock:
        Waiting.openings.append((key, entry_pk, give_up_at))
        del Waiting.openings[:-MAX_WAITING_OPENINGS]


def discard_waiting() -> None:
    """Forget what this process has gathered and not written (tests start from nothing)."""
    with Waiting.lock:
        Waiting.searches, Waiting.openings = [], []
        Waiting.written_at = float("-inf")


def result_url(hit: search.Hit, key: uuid.UUID | None) -> str:
    """A result's link: through the miss log when the search was recorded, else the entry's."""
    if not key:
        return hit.url
    return reverse("misslog:open", args=[key, hit.document.entry_id])


def record_opening(key: uuid.UUID, entry: Entry) -> None:
    """Note which result of a search was opened (the first one opened counts). The search may
    still be waiting to be written: this process's are written first, and another process's
    opening is tried again at the next writes."""
    write_waiting()
    if note_opening(key, entry.pk) is False:
        wait_for_search(key, entry.pk, time.monotonic() + OPENING_RETRY_SECONDS)


def note_opening(key: uuid.UUID, entry_pk: int) -> bool | None:
    """Whether a search with the key was found (and its first opening noted); None when the
    database failed (logged)."""
    try:
        with transaction.atomic():
            found = SearchRecord.objects.filter(key=key)
            noted = found.filter(opened_at__isnull=True).update(
                opened_entry_id=entry_pk, opened_at=timezone.now()
            )
            return bool(noted) or found.exists()  # found, but opened before
    except Exception:
        logger.exception("The miss log could not record an opened result.")
        return None


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
