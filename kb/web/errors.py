"""The site's own error pages (400, 403, 404, 500), in its layout and language.

Django's default handlers render 400 and 500 without the request, so the layout would lose the
site's name and the reader's account; these render with it, except 500: whatever broke may be
the database, so the 500 page gets a plain context and queries nothing.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from kb.content.models import Entry, Kind
from kb.web import personal

NOT_FOUND_SITUATIONS = 8


def most_opened_situations(request: HttpRequest) -> list[Entry]:
    """What a lost reader most likely wants; nothing for anonymous readers in sign-in mode."""
    if settings.PRAVILA_LOGIN_REQUIRED and not request.user.is_authenticated:
        return []
    return list(
        Entry.objects.published()
        .of_kind(Kind.SITUATION)
        .only("kind", "slug", "title")
        .order_by("-view_count", "title")[:NOT_FOUND_SITUATIONS]
    )


# requires_csrf_token: the footer's language form needs a token even though the failing view
# never ran CsrfViewMiddleware's process_view.
@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    # A bad Host is refused before the middleware that signs readers in and fills the
    # personal parts (kb/web/personal.py) has run: the page's parts are filled here, anonymously.
    if not hasattr(request, "user"):
        request.user = AnonymousUser()
    content = loader.render_to_string("400.html", request=request)
    return HttpResponseBadRequest(personal.fill(request, content.encode()))


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return HttpResponseForbidden(loader.render_to_string("403.html", request=request))


@requires_csrf_token
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token (usually one open too long): the 403 page."""
    context = {"csrf_failure": True}
    return HttpResponseForbidden(loader.render_to_string("403.html", context, request=request))


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    context = {"situations": most_opened_situations(request)}
    return HttpResponseNotFound(loader.render_to_string("404.html", context, request=request))


def server_error(request: HttpRequest) -> HttpResponse:
    # No request: context processors (the signed-in user, read marks) would query the database.
    context = {"site_name": settings.SITE_NAME}
    return HttpResponseServerError(loader.render_to_string("500.html", context))
