"""Export: the whole knowledge base as lossless JSON, or as Markdown files for people."""

import datetime
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kb.content.models import KIND_PATHS, KIND_PLURALS, Entry, Kind, Source, Status, Synonym
from kb.content.services import is_pristine
from kb.paths.models import Path as ReadingPath
from kb.tools.transfer.schema import FORMAT, FORMAT_VERSION


def iso_date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _moment(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def entry_record(entry: Entry) -> dict[str, Any]:
    """One entry as the export writes it (prefetch tags, responses and links, with the owner)."""
    return {
        "kind": entry.kind,
        "slug": entry.slug,
        "old_slugs": entry.old_slugs(),
        "title": entry.title,
        "number": entry.number,
        "summary": entry.summary,
        "body": entry.body,
        "lesson": entry.lesson,
        "status": entry.status,
        "source": entry.source.slug if entry.source else None,
        "source_locator": entry.source_locator,
        "owner": entry.owner.get_username() if entry.owner else None,
        "reviewed_on": iso_date(entry.reviewed_on),
        "review_by": iso_date(entry.review_by),
        "tags": sorted(tag.name for tag in entry.tags.all()),
        "basis": sorted(other.slug for other in entry.basis.all()),
        "see_also": sorted(other.slug for other in entry.see_also.all()),
        "examples": sorted(other.slug for other in entry.examples.all()),
        "signals": entry.signal_items,
        "say": entry.say_items,
        "avoid": entry.avoid_items,
        "escalation": entry.escalation,
        "search_phrases": entry.search_phrase_items,
        "steps": [
            {"anchor": step.anchor, "text": step.text}
            for step in sorted(entry.responses.all(), key=lambda s: (s.position, s.pk))
        ],
        "created_at": _moment(entry.created_at),
        "updated_at": _moment(entry.updated_at),
        "views": entry.view_count,
        # Whether the seed may still update the entry travels with it; the checksum itself
        # depends on database ids, so it is recomputed on import.
        "seed": {"key": entry.seed_key, "pristine": is_pristine(entry)} if entry.seed_key else None,
    }


def source_record(source: Source) -> dict[str, Any]:
    return {
        "slug": source.slug,
        "title": source.title,
        "author": source.author,
        "url": source.url,
        "published_on": iso_date(source.published_on),
        "description": source.description,
    }


def path_record(path: ReadingPath) -> dict[str, Any]:
    """One reading path as the export writes it (prefetch its items with their entries)."""
    return {
        "slug": path.slug,
        "title": path.title,
        "intro": path.intro,
        "status": path.status,
        "entries": [
            {"entry": item.entry.slug, "note": item.note}
            for item in sorted(path.items.all(), key=lambda i: (i.position, i.pk))
        ],
        "created_at": _moment(path.created_at),
        "updated_at": _moment(path.updated_at),
    }


def export_data() -> dict[str, Any]:
    """The whole knowledge base as one JSON-ready document, in a stable order."""
    entries = (
        Entry.objects.select_related("source", "owner")
        .prefetch_related("tags", "responses", "basis", "see_also", "examples", "slugs")
        .order_by("kind", "slug")
    )
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "sources": [source_record(s) for s in Source.objects.order_by("slug")],
        "entries": [entry_record(e) for e in entries],
        "synonyms": [s.words for s in Synonym.objects.order_by("words")],
        "paths": [
            path_record(p)
            for p in ReadingPath.objects.prefetch_related("items__entry").order_by("slug")
        ],
    }


def export_json() -> str:
    return json.dumps(export_data(), ensure_ascii=False, indent=2) + "\n"


def write_atomically(path: Path, text: str) -> None:
    """Write a file so that readers see the old one or the new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", text=True)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        # mkstemp makes the file private; give it the mode a plain open() would have.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class ExportError(ValueError):
    pass


def export_markdown(folder: Path) -> int:
    """Write one readable Markdown file per entry (with front matter) and an index.

    The folder must be new or empty, so no file of a deleted entry lingers. Files are written
    to a temporary folder beside it first, then moved into place in one rename.
    """
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ExportError(f"{folder} exists and is not an empty folder; choose a new one.")
    folder.parent.mkdir(parents=True, exist_ok=True)
    data = export_data()
    titles = {e["slug"]: (e["kind"], e["title"]) for e in data["entries"]}
    sources = {s["slug"]: s["title"] for s in data["sources"]}
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}."))
    try:
        with translation.override(settings.LANGUAGE_CODE):
            for record in data["entries"]:
                path = staging / KIND_PATHS[Kind(record["kind"])] / f"{record['slug']}.md"
                path.parent.mkdir(exist_ok=True)
                path.write_text(entry_markdown(record, titles, sources), encoding="utf-8")
            (staging / "index.md").write_text(index_markdown(data), encoding="utf-8")
        if folder.exists():
            folder.rmdir()
        os.replace(staging, folder)
    except BaseException:
        for path in sorted(staging.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        staging.rmdir()
        raise
    return len(data["entries"])


def _link(slug: str, titles: dict[str, tuple[str, str]]) -> str:
    kind, title = titles[slug]
    return f"[{title}](../{KIND_PATHS[Kind(kind)]}/{slug}.md)"


def entry_markdown(
    record: dict[str, Any], titles: dict[str, tuple[str, str]], sources: dict[str, str]
) -> str:
    front = {
        key: record[key]
        for key in (
            "title",
            "kind",
            "slug",
            "number",
            "status",
            "tags",
            "source",
            "source_locator",
            "owner",
            "reviewed_on",
            "review_by",
            "updated_at",
        )
        if record[key] not in (None, "", [])
    }
    parts = [
        "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---",
        f"# {record['title']}",
        "\n".join(f"> {line}" if line else ">" for line in record["summary"].splitlines()),
    ]
    if record["body"]:
        parts.append(record["body"])
    if record["signals"]:
        parts += [f"## {_('How to recognise it')}", "\n".join(f"- {s}" for s in record["signals"])]
    if record["steps"]:
        parts.append(f"## {_('What to do')}")
        parts.append(
            "\n".join(
                f"{n}. " + step["text"].replace("\n", "\n   ")
                for n, step in enumerate(record["steps"], 1)
            )
        )
    for key, heading in (("say", _("Phrases to use")), ("avoid", _("Phrases to avoid"))):
        if record[key]:
            parts += [f"## {heading}", "\n".join(f"- «{phrase}»" for phrase in record[key])]
    if record["escalation"]:
        parts += [f"## {_('When to hand over')}", record["escalation"]]
    if record["lesson"]:
        parts += [f"## {_('The lesson')}", record["lesson"]]
    for key, heading in (
        ("basis", _("Principles and rules behind it")),
        ("examples", _("Cases that show it")),
        ("see_also", _("See also")),
    ):
        if record[key]:
            parts += [f"## {heading}", "\n".join(f"- {_link(s, titles)}" for s in record[key])]
    if record["source"]:
        where = f", {record['source_locator']}" if record["source_locator"] else ""
        parts.append(f"*{_('Source')}: {sources[record['source']]}{where}*")
    return "\n\n".join(parts) + "\n"


def index_markdown(data: dict[str, Any]) -> str:
    lines = [f"# {settings.SITE_NAME}", ""]
    for kind in KIND_PATHS:
        records = [e for e in data["entries"] if e["kind"] == kind]
        if not records:
            continue
        lines += [f"## {KIND_PLURALS[kind]}", ""]
        for e in sorted(records, key=lambda r: (r["number"] or 0, r["title"])):
            draft = f" ({_('Draft').lower()})" if e["status"] == Status.DRAFT else ""
            lines.append(
                f"- [{e['title']}]({KIND_PATHS[kind]}/{e['slug']}.md){draft} — {e['summary']}"
            )
        lines.append("")
    lines += paths_markdown(data)
    return "\n".join(lines)


def paths_markdown(data: dict[str, Any]) -> list[str]:
    """The reading paths, each an ordered list of links to its entries' files."""
    if not data["paths"]:
        return []
    kinds = {e["slug"]: (e["kind"], e["title"]) for e in data["entries"]}
    lines = [f"## {_('Reading paths')}", ""]
    for path in data["paths"]:
        draft = f" ({_('Draft').lower()})" if path["status"] == Status.DRAFT else ""
        lines += [f"### {path['title']}{draft}", ""]
        if path["intro"]:
            lines += [path["intro"], ""]
        for number, item in enumerate(path["entries"], start=1):
            kind, title = kinds[item["entry"]]
            note = f" — {item['note']}" if item["note"] else ""
            lines.append(f"{number}. [{title}]({KIND_PATHS[Kind(kind)]}/{item['entry']}.md){note}")
        lines.append("")
    return lines
