"""Writes that span several models: loading the seed content, syncing steps."""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import reversion
import yaml
from django.conf import settings
from django.db import transaction

from kb import search
from kb.models import Entry, Kind, Response, Source, Status, Synonym

SEED_DIR = Path(settings.BASE_DIR) / "fixtures"
SEED_FILES = {
    Kind.PRINCIPLE: "principles.yaml",
    Kind.RULE: "rules.yaml",
    Kind.SITUATION: "situations.yaml",
    Kind.CASE: "cases.yaml",
}


class SeedError(ValueError):
    """The seed files are inconsistent (a broken reference, a missing field)."""


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_edits: list[str] = field(default_factory=list)
    sources_created: list[str] = field(default_factory=list)
    synonyms_added: list[str] = field(default_factory=list)


def entry_fingerprint(entry: Entry) -> str:
    """A digest of all the seed sets on an entry, to tell later whether editors changed it."""
    state = {
        "kind": entry.kind,
        "title": entry.title,
        "slug": entry.slug,
        "number": entry.number,
        "summary": entry.summary,
        "body": entry.body,
        "lesson": entry.lesson,
        "status": entry.status,
        "source": entry.source_id,
        "source_locator": entry.source_locator,
        "tags": sorted(tag.name for tag in entry.tags.all()),
        "steps": [[r.anchor, r.text] for r in entry.responses.order_by("position", "id")],
        "basis": sorted(entry.basis.values_list("pk", flat=True)),
        "see_also": sorted(entry.see_also.values_list("pk", flat=True)),
    }
    encoded = json.dumps(state, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()


def read_seed(seed_dir: Path | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The sources and the entries (each with its `kind`) of the seed files."""
    seed_dir = seed_dir or SEED_DIR

    def read(name: str) -> list[dict[str, Any]]:
        try:
            with (seed_dir / name).open(encoding="utf-8") as handle:
                return yaml.safe_load(handle) or []
        except (OSError, yaml.YAMLError) as error:
            raise SeedError(f"{name}: {error}") from error

    sources = read("sources.yaml")
    entries = [{**item, "kind": kind} for kind, name in SEED_FILES.items() for item in read(name)]
    keys = [item["key"] for item in entries]
    duplicates = {key for key in keys if keys.count(key) > 1}
    if duplicates:
        raise SeedError(f"Seed keys used twice: {', '.join(sorted(duplicates))}")
    return sources, entries


@transaction.atomic
def load_seed(*, seed_dir: Path | None = None) -> SeedReport:
    """Create or update the seed content; leave entries that editors changed as they are.

    Each seeded entry remembers the fingerprint of what the seed set. If the entry no longer
    matches it, an editor has changed it, and the seed does not touch it again.
    """
    source_items, entry_items = read_seed(seed_dir)
    # Recorded in the entries' history as one revision by nobody, commented "seed".
    synonym_groups = read_seed_synonyms(seed_dir)
    with reversion.create_revision():
        reversion.set_comment("seed")
        report = _load_seed(source_items, entry_items)
        report.synonyms_added = add_synonyms(synonym_groups)
        # The seeded entries were indexed as they were written; anything else missing (entries
        # from before the index existed) is indexed now, so the index is complete.
        if not search.index_is_complete():
            search.rebuild_index()
    return report


def read_seed_synonyms(seed_dir: Path | None = None) -> list[str]:
    path = (seed_dir or SEED_DIR) / "synonyms.yaml"
    if not path.exists():
        return []
    try:
        groups = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as error:
        raise SeedError(f"synonyms.yaml: {error}") from error
    if not all(isinstance(group, str) for group in groups):
        raise SeedError("synonyms.yaml: each group is one line of comma-separated words")
    return groups


def add_synonyms(groups: list[str]) -> list[str]:
    """Add the synonym groups none of whose words is in a group yet; returns those added."""
    known = {term for synonym in Synonym.objects.all() for term in synonym.terms()}
    added = []
    for words in groups:
        group = Synonym(words=words)
        terms = group.terms()
        if len(terms) > 1 and not known.intersection(terms):
            group.save()
            known.update(terms)
            added.append(str(group))
    if added:
        search.forget_synonyms()
    return added


def _load_seed(source_items: list[dict[str, Any]], entry_items: list[dict[str, Any]]) -> SeedReport:
    report = SeedReport()

    sources = {}
    for item in source_items:
        source, created = Source.objects.get_or_create(
            slug=item["key"],
            defaults={
                "title": item["title"],
                "author": item.get("author") or "",
                "published_on": item.get("published_on"),
                "description": item.get("description") or "",
                "url": item.get("url") or "",
            },
        )
        sources[item["key"]] = source
        if created:
            report.sources_created.append(source.title)

    existing = {
        e.seed_key: e for e in Entry.objects.filter(seed_key__in=[i["key"] for i in entry_items])
    }
    writable: dict[str, Entry] = {}
    entries: dict[str, Entry] = {}
    for item in entry_items:
        entry = existing.get(item["key"])
        if entry is not None and entry.seed_checksum != entry_fingerprint(entry):
            report.kept_edits.append(str(entry))
            entries[item["key"]] = entry
            continue
        if item.get("source") not in sources:
            raise SeedError(f"{item['key']}: unknown source {item.get('source')!r}")
        if entry is None:
            entry = Entry(seed_key=item["key"], slug=item["key"])
            report.created.append(item["key"])
        values = {
            "kind": item["kind"],
            "title": item["title"],
            "number": item.get("number"),
            "summary": item["summary"].strip(),
            "body": (item.get("body") or "").strip(),
            "lesson": (item.get("lesson") or "").strip(),
            "source_id": sources[item["source"]].pk,
            "source_locator": item.get("source_locator") or "",
            "status": Status.PUBLISHED,
        }
        # Save only what differs, so an unchanged entry keeps its "last updated" date.
        if entry.pk is None or any(getattr(entry, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(entry, name, value)
            entry.save()
        entry.tags.set(item.get("tags") or [], clear=False)
        set_steps(entry, item.get("steps") or [])
        writable[item["key"]] = entry
        entries[item["key"]] = entry

    for item in entry_items:
        entry = writable.get(item["key"])
        if entry is None:
            continue
        for relation in ("basis", "see_also"):
            keys = item.get(relation) or []
            missing = [key for key in keys if key not in entries]
            if missing:
                raise SeedError(f"{item['key']}: {relation} names unknown keys {missing}")
            getattr(entry, relation).set([entries[key] for key in keys])

    search.index_entries(entry.pk for entry in writable.values())
    for key, entry in writable.items():
        checksum = entry_fingerprint(entry)
        if key not in report.created and checksum == entry.seed_checksum:
            report.unchanged.append(key)
        elif key not in report.created:
            report.updated.append(key)
        if checksum != entry.seed_checksum:
            Entry.objects.filter(pk=entry.pk).update(seed_checksum=checksum)
            entry.seed_checksum = checksum
            reversion.add_to_revision(entry)  # record it with its checksum
    return report


def set_steps(situation: Entry, texts: list[str]) -> None:
    """Make the situation's steps these texts, in order, keeping the anchors of kept steps."""
    steps = list(situation.responses.order_by("position", "id"))
    for position, text in enumerate(texts, start=1):
        text = text.strip()
        if position <= len(steps):
            step = steps[position - 1]
            if step.text != text or step.position != position:
                step.text, step.position = text, position
                step.save()
        else:
            Response.objects.create(situation=situation, position=position, text=text)
    for step in steps[len(texts) :]:
        step.delete()


def sync_steps(situation: Entry, steps: list[tuple[str, str]]) -> None:
    """Make the situation's steps exactly these (anchor, text) pairs, in this order.

    Steps are matched by anchor, so a kept step keeps its id and every link to it; a step
    without an anchor gets one made from its first words.
    """
    wanted = {anchor for anchor, _text in steps if anchor}
    current = {}
    for step in situation.responses.all():
        if step.anchor in wanted:
            current[step.anchor] = step
        else:
            # Removed first, so a new step may take its anchor.
            step.delete()
    for position, (anchor, text) in enumerate(steps, start=1):
        step = current.get(anchor) if anchor else None
        if step is None:
            Response.objects.create(
                situation=situation, position=position, anchor=anchor, text=text
            )
        elif step.text != text or step.position != position:
            step.text, step.position = text, position
            step.save()
