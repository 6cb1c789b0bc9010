"""Validating a file before import: every problem, with its place in the file."""

import bisect
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from pydantic import BaseModel, TypeAdapter, ValidationError

from kb.content.models import Entry, EntrySlug, Kind, Source, Synonym, normalize_tag_name
from kb.tools.transfer.schema import DocumentIn, EntryIn, PathIn, SourceIn, Synonyms

# What only a situation may have (besides steps, checked on their own).
SITUATION_ONLY = ("signals", "say", "avoid", "escalation", "examples")


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
    paths: list[PathIn] = field(default_factory=list)
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


# An export nests six levels deep; far deeper is no export, and would exhaust the stack of
# the parser or of `line_numbers`.
MAX_DEPTH = 32


class NotJSONConstant(ValueError):
    """`NaN`, `Infinity` or `-Infinity`: Python's parser takes them, JSON has no such values."""


def refuse_constant(name: str) -> Any:
    raise NotJSONConstant(name)


# A string (skipped whole) or one of the constants outside any string.
_CONSTANT_OR_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)')


def constant_line(text: str, name: str) -> int | None:
    """The line of the first `name` outside a string."""
    for match in _CONSTANT_OR_STRING.finditer(text):
        if match[1] == name:
            return text.count("\n", 0, match.start()) + 1
    return None


def parse(text: str) -> Any:
    try:
        raw = json.loads(text, parse_constant=refuse_constant)
    except NotJSONConstant as error:
        name = str(error)
        message = f"not valid JSON: {name} is not a JSON value (a number must be finite)"
        raise ImportInvalid([Problem("", message, constant_line(text, name))]) from error
    except json.JSONDecodeError as error:
        raise ImportInvalid(
            [Problem("", f"not valid JSON: {error.msg} (column {error.colno})", error.lineno)]
        ) from error
    except RecursionError as error:
        raise ImportInvalid([Problem("", too_deep())]) from error
    problems = unstorable_text(raw)
    if problems:
        raise ImportInvalid(with_lines(problems, text))
    return raw


def too_deep() -> str:
    return f"nested more than {MAX_DEPTH} levels deep; an export is never nested like this"


def unstorable_text(raw: Any) -> list[Problem]:
    """Values no database can store: NUL characters and lone surrogates (PostgreSQL refuses
    both, SQLite would keep a NUL that then breaks export). Nesting past `MAX_DEPTH` raises
    `ImportInvalid` at once.

    Walked with a stack of its own rather than by recursion, so no document can exhaust it.
    """
    problems: list[Problem] = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(raw, ())]
    while stack:
        value, location = stack.pop()
        if len(location) > MAX_DEPTH:
            # Reported alone, without a line: finding it would walk the depth recursively.
            raise ImportInvalid([Problem(json_path(location[:MAX_DEPTH]), too_deep())])
        if isinstance(value, dict):
            for key, item in value.items():
                problems += text_problems(key, location, "a key")
                stack.append((item, (*location, key)))
        elif isinstance(value, list):
            stack.extend((item, (*location, i)) for i, item in enumerate(value))
        else:
            problems += text_problems(value, location, "text")
    return sorted(problems, key=lambda problem: problem.path)


def text_problems(value: Any, location: tuple[str | int, ...], what: str) -> list[Problem]:
    if not isinstance(value, str):
        return []
    where = json_path(location)
    if "\x00" in value:
        return [Problem(where, f"{what} with a NUL character (\\u0000), which cannot be stored")]
    try:
        value.encode()
    except UnicodeEncodeError:
        return [Problem(where, f"{what} with a lone surrogate (\\ud800–\\udfff), not a character")]
    return []


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
    paths = [check(PathIn, item, ("paths", i)) for i, item in enumerate(document.paths)]
    warnings: list[Problem] = []
    # Slugs of entries with other problems still count as "in the file", so links to them are
    # not reported as broken too.
    raw_slugs = [
        item.get("slug") if isinstance(item, dict) and isinstance(item.get("slug"), str) else None
        for item in document.entries
    ]
    cross_check(sources, entries, raw_slugs, synonyms, problems, warnings)
    check_paths(paths, raw_slugs, problems)
    if problems:
        raise ImportInvalid(sorted(with_lines(problems, text), key=lambda p: p.line or 0))
    return Plan(
        sources=[s for s in sources if s],
        entries=[e for e in entries if e],
        synonyms=[s for s in synonyms if s],
        paths=[p for p in paths if p],
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
        if entry.kind != Kind.SITUATION:
            for name in SITUATION_ONLY:
                if getattr(entry, name):
                    problems.append(Problem(f"{at}.{name}", f"only situations have {name}"))
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
        for relation in ("basis", "see_also", "examples"):
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
                elif relation == "examples" and kinds[slug] not in (None, Kind.CASE):
                    problems.append(
                        Problem(where, f"{slug!r} is a {kinds[slug]}; an example is a case")
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


def check_paths(
    paths: list[PathIn | None], raw_slugs: list[str | None], problems: list[Problem]
) -> None:
    """Unique path slugs; each path lists entries of the file or the knowledge base, once."""
    _duplicates(paths, lambda p: p.slug, "paths", problems, "slug")
    known = {slug for slug in raw_slugs if slug} | set(Entry.objects.values_list("slug", flat=True))
    for i, path in enumerate(paths):
        if path is None:
            continue
        seen: dict[str, int] = {}
        for j, item in enumerate(path.entries):
            where = f"paths[{i}].entries[{j}].entry"
            if item.entry not in known:
                problems.append(
                    Problem(where, f"no entry {item.entry!r} in the file or the knowledge base")
                )
            elif item.entry in seen:
                problems.append(
                    Problem(
                        where,
                        f"entry {item.entry!r} is on this path twice "
                        f"(also entries[{seen[item.entry]}])",
                    )
                )
            seen.setdefault(item.entry, j)
