"""Searches kept in the cache: the same for every reader (published entries only), so an
editor's search, the API's and a page the page cache missed reuse them (issue 21)."""

from typing import Any

from kb import search
from kb.core.cache import CONTENT, SEARCH, cached_answer


def shared_search(query: str, **options: Any) -> "search.SearchResults":
    """`search.search(query, **options)`, kept for the search index's generation, which moves
    whenever a stored document (or a synonym) changes: never staler than a cached page."""
    return cached_answer(
        "search",
        (query, sorted(options.items())),
        lambda: search.search(query, **options),
        scopes=(CONTENT, SEARCH),
    )
