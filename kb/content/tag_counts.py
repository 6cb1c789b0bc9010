"""Keeping the stored tag counts right: every change that moves how many published entries
of a kind carry a tag (`TagCount`), or carry two tags together (`TagPair`), moves those
counts by one, in the change's own transaction.

What moves a count, and what catches it:
- a tag added to or taken off a published entry (the admin form, the API, an import, a
  restore, an entry deleted with its taggings): `post_save` / `post_delete` of its
  `TaggedEntry` row (`pre_delete` notes the entry's status and other tags while they are
  still there);
- an entry published, unpublished or moved to another kind: `pre_save` notes its stored status
  and kind (read after `Entry.save` has locked the row, `claim_version`), `post_save` moves
  its tags' counts when either changed.

The entry's row is locked before its status is read for a tagging, so that a tag added in one
transaction and the entry published in another are counted once, whichever commits first
(PostgreSQL; SQLite lets one writer in at a time).

Writes that send no signal (`bulk_create`, `QuerySet.update` of a status) must call
`TagCount.objects.recount_all()` (`manage.py recount_tags`) after them, as the bulk generator
of kb/tools/bench does.
"""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from kb.content.models import Entry, Status, TagCount, TaggedEntry, TagPair


def note_counted_state(sender: Any, instance: Any = None, **kwargs: Any) -> None:
    """pre_save of an entry: its status and kind as stored."""
    if not isinstance(instance, Entry):
        return
    stored = None
    if instance.pk is not None:
        stored = Entry.objects.filter(pk=instance.pk).values_list("status", "kind").first()
    instance._counted_before = stored


def entry_saved(sender: Any, instance: Any = None, created: bool = False, **kwargs: Any) -> None:
    """post_save of an entry: published, unpublished or moved to another kind while published,
    its tags count it under its new state and no longer under the old (a new entry has no
    tags yet: they come after its save, each counted then)."""
    if not isinstance(instance, Entry) or created:
        return
    before = instance.__dict__.pop("_counted_before", None)
    if before is None:
        return
    was_published, old_kind = before[0] == Status.PUBLISHED, before[1]
    published = instance.status == Status.PUBLISHED
    if (was_published, old_kind) == (published, instance.kind) or not (published or was_published):
        return
    tags = sorted(instance.tags.values_list("pk", flat=True))
    if was_published:
        TagCount.objects.move(tags, old_kind, -1)
    if published:
        TagCount.objects.move(tags, instance.kind, 1)
    if published != was_published:
        for position, tag_id in enumerate(tags):
            TagPair.objects.move(tag_id, tags[position + 1 :], 1 if published else -1)


def published_entry(tagging: TaggedEntry) -> tuple[str, list[int]] | None:
    """The kind and the other tags of the tagging's entry, its row locked; None when the entry
    is not published (a draft's tags are in no count, whether it has them or not)."""
    entry_id = tagging.content_object_id
    entry = Entry.objects.select_for_update().filter(pk=entry_id).values_list("status", "kind")
    state = entry.first()
    if state is None or state[0] != Status.PUBLISHED:
        return None
    others = TaggedEntry.objects.filter(content_object_id=entry_id).exclude(tag_id=tagging.tag_id)
    return state[1], list(others.values_list("tag_id", flat=True))


def tagging_saved(sender: Any, instance: TaggedEntry, created: bool = False, **kwargs: Any) -> None:
    if not created:
        return
    with transaction.atomic():
        found = published_entry(instance)
        if found is not None:
            kind, others = found
            TagCount.objects.move([instance.tag_id], kind, 1)
            TagPair.objects.move(instance.tag_id, others, 1)


def tagging_deleting(sender: Any, instance: TaggedEntry, **kwargs: Any) -> None:
    with transaction.atomic():
        instance._counted_before = published_entry(instance)


def tagging_deleted(sender: Any, instance: TaggedEntry, **kwargs: Any) -> None:
    """The tag no longer counts the entry, nor do its pairs with the entry's other tags.

    An entry's taggings are often deleted in one batch (the entry deleted, its tags cleared):
    each noted the others before any went; a pair of two taggings both gone is then taken off
    by the one with the lower tag id only, so exactly once.
    """
    found = instance.__dict__.pop("_counted_before", None)
    if found is None:
        return
    kind, others = found
    remaining = set(
        TaggedEntry.objects.filter(
            content_object_id=instance.content_object_id, tag_id__in=others
        ).values_list("tag_id", flat=True)
    )
    paired = [o for o in others if o in remaining or o > instance.tag_id]
    TagCount.objects.move([instance.tag_id], kind, -1)
    TagPair.objects.move(instance.tag_id, paired, -1)


def connect_signals() -> None:
    """Connected once, when the content app is ready."""
    pre_save.connect(note_counted_state, dispatch_uid="kb-tag-counts-before")
    post_save.connect(entry_saved, dispatch_uid="kb-tag-counts-entry")
    post_save.connect(tagging_saved, sender=TaggedEntry, dispatch_uid="kb-tag-counts-save")
    pre_delete.connect(tagging_deleting, sender=TaggedEntry, dispatch_uid="kb-tag-counts-deleting")
    post_delete.connect(tagging_deleted, sender=TaggedEntry, dispatch_uid="kb-tag-counts-delete")
