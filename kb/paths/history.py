"""History of paths: readable versions, diffs, restore and recovery.

Like entries (kb/content/history.py), a path is restored through its ordinary save rather than
reversion's raw revert, which would revert every object of the revision (an import's revision
holds the whole knowledge base) and would bring back links to entries deleted since.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import reversion
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.models import Version

from kb.content.history import HistoryError, format_moment
from kb.content.history_diff import diff_rows
from kb.content.models import Entry, Status
from kb.paths.models import Path, PathEntry

SNAPSHOT_FIELDS = ("title", "slug", "intro", "status")
FIELD_LABELS = {
    "title": gettext_lazy("Title"),
    "slug": gettext_lazy("Slug"),
    "intro": gettext_lazy("Introduction"),
    "status": gettext_lazy("Status"),
    "items": gettext_lazy("Entries, in order"),
}


@dataclass(frozen=True)
class PathSnapshot:
    """A path as it was: its fields and its entries in order, each with the lead's note."""

    fields: dict[str, Any]
    items: tuple[tuple[int, str], ...] = ()  # (entry id, note)

    @classmethod
    def of_path(cls, path: Path) -> "PathSnapshot":
        return cls(
            fields={name: getattr(path, name) for name in SNAPSHOT_FIELDS},
            items=tuple(path.items.order_by("position", "id").values_list("entry_id", "note")),
        )

    @classmethod
    def of_version(cls, version: Version) -> "PathSnapshot":
        path_id = int(version.object_id)
        rows = [
            v.field_dict
            for v in version.revision.version_set.filter(
                content_type=ContentType.objects.get_for_model(PathEntry)
            )
            if v.field_dict["path_id"] == path_id
        ]
        rows.sort(key=lambda row: (row["position"], row["id"]))
        return cls(
            fields={name: version.field_dict.get(name) for name in SNAPSHOT_FIELDS},
            items=tuple((row["entry_id"], row["note"]) for row in rows),
        )


def versions_of(path_id: int | str) -> Any:
    """The recorded versions of a path, newest first."""
    return (
        Version.objects.get_for_object_reference(Path, str(path_id))
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def readable(snapshots: Iterable[PathSnapshot]) -> list[dict[str, str]]:
    snapshots = list(snapshots)
    ids = {entry_id for s in snapshots for entry_id, _note in s.items}
    titles = {entry.pk: str(entry) for entry in Entry.objects.filter(pk__in=ids)}
    gone = _("(deleted)")

    def item(number: int, entry_id: int, note: str) -> str:
        line = f"{number}. {titles.get(entry_id, f'#{entry_id} {gone}')}"
        return f"{line} — {note}" if note else line

    result = []
    for s in snapshots:
        status = s.fields.get("status")
        result.append(
            {
                "title": s.fields.get("title") or "",
                "slug": s.fields.get("slug") or "",
                "intro": s.fields.get("intro") or "",
                "status": str(Status(status).label) if status in Status.values else "",
                "items": "\n".join(
                    item(number, entry_id, note)
                    for number, (entry_id, note) in enumerate(s.items, start=1)
                ),
            }
        )
    return result


def compare(old: PathSnapshot | None, new: PathSnapshot) -> list[dict[str, Any]]:
    """Rows for a diff table (the same shape as entries' diffs)."""
    old_text, new_text = readable([old, new]) if old is not None else [None, readable([new])[0]]
    return diff_rows(
        old_text, new_text, ("title", "slug", "intro", "items", "status"), FIELD_LABELS
    )


def apply_snapshot(path: Path, snapshot: PathSnapshot) -> Path:
    """Make `path` (saved or new) what the snapshot says; entries deleted since are left out."""
    for name, value in snapshot.fields.items():
        setattr(path, name, value)
    path.save()
    existing = set(
        Entry.objects.filter(pk__in=[pk for pk, _note in snapshot.items]).values_list(
            "pk", flat=True
        )
    )
    path.items.all().delete()
    PathEntry.objects.bulk_create(
        PathEntry(path=path, entry_id=entry_id, note=note, position=position)
        for position, (entry_id, note) in enumerate(
            (item for item in snapshot.items if item[0] in existing), start=1
        )
    )
    return path


def check_address_free(slug: str, path_id: int) -> None:
    taken = Path.objects.filter(slug=slug).exclude(pk=path_id).first()
    if taken is not None:
        raise HistoryError(
            _("Another path, “%(title)s”, now uses the address “%(slug)s”. Change its slug first.")
            % {"title": taken, "slug": slug}
        )


def restore_path(*, version: Version, user: AbstractBaseUser | None) -> Path:
    """Bring a path back to a recorded version, as a new version of its own."""
    snapshot = PathSnapshot.of_version(version)
    check_address_free(snapshot.fields["slug"], int(version.object_id))
    with transaction.atomic(), reversion.create_revision():
        path = Path.objects.get(pk=version.object_id)
        reversion.set_user(user)
        reversion.set_comment(
            _("Restored the version of %(when)s")
            % {"when": format_moment(version.revision.date_created)}
        )
        return apply_snapshot(path, snapshot)


def recover_path(*, version: Version, user: AbstractBaseUser | None) -> Path:
    """Bring a deleted path back under its old id and address."""
    snapshot = PathSnapshot.of_version(version)
    if Path.objects.filter(pk=version.object_id).exists():
        raise HistoryError(_("This path exists; it does not need recovering."))
    check_address_free(snapshot.fields["slug"], int(version.object_id))
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(_("Path recovered after deletion"))
        return apply_snapshot(Path(pk=int(version.object_id)), snapshot)


def record_before_delete(paths: Iterable[Path], user: AbstractBaseUser | None) -> None:
    """Save a version of each path as it is, so its deletion can be undone.

    Outside any other revision block: reversion drops, when the outer block ends, the versions
    of objects that no longer exist.
    """
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(_("Path deleted"))
        for path in paths:
            reversion.add_to_revision(path)
