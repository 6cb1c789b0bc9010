"""The read-only JSON API under /api/v1/, with its OpenAPI schema at /api/v1/openapi.json.

Published entries only, everywhere. URLs in responses are paths on the site that serves the
API (`/situations/klient-umer/`, `/e/12/`). Errors have one shape, `{"detail": ...}`: a
message for 404, the list of problems for 422 (bad parameters).
"""

import hashlib
import re
from datetime import UTC, date, datetime, time
from typing import Annotated, Any, ClassVar, Literal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, NinjaAPI, Path, Query, Schema, Swagger
from ninja.errors import HttpError
from ninja.renderers import JSONRenderer
from pydantic import BeforeValidator, StringConstraints, WithJsonSchema

from kb import caching, search
from kb.misslog.models import Source as SearchSource
from kb.misslog.services import record_search, result_url
from kb.models import Entry, Kind, Source, Status
from kb.paths.api import router as paths_router
from kb.views import clean_query, tag_cloud


class ReadableJSONRenderer(JSONRenderer):
    """JSON with Russian text as it is, not as \\u escapes."""

    json_dumps_params: ClassVar = {"ensure_ascii": False}


api = NinjaAPI(
    title="Pravila API",
    version="1",
    description=(
        "Read-only access to the published knowledge base. URLs in responses are paths on "
        'this site. Errors are `{"detail": ...}`: a message (404) or a list of problems '
        "(422)."
    ),
    urls_namespace="api",
    renderer=ReadableJSONRenderer(),
    # Swagger UI from our static files (ninja is an installed app); no online validator badge.
    docs=Swagger(settings={"validatorUrl": None}),
)
api.add_router("/paths/", paths_router)

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
    old_slugs: list[str] = Field(..., description="Earlier slugs; their URLs redirect here.")
    steps: list[StepOut]
    basis: list[EntryRef] = Field(..., description="The principles and rules behind it.")
    applied_in: list[EntryRef] = Field(..., description="Situations that rest on it.")
    see_also: list[EntryRef]
    example_of: list[EntryRef] = Field(..., description="Cases: the situations this case shows.")
    signals: list[str] = Field(..., description="Situations: how to recognise it, one per item.")
    say: list[str] = Field(..., description="Situations: phrases to use, without quotes.")
    avoid: list[str] = Field(..., description="Situations: phrases never to use.")
    escalation: str = Field(..., description="Situations: when and to whom to hand over.")
    links: list[LinkOut] = Field(
        ..., description="Published entries this one links to, with the relation, applies first."
    )

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


def entries_for_api() -> QuerySet[Entry]:
    return Entry.objects.published().for_listing()


@api.get(
    "/entries/",
    response={200: EntryPage, 422: ValidationErrors},
    summary="Published entries, most recently changed first",
)
def list_entries(request: HttpRequest, filters: Query[EntryFilters]) -> dict[str, Any]:
    entries = entries_for_api().of_kind(filters.kind).tagged_with_all(filters.tag)
    if filters.updated_since is not None:
        entries = entries.filter(updated_at__gte=filters.updated_since)
    page = entries.order_by("-updated_at", "-pk")[filters.offset : filters.offset + filters.limit]
    return {
        "count": entries.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": list(page),
    }


@api.get(
    "/entries/{id_or_slug}/",
    response={200: EntryDetailOut, **NOT_FOUND},
    summary="One published entry by id or slug (an old slug finds it too)",
)
def get_entry(
    request: HttpRequest,
    id_or_slug: Annotated[
        str,
        Path(
            ...,
            pattern=SLUG_PATTERN,
            max_length=100,
            description="An id or a slug.",
            example="klient-umer",
        ),
    ],
) -> Entry:
    entries = Entry.objects.published().for_page().prefetch_related("slugs")
    entry = None
    if id_or_slug.isdigit():
        entry = entries.filter(pk=int(id_or_slug)).first()
    if entry is None:
        entry = entries.known_as(id_or_slug).first()
    if entry is None:
        raise HttpError(404, "No published entry has this id or slug.")
    return entry


@api.get("/tags/", response=list[TagOut], summary="Tags with the number of published entries")
def list_tags(request: HttpRequest) -> list[dict]:
    return [
        {
            "name": tag.name,
            "slug": tag.slug,
            "url": tag.get_absolute_url(),
            "entry_count": tag.entry_count,
        }
        for tag in tag_cloud()
    ]


def sources_for_api() -> QuerySet[Source]:
    return Source.objects.annotate(
        entry_count=Count("entries", filter=Q(entries__status=Status.PUBLISHED))
    )


@api.get("/sources/", response=list[SourceOut], summary="The articles entries come from")
def list_sources(request: HttpRequest) -> QuerySet[Source]:
    return sources_for_api()


@api.get(
    "/sources/{slug}/",
    response={200: SourceDetailOut, **NOT_FOUND},
    summary="One source with its published entries",
)
def get_source(
    request: HttpRequest,
    slug: Annotated[
        str,
        Path(
            ...,
            pattern=SLUG_PATTERN,
            max_length=100,
            example="klientoorientirovannost",
        ),
    ],
) -> Source:
    source = (
        sources_for_api()
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=Entry.objects.published().order_by("kind", "title"),
                to_attr="published_entries",
            )
        )
        .filter(slug=slug)
        .first()
    )
    if source is None:
        raise HttpError(404, "No source has this slug.")
    return source


class SearchFilters(Schema):
    q: str = Field(
        "",
        description=(
            "What happened, in the staff member's words: any word form, typos and synonyms are "
            "understood. Any text is accepted; past 500 characters it is cut."
        ),
        examples=["клиент кричит"],
    )
    kind: Kind | None = Field(None, description="Only entries of this kind.")
    tag: list[Slug] = Field(
        default_factory=list,
        max_length=MAX_TAGS,
        description=f"Tag slugs; repeat the parameter (at most {MAX_TAGS}): all must match.",
    )
    page: int = Field(1, ge=1, le=1000)
    per_page: int = Field(10, ge=1, le=50)
    as_typed: bool = Field(
        False,
        description="Search the text as typed, never converted from the other keyboard layout.",
    )


class SearchHitOut(Schema):
    kind: Kind
    kind_label: str
    title: str
    url: str
    snippet: str = Field(..., description="HTML, escaped, with the matched words in <mark>.")
    score: float = Field(..., description="Higher is better; comparable within one response.")
    open_url: str = Field(
        ...,
        description=(
            "The entry through the miss log: following it instead of `url` tells editors which "
            "result of the search was useful. It redirects to `url`."
        ),
    )


class SearchOut(Schema):
    query: str = Field(..., description="The query as it was searched (cleaned up).")
    total: int
    total_is_estimate: bool = Field(
        ..., description="True when more entries match than were counted: `total` is a floor."
    )
    page: int
    per_page: int
    results: list[SearchHitOut]
    suggestion: str | None = Field(
        ..., description="The query with misspelt words corrected, when any were."
    )
    converted_query: str | None = Field(
        ...,
        description=(
            "The query as searched when it was typed in the wrong keyboard layout "
            "(«ghbynth» → «принтер»); repeat with `as_typed=true` to search it as typed."
        ),
    )
    ignored_words: list[str] = Field(
        ..., description="Words of the query that matched nothing and were left out."
    )
    understood_by_meaning: dict[str, list[str]] = Field(
        default_factory=dict,
        description=(
            "Words no entry holds, understood by meaning: each with the indexed words close to "
            "it that were searched instead («фуршет» → [«банкет»])."
        ),
    )
    closest_by_meaning: bool = Field(
        False,
        description=(
            "True when little of the query matched (only words most entries hold): the "
            "results are the entries closest in meaning, not matches."
        ),
    )


class SuggestionOut(Schema):
    kind: Kind
    kind_label: str
    title: str
    url: str


class SuggestOut(Schema):
    query: str
    converted_query: str | None = Field(
        None, description="The text as searched when it was typed in the wrong keyboard layout."
    )
    results: list[SuggestionOut]


def hit_out(hit: search.Hit, with_snippet: bool = True) -> dict[str, Any]:
    out = {"kind": hit.kind, "kind_label": hit.kind_label, "title": hit.title, "url": hit.url}
    if with_snippet:
        out.update(snippet=str(hit.snippet), score=hit.score)
    return out


@api.get(
    "/search/",
    response={200: SearchOut, 422: ValidationErrors},
    summary="Search published entries, best first",
)
def search_entries(request: HttpRequest, filters: Query[SearchFilters]) -> dict[str, Any]:
    query = clean_query(filters.q)
    results = search.search(
        query,
        kind=filters.kind,
        tags=tuple(dict.fromkeys(filters.tag)),
        page=filters.page,
        per_page=filters.per_page,
        as_typed=filters.as_typed,
    )
    # Entries offered only as closest by meaning are no match: the search counts as a miss.
    found = 0 if results.closest_by_meaning else results.total
    record = record_search(query, found, SearchSource.API)
    if record:
        # The page cache logs the search again on every hit of this answer (kb/caching.py).
        request.logged_search = (query, found, record, SearchSource.API)
    return {
        "query": results.query,
        "total": results.total,
        "total_is_estimate": results.total_is_estimate,
        "page": results.page,
        "per_page": results.per_page,
        "results": [{**hit_out(hit), "open_url": result_url(hit, record)} for hit in results.hits],
        "suggestion": results.suggestion,
        "converted_query": results.converted_query,
        "ignored_words": results.ignored_words,
        "understood_by_meaning": results.by_meaning,
        "closest_by_meaning": results.closest_by_meaning,
    }


@api.get(
    "/suggest/",
    response={200: SuggestOut, 422: ValidationErrors},
    summary="Suggestions while typing: the last word may be unfinished",
)
def suggest_entries(
    request: HttpRequest,
    q: Annotated[str, Query(description="The text typed so far.", examples=["сотруд"])] = "",
) -> dict[str, Any]:
    text = clean_query(q) + (" " if q[-1:].isspace() else "")

    def suggestions() -> dict[str, Any]:
        results = search.suggest(text)
        return {
            "query": results.query,
            "converted_query": results.converted_query,
            "results": [hit_out(hit, with_snippet=False) for hit in results.hits],
        }

    # Asked at every key press, by every reader alike (published entries only): cached.
    return caching.cached("suggest:" + hashlib.sha256(text.encode()).hexdigest(), suggestions)
