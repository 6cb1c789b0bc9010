"""A test-only URLconf: the site's URLs plus views that fail in each way (tests/web/test_errors)."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

from kb.config.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def bad_request(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("secret detail of a bad request")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("secret detail of a refusal")


def not_found(request: HttpRequest) -> HttpResponse:
    raise Http404("secret detail of a missing page")


def server_error(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret detail of a crash")


urlpatterns = [
    path("fail/400/", bad_request),
    path("fail/403/", forbidden),
    path("fail/404/", not_found),
    path("fail/500/", server_error),
    *urlpatterns,
]
