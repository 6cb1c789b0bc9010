"""Invalidation by what changed (kb/web/invalidation.py): an edit shows on the next request of
every page that shows it, and leaves the other pages in the cache (answered without a query).
"""

import threading

import pytest
from django.db import connections
from django.urls import reverse

from kb import search
from kb.content.models import Entry, Kind, Tag
from kb.core import cache
from kb.web import invalidation
from tests.factories import make_entry
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


def test_home_search_feed_and_sitemap_follow_every_entry_edit(client, content):
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
