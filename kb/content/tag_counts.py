"""Keeping the stored tag counts (`TagCount`) right: every change that can move how many
published entries of a kind carry a tag recounts that tag, in the change's own transaction.

What moves a count, and what catches it:
- a tag added to or taken off an entry (the admin form, the API, an import, a restore, an
  entry deleted with its taggings): `post_save` / `post_delete` of its `TaggedEntry` row;
- an entry published, unpublished or moved to another kind: `pre_save` notes its stored status
  and kind, `post_save` recounts its tags when either changed.

Writes that send no signal (`bulk_create`, `QuerySet.update` of a status) must call
`TagCount.objects.recount()` themselves, as the bulk generator of kb/tools/bench does.
"""

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save

from kb.content.models import Entry, Status, TagCount, TaggedEntry


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
    TagCount.objects.recount(instance.tags.values("pk"))


def tagging_changed(sender: Any, instance: TaggedEntry, **kwargs: Any) -> None:
    """post_save / post_delete of a tagging: its tag's counts, when its entry is published
    (a draft's tags are in no count, whether it has them or not)."""
    if Entry.objects.filter(pk=instance.content_object_id, status=Status.PUBLISHED).exists():
        TagCount.objects.recount([instance.tag_id])


def connect_signals() -> None:
    """Connected once, when the content app is ready."""
    pre_save.connect(note_counted_state, dispatch_uid="kb-tag-counts-before")
    post_save.connect(entry_saved, dispatch_uid="kb-tag-counts-entry")
    post_save.connect(tagging_changed, sender=TaggedEntry, dispatch_uid="kb-tag-counts-save")
    post_delete.connect(tagging_changed, sender=TaggedEntry, dispatch_uid="kb-tag-counts-delete")
