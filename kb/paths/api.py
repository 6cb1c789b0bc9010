"""/api/v1/paths/: published reading paths with their published entries in order.

Read marks are personal and never appear in the API.
"""

from datetime import datetime
from typing import Annotated, Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja import Path as PathParam
from ninja.errors import HttpError

from kb.content.models import Entry, Kind, Status
from kb.paths.models import Path, PathEntry

router = Router(tags=["paths"])

# Within every database's integer range, so no id can overflow a query.
MAX_ID = 2_147_483_647


class PathError(Schema):
    detail: str = Field(..., examples=["No published path has this id."])


class PathValidationErrors(Schema):
    detail: list[dict[str, Any]] = Field(..., description="One item per bad parameter.")


class PathOut(Schema):
    id: int
    title: str
    slug: str
    url: str
    short_url: str
    intro: str
    entry_count: int = Field(..., description="Published entries on the path.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_url(path: Path) -> str:
        return path.get_absolute_url()

    @staticmethod
    def resolve_short_url(path: Path) -> str:
        return path.get_short_url()


class PathStepOut(Schema):
    """One entry of a path, in its place."""

    number: int = Field(..., description="1 for the first entry, in the path's order.")
    note: str = Field(..., description="The lead's note to the reader; may be empty.")
    id: int = Field(..., description="The entry's id.")
    kind: Kind
    title: str
    slug: str
    url: str = Field(..., description="The entry's page, read along the path.")
    short_url: str


class PathDetailOut(PathOut):
    entries: list[PathStepOut]

    @staticmethod
    def resolve_entries(path: Path) -> list[dict[str, Any]]:
        return [
            {
                "number": number,
                "note": item.note,
                "id": item.entry.pk,
                "kind": item.entry.kind,
                "title": item.entry.title,
                "slug": item.entry.slug,
                "url": item.get_absolute_url(),
                "short_url": item.entry.get_short_url(),
            }
            for number, item in enumerate(path.published_items, start=1)
        ]


def paths_for_api() -> QuerySet[Path]:
    return Path.objects.published().annotate(
        entry_count=Count("items", filter=Q(items__entry__status=Status.PUBLISHED))
    )


@router.get("/", response=list[PathOut], summary="Published reading paths")
def list_paths(request: HttpRequest) -> QuerySet[Path]:
    return paths_for_api()


@router.get(
    "/{id}/",
    response={200: PathDetailOut, 404: PathError, 422: PathValidationErrors},
    summary="One published reading path with its entries in order",
)
def get_path(
    request: HttpRequest,
    id: Annotated[int, PathParam(..., ge=1, le=MAX_ID, description="The path's id.", example=1)],
) -> Path:
    path = (
        paths_for_api()
        .prefetch_related(
            Prefetch(
                "items",
                queryset=PathEntry.objects.filter(entry__in=Entry.objects.published())
                .select_related("entry", "path")
                .order_by("position", "id"),
                to_attr="published_items",
            )
        )
        .filter(pk=id)
        .first()
    )
    if path is None:
        raise HttpError(404, "No published path has this id.")
    return path
