"""Small factories: an entry of any kind, a reading path, with sensible defaults."""

import itertools
from typing import Any

from kb.content.models import Entry, Kind, Response, Source, Status
from kb.paths.models import Path, PathEntry

_counter = itertools.count(1)


def make_source(**fields: Any) -> Source:
    n = next(_counter)
    fields.setdefault("title", f"Статья {n}")
    return Source.objects.create(**fields)


def make_entry(
    kind: str = Kind.SITUATION,
    *,
    tags: list[str] | None = None,
    steps: list[str] | None = None,
    **fields: Any,
) -> Entry:
    n = next(_counter)
    fields.setdefault("title", f"Запись номер {n}")
    fields.setdefault("summary", f"Краткое описание записи {n}.")
    fields.setdefault("status", Status.PUBLISHED)
    entry = Entry.objects.create(kind=kind, **fields)
    if tags:
        entry.tags.add(*tags)
    for position, text in enumerate(steps or [], start=1):
        Response.objects.create(situation=entry, position=position, text=text)
    return entry


def make_path(*entries: Entry, notes: dict[int, str] | None = None, **fields: Any) -> Path:
    """A reading path of `entries` in that order; `notes` by position (1 for the first)."""
    fields.setdefault("title", f"Путь номер {next(_counter)}")
    fields.setdefault("status", Status.PUBLISHED)
    path = Path.objects.create(**fields)
    for position, entry in enumerate(entries, start=1):
        note = (notes or {}).get(position, "")
        PathEntry.objects.create(path=path, entry=entry, position=position, note=note)
    return path
