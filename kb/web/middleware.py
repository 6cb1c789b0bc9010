from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.utils import translation

from kb.core.cache import generations_kept_for_request

# Pages outside the readers' pages, whose language may follow the language cookie.
EDITOR_PATHS = ("/admin/", "/accounts/", "/i18n/")


class ChosenLanguageMiddleware:
    """Russian for everyone unless the page's address asks for another language.

    The address decides: `/en/...` is English, every other reader's page and the API Russian;
    the admin and the sign-in pages follow the language cookie (see `chosen`). Django's
    LocaleMiddleware would follow the browser's Accept-Language and put an English interface
    around Russian content, and a language cookie on readers' pages would make every page vary
    by cookie, which no shared cache can keep.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = translation.get_language_from_path(request.path_info) or self.chosen(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response

    @staticmethod
    def chosen(request: HttpRequest) -> str:
        """The admin's and the sign-in pages' language: the one chosen with Django's
        `set_language` (its cookie), else Russian. These pages are never cached, and they
        have no address per language."""
        if request.path_info.startswith(EDITOR_PATHS):
            cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
            if cookie in dict(settings.LANGUAGES):
                return cookie
        return settings.LANGUAGE_CODE


class SignInRequiredMiddleware:
    """With PRAVILA_LOGIN_REQUIRED on, nothing but the open paths answers anonymous requests.

    Django's LoginRequiredMiddleware only sees requests that match a URL, so an unknown
    address would still answer with the 404 page (and its list of situations); here every
    request is checked before URL resolution. Views marked `login_not_required` (the login
    page) and the paths in PRAVILA_OPEN_PATHS stay open. The API and oEmbed answer 401 JSON,
    since a program cannot follow a redirect to a login form; the API's docs page, read by
    people, is sent to sign in like every page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.PRAVILA_LOGIN_REQUIRED or request.user.is_authenticated:
            return self.get_response(request)
        if is_open_path(request.path_info):
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
        if match is not None and not getattr(match.func, "login_required", True):
            return self.get_response(request)
        is_docs_page = match is not None and match.url_name == "openapi-view"
        if request.path_info.startswith(JSON_PATH_PREFIXES) and not is_docs_page:
            response = JsonResponse({"detail": "Sign in required."}, status=401)
            response.headers["WWW-Authenticate"] = 'Session realm="pravila"'
            return response
        return redirect_to_login(request.get_full_path())


# Programs call these (the API, its suggestions, oEmbed): JSON, never a login form.
JSON_PATH_PREFIXES = ("/api/", "/oembed/")


def is_open_path(path: str) -> bool:
    """Whether a path stays open in sign-in mode: exact paths, or everything under a "/" one."""
    return any(
        path.startswith(open_path) if open_path.endswith("/") else path == open_path
        for open_path in settings.PRAVILA_OPEN_PATHS
    )


class PermissionsPolicyMiddleware:
    """Sets `Permissions-Policy` (Django has no setting for it) from PRAVILA_PERMISSIONS_POLICY."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.PRAVILA_PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PRAVILA_PERMISSIONS_POLICY)
        return response


class GenerationsPerRequestMiddleware:
    """Each cache generation is read once per request (kb/core/cache.py): a page, its shared
    parts and the search's caches depend on the same few, and with Redis each read is a round
    trip."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with generations_kept_for_request():
            return self.get_response(request)
