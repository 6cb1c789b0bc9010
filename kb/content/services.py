"""Writes that span several models: loading the seed content, syncing steps."""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import reversion
import yaml
from django.conf import settings
from django.db import transaction

from kb.content.deletions import deleted_seed_keys
from kb.content.models import (
    LIST_FIELDS,
    STRUCTURE_FIELDS,
    Entry,
    Kind,
    Response,
    Source,
    Status,
    Synonym,
)
from kb.core import signals
from kb.core.text import join_lines

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
    kept_deleted: list[str] = field(default_factory=list)  # titles of entries editors deleted
    sources_created: list[str] = field(default_factory=list)
    sources_completed: list[str] = field(default_factory=list)
    synonyms_added: list[str] = field(default_factory=list)


# What the seed sets on an entry, by fingerprint version. Version 1 (the first seed) did not
# know a situation's structure or its "example" links; version 2 adds them. Checksums are
# stored with their version ("v2:…"); one without a prefix was made the version-1 way, so
# entries seeded before version 2 are still recognised as untouched.
FINGERPRINT_PREFIX = "v2:"


def _seeded_state(entry: Entry) -> dict[str, Any]:
    """The fields of fingerprint version 1."""
    return {
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


def _digest(state: dict[str, Any]) -> str:
    encoded = json.dumps(state, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()


def entry_fingerprint(entry: Entry) -> str:
    """A digest of all the seed sets on an entry, to tell later whether editors changed it."""
    state = _seeded_state(entry)
    state.update({name: getattr(entry, name) for name in STRUCTURE_FIELDS})
    state["examples"] = sorted(entry.examples.values_list("pk", flat=True))
    return FINGERPRINT_PREFIX + _digest(state)


def legacy_fingerprint(entry: Entry) -> str:
    """The checksum as the first seed loader stored it (fingerprint version 1, no prefix)."""
    return _digest(_seeded_state(entry))


def is_pristine(entry: Entry) -> bool:
    """Whether a seeded entry is exactly as the seed last left it (so the seed may update it)."""
    stored = entry.seed_checksum
    if not entry.seed_key or not stored:
        return False
    if stored.startswith(FINGERPRINT_PREFIX):
        return stored == entry_fingerprint(entry)
    # A version-1 checksum: the seed had set no structure and no examples, so any there now
    # are an editor's.
    return (
        not entry.has_structure and not entry.examples.all() and stored == legacy_fingerprint(entry)
    )


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
        signals.content_loaded.send(sender=Entry)
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
        signals.synonyms_changed.send(sender=Synonym)
    return added


SEED_RELATIONS = ("basis", "see_also", "examples")


def _seed_items(item: dict[str, Any], name: str) -> list[str]:
    """A list field of a seed item (signals, say, avoid): strings, one item each."""
    value = item.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SeedError(f"{item['key']}: {name} must be a list of strings")
    if any("\n" in v.strip() for v in value):
        raise SeedError(f"{item['key']}: each item of {name} is one line")
    return value


def _check_structure(item: dict[str, Any]) -> None:
    structured = [n for n in (*STRUCTURE_FIELDS, "examples") if item.get(n)]
    if structured and item["kind"] != Kind.SITUATION:
        raise SeedError(f"{item['key']}: only situations have {', '.join(structured)}")


def _load_sources(source_items: list[dict[str, Any]], report: SeedReport) -> dict[str, Source]:
    """Create the seed's sources; fill in the empty fields of existing ones, never change others."""
    sources = {}
    for item in source_items:
        values = {
            "title": item["title"],
            "author": item.get("author") or "",
            "published_on": item.get("published_on"),
            "description": item.get("description") or "",
            "url": item.get("url") or "",
        }
        source, created = Source.objects.get_or_create(slug=item["key"], defaults=values)
        sources[item["key"]] = source
        if created:
            report.sources_created.append(source.title)
            continue
        missing = {k: v for k, v in values.items() if v and not getattr(source, k)}
        if missing:
            for name, value in missing.items():
                setattr(source, name, value)
            source.save(update_fields=list(missing))
            report.sources_completed.append(source.title)
    return sources


def _load_seed(source_items: list[dict[str, Any]], entry_items: list[dict[str, Any]]) -> SeedReport:
    report = SeedReport()
    sources = _load_sources(source_items, report)

    existing = {
        e.seed_key: e for e in Entry.objects.filter(seed_key__in=[i["key"] for i in entry_items])
    }
    # Deleting is an edit: what editors deleted stays deleted (and recoverable).
    deleted = deleted_seed_keys() - set(existing)
    writable: dict[str, Entry] = {}
    entries: dict[str, Entry] = {}
    before: dict[str, str] = {}  # the fingerprint of each existing entry before this load
    for item in entry_items:
        entry = existing.get(item["key"])
        if entry is None and item["key"] in deleted:
            report.kept_deleted.append(item["title"])
            continue
        if entry is None:
            entry = _adopt_holder_of_address(item["key"])
            if entry is not None:
                report.kept_edits.append(str(entry))
                entries[item["key"]] = entry
                continue
        if entry is not None and not is_pristine(entry):
            report.kept_edits.append(str(entry))
            entries[item["key"]] = entry
            continue
        if item.get("source") not in sources:
            raise SeedError(f"{item['key']}: unknown source {item.get('source')!r}")
        _check_structure(item)
        if entry is None:
            entry = Entry(seed_key=item["key"], slug=item["key"])
            report.created.append(item["key"])
        else:
            before[item["key"]] = entry_fingerprint(entry)
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
            **{name: join_lines(_seed_items(item, name)) for name in LIST_FIELDS},
            "escalation": (item.get("escalation") or "").strip(),
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

    _set_links(entry_items, entries, writable, deleted)

    signals.entries_changed.send(sender=Entry, entry_ids=[entry.pk for entry in writable.values()])
    for key, entry in writable.items():
        checksum = entry_fingerprint(entry)
        if key in before:
            (report.unchanged if checksum == before[key] else report.updated).append(key)
        if checksum != entry.seed_checksum:
            # Also when only the checksum's version moved on: the entry itself did not change.
            Entry.objects.filter(pk=entry.pk).update(seed_checksum=checksum)
            entry.seed_checksum = checksum
            if key not in report.unchanged:
                reversion.add_to_revision(entry)  # record it with its checksum
    return report


def _adopt_holder_of_address(key: str) -> Entry | None:
    """The entry that has (or had) the address the seed would give a new entry, made the
    seed's entry for `key`, or None when the address is free.

    Such an entry lost its seed identity (recovered after deletion by an earlier release) or
    was made by an editor: either way it is editors' now, and creating another entry at its
    address would fail.
    """
    holder = Entry.objects.known_as(key).first()
    if holder is None:
        return None
    if holder.seed_key:
        raise SeedError(f"{key}: its address is taken by the seed entry {holder.seed_key!r}")
    Entry.objects.filter(pk=holder.pk).update(seed_key=key)
    holder.seed_key = key
    return holder


def _set_links(
    entry_items: list[dict[str, Any]],
    entries: dict[str, Entry],
    writable: dict[str, Entry],
    deleted: set[str],
) -> None:
    """Give the entries the seed may write their links, and leave editors' entries alone.

    Links to entries editors deleted are left out.

    "See also" goes both ways: a link listed on either side is wanted on both, whatever order
    the entries come in; a link to an entry editors changed is left as they left it.
    """
    seed_kinds = {item["key"]: item["kind"] for item in entry_items}
    listed_by = defaultdict(set)
    for item in entry_items:
        for key in item.get("see_also") or []:
            listed_by[key].add(item["key"])
    edited = {entry.pk for key, entry in entries.items() if key not in writable}
    for item in entry_items:
        entry = writable.get(item["key"])
        if entry is None:
            continue
        for relation in SEED_RELATIONS:
            keys = item.get(relation) or []
            missing = [key for key in keys if key not in entries and key not in deleted]
            if missing:
                raise SeedError(f"{item['key']}: {relation} names unknown keys {missing}")
            keys = [key for key in keys if key in entries]
            linked = [entries[key] for key in keys]
            if relation == "examples":
                not_cases = [key for key in keys if seed_kinds[key] != Kind.CASE]
                if not_cases:
                    raise SeedError(f"{item['key']}: examples must be cases, not {not_cases}")
                # A case an editor has made something else since is no example any more.
                linked = [other for other in linked if other.kind == Kind.CASE]
            elif relation == "see_also":
                both_ways = dict.fromkeys([*keys, *sorted(listed_by[item["key"]])])
                linked = [
                    entries[key]
                    for key in both_ways
                    if key in entries and entries[key].pk not in edited
                ]
                linked += [other for other in entry.see_also.all() if other.pk in edited]
            getattr(entry, relation).set(linked)


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
