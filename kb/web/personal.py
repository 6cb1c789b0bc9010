"""The personal parts of pages that are otherwise the same for every reader.

A page's template marks what depends on who reads it with `{% personal "name" arg %}`: the
account links, the "What changed" link with its count, an entry's reading bar and read mark.
The tag leaves a marker in the page; `PersonalPartsMiddleware` replaces every marker with the
part rendered for the request's reader, after the view (or the cache) has produced the page.
The rest of the page is then the same for everyone of an audience, so it can be cached once
and served to every signed-in reader (`kb.web.page_cache.ReaderPageCacheMiddleware`), the intranet
case, where everyone is signed in.

Markers carry a token derived from the secret key, so text in an entry cannot pose as one.
"""

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

from django.conf import settings
from django.core.cache import cache as shared
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.context_processors import csrf
from django.template.loader import get_template
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

from kb.content.models import Entry
from kb.core.cache import CONTENT, UNAVAILABLE, LocalPages, generations, shared_cache
from kb.paths.changes import count_changes_since_read
from kb.paths.models import ReadMark
from kb.paths.templatetags.reading import reading_of

logger = logging.getLogger(__name__)

Part = Callable[[HttpRequest, str], str]
PARTS: dict[str, Part] = {}
ARGUMENT = re.compile(r"[\w-]*")


def part(name: str) -> Callable[[Part], Part]:
    """Register a function that renders the personal part `name` for a request."""

    def register(function: Part) -> Part:
        PARTS[name] = function
        return function

    return register


@cache
def token() -> str:
    return hashlib.sha256(b"pravila-personal:" + settings.SECRET_KEY.encode()).hexdigest()[:16]


@cache
def marker_pattern() -> re.Pattern[bytes]:
    return re.compile(rb"<!--personal " + token().encode() + rb" ([a-z-]+) ([\w-]*)-->")


def marker(name: str, argument: object = "") -> str:
    """The marker `{% personal %}` leaves in a page for the part `name`."""
    if name not in PARTS:
        raise ValueError(f"No personal part is called {name!r}.")
    text = str(argument if argument is not None else "")
    if not ARGUMENT.fullmatch(text):
        raise ValueError(f"A personal part's argument is a slug or a number, not {text!r}.")
    return f"<!--personal {token()} {name} {text}-->"


def fill(request: HttpRequest, content: bytes) -> bytes:
    """`content` with every marker replaced by its part rendered for `request` (each part
    once per request, however often the page shows it)."""
    if token().encode() not in content:
        return content
    rendered: dict[bytes, bytes] = {}

    def replace(match: re.Match[bytes]) -> bytes:
        found = rendered.get(match[0])
        if found is None:
            found = rendered[match[0]] = render_part(request, match[1], match[2]).encode()
        return found

    return marker_pattern().sub(replace, content)


def render_part(request: HttpRequest, name: bytes, argument: bytes) -> str:
    try:
        return PARTS[name.decode()](request, argument.decode())
    except Exception:  # a part that fails leaves its place empty; the page still answers
        logger.exception("Could not render the personal part %r", name)
        return ""


class PersonalPartsMiddleware:
    """Fills the personal parts of HTML pages, and keeps every answer to a signed-in reader
    out of shared caches (`Cache-Control: private`).

    Goes after the middleware that signs users in and outside any cache of pages with their
    personal parts still to fill (kb.web.page_cache.ReaderPageCacheMiddleware).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:  # any answer: the API, feed, sitemap too
            patch_cache_control(response, private=True)
        if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
            return response
        filled = fill(request, response.content)
        if filled is not response.content:
            response.content = filled
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(filled))
        return response


# The parts


@part("account")
def account(request: HttpRequest, argument: str) -> str:
    """Who is signed in and the sign-out button (or the sign-in link), the admin for staff."""
    user = request.user
    if not user.is_authenticated:
        return render("includes/account.html", request)
    # The same for every page a reader opens but for the form's CSRF token, which is masked
    # anew for each request: made once per reader and language, the token put in each time.
    made = signed_in_account(
        user.get_username(), user.get_full_name(), user.is_staff, get_language()
    )
    return made.replace(CSRF_PLACEHOLDER, get_token(request))


CSRF_PLACEHOLDER = "csrf-token-of-the-request"


@lru_cache(maxsize=1024)
def signed_in_account(username: str, full_name: str, is_staff: bool, language: str) -> str:
    """The account part for a signed-in reader, with a placeholder for the CSRF token (the
    language is part of the key: the template is rendered in the active one)."""
    from types import SimpleNamespace

    user = SimpleNamespace(
        is_authenticated=True,
        is_staff=is_staff,
        get_username=lambda: username,
        get_full_name=lambda: full_name,
    )
    return get_template("includes/account.html").render(
        {"user": user, "csrf_token": CSRF_PLACEHOLDER}
    )


@part("changes-link")
def changes_link(request: HttpRequest, argument: str) -> str:
    """The navigation's "What changed" link, with how many entries the reader must read again;
    `argument` is the page's navigation section."""
    if not request.user.is_authenticated:
        return ""
    return changes_link_html(argument, reader_profile(request).changes, get_language())


@lru_cache(maxsize=256)
def changes_link_html(nav: str, changes: int, language: str) -> str:
    """Made once per section, count and language (it is on every page, twice)."""
    return get_template("paths/includes/changes_link.html").render({"nav": nav, "changes": changes})


@part("reading-bar")
def reading_bar(request: HttpRequest, argument: str) -> str:
    """Above an entry: the path it is read along and whether it changed since it was read."""
    along, entry = entry_reading(request, argument)
    if along is None or not (along.reading or along.state == "changed"):
        return ""
    return render("paths/includes/reading_bar.html", request, along=along, entry=entry)


@part("reading-actions")
def reading_actions(request: HttpRequest, argument: str) -> str:
    """Below an entry: the read mark (or the button that sets it) and the path's next entry."""
    along, entry = entry_reading(request, argument)
    if along is None:
        return ""
    return render("paths/includes/reading_actions.html", request, along=along, entry=entry)


def render(template_name: str, request: HttpRequest, **context: object) -> str:
    """A part's template with what parts use: the request, the user, the CSRF token (made
    only if the part shows a form). No context processors: parts are made on every view."""
    return get_template(template_name).render(
        {"request": request, "user": request.user, **csrf(request), **context}
    )


def entry_reading(request: HttpRequest, pk: str) -> tuple:
    """The reader's reading of the entry `pk` (see `kb.paths.progress.entry_reading`) and the
    entry, once per request."""

    def build() -> tuple:
        user = request.user
        if not request.GET.get("path") and (
            not user.is_authenticated or int(pk) not in reader_profile(request).marked
        ):
            return None, None  # neither along a path nor read before: nothing to show
        entry = Entry.objects.only("pk", "version", "status").filter(pk=pk).first()
        if entry is None:
            return None, None
        return reading_of({"request": request}, entry), entry

    return remembered(request, f"reading:{pk}", build)


def remembered(request: HttpRequest, name: str, build: Callable[[], object]) -> object:
    """`build()`, once per request."""
    memo = request.__dict__.setdefault("_personal_parts", {})
    if name not in memo:
        memo[name] = build()
    return memo[name]


@dataclass(frozen=True)
class ReaderProfile:
    """What a signed-in reader's personal parts need, kept in the cache per reader until the
    content or anyone's read marks change (the "content" and "reading" generations)."""

    plain: bool  # no rights beyond reading: gets the pages shared by readers
    changes: int  # entries changed since the reader read them
    marked: frozenset[int]  # entries the reader marked read


def reader_profile(request: HttpRequest) -> ReaderProfile:
    """The signed-in reader's profile, from the cache or built (once per request)."""

    def build() -> ReaderProfile:
        user = request.user
        content, reading = generations((CONTENT, "reading"))
        request.content_generation = content  # the page cache's lookup reads it here
        key = f"pravila:reader:{user.pk}:{content}:{reading}"
        if UNAVAILABLE in (content, reading):
            return make_profile(user)
        # With Redis, profiles are also kept in the process: a key names its generations, so
        # a copy is never stale, and a reader's next page costs no round trip for it.
        local = shared_cache()
        found = _local_profiles.get(key) if local else None
        if found is None:
            try:
                found = shared.get(key)
            except Exception:
                logger.warning("Cache unavailable", exc_info=True)
        if found is None:
            found = make_profile(user)
            try:
                shared.set(key, found, PROFILE_SECONDS)
            except Exception:
                logger.warning("Cache unavailable", exc_info=True)
        if local:
            _local_profiles.put(key, found)
        return found

    return remembered(request, "profile", build)


PROFILE_SECONDS = 300


_local_profiles = LocalPages(size=1024)
forget_local_profiles = _local_profiles.clear


def make_profile(user) -> ReaderProfile:
    return ReaderProfile(
        plain=has_no_rights(user),
        changes=count_changes_since_read(user),
        marked=frozenset(ReadMark.objects.of(user).values_list("entry_id", flat=True)),
    )


def has_no_rights(user) -> bool:
    """Whether a signed-in user may only read: not staff, and no permission at all (editors
    see drafts and edit links, so their pages are their own)."""
    return (
        user.is_active
        and not (user.is_staff or user.is_superuser)
        and not user.get_all_permissions()
    )
