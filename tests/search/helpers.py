"""Searching as staff do, through the API and the page."""

import re

from django.test import Client
from django.urls import reverse

from kb import search
from kb.content.models import Entry
from tests.factories import make_entry


def api(client: Client, **params: str) -> dict:
    response = client.get("/api/v1/search/", params)
    assert response.status_code == 200, response.content
    return response.json()


def api_titles(data: dict) -> list[str]:
    return [r["title"] for r in data["results"]]


def page_text(client: Client, **params: str) -> str:
    response = client.get(reverse("kb:search"), params)
    assert response.status_code == 200
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def indexed(*args, **kwargs) -> Entry:
    """An entry made by the factory and put in the search index at once."""
    entry = make_entry(*args, **kwargs)
    search.index_entries([entry.pk])
    return entry
