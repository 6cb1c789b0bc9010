"""Drafts for editors' searches. Drafts are never indexed (the index is what staff, the API and
suggestions search), so an editor's search looks through them directly."""

from collections import defaultdict

from kb.content.models import Entry, Response, Status
from kb.search.russian import stems

MAX_DRAFTS = 20
TEXT_FIELDS = ("title", "summary", "body", "lesson", "signals", "say", "avoid", "escalation")

# The stems of each draft's text, by a digest of the text: stemming is what costs (seconds for
# a thousand drafts), so a search stems only the drafts whose text changed since the last.
_stems: dict[int, tuple[int, frozenset[str]]] = {}


def draft_stems(texts: dict[int, str]) -> dict[int, frozenset[str]]:
    """The stems of each draft's text, from the process's memory where the text is unchanged."""
    found = {}
    for pk, text in texts.items():
        digest = hash(text)  # this process's own memory: Python's string hash will do
        known = _stems.get(pk)
        if known is None or known[0] != digest:
            known = _stems[pk] = (digest, frozenset(stems(text)))
        found[pk] = known[1]
    if len(_stems) > 2 * len(texts) + 100:  # drafts published or deleted since
        for pk in set(_stems) - set(texts):
            _stems.pop(pk, None)
    return found


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
        .order_by("-updated_at", "-pk")
    )
    rows = list(candidates.values_list("pk", *TEXT_FIELDS))
    steps = defaultdict(list)
    for situation_id, step in Response.objects.filter(
        situation__in=candidates.values("pk")
    ).values_list("situation_id", "text"):
        steps[situation_id].append(step)
    texts = {pk: " ".join([*fields, *steps[pk]]) for pk, *fields in rows}
    matching = [pk for pk, found in draft_stems(texts).items() if wanted <= found][:MAX_DRAFTS]
    shown = Entry.objects.in_bulk(matching)
    return [shown[pk] for pk in matching]
