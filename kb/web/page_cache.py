"""The page cache: whole pages stored under the content generation (kb/core/cache.py).

`AnonymousPageCacheMiddleware` serves whole pages to readers who are not signed in: they carry
no cookie that changes the page, so the page is the same for all of them. Anything personal
(a session, messages, a proxy's user header, sign-in mode) bypasses it.
`ReaderPageCacheMiddleware` serves signed-in readers: a page is stored with its personal
parts left as markers, and each reader gets them filled in (kb/web/personal.py).
Every save or delete of content bumps the generation (`connect_signals`, called from the web
app's `ready()`).
"""

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import cc_delim_re

from kb.content.models.choices import Kind
from kb.core.cache import (
    UNAVAILABLE,
    LocalPages,
    bump_generation,
    generation,
    shared_cache,
    stamp,
)
from kb.misslog.services import record_search
from kb.web import invalidation
from kb.web.pagekeys import cache_address, has_unread_parameters
from kb.web.personal import has_no_rights, reader_profile
from kb.web.viewcounts import record_view

logger = logging.getLogger(__name__)


def content_changed(sender: type, **kwargs: Any) -> None:
    """A signal receiver: saved or deleted content makes stale what shows it (the scopes of
    kb/web/invalidation.py; "content", everything, for what is not part of an entry)."""
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
    """A read mark saved or deleted: readers' personal parts are stale (kb/web/personal.py)."""
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


_local_pages = LocalPages()
forget_local_pages = _local_pages.clear


def page_key(request: HttpRequest, audience: str) -> str | None:
    """The cache key of the page at the request's address (with the parameters pages read
    only) for an audience; None when the host is not allowed (the normal path answers it: 400)."""
    try:
        address = f"{request.scheme}://{request.get_host()}{cache_address(request)}"
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
    if has_unread_parameters(request):  # kept for the address without them (kb/web/pagekeys.py)
        return
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
# their personal parts (kb/web/personal.py). Pages that show a reader's own progress (paths, what
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
    personal parts still as markers, and `kb.web.personal.PersonalPartsMiddleware` (outside this
    one) fills them for each reader, on a hit as on a miss.

    Only GET requests of the views in `SHARED_WITH_READERS` by readers without rights
    (`kb.web.personal.has_no_rights`) use it; a page is stored per address and content
    generation, as for anonymous readers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
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
        user = request.user
        if not user.is_authenticated or user.is_staff or user.is_superuser:
            return None
        if not reader_profile(request).plain:
            return None
        return page_key(request, "readers")
