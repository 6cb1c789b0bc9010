import pytest

from kb.models import Status
from tests.factories import make_entry

pytestmark = pytest.mark.django_db


def test_tags_endpoint_counts_published_entries(client):
    make_entry(tags=["сроки", "ошибки"])
    make_entry(tags=["сроки"], status=Status.DRAFT)
    response = client.get("/api/v1/tags/")
    assert response.status_code == 200
    assert response.json() == [
        {"name": "ошибки", "slug": "oshibki", "url": "/tags/oshibki/", "entry_count": 1},
        {"name": "сроки", "slug": "sroki", "url": "/tags/sroki/", "entry_count": 1},
    ]


def test_openapi_schema_is_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Pravila API"
    assert "/api/v1/tags/" in schema["paths"]
