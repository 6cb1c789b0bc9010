"""How search follows content: receivers of the signals in kb/core/signals.py."""

from collections.abc import Iterable
from typing import Any

from kb.search import index, synonyms


def index_changed(sender: Any, *, entry_ids: Iterable[int], **kwargs: Any) -> None:
    index.index_entries(entry_ids)


def remove_removed(sender: Any, *, entry_ids: Iterable[int], **kwargs: Any) -> None:
    index.remove_entries(entry_ids)


def forget_synonyms(sender: Any, **kwargs: Any) -> None:
    synonyms.forget()


def complete_index(sender: Any, **kwargs: Any) -> None:
    if not index.index_is_complete():
        index.rebuild_index()
