"""`/healthz`: whether this process can serve pages, for the proxy's or orchestrator's checks."""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kb.core.cache import shared_cache

logger = logging.getLogger(__name__)


def database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("Health check: the database is unreachable", exc_info=True)
        return False


def cache_reachable() -> bool:
    """The shared cache (Redis) answers a write and a read; local memory always does."""
    if not shared_cache():
        return True
    key, token = "pravila:healthz", uuid.uuid4().hex
    try:
        cache.set(key, token, timeout=10)
        return cache.get(key) == token
    except Exception:
        logger.warning("Health check: the cache is unreachable", exc_info=True)
        return False


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """200 with the database (and the shared cache, when configured) reachable, else 503.
    No content either way: the status says it all, and nothing about the setup leaks."""
    healthy = database_reachable() and cache_reachable()
    return HttpResponse(status=200 if healthy else 503)
