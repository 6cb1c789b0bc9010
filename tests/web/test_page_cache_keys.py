"""Cached pages are keyed by the parameters pages read (issue 22): a query string of unknown
parameters (`?utm=<random>`) neither stores a new page nor costs a new rendering."""

import secrets

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kb import search
from kb.content.models import Kind, Tag
from kb.web import api, pagekeys
from tests.factories import make_entry

pytestmark = pytest.mark.django_db


def stored_pages() -> list[str]:
    """The keys of whole pages in the cache (local memory or Redis)."""
    if hasattr(cache, "_cache") and isinstance(cache._cache, dict):
        keys = list(cache._cache)
    else:
        keys = [key.decode() for key in cache._cache.get_client().keys("*")]
    return [key for key in keys if ":pravila:page:" in key or ":pravila:readers:" in key]


@pytest.fixture
def entry():
    entry = make_entry(Kind.SITUATION, title="Клиент впал в истерику", tags=["истерика"])
    search.index_entries([entry.pk])
    return entry


@pytest.mark.parametrize("url", ["/", "/situations/", "/search/?q=истерика", "/api/v1/entries/"])
def test_unknown_parameters_store_no_new_page(client, entry, url):
    client.get(url)
    assert len(stored_pages()) == 1
    joiner = "&" if "?" in url else "?"
    for _ in range(30):
        response = client.get(f"{url}{joiner}utm_source={secrets.token_hex(8)}&x={_}")
        assert response.status_code == 200
    assert len(stored_pages()) == 1


def test_unknown_parameters_before_the_page_is_cached_store_nothing(client, entry):
    for _ in range(10):
        assert client.get(f"/?utm={secrets.token_hex(8)}").status_code == 200
    assert stored_pages() == []


def test_a_page_with_unknown_parameters_is_the_cached_page_and_costs_no_query(client, entry):
    first = client.get("/situations/")
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/situations/?utm_campaign=mail&fbclid=abc")
    assert len(queries) == 0
    assert again.content == first.content


def test_the_parameters_pages_read_still_make_pages_of_their_own(client, entry):
    make_entry(Kind.SITUATION, title="Клиент требует книгу жалоб", tags=["жалоба"])
    first, second = Tag.objects.order_by("name").values_list("slug", flat=True)
    found = client.get(f"/situations/?tag={first}").content.decode()
    other = client.get(f"/situations/?tag={second}").content.decode()
    assert found != other
    assert client.get("/search/?q=истерика").content != client.get("/search/?q=жалоба").content
    assert len(stored_pages()) == 4


def test_signed_in_readers_pages_ignore_unknown_parameters_too(settings, entry):
    settings.PRAVILA_LOGIN_REQUIRED = True
    reader = Client()
    reader.force_login(User.objects.create_user("reader"))
    reader.get("/situations/")
    for _ in range(10):
        assert reader.get(f"/situations/?utm={secrets.token_hex(8)}").status_code == 200
    assert len(stored_pages()) == 1


def test_every_parameter_of_the_api_is_one_pages_read():
    for schema in (api.EntryFilters, api.SearchFilters):
        assert set(schema.model_fields) <= pagekeys.PAGE_PARAMETERS
