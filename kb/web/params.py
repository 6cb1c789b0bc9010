"""What a request asks of a reader's page, read defensively: bad values are dropped, not errors."""

import re

from django.http import HttpRequest

from kb.content.models import Kind
from kb.search.query import clean_query

SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")


def requested_tag_slugs(request: HttpRequest) -> list[str]:
    """The well-formed `?tag=` values of a request, de-duplicated, in order."""
    return list(dict.fromkeys(s for s in request.GET.getlist("tag") if SLUG.match(s)))[:10]


def requested_query(request: HttpRequest) -> str:
    return clean_query(request.GET.get("q", ""))


def requested_kind(request: HttpRequest) -> str | None:
    kind = request.GET.get("kind")
    return kind if kind in Kind.values else None


def requested_page(request: HttpRequest) -> int:
    value = request.GET.get("page", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 7 else 1
