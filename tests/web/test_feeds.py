"""The sitemap and the Atom feed of recent changes: published entries only."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kb.content.models import Entry, Kind, Status
from tests.factories import make_entry, make_source

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"


def sitemap_urls(client) -> dict[str, str | None]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in root.iter(f"{SITEMAP}url")
    }


def feed(client) -> ET.Element:
    response = client.get("/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


class TestSitemap:
    def test_lists_pages_tags_sources_and_published_entries(self, client):
        source = make_source(title="Статья")
        entry = make_entry(Kind.SITUATION, title="Клиент умер", tags=["этикет"], source=source)
        Entry.objects.filter(pk=entry.pk).update(updated_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
        make_entry(Kind.RULE, title="Черновик", tags=["тайное"], status=Status.DRAFT)
        urls = sitemap_urls(client)
        base = "http://testserver"
        for path in [
            "/",
            "/situations/",
            "/rules/",
            "/principles/",
            "/cases/",
            "/tags/",
            "/tags/etiket/",
            f"/sources/{source.slug}/",
            "/paths/",
        ]:
            assert base + path in urls, path
        assert urls[f"{base}/situations/klient-umer/"] == "2025-03-01"
        assert not any("chernovik" in url or "tajnoe" in url for url in urls)
        assert len(urls) == 10

    def test_uses_the_base_url_when_set(self, client, settings):
        settings.PRAVILA_BASE_URL = "https://kb.example.com"
        make_entry(title="Клиент умер")
        urls = sitemap_urls(client)
        assert "https://kb.example.com/situations/klient-umer/" in urls
        assert all(url.startswith("https://kb.example.com/") for url in urls)

    def test_query_count_does_not_grow_with_entries(self, client):
        def queries() -> int:
            with CaptureQueriesContext(connection) as context:
                sitemap_urls(client)
            return len(context.captured_queries)

        make_entry(tags=["сроки"], source=make_source())
        few = queries()
        for _ in range(10):
            make_entry(tags=["сроки", "ошибки"], source=make_source())
        assert queries() == few


class TestFeed:
    def test_recent_published_entries_newest_first(self, client):
        older = make_entry(title="Старая запись", summary="Было.", tags=["сроки"])
        newer = make_entry(Kind.RULE, title="Новая запись", number=2, summary="Стало.")
        for entry, month in ((older, 1), (newer, 2)):
            moment = dt.datetime(2025, month, 1, tzinfo=dt.UTC)
            Entry.objects.filter(pk=entry.pk).update(created_at=moment, updated_at=moment)
        make_entry(title="Черновик", status=Status.DRAFT)

        root = feed(client)
        assert root.findtext(f"{ATOM}title") == "Правила работы с клиентами: последние изменения"
        assert root.findtext(f"{ATOM}updated").startswith("2025-02-01")
        entries = root.findall(f"{ATOM}entry")
        assert [e.findtext(f"{ATOM}title") for e in entries] == [
            "Правило №2: Новая запись",
            "Старая запись",
        ]
        first = entries[1]
        assert (
            first.find(f"{ATOM}link").get("href") == "http://testserver/situations/staraya-zapis/"
        )
        assert first.findtext(f"{ATOM}id") == f"http://testserver/e/{older.pk}/"
        assert first.findtext(f"{ATOM}summary") == "Было."
        assert first.findtext(f"{ATOM}updated").startswith("2025-01-01")
        assert [c.get("term") for c in first.findall(f"{ATOM}category")] == ["сроки"]

    def test_an_entry_keeps_its_id_when_renamed(self, client):
        entry = make_entry(title="Клиент умер")
        before = feed(client).find(f"{ATOM}entry").findtext(f"{ATOM}id")
        entry.slug = "smert-klienta"
        entry.save()
        after = feed(client).find(f"{ATOM}entry")
        assert after.findtext(f"{ATOM}id") == before
        assert after.find(f"{ATOM}link").get("href").endswith("/situations/smert-klienta/")

    def test_every_page_links_to_the_feed(self, client):
        page = client.get("/").content.decode()
        assert (
            '<link rel="alternate" type="application/atom+xml" title="Последние изменения" '
            'href="/feed/">'
        ) in page

    def test_query_count_does_not_grow_with_entries(self, client):
        def queries() -> int:
            with CaptureQueriesContext(connection) as context:
                feed(client)
            return len(context.captured_queries)

        make_entry(tags=["сроки"])
        few = queries()
        for _ in range(10):
            make_entry(tags=["сроки", "ошибки"])
        assert queries() == few
