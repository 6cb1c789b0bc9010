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
        cache.add(key, 0, timeout=seconds + 60)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=seconds + 60)
            count = 1
    except Exception:
        logger.warning("Cache unavailable: the %s limit is not applied", scope, exc_info=True)
        return True
    return count <= limit
