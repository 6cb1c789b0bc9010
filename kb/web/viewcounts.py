"""View counts for "most opened", kept off the request path.

A page view only adds one to a counter in this process's memory: no database write, no
cache round trip. After a response has been sent (`request_finished`), at most once a second,
the process adds its counts to counters in the cache (atomic `incr`); and whichever process
first finds `PRAVILA_VIEW_COUNT_FLUSH_SECONDS` gone by since the last flush adds the cache's
counters to `Entry.view_count` in one batch (`flush()`, also `manage.py flush_view_counts`).
With Redis (`CACHE_URL`) every process counts into the same counters; with local memory each
process counts and flushes its own. A crashing process loses at most a second of its views.

The entries with counted views are noted as they are counted (a Redis set, or this process's
own set with local memory), so that a flush reads those counters only, not every entry's. A
flush that changes which situations the home page lists as most opened, or their order, moves
the "home" scope on (kb/web/invalidation.py); other flushes leave every cached page alone.
"""

import logging
import threading
import time
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F

from kb.content.models import Entry, Kind
from kb.core.cache import HOME, bump_generation, redis_client, shared_cache
from kb.web.invalidation import home_block

logger = logging.getLogger(__name__)

FLUSH_LOCK_KEY = "pravila:views:flushed"
PENDING_KEY = "pravila:views:pending"
BATCH = 500


def counter_key(entry_pk: int) -> str:
    return f"pravila:views:{entry_pk}"


# Views counted in this process and not yet added to the cache's counters. Gunicorn's sync
# workers serve one request at a time, and the lock keeps threaded servers right too.
_local_counts: Counter[int] = Counter()
_local_lock = threading.Lock()
# With local memory (each process its own counters): the entries this process has counters for.
_pending_here: set[int] = set()


def record_view(entry_pk: int) -> None:
    """Count one view of an entry (in memory; see `push_local_counts`)."""
    with _local_lock:
        _local_counts[entry_pk] += 1


def add_to_counter(key: str, count: int) -> None:
    try:
        cache.incr(key, count)
    except ValueError:  # no counter yet; `add` is atomic, so only one process creates it
        if not cache.add(key, count, timeout=None):
            cache.incr(key, count)


def push_local_counts() -> None:
    """Add this process's counts to the counters in the cache. Never fails a request: a
    count that cannot be pushed is kept for the next push."""
    with _local_lock:
        counts = dict(_local_counts)
        _local_counts.clear()
    added = []
    for pk, count in counts.items():
        try:
            add_to_counter(counter_key(pk), count)
            added.append(pk)
        except Exception:
            logger.warning("Could not count the views of entry %s", pk, exc_info=True)
            with _local_lock:
                _local_counts[pk] += count
    try:
        # After the counters: a flush that takes the entry out of the set before this reads
        # the counter already added to, or finds the entry in the set again next time.
        note_pending(added)
    except Exception:
        logger.warning("Could not note the entries with views to write", exc_info=True)


def note_pending(pks: list[int]) -> None:
    """Note entries whose counters the next flush must read."""
    if not pks:
        return
    client = redis_client()
    if client is not None:
        client.sadd(cache.make_and_validate_key(PENDING_KEY), *pks)
    elif not shared_cache():
        with _local_lock:
            _pending_here.update(pks)


def take_pending() -> list[int] | None:
    """The entries noted since the last flush, taken out of the note; None when the cache
    cannot keep such a note (another shared cache than Redis): then every entry is read."""
    client = redis_client()
    if client is not None:
        pipe = client.pipeline(transaction=True)
        key = cache.make_and_validate_key(PENDING_KEY)
        members, _ = pipe.smembers(key).delete(key).execute()
        return sorted(int(pk) for pk in members)
    if shared_cache():
        return None
    with _local_lock:
        pks = sorted(_pending_here)
        _pending_here.clear()
    return pks


def discard_local_counts() -> None:
    """Forget this process's counts not yet pushed (tests start from none)."""
    with _local_lock:
        _local_counts.clear()
        _pending_here.clear()


def pending_views(entry_pks: Iterable[int]) -> dict[int, int]:
    """The views counted (in the cache, and in this process) and not yet written, by entry."""
    push_local_counts()
    keys = {counter_key(pk): pk for pk in entry_pks}
    return {keys[key]: count for key, count in cache.get_many(list(keys)).items() if count}


def flush() -> int:
    """Add the counted views to the entries in the database; returns how many were added."""
    push_local_counts()
    pks = take_pending()
    if pks is None:
        pks = list(Entry.objects.order_by("pk").values_list("pk", flat=True))
    if not pks:
        return 0
    shown_before = home_block(Kind.SITUATION)
    added = 0
    for start in range(0, len(pks), BATCH):
        try:
            added += write_views(pks[start : start + BATCH])
        except Exception:
            note_pending(pks[start:])  # read again by the next flush
            raise
    if added and home_block(Kind.SITUATION) != shown_before:
        # "Most opened" on the home page changed: only then is home made again.
        bump_generation(HOME)
    return added


def write_views(pks: list[int]) -> int:
    pending = pending_views(pks)
    if not pending:
        return 0
    # Take the counts out first, by exactly what was read: views counted meanwhile stay.
    for pk, count in pending.items():
        cache.decr(counter_key(pk), count)
    try:
        with transaction.atomic():
            for pk, count in pending.items():
                # A counter, not an edit: no save(), so `updated_at` keeps its meaning.
                Entry.objects.filter(pk=pk).update(view_count=F("view_count") + count)
    except Exception:
        for pk, count in pending.items():  # put them back for the next flush
            cache.incr(counter_key(pk), count)
        raise
    return sum(pending.values())


class FlushClock:
    """When this process last pushed its counts and asked whether a flush is due: at most once
    a second, not after every response."""

    asked_at = float("-inf")


def flush_if_due() -> bool:
    """Push this process's counts, at most once a second, and flush when no process has done
    so for the flush interval; whether this one did."""
    now = time.monotonic()
    if now - FlushClock.asked_at < 1.0:
        return False
    FlushClock.asked_at = now
    push_local_counts()
    interval = settings.PRAVILA_VIEW_COUNT_FLUSH_SECONDS
    if interval <= 0 or not cache.add(FLUSH_LOCK_KEY, 1, timeout=interval):
        return False
    flush()
    return True


def flush_after_response(sender: Any, **kwargs: Any) -> None:
    """`request_finished` receiver: runs after the response has gone to the client."""
    try:
        flush_if_due()
    except Exception:
        logger.warning("Could not write the view counts", exc_info=True)
