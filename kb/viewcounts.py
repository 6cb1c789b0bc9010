"""View counts for "most opened", kept off the request path.

A page view only increments a counter in the cache (an atomic `incr`, no database write).
The counters are added to `Entry.view_count` in one batch by `flush()`: after a response has
been sent (`request_finished`), by whichever process first finds `PRAVILA_VIEW_COUNT_FLUSH_SECONDS`
gone by since the last flush, and by `manage.py flush_view_counts` (e.g. from cron, or before a
deploy). With Redis (`CACHE_URL`) every process counts into the same counters; with local
memory each process counts and flushes its own.
"""

import logging
import time
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


def record_view(entry_pk: int) -> None:
    """Count one view of an entry. Never fails the page: a lost count is better than an error."""
    key = counter_key(entry_pk)
    try:
        try:
            cache.incr(key)
        except ValueError:  # no counter yet; `add` is atomic, so only one request creates it
            if not cache.add(key, 1, timeout=None):
                cache.incr(key)
    except Exception:
        logger.warning("Could not count a view of entry %s", entry_pk, exc_info=True)


def pending_views(entry_pks: Iterable[int]) -> dict[int, int]:
    """The views counted in the cache and not yet written, by entry."""
    keys = {counter_key(pk): pk for pk in entry_pks}
    return {keys[key]: count for key, count in cache.get_many(list(keys)).items() if count}


def flush() -> int:
    """Add the counted views to the entries in the database; returns how many were added."""
    from kb.models import Entry  # apps must be ready first

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
    """When this process last asked whether a flush is due: it asks the cache at most once a
    second, not after every response."""

    asked_at = float("-inf")


def flush_if_due() -> bool:
    """Flush when no process has done so for the flush interval; whether this one did."""
    interval = settings.PRAVILA_VIEW_COUNT_FLUSH_SECONDS
    now = time.monotonic()
    if interval <= 0 or now - FlushClock.asked_at < min(1.0, interval):
        return False
    FlushClock.asked_at = now
    if not cache.add(FLUSH_LOCK_KEY, 1, timeout=interval):
        return False
    flush()
    return True


def flush_after_response(sender: Any, **kwargs: Any) -> None:
    """`request_finished` receiver: runs after the response has gone to the client."""
    try:
        flush_if_due()
    except Exception:
        logger.warning("Could not write the view counts", exc_info=True)
