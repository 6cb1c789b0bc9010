"""Applying a validated file: sources and entries created or updated by slug, atomically."""

from dataclasses import dataclass, field
from typing import Any

import reversion
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from kb import search
from kb.content.models import LIST_FIELDS, Entry, EntrySlug, Source, Synonym, normalize_tag_name
from kb.content.services import entry_fingerprint, sync_steps
from kb.core.text import join_lines, split_lines
from kb.paths.models import Path, PathEntry
from kb.tools.transfer.export import entry_record, iso_date, path_record
from kb.tools.transfer.schema import EntryIn, PathIn, SourceIn
from kb.tools.transfer.validation import Plan, Problem, validate


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # in the knowledge base, not in the file
    sources_created: list[str] = field(default_factory=list)
    sources_updated: list[str] = field(default_factory=list)
    synonyms_added: list[str] = field(default_factory=list)
    paths_created: list[str] = field(default_factory=list)
    paths_updated: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    dry_run: bool = False


# Fields compared to tell whether an entry changed; times, views and seed state are not edits.
COMPARED = (
    "kind", "title", "number", "summary", "body", "lesson", "status", "source", "source_locator",
    "owner", "reviewed_on", "review_by", "tags", "basis", "see_also", "steps",
    "examples", "signals", "say", "avoid", "escalation", "search_phrases",
)  # fmt: skip
# Compared as the knowledge base would store them.
NORMALISED = {
    "owner", "tags", "reviewed_on", "review_by", *LIST_FIELDS, "escalation", "search_phrases",
}  # fmt: skip


def incoming_record(item: EntryIn, owners: dict[str, Any]) -> dict[str, Any]:
    return {
        **item.model_dump(include=set(COMPARED) - NORMALISED),
        "owner": item.owner if item.owner in owners else None,
        "reviewed_on": iso_date(item.reviewed_on),
        "review_by": iso_date(item.review_by),
        "tags": sorted({normalize_tag_name(name) for name in item.tags}),
        "basis": sorted(item.basis),
        "see_also": sorted(item.see_also),
        "examples": sorted(item.examples),
        **{name: split_lines("\n".join(getattr(item, name))) for name in LIST_FIELDS},
        "escalation": item.escalation.strip(),
        "search_phrases": split_lines("\n".join(item.search_phrases)),
    }


def import_knowledge_base(
    *, text: str, user: AbstractBaseUser | None = None, label: str = "", dry_run: bool = False
) -> ImportReport:
    """Validate the document, then apply all of it in one transaction (or none of it).

    Raises `ImportInvalid` with every problem found; nothing is written then. With `dry_run`
    everything is applied and then rolled back, so the report says exactly what would change.
    """
    plan = validate(text)
    with transaction.atomic():
        report = apply_plan(plan, user=user, label=label)
        report.dry_run = dry_run
        if dry_run:
            transaction.set_rollback(True)
        else:
            # In the same transaction: the entries and their index change together.
            after_import(report)
    return report


def apply_plan(plan: Plan, *, user: AbstractBaseUser | None, label: str) -> ImportReport:
    report = ImportReport(warnings=plan.warnings)
    # Managed by hand: each changed entry is added once, as it ends up, rather than again on
    # every save and link change along the way (which made imports several times slower).
    with reversion.create_revision(manage_manually=True):
        reversion.set_user(user)
        reversion.set_comment(f"import {label}".strip())
        sources = _apply_sources(plan.sources, report)
        _apply_entries(plan.entries, sources, report)
        existing = {" = ".join(s.terms()) for s in Synonym.objects.all()}
        for words in plan.synonyms:
            group = Synonym(words=words)
            if " = ".join(group.terms()) not in existing:
                group.save()
                existing.add(" = ".join(group.terms()))
                report.synonyms_added.append(group.words)
        _apply_paths(plan.paths, report)
    return report


def _apply_sources(items: list[SourceIn], report: ImportReport) -> dict[str, Source]:
    sources = {s.slug: s for s in Source.objects.all()}
    for item in items:
        values = item.model_dump(exclude={"slug"})
        values["published_on"] = item.published_on
        source = sources.get(item.slug)
        if source is None:
            sources[item.slug] = Source.objects.create(slug=item.slug, **values)
            report.sources_created.append(item.slug)
        elif any(getattr(source, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(source, name, value)
            source.save()
            report.sources_updated.append(item.slug)
    return sources


def _apply_entries(items: list[EntryIn], sources: dict[str, Source], report: ImportReport) -> None:
    user_model = get_user_model()
    owners = {
        u.get_username(): u
        for u in user_model.objects.filter(
            **{f"{user_model.USERNAME_FIELD}__in": [i.owner for i in items if i.owner]}
        )
    }
    current = {
        e.slug: e
        for e in Entry.objects.select_related("source", "owner").prefetch_related(
            "tags", "responses", "basis", "see_also", "examples", "slugs"
        )
    }
    report.kept = sorted(set(current) - {item.slug for item in items})
    changed: list[tuple[EntryIn, Entry]] = []
    for item in items:
        entry = current.get(item.slug)
        if entry is not None:
            before = entry_record(entry)
            # An import adds old addresses (redirects) and never removes them.
            new_addresses = set(item.old_slugs) - {entry.slug, *before["old_slugs"]}
            if not new_addresses and {k: before[k] for k in COMPARED} == incoming_record(
                item, owners
            ):
                report.unchanged.append(item.slug)
                continue
            report.updated.append(item.slug)
        else:
            entry = Entry(slug=item.slug)
            current[item.slug] = entry
            report.created.append(item.slug)
        changed.append((item, entry))

    # Numbers may move between rules in one import; free them first so no two collide midway.
    moving = [
        e.pk for item, e in changed if e.pk and e.number is not None and e.number != item.number
    ]
    Entry.objects.filter(pk__in=moving).update(number=None)

    for item, entry in changed:
        entry.kind = item.kind
        for name in ("title", "number", "summary", "body", "lesson", "status", "source_locator"):
            setattr(entry, name, getattr(item, name))
        for name in LIST_FIELDS:
            setattr(entry, name, join_lines(getattr(item, name)))
        entry.escalation = item.escalation
        entry.search_phrases = join_lines(item.search_phrases)
        entry.source = sources[item.source] if item.source else None
        entry.owner = owners.get(item.owner) if item.owner else None
        entry.reviewed_on, entry.review_by = item.reviewed_on, item.review_by
        created = entry.pk is None
        if created:
            entry.seed_key = item.seed.key if item.seed else ""
        entry.save()
        if created:
            # What the file says about the entry's past is kept, not replaced by "now".
            kept = {"view_count": item.views}
            if item.created_at:
                kept["created_at"] = item.created_at
            if item.updated_at:
                kept["updated_at"] = item.updated_at
            Entry.objects.filter(pk=entry.pk).update(**kept)
        entry.tags.set(item.tags)
        sync_steps(entry, [(step.anchor, step.text) for step in item.steps])
        for old_slug in item.old_slugs:
            # Validation made sure no other entry holds it; the redirects come back with it.
            EntrySlug.objects.get_or_create(slug=old_slug, defaults={"entry": entry})

    for item, entry in changed:
        entry.basis.set([current[slug] for slug in item.basis])
        entry.see_also.set([current[slug] for slug in item.see_also])
        entry.examples.set([current[slug] for slug in item.examples])

    for item, entry in changed:
        if item.seed and item.seed.key == entry.seed_key:
            # A seeded entry nobody edited stays updatable by the seed, and an edited one not.
            checksum = entry_fingerprint(entry) if item.seed.pristine else ""
            Entry.objects.filter(pk=entry.pk).update(seed_checksum=checksum)
        entry.refresh_from_db()
        reversion.add_to_revision(entry)  # recorded as it ends up, links included


def after_import(report: ImportReport) -> None:
    """Refresh what derives from entries, for the entries the import created or changed."""
    changed = report.created + report.updated
    search.index_entries(Entry.objects.filter(slug__in=changed).values_list("pk", flat=True))
    if report.synonyms_added:
        search.forget_synonyms()


PATH_COMPARED = ("title", "intro", "status", "entries")


def _apply_paths(items: list[PathIn], report: ImportReport) -> None:
    """Create or update reading paths by slug, their entries in the file's order."""
    current = {p.slug: p for p in Path.objects.prefetch_related("items__entry")}
    entries = dict(Entry.objects.values_list("slug", "pk"))
    for item in items:
        path = current.get(item.slug)
        incoming = item.model_dump(include=set(PATH_COMPARED))
        if path is not None:
            before = path_record(path)
            if {k: before[k] for k in PATH_COMPARED} == incoming:
                continue
            report.paths_updated.append(item.slug)
        else:
            path = Path(slug=item.slug)
            report.paths_created.append(item.slug)
        path.title, path.intro, path.status = item.title, item.intro, item.status
        created = path.pk is None
        path.save()
        if created:
            kept = {k: getattr(item, k) for k in ("created_at", "updated_at") if getattr(item, k)}
            if kept:
                Path.objects.filter(pk=path.pk).update(**kept)
        path.items.all().delete()
        PathEntry.objects.bulk_create(
            PathEntry(path=path, entry_id=entries[step.entry], note=step.note, position=number)
            for number, step in enumerate(item.entries, start=1)
        )
        reversion.add_to_revision(path)
