"""Keeping the stored tag counts right: every change that can move how many published entries
of a kind carry a tag (`TagCount`), or carry two tags together (`TagPair`), recounts those
tags, in the change's own transaction.

What moves a count, and what catches it:
- a tag added to or taken off a published entry (the admin form, the API, an import, a
  restore, an entry deleted with its taggings): `post_save` / `post_delete` of its
  `TaggedEntry` row (`pre_delete` notes the entry's other tags while they are still there: an
  entry's taggings are deleted together);
- an entry published, unpublished or moved to another kind: `pre_save` notes its stored status
  and kind, `post_save` recounts its tags when either changed.

Writes that send no signal (`bulk_create`, `QuerySet.update` of a status) must call
`TagCount.objects.recount_all()` themselves, as the bulk generator of kb/tools/bench does.
"""

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from kb.content.models import Entry, Status, TagCount, TaggedEntry, TagPair


def note_counted_state(sender: Any, instance: Any = None, **kwargs: Any) -> None:
    """pre_save of an entry: whether it was published, and its kind, as stored."""
    if not isinstance(instance, Entry):
        return
    stored = None
    if instance.pk is not None:
        stored = Entry.objects.filter(pk=instance.pk).values_list("status", "kind").first()
    instance._counted_before = stored


def entry_saved(sender: Any, instance: Any = None, created: bool = False, **kwargs: Any) -> None:
    """post_save of an entry: its tags are recounted when it was published or unpublished or
    changed kind while published (a new entry has no tags yet: they come after its save)."""
    if not isinstance(instance, Entry) or created:
        return
    before = instance.__dict__.pop("_counted_before", None)
    published = instance.status == Status.PUBLISHED
    was_published = before is not None and before[0] == Status.PUBLISHED
    if before is not None and (was_published, before[1]) == (published, instance.kind):
        return
    if not (published or was_published):
        return  # a draft before and after: no count has it
    tags = sorted(instance.tags.values_list("pk", flat=True))
    TagCount.objects.recount(tags)
    if published != was_published:
        for position, tag_id in enumerate(tags):
            TagPair.objects.recount(tag_id, tags[position + 1 :])


def published_entry_tags(tagging: TaggedEntry) -> list[int] | None:
    """The tags of the tagging's entry but its own, or None when the entry is not published
    (a draft's tags are in no count, whether it has them or not)."""
    entry_id = tagging.content_object_id
    if not Entry.objects.filter(pk=entry_id, status=Status.PUBLISHED).exists():
        return None
    others = TaggedEntry.objects.filter(content_object_id=entry_id).exclude(tag_id=tagging.tag_id)
    return list(others.values_list("tag_id", flat=True))


def tagging_saved(sender: Any, instance: TaggedEntry, **kwargs: Any) -> None:
    others = published_entry_tags(instance)
    if others is not None:
        TagCount.objects.recount([instance.tag_id])
        TagPair.objects.recount(instance.tag_id, others)


def tagging_deleting(sender: Any, instance: TaggedEntry, **kwargs: Any) -> None:
    instance._counted_others = published_entry_tags(instance)


def tagging_deleted(sender: Any, instance: TaggedEntry, **kwargs: Any) -> None:
    others = instance.__dict__.pop("_counted_others", None)
    if others is not None:
        TagCount.objects.recount([instance.tag_id])
        TagPair.objects.recount(instance.tag_id, others)


def connect_signals() -> None:
    """Connected once, when the content app is ready."""
    pre_save.connect(note_counted_state, dispatch_uid="kb-tag-counts-before")
    post_save.connect(entry_saved, dispatch_uid="kb-tag-counts-entry")
    post_save.connect(tagging_saved, sender=TaggedEntry, dispatch_uid="kb-tag-counts-save")
    pre_delete.connect(tagging_deleting, sender=TaggedEntry, dispatch_uid="kb-tag-counts-deleting")
    post_delete.connect(tagging_deleted, sender=TaggedEntry, dispatch_uid="kb-tag-counts-delete")
