"""The parts of a page every reader gets alike (`{% shared %}`, kb/web/templatetags/fragments.py)
are kept in the cache for the generations of what the page shows: an editor's page, a signed-in
reader's and one the page cache missed reuse them, nothing an editor alone sees leaks into
them, and an edit shows on the next request (issue 21)."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kb.content.models import Kind, Status
from tests.factories import make_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries():
    make_entry(Kind.RULE, title="Обещать меньше", number=1, tags=["обещания"])
    make_entry(Kind.CASE, title="Случай с банкетом", tags=["обещания"])
    make_entry(Kind.PRINCIPLE, title="Доверие")
    return make_entry(Kind.SITUATION, title="Клиент торопит", tags=["сроки", "обещания"])


PAGES = [
    reverse("kb:home"),
    reverse("kb:situation_list"),
    reverse("kb:tag_detail", args=["obeshaniya"]),
    reverse("kb:tag_list"),
]


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def fetch(client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), len(queries)


@pytest.mark.parametrize("url", PAGES)
def test_an_editors_page_reuses_the_shared_part_and_costs_fewer_queries(
    editor_client, entries, url
):
    first, first_queries = fetch(editor_client, url)
    response = editor_client.get(url)
    again, queries = fetch(editor_client, url)
    assert without_tokens(again) == without_tokens(first)
    # The cards and the cloud come from the cache: their templates are not rendered again.
    rendered = {template.name for template in response.templates}
    assert not rendered & {"includes/entry_card.html", "includes/tag_cloud.html"}
    assert queries <= first_queries
    assert "Клиент торопит" in again or "сроки" in again


def test_an_editors_tag_page_with_its_parts_cached_reads_little(editor_client, entries):
    """What is left to read once the cards and filters come from the cache: the session, the
    editor, the tag (404 unless published entries carry it), and what the list's query needs
    (the tag's id and how many entries carry it), nothing for the filters' counts."""
    url = reverse("kb:tag_detail", args=["obeshaniya"])
    fetch(editor_client, url)
    with CaptureQueriesContext(connection) as queries:
        assert editor_client.get(url).status_code == 200
    assert len(queries) <= 5, [q["sql"] for q in queries]


@pytest.mark.parametrize("url", PAGES)
def test_an_edit_shows_on_the_next_request_to_editors_and_readers(
    editor_client, client, entries, url
):
    fetch(editor_client, url)
    fetch(client, url)
    entries.title = "Клиент очень торопит"
    entries.save()
    entries.tags.add("новый тег")
    for who in (editor_client, client):
        html, _ = fetch(who, url)
        if url == reverse("kb:tag_list"):
            assert "новый тег" in html
        else:
            assert "Клиент очень торопит" in html
            assert "Клиент торопит<" not in html


def test_a_page_built_for_an_editor_shows_readers_nothing_of_the_editors(
    editor_client, client, entries
):
    draft = make_entry(Kind.SITUATION, title="Черновик о скидках", status=Status.DRAFT)
    for url in PAGES:
        editor_html, _ = fetch(editor_client, url)
        assert 'href="/admin/' in editor_html  # the editor's own links, outside the shared part
        html, _ = fetch(client, url)
        assert "/admin/" not in html
        assert draft.title not in html


def test_the_shared_part_follows_the_page_its_filters_and_its_language(client, entries):
    make_entry(Kind.SITUATION, title="Клиент молчит", tags=["сроки"])
    url = reverse("kb:situation_list")
    everything, _ = fetch(client, url)
    narrowed, _ = fetch(client, url + "?tag=obeshaniya")
    assert "Клиент молчит" in everything
    assert "Клиент молчит" not in narrowed
    english, _ = fetch(client, "/en" + url)
    assert "Situations" in english and "Ситуации</h1>" not in english


def test_pages_answer_while_the_cache_is_unreachable(client, entries, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("the cache is down")

    monkeypatch.setattr(cache, "get", unreachable)
    monkeypatch.setattr(cache, "set", unreachable)
    for url in PAGES:
        html, _ = fetch(client, url)
        assert "Клиент торопит" in html or "сроки" in html


def test_the_frame_is_made_once_per_language_and_follows_the_page(client, settings, monkeypatch):
    """The navigation, the search box's labels and the head's links are made once per process
    and language ({% frame %}); each page still marks its own section, in its own language."""
    import django.urls

    settings.PRAVILA_PAGE_CACHE_SECONDS = 0
    make_entry(Kind.RULE, title="Обещать меньше", number=1)
    reversed_urls: list[str] = []
    real = django.urls.reverse  # what {% url %} calls

    def counted(*args, **kwargs):
        reversed_urls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(django.urls, "reverse", counted)
    rules = reverse("kb:rule_list")
    first = client.get(rules).content.decode()
    made = len(reversed_urls)
    reversed_urls.clear()
    again = client.get(rules).content.decode()
    assert again == first
    assert len(reversed_urls) < made / 3, reversed_urls
    assert f'href="{rules}" aria-current="page"' in again
    situations = client.get(reverse("kb:situation_list")).content.decode()
    assert f'href="{reverse("kb:situation_list")}" aria-current="page"' in situations
    assert f'href="{rules}" aria-current="page"' not in situations
    english = client.get("/en" + rules).content.decode()
    assert ">Situations<" in english and ">Ситуации<" in situations


def test_a_page_and_its_shared_parts_resolve_its_address_once(client, entries, monkeypatch):
    """The page cache and the page's shared part both ask what a page the cache missed shows:
    it is kept on the request."""
    from kb.web import invalidation

    resolved: list[str] = []
    real = invalidation.scopes_at

    def counted(path: str) -> tuple[str, ...]:
        resolved.append(path)
        return real(path)

    monkeypatch.setattr(invalidation, "scopes_at", counted)
    url = reverse("kb:home")
    assert client.get(url).status_code == 200
    assert resolved == [url]
