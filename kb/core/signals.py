"""Events that lower layers announce and upper layers act on.

A lower layer never imports an upper one (docs/architecture.md): it sends one of these
signals, and the upper app connects its receiver in its `AppConfig.ready()`. Receivers run at
once, in the sender's transaction, as a direct call would.

- `entries_changed(entry_ids)`: content saved (admin, restore, seed); search rebuilds those
  entries' documents (kb/search/receivers.py).
- `entries_removed(entry_ids)`: entries deleted; search drops their documents.
- `synonyms_changed()`: synonyms edited or seeded; search forgets the synonyms it loaded.
- `content_loaded()`: `load_seed` finished; search builds its index if it is incomplete.
- `significant_change(entry)`: an editor marked a save significant; reading paths show the
  entry as changed to readers who read it before (kb/paths/services.py).

Whole-page and data caches need no signal of their own: the web app bumps the content
generation on Django's own `post_save`/`post_delete` of content models (kb/web/page_cache.py).
"""

from django.dispatch import Signal

entries_changed = Signal()
entries_removed = Signal()
synonyms_changed = Signal()
content_loaded = Signal()
significant_change = Signal()
