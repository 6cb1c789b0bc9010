"""Invalidation by what changed: each page depends on a few *scopes*, each scope has its own
generation (kb/core/cache.py), and an edit moves on only the scopes of what it changed.

Scopes:
- "content": everything. Moved on by edits that may show anywhere: tags, sources, synonym
  groups, reading paths, significant changes. Every page and cached value depends on it.
- "entries": any entry changed. Pages without a narrower scope depend on it: the feed, the
  sitemap, the API's lists, sources, reading paths, the tag list.
- "entry:<slug>": one entry's own page. Moved on by the entry's edits and by those of the
  entries it shows (its grounds, cases, "see also" and the entries that cite it).
- "kind:<kind>": the list of one kind. "tag:<slug>": one tag's page.
- "home": the home page. "search": search answers and suggestions.

An entry's edit moves on its own scope and those of the entries linked to it, its kind's (the
old and the new kind), its tags' (old and new), "home", "search" and "entries": an edit of one
situation leaves every other entry's page, the other kinds' lists and the other tags' pages
cached.
"""

from typing import Any

from django.db.models import Model, Q
from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django.utils import translation

from kb.content.models import Entry, EntrySlug, Kind, Response, TaggedEntry
from kb.core.cache import CONTENT, ENTRIES, HOME, SEARCH

# Written by the search index, which moves "search" on itself when it changes.
QUIET = frozenset({"kb.SearchDocument", "kb.SearchWord"})


def entry_scope(slug: str) -> str:
    return f"entry:{slug}"


def kind_scope(kind: str) -> str:
    return f"kind:{kind}"


def tag_scope(slug: str) -> str:
    return f"tag:{slug}"


SEARCH_VIEWS = frozenset({"kb:search", "api:search_entries", "api:suggest_entries"})


def page_scopes(request: HttpRequest) -> tuple[str, ...]:
    """What the page at the request's address shows, as scopes ("content" always first)."""
    try:
        # Before the language middleware: an /en/ address resolves in its own language.
        with translation.override(translation.get_language_from_path(request.path_info)):
            match = resolve(request.path_info)
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


def scopes_changed_by(sender: Any, instance: Any = None, **kwargs: Any) -> set[str]:
    """The scopes a saved or deleted object (or a changed many-to-many) makes stale; "content"
    for anything that is not part of an entry."""
    model = getattr(sender, "_meta", None)
    if model is not None and model.label in QUIET:
        return set()
    if isinstance(instance, Entry):
        scopes = entry_scopes(instance)
        if kwargs.get("action"):  # links or tags changed: the other side shows this entry too
            scopes |= linked_scopes(kwargs.get("model"), kwargs.get("pk_set"))
        return scopes
    if isinstance(instance, TaggedEntry):
        scopes = {tag_scope(instance.tag.slug)}
        entry = Entry.objects.filter(pk=instance.content_object_id).first()
        return scopes | (entry_scopes(entry) if entry else {ENTRIES, HOME, SEARCH})
    if isinstance(instance, Response | EntrySlug):
        owner_id = getattr(instance, "situation_id", None) or getattr(instance, "entry_id", None)
        entry = Entry.objects.filter(pk=owner_id).only("slug").first()
        return {ENTRIES, SEARCH} | ({entry_scope(entry.slug)} if entry else set())
    if model is not None and model.auto_created and is_entry_link(sender):
        return {ENTRIES, HOME, SEARCH}
    return {CONTENT}


def is_entry_link(through: type[Model]) -> bool:
    return any(field.related_model is Entry for field in through._meta.get_fields())


def entry_scopes(entry: Entry) -> set[str]:
    """An entry's own scope and those of every list and page it appears in, as it is now and
    as it was before this save (`remember_before` noted that)."""
    scopes = {ENTRIES, HOME, SEARCH, entry_scope(entry.slug), kind_scope(entry.kind)}
    before = getattr(entry, "_scopes_before", None)
    if before:
        scopes |= before
    if entry.pk is None:
        return scopes
    scopes |= {tag_scope(slug) for slug in entry.tags.values_list("slug", flat=True)}
    linked = Entry.objects.filter(
        Q(basis=entry)
        | Q(applied_in=entry)
        | Q(see_also=entry)
        | Q(examples=entry)
        | Q(example_of=entry)
    ).values_list("slug", flat=True)
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
    tags), which the save makes stale too."""
    if kwargs.get("raw") or not isinstance(instance, Entry) or instance.pk is None:
        return
    stored = Entry.objects.filter(pk=instance.pk).only("kind", "slug").first()
    if stored is not None:
        instance._scopes_before = entry_scopes(stored)
