"""Which parameters of a query string make a page: the cache keys of whole pages use these only.

A page's cache key is its address (kb/web/page_cache.py). With the whole query string in it, every
unknown parameter (`?utm_source=…`, `?fbclid=…`, or a random one from a flood) would store
another copy of the same page. The key keeps only the parameters some page reads, in the order
they were sent; a request with others is answered from the page stored for the address without
them, and a page rendered for it is never stored (its links, which keep the query string, would
carry the unknown parameters to everyone).

A new parameter read by a page must be added here, or its pages would share one key.
"""

from django.http import HttpRequest
from django.utils.encoding import escape_uri_path
from django.utils.http import urlencode

PAGE_PARAMETERS = frozenset(
    {
        # Readers' pages (kb/web/views.py, the feedback and reading-path template tags)
        "q",
        "page",
        "tag",
        "kind",
        "print",
        "as_typed",
        "path",
        "voted",
        "helped",
        "commented",
        # The sitemap's sections, a page at a time (Django's sitemap views)
        "p",
        # oEmbed
        "url",
        "format",
        "maxwidth",
        "maxheight",
        # The API's filters (kb/web/api.py: EntryFilters, SearchFilters)
        "limit",
        "offset",
        "per_page",
        "updated_since",
    }
)


def read_parameters(request: HttpRequest) -> list[tuple[str, list[str]]]:
    return [(name, values) for name, values in request.GET.lists() if name in PAGE_PARAMETERS]


def has_unread_parameters(request: HttpRequest) -> bool:
    """Whether the query string holds a parameter no page reads."""
    return any(name not in PAGE_PARAMETERS for name in request.GET)


def cache_address(request: HttpRequest) -> str:
    """The path and the query string of the parameters pages read, for the page's cache key."""
    query = urlencode(read_parameters(request), doseq=True)
    return escape_uri_path(request.path) + (f"?{query}" if query else "")
