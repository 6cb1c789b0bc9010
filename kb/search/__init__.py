"""Search: one interface over SQLite FTS5 and PostgreSQL full-text search.

search(query, kind=…, tags=…, page=…) -> SearchResults    the search page and the API
suggest(query) -> SearchResults                             suggestions while typing
index_entries(ids), remove_entries(ids), rebuild_index()   keeping the index current

This package is also a Django app (kb.search.apps), and Django imports an app's package
before any model can be: the names below are therefore looked up when first used (PEP 562),
not imported here.
"""

from importlib import import_module
from typing import Any

_WHERE = {
    "Hit": "engine",
    "SearchResults": "engine",
    "search": "engine",
    "suggest": "engine",
    "index_entries": "index",
    "index_is_complete": "index",
    "rebuild_index": "index",
    "remove_entries": "index",
    "forget_lexicon": "spelling:forget",
    "forget_synonyms": "synonyms:forget",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'kb.search' has no attribute {name!r}")
    module, _, attribute = _WHERE[name].partition(":")
    return getattr(import_module(f"kb.search.{module}"), attribute or name)
