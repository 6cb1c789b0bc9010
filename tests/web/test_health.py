"""`/healthz`: 200 when the database (and a shared cache) answer, 503 otherwise, no content."""

import pytest
from django.db import OperationalError
from django.test import override_settings

from kb.web import health

pytestmark = pytest.mark.django_db

UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        # Port 9 (discard) on this machine: nothing listens there, the connection is refused.
        "LOCATION": "redis://127.0.0.1:9/0",
    }
}


def test_healthy_is_200_with_no_content_and_never_cached(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b""
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_an_unreachable_database_is_503(client, monkeypatch):
    class BrokenConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", BrokenConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b""


def test_an_unreachable_shared_cache_is_503_and_pages_still_work(client):
    with override_settings(CACHES=UNREACHABLE_REDIS):
        assert client.get("/healthz").status_code == 503
        # The cache is an optimisation: pages are built without it.
        assert client.get("/").status_code == 200


def test_only_safe_methods(client):
    assert client.post("/healthz").status_code == 405
