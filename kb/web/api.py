"""The read-only JSON API under /api/v1/, with its OpenAPI schema at /api/v1/openapi.json.

Published entries only, everywhere. URLs in responses are paths on the site that serves the
API (`/situations/klient-umer/`, `/e/12/`). Errors have one shape, `{"detail": ...}`: a
message for 404, the list of problems for 422 (bad parameters).
"""

from typing import Annotated, Any, ClassVar

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest
from ninja import Field, NinjaAPI, Path, Query, Schema, Swagger
from ninja.errors import HttpError
from ninja.renderers import JSONRenderer

from kb import search
from kb.content.models import Entry, Kind, Source, Status, Tag
from kb.core.cache import CONTENT, SEARCH, cached_answer
from kb.misslog.models import Source as SearchSource
from kb.misslog.services import record_search, result_url
from kb.paths.api import router as paths_router
from kb.search.query import clean_query
from kb.web.api_schemas import (
    MAX_OFFSET,
    MAX_TAGS,
    NOT_FOUND,
    SLUG_PATTERN,
    EntryDetailOut,
    EntryFilters,
    EntryPage,
    Slug,
    SourceDetailOut,
    SourceOut,
    TagOut,
    ValidationErrors,
)
from kb.web.search_cache import shared_search


class ReadableJSONRenderer(JSONRenderer):
    """JSON with Russian text as it is, not as \\u escapes."""

    json_dumps_params: ClassVar = {"ensure_ascii": False}


class PravilaAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        # Operation ids are part of the published schema (client generators name methods by
        # them): kept as they were before the code moved into layers (kb_api_list_entries).
        module = operation.view_func.__module__.replace("kb.web.", "kb.", 1)
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")


api = PravilaAPI(
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


# Tags and sources grow with the knowledge base too: their lists come a window at a time.
MAX_LIST_SIZE = 500


class ListWindow(Schema):
    limit: int = Field(
        MAX_LIST_SIZE, ge=1, le=MAX_LIST_SIZE, description="At most this many (and at most 500)."
    )
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Skip this many first.")


@api.get(
    "/tags/",
    response={200: list[TagOut], 422: ValidationErrors},
    summary="Tags with the number of published entries, by name",
)
def list_tags(request: HttpRequest, window: Query[ListWindow]) -> list[dict]:
    return [
        {
            "name": tag.name,
            "slug": tag.slug,
            "url": tag.get_absolute_url(),
            "entry_count": tag.entry_count,
        }
        for tag in Tag.objects.cloud()[window.offset : window.offset + window.limit]
    ]


def sources_for_api() -> QuerySet[Source]:
    return Source.objects.annotate(
        entry_count=Count("entries", filter=Q(entries__status=Status.PUBLISHED))
    )


@api.get(
    "/sources/",
    response={200: list[SourceOut], 422: ValidationErrors},
    summary="The articles entries come from",
)
def list_sources(request: HttpRequest, window: Query[ListWindow]) -> QuerySet[Source]:
    return sources_for_api().order_by("title", "pk")[window.offset : window.offset + window.limit]


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
    by_meaning: bool = Field(
        False,
        description=(
            "True when the entry holds no word of the query and is offered because it is close "
            "to the query in meaning (labelled so on the search page)."
        ),
    )
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
        out.update(snippet=str(hit.snippet), score=hit.score, by_meaning=hit.by_meaning)
    return out


@api.get(
    "/search/",
    response={200: SearchOut, 422: ValidationErrors},
    summary="Search published entries, best first",
)
def search_entries(request: HttpRequest, filters: Query[SearchFilters]) -> dict[str, Any]:
    query = clean_query(filters.q)
    results = shared_search(
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
        # The page cache logs the search again on every hit of this answer (kb/web/page_cache.py).
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
    return cached_answer("suggest", text, suggestions, scopes=(CONTENT, SEARCH))
