"""Searches are kept in the cache for the search index's generation (kb/web/search_cache.py):
an editor's search page, the API and a search page the page cache missed reuse them, and an
edit that changes what a search finds shows on the next request (issue 21)."""

import pytest

from kb.content.models import Kind, Response, SearchDocument, Status
from kb.search import engine
from kb.web import search_page
from tests.factories import make_entry
from tests.helpers import change_url, open_form
from tests.search.helpers import api, api_titles, indexed, page_text

pytestmark = pytest.mark.django_db


def counted_calls(monkeypatch, module, name: str) -> list:
    """The calls of `module.name` from now on, each still made."""
    calls = []
    real = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


@pytest.fixture
def searches(monkeypatch):
    """How many searches reached the engine."""
    return counted_calls(monkeypatch, engine, "search")


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


@pytest.fixture
def draft_searches(monkeypatch):
    """How many searches through the drafts ran."""
    return counted_calls(monkeypatch, search_page, "drafts_matching")


def test_editors_drafts_follow_every_edit_of_a_draft_at_once(
    editor_client, entries, draft_searches
):
    draft = make_entry(Kind.SITUATION, title="Черновик про скидку", status=Status.DRAFT)
    assert "Черновик про скидку" in page_text(editor_client, q="скидка")
    assert "Черновик про скидку" in page_text(editor_client, q="скидка")
    assert len(draft_searches) == 1  # the same for every editor until a draft changes
    # Through the admin form: its title, then a step.
    data = open_form(editor_client, draft)
    data["title"] = "Черновик про рассрочку"
    assert editor_client.post(change_url(draft), data).status_code == 302
    assert "Черновик про рассрочку" not in page_text(editor_client, q="скидка")
    assert "Черновик про рассрочку" in page_text(editor_client, q="рассрочка")
    Response.objects.create(situation=draft, position=1, text="Предложите график платежей.")
    assert "Черновик про рассрочку" in page_text(editor_client, q="график платежей")
    draft.tags.add("деньги")
    assert "Черновик про рассрочку" in page_text(editor_client, q="рассрочка", tag="dengi")
    draft.delete()
    assert "Черновик про рассрочку" not in page_text(editor_client, q="рассрочка")


def test_a_published_draft_leaves_the_drafts_and_joins_the_search(editor_client, entries):
    draft = make_entry(Kind.SITUATION, title="Черновик про скидку", status=Status.DRAFT)
    assert 'class="draft-mark"' in editor_client.get("/search/", {"q": "скидка"}).content.decode()
    data = open_form(editor_client, draft)
    data["status"] = Status.PUBLISHED
    assert editor_client.post(change_url(draft), data).status_code == 302
    text = page_text(editor_client, q="скидка")
    assert "Черновик про скидку" in text
    html = editor_client.get("/search/", {"q": "скидка"}).content.decode()
    assert 'class="draft-mark"' not in html
