"""Generated entries for measuring at size: N entries brought in through the export/import
format (kb/transfer), as a real knowledge base of that size would be.

Entries are made from the words of the content already there (the seed), deterministically, so
that search, tags and lists have realistic work; every other one carries the most used tag, so
the biggest tag grows with N as it would in a real knowledge base.
"""

import json
import random
import re
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils.html import escape

from kb import search
from kb.content.models import Entry, Kind, Response, Status, Tag, TagCount, TaggedEntry
from kb.tools.transfer import import_knowledge_base
from kb.tools.transfer.schema import FORMAT, FORMAT_VERSION

PREFIX = "gen-"
CHUNK = 2000
# Mostly situations and cases, as a growing knowledge base is; a few rules and principles.
KINDS = [Kind.SITUATION] * 12 + [Kind.CASE] * 6 + [Kind.RULE, Kind.PRINCIPLE]
GENERATED_TAGS = 40
WORD = re.compile(r"[а-яё]{4,}")


def vocabulary() -> list[str]:
    """Russian words of the entries already there (or a few fixed ones on an empty base)."""
    words: set[str] = set()
    for summary, body in Entry.objects.values_list("summary", "body")[:500]:
        words.update(WORD.findall(f"{summary} {body}".lower()))
    return sorted(words) or ["клиент", "звонок", "ответ", "договор", "оплата", "жалоба"]


def biggest_tag() -> str | None:
    tag = Tag.objects.annotate(n=Count("tagged_entries")).order_by("-n", "slug").first()
    return tag.name if tag else None


def generated_entries(
    start: int, stop: int, words: list[str], common_tag: str | None
) -> Iterator[dict[str, Any]]:
    """Entry records of the export format, numbered `start` to `stop - 1`."""
    for number in range(start, stop):
        rng = random.Random(number)
        kind = KINDS[number % len(KINDS)]
        title = " ".join(rng.sample(words, min(4, len(words)))).capitalize()
        sentence = " ".join(rng.choices(words, k=18)).capitalize() + "."
        tags = [f"набор {number % GENERATED_TAGS + 1}"]
        if common_tag and number % 2 == 0:
            tags.append(common_tag)
        record: dict[str, Any] = {
            "kind": kind,
            "slug": f"{PREFIX}{number}",
            "title": f"{title} {number}",
            "summary": sentence[:300],
            "body": "\n\n".join(
                " ".join(rng.choices(words, k=40)).capitalize() + "." for _ in range(3)
            ),
            "status": "published" if number % 10 else "draft",
            "tags": tags,
            "views": rng.randrange(0, 500),
        }
        if kind == Kind.SITUATION:
            record["signals"] = [" ".join(rng.choices(words, k=5)) for _ in range(3)]
            record["say"] = [" ".join(rng.choices(words, k=8)).capitalize() for _ in range(2)]
            record["steps"] = [
                {"text": " ".join(rng.choices(words, k=15)).capitalize() + "."} for _ in range(3)
            ]
        if kind == Kind.CASE:
            record["lesson"] = " ".join(rng.choices(words, k=20)).capitalize() + "."
        yield record


def generated_count() -> int:
    return Entry.objects.filter(slug__startswith=PREFIX).count()


def build_entries(total: int, *, chunk: int = CHUNK, progress: Any = None) -> int:
    """Make the knowledge base hold `total` generated entries (adding those missing, through
    `import_knowledge_base`, `chunk` at a time); the number added."""
    have = generated_count()
    if have >= total:
        return 0
    words, common_tag = vocabulary(), biggest_tag()
    for start in range(have, total, chunk):
        stop = min(start + chunk, total)
        document = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "entries": list(generated_entries(start, stop, words, common_tag)),
        }
        import_knowledge_base(text=json.dumps(document, ensure_ascii=False), label="bench")
        if progress:
            progress(f"generated entries: {stop} of {total}")
    return total - have


def paragraphs(text: str) -> str:
    """What the Markdown of generated text (plain paragraphs of words) renders to, without
    the renderer, which costs more than the rest of a bulk write."""
    return "\n".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n") if p)


def bulk_entries(total: int, *, chunk: int = 5000, progress: Any = None) -> int:
    """Like `build_entries`, the same records, but written in bulk (no import, no signals) and
    the search index rebuilt once at the end: 100,000 entries through the import take hours on
    this machine, in bulk minutes. For sizes where how the entries came in does not matter."""
    have = generated_count()
    if have >= total:
        return 0
    words, common_tag = vocabulary(), biggest_tag()
    tags: dict[str, Tag] = {t.name: t for t in Tag.objects.all()}
    for start in range(have, total, chunk):
        records = list(generated_entries(start, min(start + chunk, total), words, common_tag))
        with transaction.atomic():
            for name in {n for r in records for n in r["tags"]} - set(tags):
                tags[name] = Tag.objects.create(name=name)
            entries = Entry.objects.bulk_create(
                [
                    Entry(
                        kind=r["kind"],
                        slug=r["slug"],
                        title=r["title"],
                        summary=r["summary"],
                        body=r["body"],
                        body_html=paragraphs(r["body"]),
                        lesson=r.get("lesson", ""),
                        lesson_html=paragraphs(r.get("lesson", "")),
                        status=Status.PUBLISHED if r["status"] == "published" else Status.DRAFT,
                        view_count=r["views"],
                        signals="\n".join(r.get("signals", [])),
                        say="\n".join(r.get("say", [])),
                    )
                    for r in records
                ],
                batch_size=1000,
            )
            Response.objects.bulk_create(
                [
                    Response(
                        situation=e,
                        position=i,
                        anchor=f"step-{i}",
                        text=step["text"],
                        text_html=paragraphs(step["text"]),
                    )
                    for e, r in zip(entries, records, strict=True)
                    for i, step in enumerate(r.get("steps", []), start=1)
                ],
                batch_size=2000,
            )
            TaggedEntry.objects.bulk_create(
                [
                    TaggedEntry(content_object=e, tag=tags[name])
                    for e, r in zip(entries, records, strict=True)
                    for name in r["tags"]
                ],
                batch_size=2000,
            )
        if progress:
            progress(f"generated entries (in bulk): {start + len(records)} of {total}")
    # bulk_create sends no signal: the stored tag counts are made right once, here.
    TagCount.objects.recount_all()
    search.rebuild_index()
    return total - have
