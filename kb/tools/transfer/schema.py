"""The shape of an exported file, as pydantic models that validate an import."""

import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
)

from kb.content.models import ITEM_MAX_LENGTH, SLUG_MAX_LENGTH, Entry, Response, Source
from kb.paths.models import Path, PathEntry

FORMAT = "pravila-knowledge-base"
FORMAT_VERSION = 1
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"


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


def _one_line(value: str) -> str:
    if not value.strip():
        raise ValueError("should not be blank")
    if len(value.splitlines()) != 1:
        raise ValueError("should be one line: each signal or phrase is an item of its own")
    return value


# One signal or phrase: the knowledge base keeps them one per line.
Item = Annotated[
    StrictStr, Field(min_length=1, max_length=ITEM_MAX_LENGTH), AfterValidator(_one_line)
]


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
    examples: list[Slug] = []
    signals: list[Item] = []
    say: list[Item] = []
    avoid: list[Item] = []
    escalation: Annotated[StrictStr, Field(max_length=_max(Entry, "escalation"))] = ""
    search_phrases: list[Item] = []
    steps: list[StepIn] = []
    created_at: Moment = None
    updated_at: Moment = None
    views: Annotated[StrictInt, Field(ge=0)] = 0
    seed: SeedIn | None = None


class PathItemIn(Strict):
    entry: Slug
    note: Annotated[StrictStr, Field(max_length=_max(PathEntry, "note"))] = ""


class PathIn(Strict):
    slug: Slug
    title: Annotated[StrictStr, Field(min_length=1, max_length=_max(Path, "title"))]
    intro: Annotated[StrictStr, Field(max_length=_max(Path, "intro"))] = ""
    status: Literal["draft", "published"] = "draft"
    entries: list[PathItemIn] = []
    created_at: Moment = None
    updated_at: Moment = None


class DocumentIn(Strict):
    format: Literal["pravila-knowledge-base"]
    version: Literal[1]
    exported_at: StrictStr | None = None
    sources: list[Any] = []
    entries: list[Any] = []
    synonyms: list[Any] = []
    # Reading paths came later; files without them import as before.
    paths: list[Any] = []


Synonyms = Annotated[StrictStr, Field(min_length=1)]
