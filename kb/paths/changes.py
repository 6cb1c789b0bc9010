"""«Что изменилось»: the entries someone read that changed significantly since, with diffs."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch
from reversion.models import Version

from kb.content import history, history_diff
from kb.content.models import Entry
from kb.paths.models import ReadMark, SignificantChange

# What readers see of a diff: the content, not the editors' bookkeeping (owner, reviews, status).
READER_FIELDS = frozenset(
    ("title", "kind", "number", "summary", "body", "lesson", "steps", "tags", "basis",
     "see_also", "source_id", "source_locator")
)  # fmt: skip
# How far back through an entry's versions to look for the one a reader read.
MAX_VERSIONS_SEARCHED = 200


@dataclass
class ChangedEntry:
    """An entry changed since its reader's version, with what changed."""

    mark: ReadMark
    changes: list[SignificantChange]  # newest first
    rows: list[dict[str, Any]]  # the changed fields of the diff, empty if the old version is gone
    read_version_recorded: bool

    @property
    def entry(self) -> Entry:
        return self.mark.entry

    @property
    def latest(self) -> SignificantChange:
        return self.changes[0]


def recorded_version(entry_id: int, version: int) -> Version | None:
    """The entry as history recorded it at `version`: the newest record not newer than it."""
    for recorded in history.versions_of(entry_id)[:MAX_VERSIONS_SEARCHED]:
        number = recorded.field_dict.get("version")
        if number is not None and number <= version:
            return recorded
    return None


def changes_since_read(user: AbstractBaseUser) -> list[ChangedEntry]:
    """Every entry `user` can read that changed significantly since they last read it."""
    marks = (
        ReadMark.objects.of(user)
        .changed_since_read()
        .filter(entry__in=Entry.objects.visible_to(user))
        .select_related("entry")
        .prefetch_related(
            Prefetch(
                "entry__significant_changes",
                queryset=SignificantChange.objects.select_related("revision__user"),
            )
        )
        .order_by("-read_at", "-id")
    )
    result = []
    for mark in marks:
        changes = [c for c in mark.entry.significant_changes.all() if c.version > mark.version]
        read = recorded_version(mark.entry_id, mark.version)
        rows = []
        if read is not None:
            now = history.EntrySnapshot.of_entry(mark.entry)
            rows = [
                row
                for row in history_diff.compare(history.EntrySnapshot.of_version(read), now)
                if row["changed"] and row["name"] in READER_FIELDS
            ]
        result.append(
            ChangedEntry(mark=mark, changes=changes, rows=rows, read_version_recorded=bool(read))
        )
    return result


def count_changes_since_read(user: AbstractBaseUser) -> int:
    return (
        ReadMark.objects.of(user)
        .changed_since_read()
        .filter(entry__in=Entry.objects.visible_to(user))
        .count()
    )
