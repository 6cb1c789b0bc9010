"""View counts for "most opened", kept off the request path.

A page view only adds one to a counter in this process's memory: no database write, no
cache round trip. After a response has been sent (`request_finished`), at most once a second,
the process adds its counts to counters in the cache (atomic `incr`); and whichever process
first finds `PRAVILA_VIEW_COUNT_FLUSH_SECONDS` gone by since the last flush adds the cache's
counters to `Entry.view_count` in one batch (`flush()`, also `manage.py flush_view_counts`).
With Redis (`CACHE_URL`) every process counts into the same counters; with local memory each
process counts and flushes its own. A crashing process loses at most a second of its views.
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

logger = logging.getLogger(__name__)

FLUSH_LOCK_KEY = "pravila:views:flushed"
BATCH = 500


def counter_key(entry_pk: int) -> str:
    return f"pravila:views:{entry_pk}"


# Views counted in this process and not yet added to the cache's counters. Gunicorn's sync
# workers serve one request at a time, and the lock keeps threaded servers right too.
_local_counts: Counter[int] = Counter()
_local_lock = threading.Lock()


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
    for pk, count in counts.items():
        try:
            add_to_counter(counter_key(pk), count)
        except Exception:
            logger.warning("Could not count the views of entry %s", pk, exc_info=True)
            with _local_lock:
                _local_counts[pk] += count


def discard_local_counts() -> None:
    """Forget this process's counts not yet pushed (tests start from none)."""
    with _local_lock:
        _local_counts.clear()


def pending_views(entry_pks: Iterable[int]) -> dict[int, int]:
    """The views counted (in the cache, and in this process) and not yet written, by entry."""
    push_local_counts()
    keys = {counter_key(pk): pk for pk in entry_pks}
    return {keys[key]: count for key, count in cache.get_many(list(keys)).items() if count}


def flush() -> int:
    """Add the counted views to the entries in the database; returns how many were added."""
    from kb.content.models import Entry  # apps must be ready first

    push_local_counts()
    added = 0
    pks = list(Entry.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        pending = pending_views(pks[start : start + BATCH])
        if not pending:
            continue
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
        added += sum(pending.values())
    return added


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
