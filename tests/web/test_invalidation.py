"""Invalidation by what changed (kb/web/invalidation.py): an edit shows on the next request of
every page that shows it, and leaves the other pages in the cache (answered without a query).
"""

import threading

import pytest
from django.db import connections
from django.urls import reverse

from kb import search
from kb.content.models import Entry, Kind, Status, Tag
from kb.core import cache
from kb.web import home, invalidation
from tests.factories import make_entry
from tests.helpers import change_url, open_form
from tests.web.test_caching import get

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    """Two situations (one citing a rule), a rule, a case; each with a tag of its own."""
    rule = make_entry(Kind.RULE, title="Правило о сроках", number=1, tags=["сроки"])
    situation = make_entry(Kind.SITUATION, title="Клиент торопит", tags=["эмоции"])
    situation.basis.add(rule)
    other = make_entry(Kind.SITUATION, title="Клиент молчит", tags=["молчание"])
    case = make_entry(Kind.CASE, title="Случай с поставкой", tags=["поставки"])
    search.index_entries([rule.pk, situation.pk, other.pk, case.pk])
    return {"rule": rule, "situation": situation, "other": other, "case": case}


def warm(client, *urls: str) -> None:
    for url in urls:
        get(client, url)
        assert get(client, url)[1] == 0, f"{url} is not served from the cache"


def rename(entry: Entry, title: str) -> None:
    entry.refresh_from_db()
    entry.title = title
    entry.save()
    search.index_entries([entry.pk])


def test_an_entry_edit_shows_on_its_page_and_on_the_pages_linked_to_it(client, content):
    rule, situation, other = content["rule"], content["situation"], content["other"]
    warm(client, rule.get_absolute_url(), situation.get_absolute_url(), other.get_absolute_url())
    rename(rule, "Правило о сроках, исправленное")
    assert "исправленное" in get(client, rule.get_absolute_url())[0]
    # The situation shows the rule it rests on: stale too.
    assert "исправленное" in get(client, situation.get_absolute_url())[0]
    # An entry that shows nothing of the rule stays cached.
    assert get(client, other.get_absolute_url())[1] == 0


def test_a_kind_list_follows_edits_of_its_kind_only(client, content):
    situations, rules = reverse("kb:situation_list"), reverse("kb:rule_list")
    cases = reverse("kb:case_list")
    warm(client, situations, rules, cases)
    rename(content["other"], "Клиент молчит неделю")
    assert "Клиент молчит неделю" in get(client, situations)[0]
    assert get(client, cases)[1] == 0
    # Moved to another kind: the old kind's list and the new one's both change.
    warm(client, situations)
    moved = Entry.objects.get(pk=content["other"].pk)
    moved.kind = Kind.CASE
    moved.save()
    assert "Клиент молчит неделю" not in get(client, situations)[0]
    assert "Клиент молчит неделю" in get(client, cases)[0]


def test_a_tag_page_follows_the_entries_that_carry_the_tag(client, content):
    emotions = reverse("kb:tag_detail", args=["emocii"])
    deliveries = reverse("kb:tag_detail", args=["postavki"])
    warm(client, emotions, deliveries)
    rename(content["situation"], "Клиент очень торопит")
    assert "Клиент очень торопит" in get(client, emotions)[0]
    assert get(client, deliveries)[1] == 0
    # A tag added to an entry: that tag's page lists it at once.
    content["situation"].tags.add("поставки")
    assert "Клиент очень торопит" in get(client, deliveries)[0]
    # And taken off: the page no longer does.
    warm(client, deliveries)
    content["situation"].tags.remove("поставки")
    assert "Клиент очень торопит" not in get(client, deliveries)[0]


def test_home_search_feed_and_sitemap_follow_an_edit_of_an_entry_home_shows(client, content):
    search_url = reverse("kb:search") + "?q=поставка"
    pages = ["/", search_url, reverse("kb:feed"), reverse("kb:sitemap"), reverse("kb:tag_list")]
    warm(client, *pages[2:], "/")
    get(client, search_url)  # a search is logged on every hit, so it always costs queries
    rename(content["case"], "Случай с поставкой мебели")
    # (Those first: home's rebuild refreshes the tag cloud that the tag list is made from.)
    for url in pages[3:]:
        assert get(client, url)[1] > 0, url
    for url in pages[:3]:
        assert "мебели" in get(client, url)[0], url


def test_a_draft_edit_leaves_other_entries_pages_alone(client, content):
    other = content["other"]
    warm(client, other.get_absolute_url(), reverse("kb:rule_list"))
    make_entry(Kind.SITUATION, title="Новый черновик", status="draft")
    assert get(client, other.get_absolute_url())[1] == 0
    assert get(client, reverse("kb:rule_list"))[1] == 0


def test_an_edit_outside_entries_makes_every_page_stale(client, content):
    urls = [content["other"].get_absolute_url(), reverse("kb:case_list"), "/"]
    warm(client, *urls)
    tag = Tag.objects.get(name="молчание")
    tag.name = "тишина"
    tag.save()
    assert "тишина" in get(client, content["other"].get_absolute_url())[0]
    for url in urls[1:]:
        assert get(client, url)[1] > 0, url


def test_page_scopes_by_address(rf):
    assert invalidation.page_scopes(rf.get("/")) == ("content", "home")
    assert invalidation.page_scopes(rf.get("/situations/klient/")) == ("content", "entry:klient")
    assert invalidation.page_scopes(rf.get("/en/rules/")) == ("content", "kind:rule")
    assert invalidation.page_scopes(rf.get("/tags/sroki/")) == ("content", "tag:sroki")
    assert invalidation.page_scopes(rf.get("/search/")) == ("content", "search")
    assert invalidation.page_scopes(rf.get("/api/v1/suggest/")) == ("content", "search")
    assert invalidation.page_scopes(rf.get("/feed/")) == ("content", "entries")
    assert invalidation.page_scopes(rf.get("/no/such/page/")) == ("content", "entries")


@pytest.mark.django_db(transaction=True)
def test_a_committed_edit_is_seen_by_another_connection_at_once(settings):
    """What another process sees: the generations written at commit, not before."""
    entry = make_entry(Kind.SITUATION, title="Клиент ждёт")
    scopes = ("entries", invalidation.entry_scope(entry.slug))
    seen: list = []

    def read() -> None:
        try:
            seen.append(cache.stamp(scopes))
        finally:
            connections.close_all()

    def read_elsewhere() -> tuple:
        thread = threading.Thread(target=read)
        thread.start()
        thread.join()
        return seen.pop()

    before = read_elsewhere()
    from django.db import transaction

    with transaction.atomic():
        entry.title = "Клиент ждёт ответа"
        entry.save()
        # Inside the transaction this connection already sees it; others not before commit.
        assert cache.stamp(scopes) != before
        assert read_elsewhere() == before
    after = read_elsewhere()
    assert all(old != new for old, new in zip(before, after, strict=True))


def edit(entry: Entry, **fields) -> None:
    """Save changed fields as an editor's save does (the search index follows)."""
    entry.refresh_from_db()
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.save()
    search.index_entries([entry.pk])


PUBLIC_PAGES = [
    "/",
    reverse("kb:feed"),
    reverse("kb:sitemap"),
    reverse("kb:rule_list"),
    reverse("kb:situation_list"),
    reverse("kb:tag_detail", args=["sroki"]),
    reverse("kb:tag_list"),
    "/api/v1/entries/",
]


def test_a_draft_edit_leaves_every_public_page_cached(client, content):
    draft = make_entry(Kind.RULE, title="Черновик правила", status=Status.DRAFT, tags=["сроки"])
    content["situation"].basis.add(draft)
    search_url = reverse("kb:search") + "?q=сроки"
    pages = [*PUBLIC_PAGES, content["situation"].get_absolute_url()]
    warm(client, *pages)
    get(client, search_url)
    cached_search = get(client, search_url)[1]  # only the search's logging
    edit(draft, title="Черновик правила, исправленный", summary="Другое описание.")
    draft.tags.add("поставки")
    draft.tags.remove("сроки")
    for url in pages:
        assert get(client, url)[1] == 0, url
    assert get(client, search_url)[1] == cached_search


def test_publishing_shows_an_entry_everywhere_and_unpublishing_takes_it_off(client, content):
    draft = make_entry(
        Kind.SITUATION, title="Клиент грубит в чате", status=Status.DRAFT, tags=["эмоции"]
    )
    search.index_entries([draft.pk])
    pages = [
        "/",
        reverse("kb:situation_list"),
        reverse("kb:tag_detail", args=["emocii"]),
        reverse("kb:feed"),
        reverse("kb:sitemap"),
        "/api/v1/entries/?kind=situation",
        "/api/v1/search/?q=грубит",
    ]
    search_page = reverse("kb:search") + "?q=грубит"

    def shown_everywhere() -> list[bool]:
        # Pages link to the entry by its address (the API gives its slug); search results
        # link through the search log, so the title (its words but the query) tells there.
        shown = [draft.slug in get(client, url)[0] for url in pages]
        return [*shown, "в чате</a>" in get(client, search_page)[0]]

    assert not any(shown_everywhere())
    assert client.get(draft.get_absolute_url()).status_code == 404

    edit(draft, status=Status.PUBLISHED)
    assert all(shown_everywhere())
    assert "грубит" in get(client, draft.get_absolute_url())[0]

    edit(draft, status=Status.DRAFT)
    assert not any(shown_everywhere())
    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("kind", [Kind.SITUATION, Kind.RULE, Kind.PRINCIPLE, Kind.CASE])
def test_a_title_change_of_an_entry_home_lists_shows_on_home(client, content, kind):
    entry = make_entry(kind, title="Запись на главной", number=7 if kind == Kind.RULE else None)
    assert "Запись на главной" in get(client, "/")[0]
    warm(client, "/")
    edit(entry, title="Запись на главной, новое название")
    assert "новое название" in get(client, "/")[0]


# Committed saves, as an editor's are: inside one transaction that has already moved "home"
# on (a test's, an import's) every further edit moves it on again without looking.
@pytest.mark.django_db(transaction=True)
def test_an_edit_of_a_rule_home_does_not_list_leaves_home_cached(client):
    rules = [make_entry(Kind.RULE, title=f"Правило номер {n}", number=n) for n in range(1, 15)]
    shown, unlisted = rules[0], rules[-1]
    warm(client, "/", reverse("kb:rule_list"))
    assert "Правило номер 14" not in get(client, "/")[0]
    edit(unlisted, summary="Описание, которое поменял редактор.")
    assert get(client, "/")[1] == 0
    # Its own page and its kind's list show the change.
    assert "поменял редактор" in get(client, unlisted.get_absolute_url())[0]
    assert "поменял редактор" in get(client, reverse("kb:rule_list") + "?page=1")[0]
    # A rule home lists moves to the end: the next rule takes its place on home.
    edit(shown, number=99)
    home = get(client, "/")[0]
    assert "Правило номер 13" in home
    assert "Правило номер 1<" not in home


# Committed saves, as an editor's are: inside one transaction that has already moved "home"
# on (a test's, an import's) every further edit moves it on again without looking.
@pytest.mark.django_db(transaction=True)
def test_a_situation_renamed_into_homes_first_situations_shows_there(client):
    for letter in "БВГДЕЖЗИ":
        make_entry(Kind.SITUATION, title=f"Клиент {letter}")
    last = make_entry(Kind.SITUATION, title="Клиент Я")
    warm(client, "/")
    assert "Клиент Я" not in get(client, "/")[0]
    edit(last, title="Клиент Ю")  # still after the first eight: home is left cached
    assert get(client, "/")[1] == 0
    edit(last, title="Клиент А")  # now the first in order
    home = get(client, "/")[0]
    assert "Клиент А" in home
    assert "Клиент И" not in home  # pushed out of the eight


def test_tags_of_a_published_entry_change_homes_tag_cloud(client, content):
    warm(client, "/")
    content["other"].tags.add("новая метка")
    assert "новая метка" in get(client, "/")[0]
    warm(client, "/")
    content["other"].tags.remove("новая метка")
    assert "новая метка" not in get(client, "/")[0]


def test_deleting_an_entry_home_lists_takes_it_off_every_page(client, content):
    case = content["case"]
    tag_page = reverse("kb:tag_detail", args=["postavki"])
    pages = ["/", reverse("kb:case_list"), reverse("kb:feed")]
    warm(client, *pages, tag_page)
    Entry.objects.get(pk=case.pk).delete()
    for url in pages:
        assert "Случай с поставкой" not in get(client, url)[0], url
    # No published entry carries the tag any more: its page is gone with the case.
    assert client.get(tag_page).status_code == 404
    assert client.get(case.get_absolute_url()).status_code == 404


def test_home_blocks_of_invalidation_are_what_the_home_page_lists():
    """`invalidation.home_block` decides whether home changed: it must list what home does."""
    for n in range(12):
        make_entry(Kind.SITUATION, title=f"Ситуация {n % 5} {n}", view_count=(n * 7) % 4)
    for n in range(16):
        make_entry(Kind.RULE, title=f"Правило {n}", number=(n * 5) % 17 + 1 if n % 3 else None)
    for n in range(20):
        make_entry(Kind.PRINCIPLE, title=f"Принцип {(n * 3) % 20}")
    for n in range(9):
        make_entry(Kind.CASE, title=f"Случай {n}")
    blocks = home.home_blocks()
    for kind, name in [
        (Kind.SITUATION, "situations"),
        (Kind.RULE, "rules"),
        (Kind.PRINCIPLE, "principles"),
        (Kind.CASE, "cases"),
    ]:
        block = invalidation.home_block(kind)
        rows = block[0] if kind == Kind.SITUATION else block
        assert [row[0] for row in rows] == [entry.pk for entry in blocks[name]], kind
    assert invalidation.home_block(Kind.SITUATION)[2] == blocks["situation_count"]


@pytest.mark.django_db(transaction=True)
def test_an_editors_admin_save_moves_home_only_when_home_lists_the_entry(client, editor_client):
    rules = [make_entry(Kind.RULE, title=f"Правило номер {n}", number=n) for n in range(1, 15)]
    search.index_entries([rule.pk for rule in rules])
    warm(client, "/")
    for rule, summary in [(rules[-1], "Поменял редактор в админке"), (rules[0], "Тоже поменял")]:
        data = open_form(editor_client, rule)
        data["summary"] = summary
        response = editor_client.post(change_url(rule), data)
        assert response.status_code == 302, response.content.decode()[:500]
        assert summary in get(client, rule.get_absolute_url())[0]
        assert summary in get(client, reverse("kb:rule_list"))[0]
        if rule == rules[-1]:  # the 14th: not on home, which stays cached
            assert get(client, "/")[1] == 0
        else:
            assert summary in get(client, "/")[0]
