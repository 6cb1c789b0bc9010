"""Export and import of the whole knowledge base.

The JSON document is lossless: sources, entries of every kind with all their fields (status,
owner by username, review dates, number, place in the source, seed bookkeeping, creation and
update times, views), their steps with anchors in order, tags, "basis" and "see also" links by
slug, and synonym groups. Import validates the whole document first and reports every problem
with its place in the file, then applies everything in one transaction: entries and sources are
created or updated by slug; whatever the knowledge base holds and the file does not is kept.
"""

import bisect
import datetime
import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import reversion
import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    TypeAdapter,
    ValidationError,
)

from kb import search
from kb.models import (
    KIND_PATHS,
    KIND_PLURALS,
    SLUG_MAX_LENGTH,
    Entry,
    EntrySlug,
    Kind,
    Response,
    Source,
    Status,
    Synonym,
    normalize_tag_name,
)
from kb.services import entry_fingerprint, sync_steps

FORMAT = "pravila-knowledge-base"
FORMAT_VERSION = 1
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"


# Export -------------------------------------------------------------------------------------


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _moment(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def entry_record(entry: Entry) -> dict[str, Any]:
    """One entry as the export writes it (prefetch tags, responses, basis, see_also, owner)."""
    pristine = bool(entry.seed_key) and entry.seed_checksum == entry_fingerprint(entry)
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
        "reviewed_on": _date(entry.reviewed_on),
        "review_by": _date(entry.review_by),
        "tags": sorted(tag.name for tag in entry.tags.all()),
        "basis": sorted(other.slug for other in entry.basis.all()),
        "see_also": sorted(other.slug for other in entry.see_also.all()),
        "steps": [
            {"anchor": step.anchor, "text": step.text}
            for step in sorted(entry.responses.all(), key=lambda s: (s.position, s.pk))
        ],
        "created_at": _moment(entry.created_at),
        "updated_at": _moment(entry.updated_at),
        "views": entry.view_count,
        # Whether the seed may still update the entry travels with it; the checksum itself
        # depends on database ids, so it is recomputed on import.
        "seed": {"key": entry.seed_key, "pristine": pristine} if entry.seed_key else None,
    }


def source_record(source: Source) -> dict[str, Any]:
    return {
        "slug": source.slug,
        "title": source.title,
        "author": source.author,
        "url": source.url,
        "published_on": _date(source.published_on),
        "description": source.description,
    }


def export_data() -> dict[str, Any]:
    """The whole knowledge base as one JSON-ready document, in a stable order."""
    entries = (
        Entry.objects.select_related("source", "owner")
        .prefetch_related("tags", "responses", "basis", "see_also", "slugs")
        .order_by("kind", "slug")
    )
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "sources": [source_record(s) for s in Source.objects.order_by("slug")],
        "entries": [entry_record(e) for e in entries],
        "synonyms": [s.words for s in Synonym.objects.order_by("words")],
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
    if record["steps"]:
        parts.append(f"## {_('What to do')}")
        parts.append(
            "\n".join(
                f"{n}. " + step["text"].replace("\n", "\n   ")
                for n, step in enumerate(record["steps"], 1)
            )
        )
    if record["lesson"]:
        parts += [f"## {_('The lesson')}", record["lesson"]]
    for key, heading in (
        ("basis", _("Principles and rules behind it")),
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
    return "\n".join(lines)


# The file's schema ---------------------------------------------------------------------------


def _text_date(value: Any) -> Any:
    """Dates only as "YYYY-MM-DD" text (pydantic would also take numbers)."""
    if value is not None and not isinstance(value, str):
        raise ValueError("should be a date written as YYYY-MM-DD, or null")
    return value


def _text_moment(value: Any) -> Any:
    if value is not None and not isinstance(value, str):
        raise ValueError("should be a date and time in ISO 8601, or null")
    return value


Date = Annotated[datetime.date | None, BeforeValidator(_text_date)]
Moment = Annotated[datetime.datetime | None, BeforeValidator(_text_moment)]


def _max(model: type, name: str) -> int:
    return model._meta.get_field(name).max_length


Slug = Annotated[StrictStr, Field(min_length=1, max_length=SLUG_MAX_LENGTH, pattern=SLUG_PATTERN)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceIn(Strict):
    slug: Slug
    title: Annotated[StrictStr, Field(min_length=1, max_length=_max(Source, "title"))]
    author: Annotated[StrictStr, Field(max_length=_max(Source, "author"))] = ""
    url: Annotated[StrictStr, Field(max_length=_max(Source, "url"))] = ""
    published_on: Date = None
    description: StrictStr = ""


class StepIn(Strict):
    anchor: Annotated[
        StrictStr, Field(max_length=_max(Response, "anchor"), pattern=r"^[-a-zA-Z0-9_]*$")
    ] = ""
    text: Annotated[StrictStr, Field(min_length=1)]


class SeedIn(Strict):
    key: Annotated[StrictStr, Field(min_length=1, max_length=_max(Entry, "seed_key"))]
    pristine: StrictBool = False


class EntryIn(Strict):
    kind: Literal["principle", "rule", "situation", "case"]
    slug: Slug
    old_slugs: list[Slug] = []
    title: Annotated[StrictStr, Field(min_length=1, max_length=_max(Entry, "title"))]
    number: Annotated[StrictInt, Field(ge=1, le=32767)] | None = None
    summary: Annotated[StrictStr, Field(min_length=1, max_length=_max(Entry, "summary"))]
    body: StrictStr = ""
    lesson: StrictStr = ""
    status: Literal["draft", "published"] = "draft"
    source: Slug | None = None
    source_locator: Annotated[StrictStr, Field(max_length=_max(Entry, "source_locator"))] = ""
    owner: Annotated[StrictStr, Field(min_length=1, max_length=150)] | None = None
    reviewed_on: Date = None
    review_by: Date = None
    tags: list[Annotated[StrictStr, Field(min_length=1, max_length=100)]] = []
    basis: list[Slug] = []
    see_also: list[Slug] = []
    steps: list[StepIn] = []
    created_at: Moment = None
    updated_at: Moment = None
    views: Annotated[StrictInt, Field(ge=0)] = 0
    seed: SeedIn | None = None


class DocumentIn(Strict):
    format: Literal["pravila-knowledge-base"]
    version: Literal[1]
    exported_at: StrictStr | None = None
    sources: list[Any] = []
    entries: list[Any] = []
    synonyms: list[Any] = []


Synonyms = Annotated[StrictStr, Field(min_length=1)]


# Validation ----------------------------------------------------------------------------------


@dataclass
class Problem:
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}, " if self.line else ""
        return f"{where}{self.path or '(document)'}: {self.message}"


@dataclass
class Plan:
    """A document that passed validation, ready to apply."""

    sources: list[SourceIn]
    entries: list[EntryIn]
    synonyms: list[str]
    warnings: list[Problem] = field(default_factory=list)


class ImportInvalid(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def json_path(location: tuple[str | int, ...]) -> str:
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


_SCALAR = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null")
_WHITESPACE = re.compile(r"[ \t\r\n]*")


def line_numbers(text: str) -> dict[str, int]:
    """The line on which each value of a JSON text starts, by JSON path.

    The standard parser keeps no positions, so this walks the (already valid) text once more.
    """
    lines: dict[str, int] = {}
    breaks = [match.start() for match in re.finditer("\n", text)]

    def skip(i: int) -> int:
        return _WHITESPACE.match(text, i).end()

    def value(i: int, path: str) -> int:
        i = skip(i)
        lines[path] = bisect.bisect_left(breaks, i) + 1
        char = text[i]
        if char == "{":
            i = skip(i + 1)
            if text[i] == "}":
                return i + 1
            while True:
                key, i = json.decoder.scanstring(text, skip(i) + 1)
                i = skip(i) + 1  # the colon
                i = skip(value(i, f"{path}.{key}" if path else key))
                if text[i] == "}":
                    return i + 1
                i += 1  # the comma
        if char == "[":
            i = skip(i + 1)
            if text[i] == "]":
                return i + 1
            index = 0
            while True:
                i = skip(value(i, f"{path}[{index}]"))
                index += 1
                if text[i] == "]":
                    return i + 1
                i += 1
        if char == '"':
            return json.decoder.scanstring(text, i + 1)[1]
        return _SCALAR.match(text, i).end()

    value(0, "")
    return lines


def _nearest_line(lines: dict[str, int], path: str) -> int | None:
    """The line of the path, or of the closest enclosing value that is in the file."""
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return lines.get("")


def parse(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportInvalid(
            [Problem("", f"not valid JSON: {error.msg} (column {error.colno})", error.lineno)]
        ) from error


def validate(text: str) -> Plan:
    """Check the whole document; raise `ImportInvalid` listing every problem found."""
    raw = parse(text)
    problems: list[Problem] = []

    def check(model: type[BaseModel] | Any, value: Any, path: tuple) -> Any:
        try:
            if isinstance(model, type) and issubclass(model, BaseModel):
                return model.model_validate(value)
            return TypeAdapter(model).validate_python(value)
        except ValidationError as error:
            for item in error.errors(include_url=False):
                where = json_path((*path, *item["loc"]))
                problems.append(Problem(where, item["msg"]))
            return None

    document = check(DocumentIn, raw, ())
    if document is None:
        raise ImportInvalid(with_lines(problems, text))
    sources = [check(SourceIn, item, ("sources", i)) for i, item in enumerate(document.sources)]
    entries = [check(EntryIn, item, ("entries", i)) for i, item in enumerate(document.entries)]
    synonyms = [check(Synonyms, item, ("synonyms", i)) for i, item in enumerate(document.synonyms)]
    warnings: list[Problem] = []
    # Slugs of entries with other problems still count as "in the file", so links to them are
    # not reported as broken too.
    raw_slugs = [
        item.get("slug") if isinstance(item, dict) and isinstance(item.get("slug"), str) else None
        for item in document.entries
    ]
    cross_check(sources, entries, raw_slugs, synonyms, problems, warnings)
    if problems:
        raise ImportInvalid(sorted(with_lines(problems, text), key=lambda p: p.line or 0))
    return Plan(
        sources=[s for s in sources if s],
        entries=[e for e in entries if e],
        synonyms=[s for s in synonyms if s],
        warnings=with_lines(warnings, text),
    )


def with_lines(problems: list[Problem], text: str) -> list[Problem]:
    if problems:
        lines = line_numbers(text)
        for problem in problems:
            problem.line = problem.line or _nearest_line(lines, problem.path)
    return problems


def _duplicates(
    items: list[Any], key: Callable[[Any], str], path: str, problems: list[Problem], what: str
) -> None:
    first: dict[str, int] = {}
    for i, item in enumerate(items):
        if item is None:
            continue
        value = key(item)
        if value in first:
            problems.append(
                Problem(
                    f"{path}[{i}]", f"{what} {value!r} is used twice (also {path}[{first[value]}])"
                )
            )
        else:
            first[value] = i


def check_addresses(entries: list[EntryIn | None], problems: list[Problem]) -> None:
    """Every address (current or old slug) leads to one entry, in the file and in the database.

    The file updates entries by slug, so an address that the knowledge base gives to an entry
    with another slug cannot be given to this one: its old links would change meaning.
    """
    held = dict(EntrySlug.objects.values_list("slug", "entry__slug"))
    claimed: dict[str, tuple[int, bool]] = {}  # address -> (entry index, is its current slug)
    for i, entry in enumerate(entries):
        if entry is None:
            continue
        addresses = [(f"entries[{i}].slug", entry.slug, True)] + [
            (f"entries[{i}].old_slugs[{j}]", slug, False) for j, slug in enumerate(entry.old_slugs)
        ]
        for where, address, current in addresses:
            holder = held.get(address)
            first, first_current = claimed.setdefault(address, (i, current))
            if holder is not None and holder != entry.slug:
                problems.append(
                    Problem(where, f"{address!r} is an address of entry {holder!r} already")
                )
            elif first != i and not (current and first_current):  # two slugs: reported apart
                problems.append(
                    Problem(where, f"{address!r} is also an address of entries[{first}]")
                )


def cross_check(
    sources: list[SourceIn | None],
    entries: list[EntryIn | None],
    raw_slugs: list[str | None],
    synonyms: list[str | None],
    problems: list[Problem],
    warnings: list[Problem],
) -> None:
    """What one item cannot tell alone: uniqueness, links, kinds, owners.

    Links and uniqueness are checked for the entries whose own fields are valid.
    """
    _duplicates(sources, lambda s: s.slug, "sources", problems, "slug")
    _duplicates(raw_slugs, lambda slug: slug, "entries", problems, "slug")
    seeded = [e if e and e.seed else None for e in entries]
    _duplicates(seeded, lambda e: e.seed.key, "entries", problems, "seed key")

    in_file = {e.slug: e for e in entries if e}
    check_addresses(entries, problems)
    in_db = dict(Entry.objects.values_list("slug", "kind"))
    kinds = {**in_db, **{slug: None for slug in raw_slugs if slug}}
    kinds.update({slug: e.kind for slug, e in in_file.items()})
    known_sources = {s.slug for s in sources if s} | set(
        Source.objects.values_list("slug", flat=True)
    )
    # Rule numbers must stay unique with the rules the file leaves as they are.
    numbers: dict[int, str] = {
        number: f"rule {slug!r} in the knowledge base"
        for slug, number in Entry.objects.filter(kind=Kind.RULE, number__isnull=False)
        .exclude(slug__in=in_file)
        .values_list("slug", "number")
    }
    seed_keys = dict(
        Entry.objects.exclude(seed_key="").exclude(slug__in=in_file).values_list("seed_key", "slug")
    )
    users = {
        name
        for name in get_user_model()
        .objects.filter(
            **{
                f"{get_user_model().USERNAME_FIELD}__in": [
                    e.owner for e in in_file.values() if e.owner
                ]
            }
        )
        .values_list(get_user_model().USERNAME_FIELD, flat=True)
    }

    for i, entry in enumerate(entries):
        if entry is None:
            continue
        at = f"entries[{i}]"
        if entry.number is not None:
            if entry.kind != Kind.RULE:
                problems.append(Problem(f"{at}.number", "only rules have numbers"))
            elif entry.number in numbers:
                problems.append(
                    Problem(
                        f"{at}.number",
                        f"number {entry.number} is also used by {numbers[entry.number]}",
                    )
                )
            else:
                numbers[entry.number] = f"entries[{i}]"
        if entry.seed and entry.seed.key in seed_keys:
            problems.append(
                Problem(
                    f"{at}.seed.key",
                    f"seed key {entry.seed.key!r} belongs to entry {seed_keys[entry.seed.key]!r}",
                )
            )
        if entry.steps and entry.kind != Kind.SITUATION:
            problems.append(Problem(f"{at}.steps", "only situations have response steps"))
        anchors: dict[str, int] = {}
        for j, step in enumerate(entry.steps):
            if not step.anchor:
                continue
            if step.anchor in anchors:
                problems.append(
                    Problem(
                        f"{at}.steps[{j}].anchor",
                        f"anchor {step.anchor!r} is used twice in this situation "
                        f"(also steps[{anchors[step.anchor]}])",
                    )
                )
            anchors[step.anchor] = j
        if entry.source and entry.source not in known_sources:
            problems.append(
                Problem(
                    f"{at}.source", f"no source {entry.source!r} in the file or the knowledge base"
                )
            )
        for j, name in enumerate(entry.tags):
            if not normalize_tag_name(name):
                problems.append(Problem(f"{at}.tags[{j}]", "a tag name cannot be blank"))
        for relation in ("basis", "see_also"):
            for j, slug in enumerate(getattr(entry, relation)):
                where = f"{at}.{relation}[{j}]"
                if slug == entry.slug:
                    problems.append(Problem(where, "an entry cannot link to itself"))
                elif slug not in kinds:
                    problems.append(
                        Problem(where, f"no entry {slug!r} in the file or the knowledge base")
                    )
                elif relation == "basis" and kinds[slug] not in (None, Kind.PRINCIPLE, Kind.RULE):
                    problems.append(
                        Problem(
                            where, f"{slug!r} is a {kinds[slug]}; a basis is a principle or rule"
                        )
                    )
                elif (
                    relation == "see_also"
                    and slug in in_file
                    and entry.slug not in in_file[slug].see_also
                ):
                    problems.append(
                        Problem(
                            where,
                            f"{slug!r} does not list {entry.slug!r} back; "
                            "“see also” links go both ways",
                        )
                    )
        if entry.owner and entry.owner not in users:
            warnings.append(
                Problem(f"{at}.owner", f"no user {entry.owner!r}; the entry will have no owner")
            )
    for i, words in enumerate(synonyms):
        if words is not None and not Synonym(words=words).terms():
            problems.append(Problem(f"synonyms[{i}]", "a synonym group needs at least one word"))


# Applying ------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # in the knowledge base, not in the file
    sources_created: list[str] = field(default_factory=list)
    sources_updated: list[str] = field(default_factory=list)
    synonyms_added: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    dry_run: bool = False


# Fields compared to tell whether an entry changed; times, views and seed state are not edits.
COMPARED = (
    "kind", "title", "number", "summary", "body", "lesson", "status", "source", "source_locator",
    "owner", "reviewed_on", "review_by", "tags", "basis", "see_also", "steps",
)  # fmt: skip


def incoming_record(item: EntryIn, owners: dict[str, Any]) -> dict[str, Any]:
    return {
        **item.model_dump(include=set(COMPARED) - {"owner", "tags", "reviewed_on", "review_by"}),
        "owner": item.owner if item.owner in owners else None,
        "reviewed_on": _date(item.reviewed_on),
        "review_by": _date(item.review_by),
        "tags": sorted({normalize_tag_name(name) for name in item.tags}),
        "basis": sorted(item.basis),
        "see_also": sorted(item.see_also),
    }


def import_knowledge_base(
    *,
    text: str,
    user: AbstractBaseUser | None = None,
    label: str = "",
    dry_run: bool = False,
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
            "tags", "responses", "basis", "see_also", "slugs"
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
