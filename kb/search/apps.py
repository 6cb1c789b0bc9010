from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """Search: keeps its index current as content announces changes (kb/core/signals.py)."""

    name = "kb.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from kb.core import signals
        from kb.search import receivers

        signals.entries_changed.connect(receivers.index_changed, dispatch_uid="search-index")
        signals.entries_removed.connect(receivers.remove_removed, dispatch_uid="search-remove")
        signals.synonyms_changed.connect(receivers.forget_synonyms, dispatch_uid="search-syn")
        signals.content_loaded.connect(receivers.complete_index, dispatch_uid="search-complete")
