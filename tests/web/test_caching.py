"""Caching: anonymous pages are cacheable and cached, and every edit shows on the next request.

Run on local memory and, in CI, on Redis (CACHE_URL): see .ci/run.
"""

import os
import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kb import search
from kb.content.models import Kind, Synonym, Tag
from kb.core import cache
from tests.factories import make_entry, make_path

pytestmark = pytest.mark.django_db


def get(client, url: str) -> tuple[str, int]:
    """The page's HTML and how many queries answering it took."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), len(context.captured_queries)


def test_anonymous_pages_set_no_cookie_and_do_not_vary_by_cookie(client):
    entry = make_entry(Kind.SITUATION, steps=["Выслушать"], tags=["сроки"])
    make_path(entry)
    for url in [
        "/",
        "/en/",
        entry.get_absolute_url(),
        reverse("kb:situation_list"),
        reverse("kb:tag_list"),
        reverse("kb:tag_detail", args=["sroki"]),
        reverse("kb:search") + "?q=сроки",
        reverse("paths:path_list"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, url
        assert "cookie" not in response.get("Vary", "").lower(), url
        assert "csrfmiddlewaretoken" not in response.content.decode(), url


def test_anonymous_pages_are_served_from_the_cache(client):
    entry = make_entry(steps=["Выслушать"])
    for url in ["/", entry.get_absolute_url(), reverse("kb:situation_list")]:
        first, queries = get(client, url)
        assert queries > 0
        again, queries = get(client, url)
        assert queries == 0, url
        assert again == first


def test_each_language_has_its_own_cached_page(client):
    russian, _ = get(client, "/")
    english, _ = get(client, "/en/")
    assert '<html lang="ru">' in russian and '<html lang="en">' in english
    assert '<html lang="ru">' in get(client, "/")[0]
    assert '<html lang="en">' in get(client, "/en/")[0]


def test_an_edited_entry_shows_on_the_next_request(client):
    entry = make_entry(title="Клиент опоздал")
    for url in ["/", entry.get_absolute_url(), reverse("kb:situation_list")]:
        assert "Клиент опоздал" in get(client, url)[0]
    entry.title = "Клиент опоздал на встречу"
    entry.save()
    for url in ["/", entry.get_absolute_url(), reverse("kb:situation_list")]:
        assert "Клиент опоздал на встречу" in get(client, url)[0], url


def test_a_deleted_entry_disappears_from_cached_lists(client):
    entry = make_entry(title="Устаревшая ситуация")
    assert "Устаревшая ситуация" in get(client, reverse("kb:situation_list"))[0]
    entry.delete()
    assert "Устаревшая ситуация" not in get(client, reverse("kb:situation_list"))[0]


def test_a_renamed_tag_shows_in_the_cloud_and_the_tag_list(client):
    make_entry(tags=["сроки"])
    assert "сроки" in get(client, reverse("kb:tag_list"))[0]
    tag = Tag.objects.get()
    tag.name = "дедлайны"
    tag.save()
    for url in ["/", reverse("kb:tag_list")]:
        assert "дедлайны" in get(client, url)[0], url


def test_tagging_an_entry_shows_in_the_cloud(client):
    entry = make_entry(tags=["сроки"])
    assert "качество" not in get(client, "/")[0]
    entry.tags.add("качество")
    assert "качество" in get(client, "/")[0]


def test_an_edited_path_shows_on_the_next_request(client):
    path = make_path(make_entry(), title="Первая неделя")
    assert "Первая неделя" in get(client, path.get_absolute_url())[0]
    path.title = "Первая неделя новичка"
    path.save()
    assert "Первая неделя новичка" in get(client, path.get_absolute_url())[0]


def test_a_synonym_saved_anywhere_applies_to_the_next_search(client):
    entry = make_entry(title="Клиент в истерике", summary="Кричит в трубку.")
    search.index_entries([entry.pk])
    url = reverse("kb:search") + "?q=психует"
    assert 'class="search-results"' not in get(client, url)[0]
    # Saved as another process would: no `forget` in this one, only the generation changes.
    Synonym.objects.create(words="истерика, психовать")
    html = get(client, url)[0]
    # Result links lead through the miss log to the entry (kb/misslog).
    assert 'class="search-results"' in html and f'/{entry.pk}/">Клиент в' in html


def test_suggestions_are_cached_and_follow_edits(client):
    entry = make_entry(title="Клиент просит скидку")
    search.index_entries([entry.pk])
    url = "/api/v1/suggest/?q=скид"
    titles = [r["title"] for r in client.get(url).json()["results"]]
    assert titles == ["Клиент просит скидку"]
    entry.title = "Клиент просит большую скидку"
    entry.save()
    search.index_entries([entry.pk])
    titles = [r["title"] for r in client.get(url).json()["results"]]
    assert titles == ["Клиент просит большую скидку"]


def test_signed_in_readers_get_their_own_pages(client, editor_client):
    entry = make_entry()
    anonymous, _ = get(client, entry.get_absolute_url())
    assert "Signed in as" not in anonymous and "editor" not in anonymous
    signed_in, queries = get(editor_client, entry.get_absolute_url())
    assert queries > 0
    assert "editor" in signed_in
    # ...and what they were shown is never given to anyone else.
    assert "editor" not in get(client, entry.get_absolute_url())[0]


def test_every_edit_changes_the_generations_every_process_reads():
    before = cache.stamp(("entries", "home", "search"))
    make_entry()
    after = cache.stamp(("entries", "home", "search"))
    assert all(old != new for old, new in zip(before, after, strict=True))


def test_a_draft_shown_to_an_editor_is_never_cached_for_readers(client, editor_client):
    from kb.content.models import Status

    draft = make_entry(title="Черновик правила", status=Status.DRAFT)
    assert editor_client.get(draft.get_absolute_url()).status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_threads_of_one_process_bump_the_generation_file_at_once(settings):
    """gunicorn's threads share a pid: each write needs a temporary file of its own."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    errors: list[Exception] = []

    def bump() -> None:
        try:
            for _ in range(200):
                cache.bump_generation()
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()  # this thread's own connections (PostgreSQL opens some)

    before = cache.generation()
    threads = [threading.Thread(target=bump) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert cache.generation() > before


def test_a_request_reads_each_generation_once(editor_client, monkeypatch):
    """An editor's home page is built from shared parts, each cached under the same
    generations as the page: they are read once for the request, not once per part."""
    make_entry(Kind.RULE, tags=["сроки"])
    reads: list[str] = []
    real_shared, real_file = cache.read_shared_generations, cache.read_file_generation

    def shared(names):
        reads.extend(names)
        return real_shared(names)

    def file(name):
        reads.append(name)
        return real_file(name)

    monkeypatch.setattr(cache, "read_shared_generations", shared)
    monkeypatch.setattr(cache, "read_file_generation", file)
    assert editor_client.get("/").status_code == 200
    first = list(reads)
    assert first and len(first) == len(set(first)), first
    reads.clear()
    assert editor_client.get("/").status_code == 200
    assert reads == first  # the next request reads them again


def test_a_generation_moved_on_during_a_request_is_read_anew():
    with cache.generations_kept_for_request():
        before = cache.generation("entries")
        assert cache.generation("entries") == before
        cache.bump_generation("entries")
        assert cache.generation("entries") > before


@pytest.mark.skipif(
    not os.environ.get("CACHE_URL", "").startswith("redis"),
    reason="needs Redis as the cache: run with CACHE_URL=redis://… (.ci/run does)",
)
@pytest.mark.django_db(transaction=True)  # committed edits: no generation is pending
def test_a_cached_page_reads_its_generations_in_one_round_trip(client, monkeypatch):
    import redis

    entry = make_entry(steps=["Выслушать"])
    get(client, entry.get_absolute_url())
    commands: list[tuple] = []
    real = redis.Redis.execute_command

    def counted(self, *args, **options):
        if any("pravila:generation" in str(arg) for arg in args[1:]):
            commands.append(args)
        return real(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counted)
    _, queries = get(client, entry.get_absolute_url())
    assert queries == 0
    assert [command[0] for command in commands] == ["MGET"], commands
    assert len(commands[0]) == 3  # "content" and the entry's own scope


def test_flood_limits_count_every_search_in_the_cache(client, settings, monkeypatch):
    """The miss log's limits count in the cache (one round trip with Redis): searches served
    from the page cache count too, and each limit holds on its own."""
    import kb.core.clients
    from kb.misslog.models import SearchRecord

    monkeypatch.setattr(kb.core.clients.time, "time", lambda: 1_800_000_005.0)  # one window
    settings.PRAVILA_MISSLOG_SEARCHES_PER_MINUTE = 5
    settings.PRAVILA_MISSLOG_REPEATS_PER_DAY = 2
    search.index_entries([make_entry(title="Клиент впал в истерику").pk])
    for _ in range(4):  # the same query: two are logged
        assert client.get("/search/", {"q": "истерика"}).status_code == 200
    for i in range(6):  # the minute's fifth search is the last logged
        assert client.get("/search/", {"q": f"зал {i}"}).status_code == 200
    assert SearchRecord.objects.filter(query="истерика").count() == 2
    assert list(SearchRecord.objects.exclude(query="истерика").values_list("query", flat=True)) == [
        "зал 0"
    ]
