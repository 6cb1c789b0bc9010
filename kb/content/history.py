"""History of entries: what django-reversion records, readable snapshots, diffs, restore.

One reversion *revision* holds an entry together with its response steps and its tag links
(the registrations in kb/content/models/ follow them), so a version of an entry is always the
whole entry as editors saw it. Restoring and recovering do not use reversion's raw revert:
they apply the snapshot through the ordinary `Entry.save()`, so markdown is rendered again, the
optimistic-locking version moves on, and links to entries, sources or users deleted since are
dropped instead of breaking the restore.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import reversion
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reversion.models import Version

from kb.content import deletions
from kb.content.models import (
    STRUCTURE_FIELDS,
    Citation,
    Entry,
    EntrySlug,
    Kind,
    Response,
    Source,
    Tag,
    TaggedEntry,
)
from kb.content.services import sync_steps
from kb.core import signals

# Entry fields a snapshot carries (attribute names), in the order a diff shows them.
SNAPSHOT_FIELDS = (
    "kind",
    "title",
    "slug",
    "number",
    "summary",
    "body",
    "lesson",
    "status",
    "source_id",
    "source_locator",
    "owner_id",
    "reviewed_on",
    "review_by",
    # A situation's structure. Versions recorded before these fields existed read as empty.
    "signals",
    "say",
    "avoid",
    "escalation",
    # Versions recorded before search phrases existed read as empty too.
    "search_phrases",
    # And before the editors' note existed.
    "editor_note",
)


class HistoryError(ValueError):
    """A restore or recovery that cannot be done, with a message for the editor."""


@dataclass(frozen=True)
class EntrySnapshot:
    """An entry as it was at one moment: fields, tags, links and steps."""

    fields: dict[str, Any]
    tags: tuple[str, ...] = ()
    basis: tuple[int, ...] = ()
    see_also: tuple[int, ...] = ()
    examples: tuple[int, ...] = ()
    steps: tuple[tuple[str, str], ...] = ()  # (anchor, text), in order
    addresses: tuple[str, ...] = ()  # every slug the entry had, so old links can come back
    citations: tuple[tuple[int, str], ...] = ()  # further (source id, place), in order
    # created_at, view_count, and the seed identity (seed_key, seed_checksum)
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of_entry(cls, entry: Entry) -> "EntrySnapshot":
        return cls(
            fields={name: getattr(entry, name) for name in SNAPSHOT_FIELDS},
            tags=tuple(sorted(tag.name for tag in entry.tags.all())),
            basis=tuple(sorted(entry.basis.values_list("pk", flat=True))),
            see_also=tuple(sorted(entry.see_also.values_list("pk", flat=True))),
            examples=tuple(sorted(entry.examples.values_list("pk", flat=True))),
            steps=tuple(entry.responses.order_by("position", "id").values_list("anchor", "text")),
            citations=tuple(entry.citations.values_list("source_id", "locator")),
        )

    @classmethod
    def of_version(cls, version: Version) -> "EntrySnapshot":
        data = version.field_dict
        entry_id = int(version.object_id)
        others = list(
            version.revision.version_set.filter(
                content_type__in=[
                    content_type(Response),
                    content_type(TaggedEntry),
                    content_type(EntrySlug),
                    content_type(Citation),
                ]
            )
        )
        addresses = [
            v.field_dict["slug"]
            for v in others
            if v.content_type_id == content_type(EntrySlug).pk
            and v.field_dict["entry_id"] == entry_id
        ]
        step_rows = [
            v.field_dict
            for v in others
            if v.content_type_id == content_type(Response).pk
            and v.field_dict["situation_id"] == entry_id
        ]
        tag_ids = [
            v.field_dict["tag_id"]
            for v in others
            if v.content_type_id == content_type(TaggedEntry).pk
            and v.field_dict["content_object_id"] == entry_id
        ]
        citation_rows = [
            v.field_dict
            for v in others
            if v.content_type_id == content_type(Citation).pk
            and v.field_dict["entry_id"] == entry_id
        ]
        return cls(
            fields={name: data.get(name) for name in SNAPSHOT_FIELDS},
            citations=tuple(
                (row["source_id"], row["locator"])
                for row in sorted(citation_rows, key=lambda r: (r["position"], r["id"]))
            ),
            tags=tuple(sorted(tag_names(version, tag_ids))),
            basis=tuple(sorted(data.get("basis") or ())),
            see_also=tuple(sorted(data.get("see_also") or ())),
            examples=tuple(sorted(data.get("examples") or ())),
            steps=tuple(
                (row["anchor"], row["text"])
                for row in sorted(step_rows, key=lambda r: (r["position"], r["id"]))
            ),
            addresses=tuple(addresses),
            extra={
                name: data.get(name)
                for name in ("created_at", "view_count", "seed_key", "seed_checksum")
            },
        )


def content_type(model: type) -> ContentType:
    return ContentType.objects.get_for_model(model)


def tag_names(version: Version, tag_ids: list[int]) -> list[str]:
    """Names of tags as the revision recorded them, or as they are now."""
    recorded = {
        int(v.object_id): v.field_dict["name"]
        for v in version.revision.version_set.filter(
            content_type=content_type(Tag), object_id__in=[str(pk) for pk in tag_ids]
        )
    }
    missing = [pk for pk in tag_ids if pk not in recorded]
    recorded.update(Tag.objects.filter(pk__in=missing).values_list("pk", "name"))
    return [recorded[pk] for pk in tag_ids if pk in recorded]


def versions_of(entry_id: int | str) -> Any:
    """The recorded versions of an entry, newest first, with who and when."""
    return (
        Version.objects.get_for_object_reference(Entry, str(entry_id))
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created", "-pk")
    )


# Writing ------------------------------------------------------------------------------------


def apply_snapshot(entry: Entry, snapshot: EntrySnapshot) -> Entry:
    """Make `entry` (saved or new) what the snapshot says, through the ordinary save."""
    for name, value in snapshot.fields.items():
        # A field the version did not record (it did not exist yet) is empty, not NULL.
        if value is None and name in (*STRUCTURE_FIELDS, "search_phrases", "editor_note"):
            value = ""
        setattr(entry, name, value)
    # What was deleted since cannot come back through a link; drop the link instead.
    if entry.source_id and not Source.objects.filter(pk=entry.source_id).exists():
        entry.source_id = None
    if entry.owner_id and not get_user_model().objects.filter(pk=entry.owner_id).exists():
        entry.owner_id = None
    entry.save()
    entry.tags.set(list(snapshot.tags))
    linked = dict(
        Entry.objects.filter(
            pk__in=[*snapshot.basis, *snapshot.see_also, *snapshot.examples]
        ).values_list("pk", "kind")
    )
    entry.basis.set([pk for pk in snapshot.basis if pk in linked and pk != entry.pk])
    entry.see_also.set([pk for pk in snapshot.see_also if pk in linked and pk != entry.pk])
    # Only cases are examples; one that has become another kind since is dropped.
    entry.examples.set([pk for pk in snapshot.examples if linked.get(pk) == Kind.CASE])
    if entry.kind == Kind.SITUATION or entry.responses.exists():
        sync_steps(entry, list(snapshot.steps))
    kept_sources = set(
        Source.objects.filter(pk__in=[pk for pk, _place in snapshot.citations]).values_list(
            "pk", flat=True
        )
    )
    entry.citations.all().delete()
    Citation.objects.bulk_create(
        Citation(entry=entry, source_id=source_id, locator=place, position=number)
        for number, (source_id, place) in enumerate(
            dict.fromkeys(c for c in snapshot.citations if c[0] in kept_sources), start=1
        )
    )
    return entry


def _as_user(user: AbstractBaseUser | AnonymousUser | None) -> AbstractBaseUser | None:
    return user if user is not None and user.is_authenticated else None


def restore_version(
    *,
    version: Version,
    user: AbstractBaseUser | None,
    expected_version: int | None = None,
) -> Entry:
    """Bring an entry back to a recorded version, as a new version of its own.

    `expected_version` is the entry's version the editor confirmed the restore against; if
    someone saved since, `EditConflict` is raised and nothing changes.
    """
    with transaction.atomic(), reversion.create_revision():
        entry = Entry.objects.get(pk=version.object_id)
        if expected_version is not None:
            entry.version = expected_version
        when = version.revision.date_created
        reversion.set_user(_as_user(user))
        reversion.set_comment(_("Restored the version of %(when)s") % {"when": format_moment(when)})
        entry = apply_snapshot(entry, EntrySnapshot.of_version(version))
        signals.entries_changed.send(sender=Entry, entry_ids=[entry.pk])
        return entry


def recover_entry(*, version: Version, user: AbstractBaseUser | None) -> Entry:
    """Bring a deleted entry back, under its old id, with its steps, tags and links."""
    snapshot = EntrySnapshot.of_version(version)
    entry_id = int(version.object_id)
    if Entry.objects.filter(pk=entry_id).exists():
        raise HistoryError(_("This entry exists; it does not need recovering."))
    slug = snapshot.fields["slug"]
    taken = Entry.objects.known_as(slug).first()
    if taken is not None:
        raise HistoryError(
            _("Another entry, “%(title)s”, now uses the address “%(slug)s”. Change its slug first.")
            % {"title": taken, "slug": slug}
        )
    number = snapshot.fields.get("number")
    if number is not None and Entry.objects.filter(kind=Kind.RULE, number=number).exists():
        raise HistoryError(
            _("Another rule now has number %(number)s. Change its number first.")
            % {"number": number}
        )
    deleted_at = version.revision.date_created
    with transaction.atomic():
        with reversion.create_revision():
            reversion.set_user(_as_user(user))
            reversion.set_comment(_("Recovered after deletion"))
            entry = apply_snapshot(Entry(pk=entry_id), snapshot)
            # Its old addresses lead to it again, unless another entry has taken one meanwhile.
            for address in snapshot.addresses:
                if not EntrySlug.objects.filter(slug=address).exists():
                    EntrySlug.objects.create(entry=entry, slug=address)
            kept = {k: v for k, v in snapshot.extra.items() if v is not None}
            seed_key = kept.get("seed_key")
            if seed_key and Entry.objects.filter(seed_key=seed_key).exists():
                # The seed made the entry again before deletions were kept: that one is the
                # seed's now, and this one an editor's.
                kept.pop("seed_key")
                kept.pop("seed_checksum", None)
            if kept:
                # The original creation date, view count and seed identity survive deletion.
                Entry.objects.filter(pk=entry.pk).update(**kept)
        # The links other entries had to it, recorded as new versions of theirs.
        deletions.restore_links_to(
            entry,
            deletions.links_to_before(entry_id, deleted_at),
            entry.see_also.values_list("pk", flat=True),
            _as_user(user),
        )
        signals.entries_changed.send(sender=Entry, entry_ids=[entry.pk])
        entry.refresh_from_db()
        return entry


def record_before_delete(entries: Iterable[Entry], user: AbstractBaseUser | None) -> None:
    """Save a version of each entry as it is, so its deletion can be undone.

    Must run outside any other revision block: reversion merges nested blocks and drops the
    versions of objects that no longer exist when the outer block ends.
    """
    with reversion.create_revision():
        reversion.set_user(_as_user(user))
        reversion.set_comment(_("Deleted"))
        for entry in entries:
            reversion.add_to_revision(entry)


@transaction.atomic
def delete_entries(*, entries: Iterable[Entry], user: AbstractBaseUser | None) -> int:
    """Delete entries, recoverably."""
    entries = list(entries)
    record_before_delete(entries, user)
    signals.entries_removed.send(sender=Entry, entry_ids=[entry.pk for entry in entries])
    for entry in entries:
        entry.delete()
    return len(entries)


def format_moment(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@dataclass
class ConflictInfo:
    """Who moved an entry on while an editor had it open, and where to see what they did."""

    user: str
    when: datetime.datetime
    opened: Version | None  # the recorded version the editor started from, if known


def conflict_info(entry: Entry, opened_version: int) -> ConflictInfo:
    """Describe the saves made since `opened_version` of `entry`."""
    latest = None
    opened = None
    for version in versions_of(entry.pk)[:200]:
        recorded = version.field_dict.get("version")
        if latest is None:
            latest = version
        if recorded is not None and recorded <= opened_version:
            opened = version
            break
    if latest is not None and latest.field_dict.get("version") == entry.version:
        user = latest.revision.user
        name = (user.get_full_name() or user.get_username()) if user else _("a program")
        return ConflictInfo(user=name, when=latest.revision.date_created, opened=opened)
    # The last save was not recorded through a revision (a shell, a script).
    return ConflictInfo(user=_("someone"), when=entry.updated_at, opened=opened)
