"""The JSON API's shapes: what its answers hold and which parameters its lists take."""

import re
from datetime import UTC, date, datetime, time
from typing import Annotated, Any, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import BeforeValidator, StringConstraints, WithJsonSchema

from kb.content.models import Entry, Kind, Source

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=1, max_length=100)]
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Far beyond any real offset, and within every database's integer range.
MAX_OFFSET = 1_000_000
# Tags a filter may combine: more would match nothing real, only cost time.
MAX_TAGS = 10


class Error(Schema):
    detail: str = Field(..., examples=["No published entry has this id or slug."])


class ValidationErrors(Schema):
    detail: list[dict[str, Any]] = Field(..., description="One item per bad parameter.")


NOT_FOUND = {404: Error, 422: ValidationErrors}


class TagOut(Schema):
    name: str
    slug: str
    url: str
    entry_count: int


class TagRef(Schema):
    name: str
    slug: str
    url: str

    @staticmethod
    def resolve_url(tag: Any) -> str:
        return tag.get_absolute_url()


class SourceRef(Schema):
    slug: str
    title: str
    url: str

    @staticmethod
    def resolve_url(source: Source) -> str:
        return source.get_absolute_url()


class CitationOut(Schema):
    """A place in a source that the entry's cited text rests on."""

    source: SourceRef
    place: str = Field(..., description="Where in the source, e.g. “commandment 5”; may be empty.")


class EntryRef(Schema):
    """Another entry, as links from an entry show it."""

    id: int
    kind: Kind
    title: str
    slug: str
    url: str
    short_url: str

    @staticmethod
    def resolve_url(entry: Entry) -> str:
        return entry.get_absolute_url()

    @staticmethod
    def resolve_short_url(entry: Entry) -> str:
        return entry.get_short_url()


class LinkedEntryOut(Schema):
    id: int
    kind: Kind
    title: str
    url: str

    @staticmethod
    def resolve_url(entry: Entry) -> str:
        return entry.get_absolute_url()


class LinkOut(Schema):
    relation: Literal["applies", "example", "see_also"] = Field(
        ...,
        description=(
            "`applies`: this principle or rule is why; `example`: this case shows it; "
            "`see_also`: related."
        ),
    )
    entry: LinkedEntryOut


class EntryOut(EntryRef):
    """An entry as lists show it."""

    number: int | None = Field(..., description="Rules only: “Rule no. 1”.")
    summary: str
    tags: list[TagRef]
    source: SourceRef | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_tags(entry: Entry) -> list:
        return list(entry.tags.all())


class StepOut(Schema):
    number: int = Field(..., description="1 for the first step, in the current order.")
    anchor: str = Field(..., description="Stays the same when steps are reordered or edited.")
    text: str = Field(..., description="Markdown.")
    text_html: str
    url: str
    short_url: str


class EntryDetailOut(EntryOut):
    """One entry with its text, steps and links."""

    body: str = Field(..., description="Markdown.")
    body_html: str
    lesson: str = Field(..., description="Cases only. Markdown.")
    lesson_html: str
    source_locator: str
    citations: list[CitationOut] = Field(
        ..., description="Every place the entry cites: `source` first, then any further places."
    )
    editor_note: str = Field(
        ..., description="The editors' own words, not any source's: shown apart. Markdown."
    )
    editor_note_html: str
    old_slugs: list[str] = Field(..., description="Earlier slugs; their URLs redirect here.")
    steps: list[StepOut]
    basis: list[EntryRef] = Field(..., description="The principles and rules behind it.")
    applied_in: list[EntryRef] = Field(..., description="Situations that rest on it.")
    see_also: list[EntryRef]
    example_of: list[EntryRef] = Field(..., description="Cases: the situations this case shows.")
    signals: list[str] = Field(..., description="Situations: how to recognise it, one per item.")
    say: list[str] = Field(..., description="Situations: phrases to use, without quotes.")
    avoid: list[str] = Field(..., description="Situations: what never to say or do.")
    escalation: str = Field(..., description="Situations: when and to whom to hand over.")
    links: list[LinkOut] = Field(
        ..., description="Published entries this one links to, with the relation, applies first."
    )

    @staticmethod
    def resolve_citations(entry: Entry) -> list[dict[str, Any]]:
        return [{"source": source, "place": place} for source, place in entry.all_citations()]

    @staticmethod
    def resolve_old_slugs(entry: Entry) -> list[str]:
        return entry.old_slugs()

    @staticmethod
    def resolve_steps(entry: Entry) -> list[dict[str, Any]]:
        url = entry.get_absolute_url()
        return [
            {
                "number": number,
                "anchor": step.anchor,
                "text": step.text,
                "text_html": step.text_html,
                "url": f"{url}#{step.anchor}",
                "short_url": step.get_short_url(),
            }
            for number, step in enumerate(entry.responses.all(), start=1)
        ]

    @staticmethod
    def resolve_basis(entry: Entry) -> list:
        return list(entry.basis.all())

    @staticmethod
    def resolve_applied_in(entry: Entry) -> list:
        return list(entry.applied_in.all())

    @staticmethod
    def resolve_see_also(entry: Entry) -> list:
        return list(entry.see_also.all())

    @staticmethod
    def resolve_example_of(entry: Entry) -> list:
        return list(entry.example_of.all())

    @staticmethod
    def resolve_signals(entry: Entry) -> list[str]:
        return entry.signal_items

    @staticmethod
    def resolve_say(entry: Entry) -> list[str]:
        return entry.say_items

    @staticmethod
    def resolve_avoid(entry: Entry) -> list[str]:
        return entry.avoid_items

    @staticmethod
    def resolve_links(entry: Entry) -> list[dict[str, Any]]:
        return [{"relation": relation, "entry": other} for relation, other in entry.typed_links()]


class EntryPage(Schema):
    count: int = Field(..., description="All the entries that match, on every page.")
    limit: int
    offset: int
    items: list[EntryOut]


DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DATE_TIME = re.compile(
    r"(?P<moment>\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2})(?P<fraction>\.\d+)?"
    r"(?P<zone>[Zz]|[+-]\d{2}:\d{2})"
)


def parse_moment(value: object) -> datetime:
    """An RFC 3339 date-time (with its offset), or a date (midnight on the site's clock), in UTC.

    A date-time without an offset is refused: it could mean any of 24 hours.
    """
    if isinstance(value, datetime):
        return value
    text = value if isinstance(value, str) else ""
    try:
        if DATE.fullmatch(text):
            moment = datetime.combine(
                date.fromisoformat(text), time.min, tzinfo=timezone.get_current_timezone()
            )
        elif match := DATE_TIME.fullmatch(text):
            # Python keeps microseconds: further digits of the fraction are dropped.
            fraction = (match["fraction"] or "")[:7]
            moment = datetime.fromisoformat(
                f"{match['moment']}{fraction}{match['zone']}".replace("z", "Z").replace("t", "T")
            )
        else:
            raise ValueError
    except ValueError:
        raise ValueError(
            "Expected a date-time with a time zone, such as 2025-05-01T09:30:00+03:00 or "
            "2025-05-01T06:30:00Z, or a date, such as 2025-05-01."
        ) from None
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        # Within hours of the calendar's ends: as early, or as late, as anything can be.
        return (datetime.min if moment.year == 1 else datetime.max).replace(tzinfo=UTC)


Moment = Annotated[
    datetime,
    BeforeValidator(parse_moment),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date-time"},
                {"type": "string", "format": "date"},
            ]
        }
    ),
]


class EntryFilters(Schema):
    kind: Kind | None = Field(None, description="Only entries of this kind.")
    tag: list[Slug] = Field(
        default_factory=list,
        max_length=MAX_TAGS,
        description=f"Tag slugs; repeat the parameter (at most {MAX_TAGS}): all must match.",
    )
    updated_since: Moment | None = Field(
        None,
        description=(
            "Only entries changed at or after this moment: an RFC 3339 date-time with its "
            "time zone, or a date (from midnight, the site's time)."
        ),
    )
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class SourceOut(Schema):
    slug: str
    title: str
    author: str
    address: str = Field(..., description="Where the article is published, if known.")
    published_on: date | None
    description: str
    url: str
    entry_count: int = Field(..., description="Published entries citing it.")

    @staticmethod
    def resolve_address(source: Source) -> str:
        return source.url

    @staticmethod
    def resolve_url(source: Source) -> str:
        return source.get_absolute_url()


class SourceDetailOut(SourceOut):
    entries: list[EntryRef]

    @staticmethod
    def resolve_entries(source: Source) -> list:
        return list(source.published_entries)
