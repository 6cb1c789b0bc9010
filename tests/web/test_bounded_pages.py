"""No page grows with the knowledge base: the same queries and about the same size with a few
entries as with hundreds (issue 21). Entries are made in bulk, the way a large import leaves
them, so that hundreds cost little."""

import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kb.content.admin import entries as admin_entries
from kb.content.models import Entry, Kind, Response, Source, Status, Tag, TagCount, TaggedEntry
from kb.web import home, sitemaps, views

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
KINDS = [Kind.SITUATION, Kind.SITUATION, Kind.CASE, Kind.RULE, Kind.PRINCIPLE]


def add_entries(n: int, tag: str = "массово") -> None:
    """`n` more published entries of every kind, each with `tag`."""
    start = Entry.objects.count()
    entries = Entry.objects.bulk_create(
        Entry(
            kind=KINDS[i % len(KINDS)],
            title=f"Запись {i:05}",
            slug=f"zapis-{i}",
            summary=f"Краткое описание записи {i}.",
            status=Status.PUBLISHED,
            view_count=i,
        )
        for i in range(start, start + n)
    )
    tag_object, _ = Tag.objects.get_or_create(name=tag, defaults={"slug": "massovo"})
    TaggedEntry.objects.bulk_create(
        TaggedEntry(tag=tag_object, content_object=entry) for entry in entries
    )
    TagCount.objects.recount_all()  # bulk_create sends no signal


def fetch(client, url: str, **extra) -> tuple[int, int]:
    """The queries a page costs uncached and its size in bytes."""
    cache.clear()  # bulk_create sends no signal: nothing marks the cached data stale
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, **extra)
    assert response.status_code == 200, url
    content = b"".join(response) if response.streaming else response.content
    return len(context.captured_queries), len(content)


PUBLIC_PAGES = {
    "home": lambda: reverse("kb:home"),
    "situations": lambda: reverse("kb:situation_list"),
    "cases": lambda: reverse("kb:case_list"),
    "rules": lambda: reverse("kb:rule_list"),
    "principles": lambda: reverse("kb:principle_list"),
    "tags": lambda: reverse("kb:tag_list"),
    "tag": lambda: reverse("kb:tag_detail", args=["massovo"]),
    "tag-page-3": lambda: reverse("kb:tag_detail", args=["massovo"]) + "?page=3",
    "feed": lambda: reverse("kb:feed"),
    "api-entries": lambda: reverse("api:list_entries") + "?limit=100",
    "api-tags": lambda: reverse("api:list_tags"),
    "api-sources": lambda: reverse("api:list_sources"),
}


@pytest.mark.parametrize("url_for", PUBLIC_PAGES.values(), ids=PUBLIC_PAGES.keys())
def test_public_pages_cost_the_same_with_hundreds_of_entries(client, settings, url_for):
    settings.PRAVILA_PAGE_CACHE_SECONDS = 0
    add_entries(120)
    few_queries, few_bytes = fetch(client, url_for())
    add_entries(400)
    many_queries, many_bytes = fetch(client, url_for())
    assert many_queries == few_queries
    # A page of results stays a page: the numbers in it grow, the list does not.
    assert many_bytes < few_bytes * 1.1 + 2000


ADMIN_LISTS = ["entry", "situation", "case", "rule", "principle", "tag", "source"]


@pytest.mark.parametrize("model", ADMIN_LISTS)
def test_admin_lists_cost_the_same_with_hundreds_of_entries(admin_client, model):
    url = reverse(f"admin:kb_{model}_changelist")
    add_entries(600)  # a full page of each kind
    few_queries, few_bytes = fetch(admin_client, url)
    add_entries(400)
    many_queries, many_bytes = fetch(admin_client, url)
    assert many_queries == few_queries
    assert many_bytes < few_bytes * 1.1 + 2000


def test_the_steps_admin_list_stays_small_with_hundreds_of_situations(admin_client):
    url = reverse("admin:kb_response_changelist")

    def add_steps(n: int) -> None:
        add_entries(n)
        situations = Entry.objects.filter(kind=Kind.SITUATION, responses__isnull=True)
        Response.objects.bulk_create(
            Response(situation=s, position=1, anchor="step-1", text="Шаг.") for s in situations
        )

    add_steps(300)  # a full page of steps (two in five entries are situations)
    few_queries, few_bytes = fetch(admin_client, url)
    add_steps(600)
    many_queries, many_bytes = fetch(admin_client, url)
    assert many_queries == few_queries
    assert many_bytes < few_bytes * 1.1 + 2000


def test_admin_entry_lists_skip_the_full_count(admin_client):
    add_entries(150)
    with CaptureQueriesContext(connection) as context:
        admin_client.get(reverse("admin:kb_situation_changelist") + "?status__exact=published")
    counts = [q["sql"] for q in context.captured_queries if "COUNT(" in q["sql"].upper()]
    # The filtered count the paginator needs, not a second one of the whole table.
    assert len(counts) == 1


def test_home_shows_a_bounded_number_of_each_kind_and_links_to_all(client):
    add_entries(300)
    html = client.get(reverse("kb:home")).content.decode()
    assert html.count('class="entry-card"') == home.HOME_RULES + home.HOME_CASES
    for name in ("situation", "rule", "principle", "case", "tag"):
        assert f'href="{reverse(f"kb:{name}_list")}"' in html, name
    # Uncached, with hundreds of entries, the page stays small.
    assert len(html.encode()) < 100_000
    # The most used situations (by views) are the ones shown.
    most_viewed = Entry.objects.filter(kind=Kind.SITUATION).order_by("-view_count").first()
    assert most_viewed.title in html


def test_tag_pages_paginate_and_offer_a_bounded_number_of_narrowing_tags(client):
    add_entries(100)
    for n in range(views.NARROWING_TAGS + 10):
        tag = Tag.objects.create(name=f"тег {n}", slug=f"teg-{n}")
        entries = Entry.objects.order_by("pk")[: n + 1]
        TaggedEntry.objects.bulk_create(TaggedEntry(tag=tag, content_object=e) for e in entries)
    TagCount.objects.recount_all()
    response = client.get(reverse("kb:tag_detail", args=["massovo"]))
    assert len(response.context["entries"]) == views.LIST_PAGE_SIZE
    narrowing = response.context["narrowing_tags"]
    assert len(narrowing) == views.NARROWING_TAGS
    # The most used are kept: "тег 0" is on one entry only, the last ones on the most.
    assert "тег 0" not in [t.name for t in narrowing]
    assert f"тег {views.NARROWING_TAGS + 9}" in [t.name for t in narrowing]


@pytest.fixture
def small_sections(monkeypatch):
    monkeypatch.setattr(sitemaps, "SECTION_SIZE", 50)
    monkeypatch.setattr(sitemaps.SiteSitemap, "limit", 50)


def test_the_sitemap_is_one_file_while_it_fits(client, small_sections):
    add_entries(20)
    root = ET.fromstring(client.get(reverse("kb:sitemap")).content)
    assert root.tag == f"{SITEMAP}urlset"


def test_the_sitemap_becomes_an_index_of_small_sections(client, small_sections):
    add_entries(140)
    response = client.get(reverse("kb:sitemap"))
    root = ET.fromstring(response.content)
    assert root.tag == f"{SITEMAP}sitemapindex"
    sections = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    listed: set[str] = set()
    for url in sections:
        section = client.get(url.removeprefix("http://testserver"))
        assert section.status_code == 200
        urls = [loc.text for loc in ET.fromstring(section.content).iter(f"{SITEMAP}loc")]
        assert len(urls) <= 50
        listed.update(urls)
    published = Entry.objects.published()
    assert all(f"http://testserver{e.get_absolute_url()}" in listed for e in published)
    # Each entry section page costs the same whatever the number of entries.
    few, _ = fetch(client, reverse("kb:sitemap_section", args=["entries"]) + "?p=2")
    add_entries(200)
    many, _ = fetch(client, reverse("kb:sitemap_section", args=["entries"]) + "?p=2")
    assert many == few


def test_a_missing_sitemap_section_or_page_is_a_404(client):
    assert client.get("/sitemap-nothing.xml").status_code == 404
    assert client.get(reverse("kb:sitemap_section", args=["entries"]) + "?p=99").status_code == 404
    assert client.get(reverse("kb:sitemap_section", args=["entries"]) + "?p=x").status_code == 404


def test_a_source_page_paginates_its_entries(client):
    add_entries(70)
    source = Source.objects.create(title="Большая статья", slug="bolshaya")
    Entry.objects.update(source=source)
    first = client.get(source.get_absolute_url())
    assert len(first.context["entries"]) == views.LIST_PAGE_SIZE
    last = client.get(source.get_absolute_url() + "?page=3")
    assert len(last.context["entries"]) == 70 - 2 * views.LIST_PAGE_SIZE
    # A page number past the end or not a number shows a page, never an error.
    assert client.get(source.get_absolute_url() + "?page=99").status_code == 200
    assert client.get(source.get_absolute_url() + "?page=x").status_code == 200


def test_api_tag_and_source_lists_come_a_window_at_a_time(client):
    add_entries(5)
    for n in range(12):
        tag = Tag.objects.create(name=f"тег {n:02}", slug=f"teg-{n:02}")
        TaggedEntry.objects.create(tag=tag, content_object=Entry.objects.first())
        Source.objects.create(title=f"Статья {n:02}", slug=f"statya-{n:02}")
    tags = client.get(reverse("api:list_tags") + "?limit=5&offset=3").json()  # after "массово"
    assert [t["name"] for t in tags] == ["тег 02", "тег 03", "тег 04", "тег 05", "тег 06"]
    sources = client.get(reverse("api:list_sources") + "?limit=3&offset=10").json()
    assert [s["title"] for s in sources] == ["Статья 10", "Статья 11"]
    assert len(client.get(reverse("api:list_tags")).json()) == 13  # 12 and "массово"
    for query in ("limit=0", "limit=501", "offset=-1", "limit=x"):
        assert client.get(reverse("api:list_tags") + "?" + query).status_code == 422, query
        assert client.get(reverse("api:list_sources") + "?" + query).status_code == 422, query


def test_the_date_drill_down_waits_for_a_narrower_list(admin_client, monkeypatch):
    monkeypatch.setattr(admin_entries, "DATE_DRILL_DOWN_MAX", 50)
    add_entries(100)
    url = reverse("admin:kb_entry_changelist")
    assert admin_client.get(url).context["cl"].date_hierarchy is None
    # Narrowed to at most that many, or with a date chosen, it is there.
    narrowed = admin_client.get(url + "?kind__exact=rule")
    assert narrowed.context["cl"].date_hierarchy == "updated_at"
    assert 'class="toplinks"' in narrowed.content.decode()
    assert 'class="toplinks"' not in admin_client.get(url).content.decode()
    year = Entry.objects.first().updated_at.year
    dated = admin_client.get(url + f"?updated_at__year={year}")
    assert dated.context["cl"].date_hierarchy == "updated_at"
    assert dated.context["cl"].result_count == 100


def urls_of(xml: bytes | str) -> list[tuple[str | None, ...]]:
    return [
        tuple(url.findtext(f"{SITEMAP}{name}") for name in ("loc", "lastmod", "priority"))
        for url in ET.fromstring(xml).iter(f"{SITEMAP}url")
    ]


@pytest.mark.parametrize("url", ["/sitemap.xml", "/sitemap-entries.xml?p=2"])
def test_the_written_out_sitemap_says_what_djangos_template_says(client, small_sections, url):
    add_entries(20 if url == "/sitemap.xml" else 140)
    response = client.get(url)
    expected = render_to_string("sitemap.xml", {"urlset": response.context_data["urlset"]})
    assert urls_of(response.content) == urls_of(expected)
    assert len(urls_of(response.content)) >= 20


def test_a_tags_pages_share_its_counts(client, settings):
    settings.PRAVILA_PAGE_CACHE_SECONDS = 0
    add_entries(100)
    url = reverse("kb:tag_detail", args=["massovo"])
    uncached_queries, _ = fetch(client, url)
    with CaptureQueriesContext(connection) as context:
        second = client.get(url + "?page=2&kind=situation")
    page = second.context["page_obj"]
    situations = Entry.objects.published().filter(kind=Kind.SITUATION).count()
    assert page.paginator.count == situations
    assert len(page.object_list) == min(views.LIST_PAGE_SIZE, situations - views.LIST_PAGE_SIZE)
    kinds = {kind: n for kind, _, n in second.context["kinds"]}
    assert kinds == {kind: Entry.objects.filter(kind=kind).count() for kind in Kind}
    # The counts and the tags to narrow by come from the cache: only the page's own queries.
    assert len(context.captured_queries) <= uncached_queries - 2
