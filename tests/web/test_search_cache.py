"""Searches are kept in the cache for the search index's generation (kb/web/search_cache.py):
an editor's search page, the API and a search page the page cache missed reuse them, and an
edit that changes what a search finds shows on the next request (issue 21)."""

import pytest

from kb.content.models import Kind, SearchDocument, Status
from kb.search import engine
from tests.factories import make_entry
from tests.helpers import change_url, open_form
from tests.search.helpers import api, api_titles, indexed, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def searches(monkeypatch):
    """How many searches reached the engine."""
    calls = []
    real = engine.search

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "search", counted)
    return calls


@pytest.fixture
def entries():
    indexed(Kind.SITUATION, title="Клиент требует скидку", summary="Что ответить о скидке.")
    indexed(Kind.RULE, title="Скидка не подарок", number=1, summary="Когда давать скидку.")


def test_the_same_search_reaches_the_engine_once_for_editors_and_the_api(
    editor_client, client, entries, searches
):
    first = page_text(editor_client, q="скидка")
    assert page_text(editor_client, q="скидка") == first
    assert "Клиент требует скидку" in first
    assert len(searches) == 1
    assert api_titles(api(client, q="скидка"))  # the API asks with its own page size
    assert api_titles(api(client, q="скидка")) == api_titles(api(editor_client, q="скидка"))
    assert len(searches) == 2


def test_other_filters_and_pages_are_other_searches(editor_client, entries, searches):
    page_text(editor_client, q="скидка")
    assert "Клиент требует скидку" not in page_text(editor_client, q="скидка", kind=Kind.RULE)
    page_text(editor_client, q="скидка", page="2")
    assert len(searches) == 3


def test_an_edit_shows_in_the_next_search_for_everyone(editor_client, client, entries):
    assert "Клиент требует скидку" in api_titles(api(client, q="скидка"))
    page_text(editor_client, q="скидка")
    situation = SearchDocument.objects.get(title="Клиент требует скидку").entry
    data = open_form(editor_client, situation)
    data["title"] = "Клиент просит скидку побольше"
    assert editor_client.post(change_url(situation), data).status_code == 302
    assert "Клиент просит скидку побольше" in api_titles(api(client, q="скидка"))
    assert "Клиент просит скидку побольше" in page_text(editor_client, q="скидка")
    assert "Клиент требует скидку" not in page_text(editor_client, q="скидка")


def test_drafts_stay_the_editors_and_out_of_the_shared_search(editor_client, client, entries):
    make_entry(Kind.SITUATION, title="Черновик про скидку", status=Status.DRAFT)
    assert "Черновик про скидку" in page_text(editor_client, q="скидка")
    assert "Черновик про скидку" not in page_text(client, q="скидка")
    assert "Черновик про скидку" not in api_titles(api(client, q="скидка"))
