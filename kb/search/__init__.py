"""Search: one interface over SQLite FTS5 and PostgreSQL full-text search.

search(query, kind=…, tags=…, page=…) -> SearchResults    the search page and the API
suggest(query) -> SearchResults                             suggestions while typing
index_entries(ids), remove_entries(ids), rebuild_index()   keeping the index current
"""

from kb.search.engine import Hit, SearchResults, search, suggest
from kb.search.index import index_entries, index_is_complete, rebuild_index, remove_entries
from kb.search.spelling import forget as forget_lexicon
from kb.search.synonyms import forget as forget_synonyms

__all__ = [
    "Hit",
    "SearchResults",
    "forget_lexicon",
    "forget_synonyms",
    "index_entries",
    "index_is_complete",
    "rebuild_index",
    "remove_entries",
    "search",
    "suggest",
]
