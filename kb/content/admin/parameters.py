"""Odd query parameters in the editors' admin get a clear answer, never a 500.

Three kinds reach the database or the calendar unchecked: version numbers written in
non-ASCII digits ("²" is a digit to `str.isdigit`, not to `int`), date-hierarchy years at the
calendar's ends (the admin's bounds reach a year past them), and NUL bytes, which PostgreSQL
refuses in any text it is given.
"""

import datetime
from collections.abc import Callable

from django.contrib.admin.options import TO_FIELD_VAR, IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.urls import reverse

# Far beyond any real id, and within every database's integer range.
MAX_NUMBER_DIGITS = 18


def version_number(value: str | None) -> int | None:
    """A version's id or number as typed in a URL or a form: ASCII digits, or None."""
    if value and value.isascii() and value.isdigit() and len(value) <= MAX_NUMBER_DIGITS:
        return int(value)
    return None


def check_date_hierarchy(field: str, params: QueryDict) -> None:
    """Refuse a year, month or day the admin's date bounds cannot be computed for.

    The admin filters from the chosen day to the next day, month or year, in the site's time
    zone: both ends must be real dates, also in UTC, so the first and last years are out.
    """
    year = params.get(f"{field}__year")
    if year is None:
        return
    parts = [year, params.get(f"{field}__month") or "1", params.get(f"{field}__day") or "1"]
    if not all(part.isascii() and part.isdigit() and len(part) <= 4 for part in parts):
        raise IncorrectLookupParameters("The date's year, month and day must be numbers.")
    numbers = [int(part) for part in parts]
    if not datetime.MINYEAR < numbers[0] < datetime.MAXYEAR:
        raise IncorrectLookupParameters("The year is out of range.")
    try:
        datetime.date(*numbers)
    except ValueError as error:
        raise IncorrectLookupParameters(str(error)) from error


class CheckedChangeList(ChangeList):
    """The admin's list, refusing date-hierarchy parameters out of the calendar's reach the
    way it refuses any filter it cannot apply (a redirect to the list with `?e=1`)."""

    def get_filters(self, request: HttpRequest):
        if self.date_hierarchy:
            check_date_hierarchy(self.date_hierarchy, request.GET)
        return super().get_filters(request)


class CheckedParametersMixin:
    """For model admins with a date hierarchy: its parameters are checked first."""

    def get_changelist(self, request: HttpRequest, **kwargs) -> type[ChangeList]:
        return CheckedChangeList


class AdminParametersMiddleware:
    """400 for an admin request with a NUL byte in its query string, or a `_to_field` that
    cannot name a field.

    No filter, search or autocomplete term has a use for a NUL byte, and PostgreSQL would fail
    on it with an error page. Django's own check of `_to_field` fails with a 500 on a name such
    as "+" (the hidden reverse relations are named so). The public pages clean their
    parameters themselves.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(reverse("admin:index")):
            return self.get_response(request)
        if any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(
                "NUL characters are not allowed in parameters.", content_type="text/plain"
            )
        to_field = request.GET.get(TO_FIELD_VAR, "")
        if to_field and not (to_field.isascii() and to_field.isidentifier()):
            return HttpResponseBadRequest("No such field.", content_type="text/plain")
        return self.get_response(request)
