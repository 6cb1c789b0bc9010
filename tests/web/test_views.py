import re
from html.parser import HTMLParser
from itertools import pairwise

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kb.content.models import Entry, Kind, Status
from kb.web import viewcounts
from tests.factories import make_entry, make_source
from tests.seed import seed

pytestmark = pytest.mark.django_db


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def populate(n: int) -> None:
    """n entries of every kind, with tags, steps, links and a source."""
    source = make_source()
    for _ in range(n):
        principle = make_entry(Kind.PRINCIPLE, tags=["доверие", "сроки"], source=source)
        rule = make_entry(Kind.RULE, tags=["сроки"], source=source)
        situation = make_entry(
            Kind.SITUATION, tags=["сроки", "ошибки"], steps=["Раз", "Два"], source=source
        )
        situation.basis.add(principle, rule)
        situation.see_also.add(make_entry(Kind.CASE, tags=["ошибки"], source=source))


@pytest.mark.parametrize(
    "url_for",
    [
        lambda: reverse("kb:home"),
        lambda: reverse("kb:situation_list"),
        lambda: reverse("kb:situation_list") + "?tag=sroki&tag=oshibki",
        lambda: reverse("kb:rule_list"),
        lambda: reverse("kb:tag_list"),
        lambda: reverse("kb:tag_detail", args=["sroki"]),
        lambda: reverse("kb:tag_detail", args=["sroki"]) + "?tag=oshibki&kind=situation",
        lambda: Entry.objects.filter(kind=Kind.SITUATION).first().get_absolute_url(),
        lambda: Entry.objects.filter(kind=Kind.PRINCIPLE).first().get_absolute_url(),
        lambda: Entry.objects.filter(kind=Kind.CASE).first().source.get_absolute_url(),
    ],
    ids=[
        "home",
        "situations",
        "situations-two-tags",
        "rules",
        "tags",
        "tag",
        "tag-narrowed",
        "situation",
        "principle",
        "source",
    ],
)
def test_query_count_does_not_grow_with_entries(client, url_for):
    populate(2)
    few = count_queries(client, url_for())
    populate(8)
    many = count_queries(client, url_for())
    assert few == many


def test_home_shows_search_rules_situations_principles_and_tags(client):
    make_entry(Kind.RULE, title="Обещать меньше, делать больше", number=1, tags=["обещания"])
    make_entry(Kind.SITUATION, title="Клиент впал в истерику", tags=["эмоции"])
    make_entry(Kind.PRINCIPLE, title="Доверие")
    make_entry(Kind.SITUATION, title="Черновая ситуация", status=Status.DRAFT)
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ru">' in html
    assert 'role="search"' in html
    assert "Правило №1: Обещать меньше, делать больше" in html
    assert "Клиент впал в истерику" in html
    assert "Доверие" in html
    assert 'href="/tags/obeshaniya/"' in html
    assert "Черновая ситуация" not in html


def test_home_orders_situations_by_views(client):
    quiet = make_entry(Kind.SITUATION, title="Редкая ситуация")
    popular = make_entry(Kind.SITUATION, title="Частая ситуация")
    for _ in range(3):
        client.get(popular.get_absolute_url())
    client.get(quiet.get_absolute_url())
    viewcounts.flush()
    html = client.get("/").content.decode()
    assert html.index("Частая ситуация") < html.index("Редкая ситуация")


def test_detail_page_shows_steps_with_anchors_grounds_links_source_and_date(client):
    source = make_source(title="Клиентоориентированность")
    principle = make_entry(Kind.PRINCIPLE, title="Сохранение достоинства")
    case = make_entry(
        Kind.CASE, title="Жалобы в авиакомпанию", lesson="Иногда клиента **отпускают**."
    )
    situation = make_entry(
        Kind.SITUATION,
        title="Клиент впал в истерику",
        summary="Эмоции вместо разговора по делу.",
        body="Сначала *выдохните*.",
        steps=["Выслушать, пока эмоции не иссякнут", "Предложить изложить претензии письменно"],
        tags=["эмоции"],
        source=source,
        source_locator="ситуация №1",
    )
    situation.basis.add(principle)
    situation.see_also.add(case)
    response = client.get(situation.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 id="entry-title">Клиент впал в истерику</h1>' in html
    assert "<em>выдохните</em>" in html
    first, second = situation.responses.all()
    assert f'id="{first.anchor}"' in html
    assert f'href="#{second.anchor}"' in html
    assert html.index("Выслушать, пока эмоции") < html.index("Предложить изложить")
    assert principle.get_absolute_url() in html
    assert case.get_absolute_url() in html
    assert "Клиентоориентированность</a>, ситуация №1" in html
    assert "Последнее обновление" in html
    assert 'rel="canonical"' in html

    principle_html = client.get(principle.get_absolute_url()).content.decode()
    assert "Где применяется" in principle_html
    assert situation.get_absolute_url() in principle_html
    case_html = client.get(case.get_absolute_url()).content.decode()
    assert "Урок" in case_html and "<strong>отпускают</strong>" in case_html


def test_detail_under_the_wrong_kind_redirects_to_the_entry(client):
    # Slugs are unique across kinds, so the slug alone names the entry (whose kind may have
    # changed since the link was made).
    rule = make_entry(Kind.RULE, title="Репутация дороже денег")
    response = client.get(f"/situations/{rule.slug}/")
    assert response.status_code == 301
    assert response["Location"] == rule.get_absolute_url()
    assert client.get(rule.get_absolute_url()).status_code == 200
    assert client.get("/situations/net-takoj-zapisi/").status_code == 404


def test_drafts_are_hidden_from_staff_and_shown_to_editors(client, editor_client):
    draft = make_entry(title="Новая ситуация", status=Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "Новая ситуация" not in client.get(reverse("kb:situation_list")).content.decode()
    response = editor_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Черновик" in response.content.decode()


def test_draft_links_are_not_shown_on_published_pages(client):
    situation = make_entry(title="Опубликованная")
    situation.see_also.add(make_entry(title="Скрытая", status=Status.DRAFT))
    situation.basis.add(make_entry(Kind.PRINCIPLE, title="Скрытый принцип", status=Status.DRAFT))
    html = client.get(situation.get_absolute_url()).content.decode()
    assert "Скрытая" not in html
    assert "Скрытый принцип" not in html


def test_views_are_counted_without_touching_last_update(client):
    entry = make_entry()
    updated = entry.updated_at
    client.get(entry.get_absolute_url())
    viewcounts.flush()
    entry.refresh_from_db()
    assert entry.view_count == 1
    assert entry.updated_at == updated


def test_list_filters_by_several_tags(client):
    make_entry(title="Про сроки и ошибки", tags=["сроки", "ошибки"])
    make_entry(title="Только про сроки", tags=["сроки"])
    make_entry(Kind.RULE, title="Правило про сроки", tags=["сроки", "ошибки"])
    html = client.get(reverse("kb:situation_list") + "?tag=sroki&tag=oshibki").content.decode()
    assert "Про сроки и ошибки" in html
    assert "Только про сроки" not in html
    assert "Правило про сроки" not in html
    # The active tag can be removed; the link keeps the other one.
    assert 'href="?tag=sroki"' in html


def test_list_with_unknown_tag_shows_an_empty_state(client):
    make_entry(tags=["сроки"])
    response = client.get(reverse("kb:situation_list") + "?tag=net-takogo")
    assert response.status_code == 200
    assert "Нет записей со всеми этими тегами" in response.content.decode()


@pytest.mark.parametrize("tag", ["\x00", "сроки", "a" * 500, "'; DROP TABLE kb_entry; --", "%00"])
def test_odd_tag_parameters_are_ignored_not_errors(client, tag):
    make_entry(title="Про сроки", tags=["сроки"])
    for url in [reverse("kb:situation_list"), reverse("kb:tag_detail", args=["sroki"])]:
        response = client.get(url, {"tag": tag})
        assert response.status_code == 200
        assert "Про сроки" in response.content.decode()


def test_list_pages_paginate(client):
    for n in range(35):
        make_entry(title=f"Ситуация {n:02d}")
    first = client.get(reverse("kb:situation_list")).content.decode()
    second = client.get(reverse("kb:situation_list") + "?page=2").content.decode()
    assert "Ситуация 00" in first and "Ситуация 34" not in first
    assert "Ситуация 34" in second
    assert client.get(reverse("kb:situation_list") + "?page=99").status_code == 404
    assert client.get(reverse("kb:situation_list") + "?page=abc").status_code == 404


def test_tag_page_filters_by_more_tags_and_by_kind(client):
    make_entry(Kind.SITUATION, title="Ситуация про сроки", tags=["сроки", "договор"])
    make_entry(Kind.RULE, title="Правило про сроки", tags=["сроки", "договор"])
    make_entry(Kind.RULE, title="Правило без договора", tags=["сроки"])
    url = reverse("kb:tag_detail", args=["sroki"])
    html = client.get(url).content.decode()
    assert "Тег «сроки»" in html
    assert all(
        t in html for t in ["Ситуация про сроки", "Правило про сроки", "Правило без договора"]
    )
    narrowed = client.get(url + "?tag=dogovor").content.decode()
    assert "Правило без договора" not in narrowed and "Правило про сроки" in narrowed
    rules_only = client.get(url + "?tag=dogovor&kind=rule").content.decode()
    assert "Ситуация про сроки" not in rules_only and "Правило про сроки" in rules_only
    assert client.get(url + "?kind=nonsense").status_code == 200
    assert client.get(reverse("kb:tag_detail", args=["net-takogo"])).status_code == 404


def test_tag_list_counts_only_published_entries(client):
    make_entry(tags=["сроки"])
    make_entry(tags=["сроки", "черновое"], status=Status.DRAFT)
    html = client.get(reverse("kb:tag_list")).content.decode()
    assert "сроки" in html
    assert "черновое" not in html


def test_source_page_lists_its_published_entries(client):
    source = make_source(title="Клиент всегда прав?")
    make_entry(Kind.CASE, title="Авиакомпания", source=source)
    make_entry(Kind.CASE, title="Черновик случая", source=source, status=Status.DRAFT)
    html = client.get(source.get_absolute_url()).content.decode()
    assert "Клиент всегда прав?" in html
    assert "Авиакомпания" in html
    assert "Черновик случая" not in html


def test_search_page_handles_empty_and_odd_queries(client):
    make_entry(title="Клиент умер", summary="Выразить соболезнования.")
    assert client.get(reverse("kb:search")).status_code == 200
    for query in ["", "   ", '"', "AND OR NOT", "NEAR(", "*", "x" * 10_000, "\x00\x01", "🙂"]:
        response = client.get(reverse("kb:search"), {"q": query})
        assert response.status_code == 200, query


def test_interface_is_russian_whatever_the_browser_language(client):
    response = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})
    html = response.content.decode()
    assert '<html lang="ru">' in html
    assert "Ситуации" in html
    assert response.headers["Content-Language"] == "ru"


def test_english_interface_is_available_under_en(client):
    html = client.get("/en/").content.decode()
    assert '<html lang="en">' in html
    assert "Situations" in html
    # A language cookie (from an older version's switch) no longer changes a page.
    client.cookies["django_language"] = "en"
    assert '<html lang="ru">' in client.get("/").content.decode()


def test_language_switch_is_links_to_the_same_page_without_a_cookie(client):
    entry = make_entry(title="Клиент недоволен")
    russian_url = entry.get_absolute_url() + "?print=1"
    english_url = "/en" + russian_url
    russian = client.get(russian_url)
    html = russian.content.decode()
    assert f'href="{english_url}"' in html
    assert "csrfmiddlewaretoken" not in html
    assert not russian.cookies
    assert "Cookie" not in russian.headers.get("Vary", "")
    english = client.get(english_url)
    assert '<html lang="en">' in english.content.decode()
    assert english.headers["Content-Language"] == "en"
    assert f'href="{russian_url}"' in english.content.decode()
    assert not english.cookies


def test_pages_have_landmarks_and_a_skip_link(client):
    entry = make_entry(steps=["Шаг"])
    html = client.get(entry.get_absolute_url()).content.decode()
    for landmark in ['<header class="site-header">', '<main id="content"', "<footer", "<nav"]:
        assert landmark in html
    assert 'href="#content"' in html
    assert '<label for="header-search-q"' in html


def test_static_assets_are_served_by_the_app_and_no_cdn_is_used(client):
    make_entry()
    for url in ["/", reverse("kb:situation_list"), Entry.objects.get().get_absolute_url()]:
        # Without CSRF tokens, whose random letters once spelled "cdn".
        html = re.sub(r'value="[^"]{64}"', "", client.get(url).content.decode())
        assert "cdn" not in html.lower()
        assert "https://" not in html.replace("https://www.w3.org", "")


class HeadingOutline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.levels: list[int] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))


def heading_levels(html: str) -> list[int]:
    outline = HeadingOutline()
    outline.feed(html)
    return outline.levels


def test_headings_are_in_order_on_every_page(client):
    seed()
    situation = Entry.objects.get(seed_key="klient-vpal-v-isteriku")
    urls = [
        "/",
        "/situations/",
        "/rules/",
        "/principles/",
        "/cases/",
        "/tags/",
        "/tags/sroki/",
        "/search/?q=клиент",
        situation.get_absolute_url(),
        Entry.objects.filter(kind=Kind.CASE).first().get_absolute_url(),
        situation.source.get_absolute_url(),
    ]
    for url in urls:
        levels = heading_levels(client.get(url).content.decode())
        assert levels[0] == 1 and levels.count(1) == 1, url
        for previous, current in pairwise(levels):
            assert current <= previous + 1, (url, levels)


def test_tag_cloud_weighs_tags_by_use(client):
    for _ in range(5):
        make_entry(tags=["сроки"])
    make_entry(tags=["этикет"])
    html = client.get("/tags/").content.decode()
    assert 'class="tag tag--w4" href="/tags/sroki/"' in html
    assert 'class="tag tag--w1" href="/tags/etiket/"' in html
