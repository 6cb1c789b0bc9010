"""Entry history made readable: each snapshot as text per field, and the word-level diff the
admin's history pages and the "what changed since you read it" notes show."""

import datetime
import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kb.content.history import EntrySnapshot
from kb.content.models import Entry, Kind, Source, Status

FIELD_LABELS = {
    "kind": gettext_lazy("Kind"),
    "title": gettext_lazy("Title"),
    "slug": gettext_lazy("Slug"),
    "number": gettext_lazy("Number"),
    "summary": gettext_lazy("Summary"),
    "body": gettext_lazy("Text"),
    "lesson": gettext_lazy("Lesson"),
    "steps": gettext_lazy("Response steps"),
    "tags": gettext_lazy("Tags"),
    "basis": gettext_lazy("Principles and rules behind it"),
    "see_also": gettext_lazy("See also"),
    "examples": gettext_lazy("Cases that show it"),
    "signals": gettext_lazy("How to recognise it"),
    "say": gettext_lazy("Phrases to use"),
    "avoid": gettext_lazy("What to avoid"),
    "escalation": gettext_lazy("When to hand over"),
    "search_phrases": gettext_lazy("Search phrases"),
    "editor_note": gettext_lazy("Editors' note"),
    "status": gettext_lazy("Status"),
    "source_id": gettext_lazy("Source"),
    "source_locator": gettext_lazy("Place in the source"),
    "citations": gettext_lazy("Further citations"),
    "owner_id": gettext_lazy("Owner"),
    "reviewed_on": gettext_lazy("Reviewed on"),
    "review_by": gettext_lazy("Review by"),
}
DIFF_ORDER = (
    "title",
    "kind",
    "number",
    "slug",
    "summary",
    "body",
    "lesson",
    "editor_note",
    "steps",
    "signals",
    "say",
    "avoid",
    "escalation",
    "search_phrases",
    "tags",
    "basis",
    "examples",
    "see_also",
    "status",
    "source_id",
    "source_locator",
    "citations",
    "owner_id",
    "reviewed_on",
    "review_by",
)


def readable(snapshots: Iterable[EntrySnapshot]) -> list[dict[str, str]]:
    """Each snapshot as text per field, with ids turned into titles and names."""
    snapshots = list(snapshots)
    entry_ids = {pk for s in snapshots for pk in (*s.basis, *s.see_also, *s.examples)}
    entries = {e.pk: str(e) for e in Entry.objects.filter(pk__in=entry_ids)}
    source_ids = {s.fields.get("source_id") for s in snapshots} | {
        source_id for s in snapshots for source_id, _place in s.citations
    }
    source_ids -= {None}
    sources = dict(Source.objects.filter(pk__in=source_ids).values_list("pk", "title"))
    owner_ids = {s.fields.get("owner_id") for s in snapshots} - {None}
    owners = {u.pk: u.get_username() for u in get_user_model().objects.filter(pk__in=owner_ids)}

    def entry_list(ids: tuple[int, ...]) -> str:
        gone = _("(deleted)")
        return "\n".join(entries.get(pk, f"#{pk} {gone}") for pk in ids)

    def choice(enum: type, value: Any) -> str:
        return str(enum(value).label) if value in enum.values else str(value or "")

    result = []
    for s in snapshots:
        f = s.fields
        result.append(
            {
                "title": f.get("title") or "",
                "kind": choice(Kind, f.get("kind")),
                "number": "" if f.get("number") is None else str(f["number"]),
                "slug": f.get("slug") or "",
                "summary": f.get("summary") or "",
                "body": f.get("body") or "",
                "lesson": f.get("lesson") or "",
                "editor_note": f.get("editor_note") or "",
                "steps": "\n\n".join(
                    f"{n}. {text}  [#{anchor}]" for n, (anchor, text) in enumerate(s.steps, 1)
                ),
                "tags": ", ".join(s.tags),
                "basis": entry_list(s.basis),
                "see_also": entry_list(s.see_also),
                "examples": entry_list(s.examples),
                "signals": f.get("signals") or "",
                "say": f.get("say") or "",
                "avoid": f.get("avoid") or "",
                "escalation": f.get("escalation") or "",
                "search_phrases": f.get("search_phrases") or "",
                "status": choice(Status, f.get("status")),
                "source_id": sources.get(f.get("source_id"), "") if f.get("source_id") else "",
                "source_locator": f.get("source_locator") or "",
                "citations": "\n".join(
                    ", ".join(filter(None, (sources.get(source_id, _("(deleted)")), place)))
                    for source_id, place in s.citations
                ),
                "owner_id": owners.get(f.get("owner_id"), "") if f.get("owner_id") else "",
                "reviewed_on": format_date(f.get("reviewed_on")),
                "review_by": format_date(f.get("review_by")),
            }
        )
    return result


def format_date(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


def diff_html(old: str, new: str) -> SafeString:
    """`new` with words removed since `old` in <del> and words added in <ins>, all escaped."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(parts))  # every piece of text above went through escape()


def compare(old: EntrySnapshot | None, new: EntrySnapshot) -> list[dict[str, Any]]:
    """Rows for a diff table: label, whether it changed, and the marked-up text."""
    old_text, new_text = readable([old, new]) if old is not None else [None, readable([new])[0]]
    return diff_rows(old_text, new_text, DIFF_ORDER, FIELD_LABELS)


def diff_rows(
    old_text: Mapping[str, str] | None,
    new_text: Mapping[str, str],
    names: Iterable[str],
    labels: Mapping[str, Any],
) -> list[dict[str, Any]]:
    """One row per field with text on either side, in the order of `names` (reading paths'
    history shows its diffs in the same rows)."""
    rows = []
    for name in names:
        before = old_text[name] if old_text is not None else ""
        after = new_text[name]
        if before or after:
            rows.append(
                {
                    "name": name,
                    "label": labels[name],
                    "changed": before != after,
                    "html": diff_html(before, after),
                }
            )
    return rows
