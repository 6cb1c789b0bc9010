"""How far readers got: one reader along a path, and every reader of a path for its lead."""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kb.content.models import Entry
from kb.paths.models import Path, PathEntry, ReadMark


class ReadState(models.TextChoices):
    UNREAD = "unread", _("not read yet")
    READ = "read", _("read")
    CHANGED = "changed", _("changed since you read it")

    @classmethod
    def of(cls, mark: ReadMark | None) -> "ReadState":
        """The state a mark (annotated by `with_state()`) gives its entry."""
        if mark is None:
            return cls.UNREAD
        return cls.CHANGED if mark.changed else cls.READ


@dataclass
class Step:
    """One entry of a path as one reader sees it."""

    item: PathEntry
    number: int
    state: ReadState
    mark: ReadMark | None = None

    @property
    def entry(self) -> Entry:
        return self.item.entry

    @property
    def is_read(self) -> bool:
        return self.state == ReadState.READ


@dataclass
class Reading:
    """A reader's way along a path: every step with its state, and where to go on."""

    path: Path
    steps: list[Step]

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def read(self) -> int:
        return sum(step.is_read for step in self.steps)

    @property
    def changed(self) -> int:
        return sum(step.state == ReadState.CHANGED for step in self.steps)

    @property
    def started(self) -> bool:
        return any(step.mark is not None for step in self.steps)

    @property
    def finished(self) -> bool:
        return bool(self.steps) and self.read == self.total

    @property
    def next_step(self) -> Step | None:
        """The first entry not read (or changed since), where "continue" leads."""
        return next((step for step in self.steps if not step.is_read), None)

    def step_of(self, entry: Entry) -> Step | None:
        return next((step for step in self.steps if step.item.entry_id == entry.pk), None)

    def after(self, step: Step) -> Step | None:
        return self.steps[step.number] if step.number < len(self.steps) else None


def readings(paths: list[Path], user: AbstractBaseUser | AnonymousUser) -> dict[int, Reading]:
    """Each path as `user` reads it, by path id: two queries for any number of paths."""
    items = list(
        PathEntry.objects.filter(path__in=paths, entry__in=Entry.objects.visible_to(user))
        .select_related("entry")
        .order_by("path_id", "position", "id")
    )
    marks: dict[int, ReadMark] = {}
    if user.is_authenticated and items:
        marks = {
            mark.entry_id: mark
            for mark in ReadMark.objects.of(user)
            .with_state()
            .filter(entry__in={item.entry_id for item in items})
        }
    result = {path.pk: Reading(path=path, steps=[]) for path in paths}
    for item in items:
        reading = result[item.path_id]
        item.path = reading.path
        mark = marks.get(item.entry_id)
        number = len(reading.steps) + 1
        reading.steps.append(Step(item=item, number=number, state=ReadState.of(mark), mark=mark))
    return result


def reading(path: Path, user: AbstractBaseUser | AnonymousUser) -> Reading:
    """The path as `user` reads it."""
    return readings([path], user)[path.pk]


@dataclass
class EntryReading:
    """What an entry's page shows its reader: the path it was opened from, their mark."""

    state: ReadState | None  # None for readers not signed in
    mark: ReadMark | None = None
    reading: Reading | None = None
    step: Step | None = None

    @property
    def next_step(self) -> Step | None:
        return self.reading.after(self.step) if self.step else None


def entry_reading(
    entry: Entry, user: AbstractBaseUser | AnonymousUser, path_slug: str = ""
) -> EntryReading | None:
    """The reading context of an entry's page, or None when there is nothing to show.

    Opened from a path (`?path=<slug>` of a path the reader may see that holds the entry): the
    path, the entry's place in it and the reader's state. Otherwise, for a signed-in reader who
    read the entry before: their state.
    """
    path = Path.objects.visible_to(user).filter(slug=path_slug).first() if path_slug else None
    if path is not None:
        along = reading(path, user)
        step = along.step_of(entry)
        if step is not None:
            state = step.state if user.is_authenticated else None
            return EntryReading(state=state, mark=step.mark, reading=along, step=step)
    if not user.is_authenticated:
        return None
    mark = ReadMark.objects.of(user).with_state().filter(entry=entry).first()
    if mark is None:
        return None
    return EntryReading(state=ReadState.of(mark), mark=mark)


@dataclass
class ReaderProgress:
    """One reader of a path, for its lead: how far they got and what changed under them."""

    user: AbstractBaseUser
    total: int
    read: int = 0
    started_at: datetime.datetime | None = None
    last_read_at: datetime.datetime | None = None
    changed: list[Entry] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.read / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.total > 0 and self.read == self.total

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


@dataclass
class Readership:
    """Everyone who started a path, for its lead."""

    path: Path
    total: int  # the path's published entries: what staff can read
    readers: list[ReaderProgress]

    @property
    def finished(self) -> int:
        return sum(reader.finished for reader in self.readers)


def readership(path: Path) -> Readership:
    """Everyone who read at least one of the path's published entries, least far first."""
    entry_ids = list(
        path.items.filter(entry__in=Entry.objects.published()).values_list("entry_id", flat=True)
    )
    readers: dict[int, ReaderProgress] = {}
    marks = (
        ReadMark.objects.filter(entry_id__in=entry_ids)
        .with_state()
        .select_related("user", "entry")
        .order_by("first_read_at", "id")
    )
    for mark in marks:
        reader = readers.get(mark.user_id)
        if reader is None:
            reader = readers[mark.user_id] = ReaderProgress(
                user=mark.user, total=len(entry_ids), started_at=mark.first_read_at
            )
        reader.last_read_at = max(filter(None, (reader.last_read_at, mark.read_at)))
        if mark.changed:
            reader.changed.append(mark.entry)
        else:
            reader.read += 1
    ordered = sorted(readers.values(), key=lambda r: (r.finished, r.percent, r.name.casefold()))
    return Readership(path=path, total=len(entry_ids), readers=ordered)


# A spreadsheet would run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def progress_csv(readership: Readership) -> str:
    """The leads' view as CSV (with a byte-order mark, so spreadsheets read it as UTF-8)."""

    def moment(value: datetime.datetime | None) -> str:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [
            str(_("username")),
            str(_("name")),
            str(_("read")),
            str(_("of")),
            str(_("percent")),
            str(_("finished")),
            str(_("started")),
            str(_("last read")),
            str(_("changed since read")),
        ]
    )
    for reader in readership.readers:
        writer.writerow(
            [
                spreadsheet_safe(reader.user.get_username()),
                spreadsheet_safe(reader.user.get_full_name()),
                reader.read,
                reader.total,
                reader.percent,
                str(_("yes")) if reader.finished else str(_("no")),
                moment(reader.started_at),
                moment(reader.last_read_at),
                spreadsheet_safe("; ".join(entry.title for entry in reader.changed)),
            ]
        )
    return out.getvalue()
