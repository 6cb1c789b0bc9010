from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class ChosenLanguageMiddleware:
    """Russian for everyone unless the page's address asks for another language.

    The address alone decides: `/en/...` is English, every other address (those of the admin
    and the API included) Russian. Django's LocaleMiddleware would follow the browser's
    Accept-Language and put an English interface around Russian content, and a language
    cookie would make every page vary by cookie, which no shared cache can keep.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
