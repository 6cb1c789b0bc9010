"""Drafts for editors' searches. Drafts are never indexed (the index is what staff, the API and
suggestions search), so an editor's search looks through them directly: they are few."""

from kb.content.models import Entry, Status
from kb.search.russian import stems

MAX_DRAFTS = 20


def entry_text(entry: Entry) -> str:
    steps = [step.text for step in entry.responses.all()]
    parts = [entry.title, entry.summary, entry.body, entry.lesson, entry.signals, entry.say]
    return " ".join([*parts, entry.avoid, entry.escalation, *steps])


def drafts_matching(
    text: str, *, kind: str | None = None, tags: tuple[str, ...] = ()
) -> list[Entry]:
    """Drafts that have every word of `text` in some form (by stem), newest first."""
    wanted = set(stems(text))
    if not wanted:
        return []
    candidates = (
        Entry.objects.filter(status=Status.DRAFT)
        .of_kind(kind)
        .tagged_with_all(list(tags))
        .prefetch_related("responses")
        .order_by("-updated_at")
    )
    found = [entry for entry in candidates if wanted <= set(stems(entry_text(entry)))]
    return found[:MAX_DRAFTS]
