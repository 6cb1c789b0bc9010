"""The read-only JSON API under /api/v1/, with its OpenAPI schema at /api/v1/openapi.json."""

from django.http import HttpRequest
from ninja import NinjaAPI, Schema

from kb.views import tag_cloud

api = NinjaAPI(
    title="Pravila API",
    version="1",
    description="Read-only access to the published knowledge base.",
    urls_namespace="api",
)


class TagOut(Schema):
    name: str
    slug: str
    url: str
    entry_count: int


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
