"""Cache primitives: a content generation that every edit bumps, data cached under it.

Every cached value belongs to a *generation*, a number that changes whenever editors change
content (entries, tags, synonyms, paths, the search index): data is keyed by it, pages are
stored with it (kb/web/page_cache.py). An edit therefore never has to find and delete what it
made stale: the next request in any process reads the new generation and ignores what was
cached before, which expires on its own.

The generation lives where every process sees it: in the shared cache when `CACHE_URL` names
one (Redis), else in a small file under var/ (local memory is per process, the file is not).
"""

import hashlib
import logging
import os
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

T = TypeVar("T")

GENERATION_KEY = "pravila:generation"
UNAVAILABLE = -1
# Data and pages are kept at most this long even without an edit: "most opened" lists follow
# the view counts, which change without an edit.
DATA_SECONDS = 300


def shared_cache() -> bool:
    """Whether the default cache is shared by every process (a server such as Redis)."""
    return "LocMemCache" not in settings.CACHES["default"]["BACKEND"]


# Generations besides the content's: "reading" moves on whenever a reader marks an entry read
# (what readers' personal parts are cached by; see kb/web/personal.py).
CONTENT = "content"
# Narrower scopes, each a generation of its own (which pages depend on which, and what moves
# each on: kb/web/invalidation.py).
ENTRIES = "entries"
HOME = "home"
SEARCH = "search"
# What editors' searches find among drafts: moves on with any draft's text or tags.
DRAFTS = "drafts"


def generation_key(name: str = CONTENT) -> str:
    return GENERATION_KEY if name == CONTENT else f"{GENERATION_KEY}:{name}"


def generation_file(name: str = CONTENT) -> Path:
    path = Path(settings.PRAVILA_CACHE_GENERATION_FILE)
    return path if name == CONTENT else path.with_name(f"{path.name}-{name}")


def generation(name: str = CONTENT) -> int:
    """The current content generation (nanoseconds since the epoch of the last edit), or
    another one by `name`; -1 when the shared cache cannot be reached (nothing is cached then).
    Inside a transaction that has moved it on, the number it moved to (others see it at
    commit)."""
    return generations((name,))[0]


def generations(names: tuple[str, ...]) -> tuple[int, ...]:
    """The generations of `names` (see `generation`), read in one round trip to a shared
    cache: a page depends on two or three, and each read costs as much as serving a cached
    page's bytes."""
    pending = pending_generations()
    kept = _read_in_request.get()
    found = {**(kept or {}), **(pending.names if pending is not None else {})}
    missing = tuple(name for name in dict.fromkeys(names) if name not in found)
    if missing and shared_cache():
        try:
            read = read_shared_generations(missing)
        except Exception:  # the cache is an optimisation: an outage must not fail pages
            logger.warning("Cache unavailable", exc_info=True)
            return tuple(UNAVAILABLE for _ in names)
    else:
        read = {name: read_file_generation(name) for name in missing}
    if kept is not None:
        kept.update(read)
    found.update(read)
    return tuple(found[name] for name in names)


# The generations a request has read, so that its page, the page's shared parts and the search
# index's caches read each once (`generations_kept_for_request`); None outside a request.
_read_in_request: ContextVar[dict[str, int] | None] = ContextVar(
    "pravila_generations_read", default=None
)


@contextmanager
def generations_kept_for_request() -> Iterator[None]:
    """Within it, each generation is read once and then remembered: a request sees the content
    as it was when the request began (an edit elsewhere shows on the next request), except the
    generations it moves on itself, which it reads again."""
    token = _read_in_request.set({})
    try:
        yield
    finally:
        _read_in_request.reset(token)


def read_file_generation(name: str) -> int:
    try:
        return int(generation_file(name).read_text() or 0)
    except (FileNotFoundError, ValueError):
        return 0


class RedisClient:
    """One Redis client kept per process, for the few reads and writes Django's cache API
    makes dear or cannot make: every request reads the generation, and the API builds a new
    client object for each operation, which costs as much as the read itself."""

    client: Any = None
    made_for: tuple[int, str] | None = None

    @classmethod
    def get(cls, location: str) -> Any:
        # A new client in a new process (after gunicorn's fork) or for another server.
        if cls.client is None or cls.made_for != (os.getpid(), location):
            import redis

            cls.client, cls.made_for = redis.Redis.from_url(location), (os.getpid(), location)
        return cls.client


def redis_client() -> Any:
    """A raw client of the default cache's Redis server (which stores keys under
    `cache.make_and_validate_key`), or None when the cache is not Django's Redis cache."""
    configured = settings.CACHES["default"]
    location = configured.get("LOCATION")
    if configured["BACKEND"].endswith(".RedisCache") and isinstance(location, str):
        return RedisClient.get(location)
    return None


def read_shared_generations(names: tuple[str, ...]) -> dict[str, int]:
    keys = [generation_key(name) for name in names]
    client = redis_client()
    if client is None:  # another shared cache: through Django's API
        stored = cache.get_many(keys)
        values = [stored.get(key) for key in keys]
    else:
        # Integers are stored by Django's Redis cache as plain numbers, so a raw MGET of the
        # cache's own keys reads the same values.
        values = client.mget([cache.make_and_validate_key(key) for key in keys])
    found = {}
    for name, key, value in zip(names, keys, values, strict=True):
        if value is None:
            # A fresh or flushed cache: any new number makes every older key unreachable.
            cache.add(key, time.time_ns(), timeout=None)
            value = cache.get(key)
        found[name] = int(value)
    return found


def _write_generation(name: str = CONTENT) -> None:
    value = time.time_ns()
    kept = _read_in_request.get()
    if kept is not None:
        kept.pop(name, None)
    if shared_cache():
        try:
            cache.set(generation_key(name), value, timeout=None)
        except Exception:
            # The edit is saved; processes see it when the cache is back (keys expire too).
            logger.error("Could not mark the cache stale after an edit", exc_info=True)
        return
    path = generation_file(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A temporary file of this write's own (threads of one process share its pid), renamed over
    # the old one: a rename is atomic, so readers see the old number or the new one, never half.
    descriptor, temporary = tempfile.mkstemp(prefix=f"{path.name}.", dir=path.parent)
    with os.fdopen(descriptor, "w") as file:
        file.write(str(value))
    os.replace(temporary, path)


class PendingGenerations:
    """The generations a transaction has moved on, written where every process sees them when
    it commits (and forgotten with it when it rolls back); until then only the transaction's
    own reads see them (`generation`). Many edits in one transaction (an import) write each
    generation once."""

    def __init__(self) -> None:
        self.names: dict[str, int] = {}

    def __call__(self) -> None:
        for name in self.names:
            _write_generation(name)


def pending_generations() -> PendingGenerations | None:
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return None
    for _, callback, _ in connection.run_on_commit:
        if isinstance(callback, PendingGenerations):
            return callback
    return None


def is_pending(name: str) -> bool:
    """Whether the current transaction has already moved the generation `name` on (it will be
    written at commit, so moving it on again changes nothing)."""
    pending = pending_generations()
    return pending is not None and name in pending.names


def bump_generation(name: str = CONTENT) -> None:
    """Make every value cached under the generation `name` stale: at once outside a
    transaction, else for the transaction's own later reads and, when it commits, for every
    process (a request that read before the commit may have cached what it read under the old
    generation, so the commit is when others must move on)."""
    if not transaction.get_connection().in_atomic_block:
        _write_generation(name)
        return
    pending = pending_generations()
    if pending is None:
        pending = PendingGenerations()
        transaction.on_commit(pending)
    pending.names[name] = time.time_ns()


def stamp(names: tuple[str, ...]) -> tuple[int, ...] | int:
    """The generations of `names` together (what a page or value made from them is stored
    with), or UNAVAILABLE when the shared cache cannot be reached."""
    values = generations(names)
    return UNAVAILABLE if UNAVAILABLE in values else values


def cached(
    name: str,
    build: Callable[[], T],
    timeout: int = DATA_SECONDS,
    scopes: tuple[str, ...] = (CONTENT,),
) -> T:
    """`build()`'s value, kept in the cache for the generations of `scopes` (kb/web/invalidation.py)
    and the language."""
    current = stamp(scopes)
    if current == UNAVAILABLE:
        return build()
    key = f"pravila:data:{':'.join(map(str, current))}:{get_language()}:{name}"
    try:
        value = cache.get(key)
    except Exception:
        logger.warning("Cache unavailable", exc_info=True)
        return build()
    if value is None:
        value = build()
        try:
            cache.set(key, value, timeout)
        except Exception:
            logger.warning("Cache unavailable", exc_info=True)
    return value


def cached_answer(
    name: str, asked: Any, build: Callable[[], T], scopes: tuple[str, ...] = (CONTENT,)
) -> T:
    """`cached` for an answer to what was `asked` (words and options, any value with a stable
    `repr`), which is hashed into the key: a key stays short whatever was asked."""
    digest = hashlib.sha256(repr(asked).encode(errors="surrogatepass")).hexdigest()
    return cached(f"{name}:{digest}", build, scopes=scopes)


class LocalPages:
    """The pages this process served last, by key, at most `size` of them (least recently
    used out first), each for `PRAVILA_PAGE_CACHE_SECONDS` as in the shared cache."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self.pages: OrderedDict[str, tuple[float, tuple]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> tuple | None:
        with self.lock:
            kept = self.pages.get(key)
            if kept is None:
                return None
            if kept[0] < time.monotonic():
                del self.pages[key]
                return None
            self.pages.move_to_end(key)
            return kept[1]

    def put(self, key: str, page: tuple) -> None:
        deadline = time.monotonic() + settings.PRAVILA_PAGE_CACHE_SECONDS
        with self.lock:
            self.pages[key] = (deadline, page)
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()
