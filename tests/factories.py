"""Small factories: an entry of any kind with sensible defaults."""

import itertools
from typing import Any

from kb.models import Entry, Kind, Response, Source, Status

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
