"""Invalidation by what changed: each page depends on a few *scopes*, each scope has its own
generation (kb/core/cache.py), and an edit moves on only the scopes of what it changed.

Scopes:
- "content": everything. Moved on by edits that may show anywhere: tags renamed, sources,
  synonym groups, reading paths, significant changes. Every page and cached value depends on it.
- "entries": a published entry changed. Pages without a narrower scope depend on it: the feed,
  the sitemap, the API's lists and entry details, sources, reading paths, the tag list.
- "entry:<slug>": one entry's own page. Moved on by the entry's edits and by those of the
  published entries it shows (its grounds, cases, "see also" and the entries that cite it).
- "kind:<kind>": the list of one kind. "tag:<slug>": one tag's page.
- "home": the home page, moved on only when what it shows changes (`home_changed`).
- "search": search answers and suggestions.

Only published entries show on public pages: a draft's edit (a draft before and after it) moves
its own scope only. A published entry's edit moves its own scope and those of the entries
linked to it, its kind's (the old and the new kind), its tags' (old and new), "search" and
"entries"; "home" only when the home page's blocks differ before and after the edit (its
membership, order, shown fields, the situations' count) or the entry is published or
unpublished (the tag cloud's counts). An edit of one rule that home does not list therefore
leaves home, every other entry's page, the other kinds' lists and the other tags' pages cached.
"""

from typing import Any

from django.db.models import Model, Q
from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django.utils import translation

from kb.content.models import Entry, EntrySlug, Kind, Response, Tag, TaggedEntry
from kb.core.cache import CONTENT, DRAFTS, ENTRIES, HOME, SEARCH, is_pending

# Written by the search index, which moves "search" on itself when it changes; and the stored
# tag counts, which change only with the taggings and entries whose own signals move the scopes.
QUIET = frozenset({"kb.SearchDocument", "kb.SearchWord", "kb.TagCount", "kb.TagPair"})


def entry_scope(slug: str) -> str:
    return f"entry:{slug}"


def kind_scope(kind: str) -> str:
    return f"kind:{kind}"


def tag_scope(slug: str) -> str:
    return f"tag:{slug}"


SEARCH_VIEWS = frozenset({"kb:search", "api:search_entries", "api:suggest_entries"})


def page_scopes(request: HttpRequest) -> tuple[str, ...]:
    """What the page at the request's address shows, as scopes ("content" always first); kept
    on the request, as the page caches and each of the page's shared parts ask."""
    kept = getattr(request, "page_scopes_of", None)
    if kept is None or kept[0] != request.path_info:
        kept = request.page_scopes_of = (request.path_info, scopes_at(request.path_info))
    return kept[1]


def scopes_at(path: str) -> tuple[str, ...]:
    try:
        # Before the language middleware: an /en/ address resolves in its own language.
        with translation.override(translation.get_language_from_path(path)):
            match = resolve(path)
    except Resolver404:
        return (CONTENT, ENTRIES)
    name, kwargs = match.view_name, match.kwargs
    if name == "kb:home":
        return (CONTENT, HOME)
    if name in SEARCH_VIEWS:
        return (CONTENT, SEARCH)
    if name == "kb:tag_detail":
        return (CONTENT, tag_scope(kwargs["slug"]))
    prefix, _, page = name.removeprefix("kb:").rpartition("_")
    if prefix in Kind.values and page == "list":
        return (CONTENT, kind_scope(prefix))
    if prefix in Kind.values and page == "detail":
        return (CONTENT, entry_scope(kwargs["slug"]))
    return (CONTENT, ENTRIES)


# What the home page shows of each kind (`EntryQuerySet.on_home`, which the home view lists
# too), reduced to the fields the page shows. Rules and cases are shown as cards (title,
# number, summary, tags), situations and principles as titles.
HOME_FIELDS = {
    Kind.SITUATION: ("pk", "slug", "title", "view_count"),
    Kind.RULE: ("pk", "slug", "number", "title", "summary"),
    Kind.PRINCIPLE: ("pk", "slug", "title"),
    Kind.CASE: ("pk", "slug", "title", "summary"),
}


def home_block(kind: str) -> tuple:
    """What the home page shows of `kind`, as plain values: equal before and after an edit
    exactly when the edit leaves that block as it was."""
    shown = list(Entry.objects.on_home(kind).values_list(*HOME_FIELDS[kind]))
    if kind != Kind.SITUATION:
        return tuple(shown)
    # Situations: titles in order of openings (not the counts themselves, which change with
    # every view), whether any was opened (the heading says so), and how many there are.
    return (
        tuple(row[:3] for row in shown),
        bool(shown and shown[0][3]),
        Entry.objects.published().of_kind(kind).count(),
    )


def home_state(kinds: set[str]) -> dict[str, tuple]:
    return {kind: home_block(kind) for kind in sorted(kinds) if kind in HOME_FIELDS}


def home_changed(entry: Entry, deleted: bool = False) -> bool:
    """Whether the save (or deletion) of `entry` changed what the home page shows, from the
    state `remember_before` noted and the state now."""
    before = entry.__dict__.pop("_home_before", None)
    was_published = entry.__dict__.pop("_published_before", False)
    is_published = entry.is_published and not deleted
    if not (was_published or is_published):
        return False  # a draft before and after: home lists published entries only
    if was_published != is_published:
        return True  # published or unpublished: the tag cloud counts it, or no longer does
    if before is None:
        return True  # not noted (already moved on in this transaction, or saved raw)
    return home_state(set(before)) != before


def scopes_changed_by(sender: Any, instance: Any = None, **kwargs: Any) -> set[str]:
    """The scopes a saved or deleted object (or a changed many-to-many) makes stale; "content"
    for anything that is not part of an entry."""
    model = getattr(sender, "_meta", None)
    if model is not None and model.label in QUIET:
        return set()
    if isinstance(instance, Entry):
        if kwargs.get("action"):  # links or tags changed
            return links_changed(instance, kwargs.get("model"), kwargs.get("pk_set"))
        deleted = "created" not in kwargs  # post_delete
        scopes = entry_scopes(instance) | instance.__dict__.pop("_scopes_before", set())
        if home_changed(instance, deleted=deleted):
            scopes.add(HOME)
        return scopes
    if isinstance(instance, TaggedEntry):
        entry = Entry.objects.filter(pk=instance.content_object_id).first()
        if entry is None:  # the entry is being deleted: its own deletion moves what shows it
            return {tag_scope(instance.tag.slug), ENTRIES, HOME, SEARCH, DRAFTS}
        if not entry.is_published:
            return {entry_scope(entry.slug), DRAFTS}
        # A published entry's tags: its tag pages, its card in lists, the tag cloud (home).
        return {tag_scope(instance.tag.slug), HOME} | entry_scopes(entry)
    if isinstance(instance, Response | EntrySlug):
        owner_id = getattr(instance, "situation_id", None) or getattr(instance, "entry_id", None)
        entry = Entry.objects.filter(pk=owner_id).only("slug", "status").first()
        if entry is None:
            return {ENTRIES, SEARCH, DRAFTS}
        return {entry_scope(entry.slug)} | ({ENTRIES, SEARCH} if entry.is_published else {DRAFTS})
    if isinstance(instance, Tag) and kwargs.get("created"):
        return {ENTRIES}  # a new tag no entry carries yet: only the API's tag list shows it
    if model is not None and model.auto_created and is_entry_link(sender):
        return {ENTRIES, SEARCH}
    return {CONTENT}


def links_changed(entry: Entry, model: Any, pk_set: Any) -> set[str]:
    """An entry's links to other entries, or its tags, changed (`m2m_changed`)."""
    if not entry.is_published:
        # Pages show published entries only: the draft's own page changed, nothing public.
        return {entry_scope(entry.slug)}
    scopes = entry_scopes(entry) | linked_scopes(model, pk_set)
    if pk_set is None or (pk_set and model is not None and issubclass(model, Tag)):
        scopes.add(HOME)  # tags added, taken off or cleared: the tag cloud's counts
    return scopes


def is_entry_link(through: type[Model]) -> bool:
    return any(field.related_model is Entry for field in through._meta.get_fields())


def entry_scopes(entry: Entry) -> set[str]:
    """An entry's own scope and, when it is published, those of every list and page it
    appears in (`remember_before` adds those of the entry as it was before the save); a
    draft's, its own and the drafts' searches."""
    scopes = {entry_scope(entry.slug)}
    if not entry.is_published:
        return scopes | {DRAFTS}  # editors' searches through drafts
    scopes |= {ENTRIES, SEARCH, kind_scope(entry.kind)}
    if entry.pk is None:
        return scopes
    scopes |= {tag_scope(slug) for slug in entry.tags.values_list("slug", flat=True)}
    # One semi-join per link table: joining them all in one query multiplied their rows
    # (seconds per save at 10,000 entries on PostgreSQL).
    basis, see_also, examples = Entry.basis.through, Entry.see_also.through, Entry.examples.through
    linked = (
        Entry.objects.filter(
            Q(pk__in=basis.objects.filter(to_entry=entry).values("from_entry"))
            | Q(pk__in=basis.objects.filter(from_entry=entry).values("to_entry"))
            | Q(pk__in=see_also.objects.filter(to_entry=entry).values("from_entry"))
            | Q(pk__in=examples.objects.filter(to_entry=entry).values("from_entry"))
            | Q(pk__in=examples.objects.filter(from_entry=entry).values("to_entry"))
        )
        .order_by()
        .values_list("slug", flat=True)
    )
    return scopes | {entry_scope(slug) for slug in set(linked)}


def linked_scopes(model: Any, pk_set: Any) -> set[str]:
    """The scopes of the other side of a changed many-to-many (entries or tags)."""
    if not pk_set or model is None:
        return set()
    if model is Entry or (isinstance(model, type) and issubclass(model, Entry)):
        return {
            entry_scope(s)
            for s in Entry.objects.filter(pk__in=pk_set).values_list("slug", flat=True)
        }
    slugs = model.objects.filter(pk__in=pk_set).values_list("slug", flat=True)
    return {tag_scope(slug) for slug in slugs}


def remember_before(sender: Any, instance: Any = None, **kwargs: Any) -> None:
    """pre_save and pre_delete: note the scopes of the entry as stored (its old slug, kind and
    tags), which the save makes stale too, and what the home page shows before it."""
    if kwargs.get("raw") or not isinstance(instance, Entry):
        return
    stored = None
    if instance.pk is not None:
        stored = Entry.objects.filter(pk=instance.pk).only("kind", "slug", "status").first()
    if stored is not None:
        instance._scopes_before = entry_scopes(stored)
    instance._published_before = stored is not None and stored.is_published
    if (instance.is_published or instance._published_before) and not is_pending(HOME):
        # Home lists only published entries; once home has moved on in this transaction
        # (an import), there is nothing left to decide.
        kinds = {instance.kind} | ({stored.kind} if stored is not None else set())
        instance._home_before = home_state(kinds)
