"""Links that leave the site: absolute URLs, and finding the entry a URL points to
(kb/paths/links.py finds reading paths the same way)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.http.request import split_domain_port, validate_host
from django.urls import Resolver404, ResolverMatch, resolve

from kb.content.models import Entry, EntryQuerySet, Kind


def site_url(path: str) -> str:
    """`path` on the configured origin (PRAVILA_BASE_URL), or unchanged when there is none."""
    return f"{settings.PRAVILA_BASE_URL}{path}" if settings.PRAVILA_BASE_URL else path


def absolute_url(request: HttpRequest, path: str) -> str:
    """`path` as an absolute URL: on PRAVILA_BASE_URL if set, else on the request's origin.

    The request's host has passed ALLOWED_HOSTS, so a forged Host header never gets here.
    """
    return request.build_absolute_uri(site_url(path))


def is_our_host(request: HttpRequest, netloc: str) -> bool:
    """Whether `netloc` (host[:port]) is where this site is served."""
    if not netloc or "@" in netloc:
        return False
    if netloc == request.get_host() or netloc == urlsplit(settings.PRAVILA_BASE_URL).netloc:
        return True
    domain, _port = split_domain_port(netloc)
    return bool(domain) and validate_host(domain, settings.ALLOWED_HOSTS)


def route_of(request: HttpRequest, url: str) -> ResolverMatch | None:
    """The view a URL of this site leads to; None for another site's URL or no page."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return None
    if parts.scheme not in ("http", "https") or not is_our_host(request, parts.netloc):
        return None
    try:
        return resolve(parts.path or "/")
    except Resolver404:
        return None


def entry_for_url(request: HttpRequest, url: str, entries: EntryQuerySet) -> Entry | None:
    """The entry among `entries` that a URL of this site shows.

    An entry page (under any kind, by its current or any old slug) or a short link; any other
    URL, or a URL of another site, gives None.
    """
    match = route_of(request, url)
    if match is None or match.namespace != "kb":
        return None
    if match.url_name == "entry_short":
        return entries.filter(pk=match.kwargs["pk"]).first()
    kind = match.url_name.removesuffix("_detail")
    if match.url_name.endswith("_detail") and kind in Kind.values:
        return entries.known_as(match.kwargs["slug"]).first()
    return None
