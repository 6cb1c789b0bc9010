"""Telling clients apart, and counting what each one does, for flood limits.

A client is its address: `REMOTE_ADDR`, or behind a proxy the address the proxy passes on in
the header `PRAVILA_CLIENT_IP_HEADER` names (the proxy must overwrite what clients send). The
same address counts failed sign-ins (kb/web/accounts.py), searches written to the miss log and
first votes. Counts live in the cache: shared by every process with Redis, per process else.
"""

import hashlib
import logging
import time
from collections.abc import Mapping

from django.conf import settings
from django.core.cache import cache

from kb.core.cache import redis_client

logger = logging.getLogger(__name__)


def meta_key(header: str) -> str:
    """Where WSGI puts an HTTP header: `X-Real-IP` is `HTTP_X_REAL_IP`."""
    return "HTTP_" + header.upper().replace("-", "_")


def client_address(meta: Mapping[str, str]) -> str | None:
    """The client's address from a request's META (or a WSGI environ)."""
    if settings.PRAVILA_CLIENT_IP_HEADER:
        forwarded = meta.get(meta_key(settings.PRAVILA_CLIENT_IP_HEADER), "")
        # A list (X-Forwarded-For): the proxy appends the address it saw last.
        address = forwarded.split(",")[-1].strip()
        if address:
            return address
    return meta.get("REMOTE_ADDR") or None


def within_limit(scope: str, client: str, limit: int, seconds: int) -> bool:
    """Count one more of `scope` for `client` in the current window of `seconds`; whether
    the count is still within `limit`. A cache outage lets everything through."""
    window = int(time.time() // seconds)
    digest = hashlib.sha256(client.encode(errors="surrogatepass")).hexdigest()[:32]
    key = f"pravila:limit:{scope}:{window}:{digest}"
    try:
        count = count_one_more(key, seconds + 60)
    except Exception:
        logger.warning("Cache unavailable: the %s limit is not applied", scope, exc_info=True)
        return True
    return count <= limit


def count_one_more(key: str, timeout: int) -> int:
    """Add one to the count under `key` (made, expiring after `timeout`, if missing); the new
    count. With Redis, in one round trip instead of Django's four (add, then incr's exists and
    incrby): searches are counted on every request, cached pages included."""
    client = redis_client()
    if client is not None:
        raw = cache.make_and_validate_key(key)
        pipeline = client.pipeline(transaction=False)
        pipeline.set(raw, 0, nx=True, ex=timeout)
        pipeline.incr(raw)
        return int(pipeline.execute()[1])
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1
