"""Caching: a content generation that every edit bumps, data and whole pages cached under it.

Every cached value belongs to a *generation*, a number that changes whenever editors change
content (entries, tags, synonyms, paths, the search index): data is keyed by it, pages are
stored with it. An edit therefore never has to find and delete what it made stale: the next
request in any process reads the new generation and ignores what was cached before, which
expires on its own.

The generation lives where every process sees it: in the shared cache when `CACHE_URL` names
one (Redis), else in a small file under var/ (local memory is per process, the file is not).

`AnonymousPageCacheMiddleware` serves whole pages to readers who are not signed in: they carry
no cookie that changes the page, so the page is the same for all of them. Anything personal
(a session, messages, a proxy's user header, sign-in mode) bypasses it.
`ReaderPageCacheMiddleware` serves signed-in readers: a page is stored with its personal
parts left as markers, and each reader gets them filled in (kb/personal.py).
"""

import hashlib
import logging
import os
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import cc_delim_re
from django.utils.translation import get_language

from kb import invalidation
from kb.models.choices import Kind

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
# (what readers' personal parts are cached by; see kb/personal.py).
CONTENT = "content"


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
    pending = pending_generations()
    if pending is not None and name in pending.names:
        return pending.names[name]
    if shared_cache():
        try:
            value = read_shared_generation(generation_key(name))
            if value is None:
                # A fresh or flushed cache: any new number makes every older key unreachable.
                cache.add(generation_key(name), time.time_ns(), timeout=None)
                value = cache.get(generation_key(name))
            return int(value)
        except Exception:  # the cache is an optimisation: an outage must not fail pages
            logger.warning("Cache unavailable", exc_info=True)
            return UNAVAILABLE
    try:
        return int(generation_file(name).read_text() or 0)
    except (FileNotFoundError, ValueError):
        return 0


class SharedGenerationReader:
    """Reads the generation from Redis with one client kept per process.

    Every request reads it, and Django's cache API builds a new Redis client object for each
    operation, which costs as much as the read itself. Integers are stored by Django's Redis
    cache as plain numbers, so a raw GET of the cache's own key reads the same value."""

    client: Any = None
    made_for: tuple[int, str] | None = None

    @classmethod
    def read(cls, location: str, key: str) -> int | None:
        # A new client in a new process (after gunicorn's fork) or for another server.
        if cls.client is None or cls.made_for != (os.getpid(), location):
            import redis

            cls.client, cls.made_for = redis.Redis.from_url(location), (os.getpid(), location)
        value = cls.client.get(cache.make_and_validate_key(key))
        return None if value is None else int(value)


def read_shared_generation(key: str) -> int | None:
    configured = settings.CACHES["default"]
    location = configured.get("LOCATION")
    if configured["BACKEND"].endswith(".RedisCache") and isinstance(location, str):
        return SharedGenerationReader.read(location, key)
    return cache.get(key)  # another shared cache: through Django's API


def _write_generation(name: str = CONTENT) -> None:
    value = time.time_ns()
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
    values = tuple(generation(name) for name in names)
    return UNAVAILABLE if UNAVAILABLE in values else values


def cached(
    name: str,
    build: Callable[[], T],
    timeout: int = DATA_SECONDS,
    scopes: tuple[str, ...] = (CONTENT,),
) -> T:
    """`build()`'s value, kept in the cache for the generations of `scopes` (kb/invalidation.py)
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


def content_changed(sender: type, **kwargs: Any) -> None:
    """A signal receiver: saved or deleted content makes stale what shows it (the scopes of
    kb/invalidation.py; "content", everything, for what is not part of an entry)."""
    if kwargs.get("raw"):
        return  # loaddata: fixtures are loaded before anything is cached
    if kwargs.get("action", "post_") not in ("post_add", "post_remove", "post_clear", "post_"):
        return  # m2m_changed: once the change is made
    for name in sorted(invalidation.scopes_changed_by(sender, **kwargs)):
        bump_generation(name)


def connect_signals() -> None:
    """Bump the generation on every save and delete of content models (called once, at start)."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

    for label in ("kb", "paths", "taggit"):
        for model in apps.get_app_config(label).get_models():
            if model._meta.label in NOT_CONTENT:
                continue
            uid = f"pravila-caching-{model._meta.label}"
            post_save.connect(content_changed, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(content_changed, sender=model, dispatch_uid=f"{uid}-delete")
    for signal in (pre_save, pre_delete):
        signal.connect(invalidation.remember_before, dispatch_uid=f"pravila-before-{signal}")
    m2m_changed.connect(content_changed, dispatch_uid="pravila-caching-m2m")
    for signal in (post_save, post_delete):
        signal.connect(reading_changed, sender="paths.ReadMark", dispatch_uid=f"reading-{signal}")


def reading_changed(sender: type, **kwargs: Any) -> None:
    """A read mark saved or deleted: readers' personal parts are stale (kb/personal.py)."""
    if not kwargs.get("raw"):
        bump_generation("reading")


# Models written while people read, which change no page: read marks are shown only in their
# reader's personal parts, which follow the "reading" generation instead.
NOT_CONTENT = {"paths.ReadMark"}


def carries_identity(request: HttpRequest) -> bool:
    """Whether the request says who sends it: a session, messages, or a proxy's user header."""
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return True
    header = settings.PRAVILA_REMOTE_USER_HEADER
    return bool(header) and "HTTP_" + header.upper().replace("-", "_") in request.META


class SessionlessAnonymousMiddleware:
    """A request without a session cookie is from an anonymous reader: say so without opening
    the (empty) session, which would mark the page `Vary: Cookie` for no reason.

    Goes right after AuthenticationMiddleware (and after the proxy's RemoteUserMiddleware,
    whose header counts as an identity here).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not carries_identity(request):
            request.user = AnonymousUser()
        return self.get_response(request)


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


_local_pages = LocalPages()
forget_local_pages = _local_pages.clear


def page_key(request: HttpRequest, audience: str) -> str | None:
    """The cache key of the page at the request's address for an audience; None when the
    host is not allowed (the normal path answers it: 400)."""
    try:
        address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    except Exception:
        return None
    # One key per address, whatever the generation: a new page replaces the stale one.
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"pravila:page:{digest}" if audience == "anonymous" else f"pravila:{audience}:{digest}"


def generation_and_page(key: str, current: int | None = None) -> tuple[int, tuple | None]:
    """The current generation (unless given, read in this request already) and the page
    stored under `key` with the generation it was made in (a page of an older generation is
    stale). With Redis, pages are also kept in this process, so that a page read often costs
    one small read (the generation) only."""
    if current is None:
        current = generation()
    if not shared_cache():
        return current, cache.get(key)
    local = _local_pages.get(key)
    if local is not None and local[0] == current:
        return current, local
    found = cache.get(key)
    if found is not None and found[0] == current:
        _local_pages.put(key, found)
    return current, found


def store_page(key: str, current: int, request: HttpRequest, response: HttpResponse) -> None:
    try:
        record = (current, record_page(request, response))
        cache.set(key, record, settings.PRAVILA_PAGE_CACHE_SECONDS)
        if shared_cache():
            _local_pages.put(key, record)
    except Exception:
        logger.warning("Page cache unavailable", exc_info=True)


def storable(response: HttpResponse) -> bool:
    """Whether a response is the same for everyone who may get it from the cache: a 200 that
    sets no cookie, does not vary by cookie and is not private."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", ""))}
    control = response.get("Cache-Control", "").lower()
    return "cookie" not in vary and "private" not in control and "no-store" not in control


def record_page(request: HttpRequest, response: HttpResponse) -> tuple:
    return (
        response.status_code,
        list(response.items()),
        response.content,
        getattr(response, "counts_view_of", None),
        # A search the view logged: logged again, with a key of its own, on every hit.
        getattr(request, "logged_search", None),
    )


def replay(record: tuple) -> HttpResponse:
    from kb.misslog.services import record_search
    from kb.viewcounts import record_view

    status, headers, content, view_of, logged_search = record
    if logged_search is not None:
        # A search: logged again as a search of its own, whose key its links carry.
        query, result_count, stored_key, source = logged_search
        key = record_search(query, result_count, source)
        if key:
            content = content.replace(str(stored_key).encode(), str(key).encode())
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    if view_of is not None:
        record_view(view_of)
    return response


class AnonymousPageCacheMiddleware:
    """Whole pages for readers who are not signed in, per host and full path, while the
    content generation they were made in is current.

    Only GET requests without a session or message cookie are served from the cache, and only
    200 responses that set no cookie, do not vary by cookie and are not private are stored.
    A page that counts a view (an entry's) records it on every hit too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = self.key_for(request)
        if key is None:
            return self.get_response(request)
        try:
            current, hit = generation_and_page(key, stamp(invalidation.page_scopes(request)))
        except Exception:  # the cache is an optimisation: a cache outage must not fail pages
            logger.warning("Page cache unavailable", exc_info=True)
            return self.get_response(request)
        if hit is not None and hit[0] == current:
            return replay(hit[1])
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if current != UNAVAILABLE and storable(response) and not signed_in:
            store_page(key, current, request, response)
        return response

    @staticmethod
    def key_for(request: HttpRequest) -> str | None:
        if request.method != "GET" or settings.PRAVILA_PAGE_CACHE_SECONDS <= 0:
            return None
        if getattr(settings, "PRAVILA_LOGIN_REQUIRED", False) or carries_identity(request):
            return None
        return page_key(request, "anonymous")


# The pages, by view name, whose content is the same for every signed-in reader apart from
# their personal parts (kb/personal.py). Pages that show a reader's own progress (paths, what
# changed) and forms are not among them.
SHARED_WITH_READERS = frozenset(
    {
        "kb:home",
        *(f"kb:{kind}_{page}" for kind in Kind.values for page in ("list", "detail")),
        "kb:tag_list",
        "kb:tag_detail",
        "kb:source_detail",
        "kb:search",
        "api:search_entries",
        "api:suggest_entries",
        "api:list_entries",
        "api:get_entry",
        "api:list_tags",
        "api:list_sources",
        "api:get_source",
    }
)


class ReaderPageCacheMiddleware:
    """Pages for signed-in readers, made once for all of them: the page is stored with its
    personal parts still as markers, and `kb.personal.PersonalPartsMiddleware` (outside this
    one) fills them for each reader, on a hit as on a miss.

    Only GET requests of the views in `SHARED_WITH_READERS` by readers without rights
    (`kb.personal.has_no_rights`) use it; a page is stored per address and content
    generation, as for anonymous readers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        from kb.personal import has_no_rights  # kb.personal builds on this module

        to_store = getattr(request, "reader_page", None)
        # The page was made for this reader: checked again without the cache, so that a
        # reader given rights a moment ago never leaves their page (drafts) to the others.
        if to_store is not None and storable(response) and has_no_rights(request.user):
            store_page(*to_store, request, response)
        return response

    def process_view(self, request: HttpRequest, view: Callable, *args: Any) -> Any:
        key = self.key_for(request)
        if key is None:
            return None
        try:
            scopes = invalidation.page_scopes(request)
            current, hit = generation_and_page(key, stamp(scopes))
        except Exception:
            logger.warning("Page cache unavailable", exc_info=True)
            return None
        if hit is not None and hit[0] == current:
            return replay(hit[1])
        if current != UNAVAILABLE:
            request.reader_page = (key, current)
        return None

    @staticmethod
    def key_for(request: HttpRequest) -> str | None:
        if request.method != "GET" or settings.PRAVILA_PAGE_CACHE_SECONDS <= 0:
            return None
        match = request.resolver_match
        if match is None or match.view_name not in SHARED_WITH_READERS:
            return None
        from kb.personal import reader_profile

        user = request.user
        if not user.is_authenticated or user.is_staff or user.is_superuser:
            return None
        if not reader_profile(request).plain:
            return None
        return page_key(request, "readers")
