"""The content model: entries of four kinds (one table), their steps, sources and tags.

Principles, rules, situations and cases share every field and one browse, search and link
flow, so they live in one `Entry` table with a `kind`; `Principle`, `Rule`, `Situation` and
`Case` are proxy models that give each kind its own manager and admin.

One module per concern; everything is importable from `kb.content.models`.
"""

import reversion

from kb.content.models.choices import KIND_PATHS, KIND_PLURALS, SLUG_MAX_LENGTH, Kind, Status
from kb.content.models.citations import Citation
from kb.content.models.entries import (
    ITEM_MAX_LENGTH,
    LIST_FIELDS,
    STRUCTURE_FIELDS,
    EditConflict,
    Entry,
    EntrySlug,
)
from kb.content.models.kinds import Case, KindManager, KindProxy, Principle, Rule, Situation
from kb.content.models.querysets import (
    HOME_LIMITS,
    EntryManager,
    EntryQuerySet,
    page_prefetches,
)
from kb.content.models.search import SearchDocument, SearchWord
from kb.content.models.steps import Response
from kb.content.models.synonyms import Synonym
from kb.content.models.taxonomy import (
    NormalizedTagManager,
    SlugManager,
    Source,
    Tag,
    TagCount,
    TaggedEntry,
    TagPair,
    normalize_tag_name,
)

__all__ = [
    "HOME_LIMITS",
    "ITEM_MAX_LENGTH",
    "KIND_PATHS",
    "KIND_PLURALS",
    "LIST_FIELDS",
    "SLUG_MAX_LENGTH",
    "STRUCTURE_FIELDS",
    "Case",
    "Citation",
    "EditConflict",
    "Entry",
    "EntryManager",
    "EntryQuerySet",
    "EntrySlug",
    "Kind",
    "KindManager",
    "KindProxy",
    "NormalizedTagManager",
    "Principle",
    "Response",
    "Rule",
    "SearchDocument",
    "SearchWord",
    "Situation",
    "SlugManager",
    "Source",
    "Status",
    "Synonym",
    "Tag",
    "TagCount",
    "TagPair",
    "TaggedEntry",
    "normalize_tag_name",
    "page_prefetches",
]

# History (django-reversion). One revision holds an entry with its steps and tag links, so a
# version is always a whole entry; a step or a tag link saved on its own records its entry too.
# Registered here, at import, so the admin (autodiscovered before this app is ready) finds it.
ENTRY_HISTORY_FOLLOW = ("responses", "taggedentry_set", "slugs", "citations")
for _model in (Entry, Principle, Rule, Situation, Case):
    # The tag manager is not serialisable; tags are kept through the TaggedEntry rows.
    # ignore_duplicates: re-setting unchanged links (the seed does) records nothing new.
    reversion.register(
        _model, exclude=("tags",), follow=ENTRY_HISTORY_FOLLOW, ignore_duplicates=True
    )
reversion.register(Response, follow=("situation",))
reversion.register(TaggedEntry, follow=("tag", "content_object"))
reversion.register(Tag)
reversion.register(EntrySlug)
reversion.register(Citation, follow=("entry",))
