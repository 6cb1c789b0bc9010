"""Paths leave the site as entries do: Open Graph, oEmbed, the sitemap and the JSON API."""

import html
import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from kb.content.models import Kind, Status
from tests.factories import make_entry, make_path
from tests.web.test_feeds import sitemap_urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries():
    return [
        make_entry(Kind.PRINCIPLE, title="Доверие"),
        make_entry(Kind.RULE, title="Обещать меньше", number=1),
        make_entry(Kind.SITUATION, title="Клиент кричит"),
    ]


@pytest.fixture
def path(entries):
    return make_path(
        *entries,
        title="Первая неделя в поддержке",
        intro="Что прочитать в первую неделю.",
        notes={1: "Основа всего."},
    )


def meta(page: str, attribute: str, name: str) -> str:
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', page)
    assert match, f"no {name} meta"
    return html.unescape(match.group(1))


class TestPreviews:
    def test_open_graph_and_the_oembed_discovery_link(self, client, path):
        page = client.get(path.get_absolute_url()).content.decode()
        canonical = f"http://testserver/paths/{path.slug}/"
        assert f'<link rel="canonical" href="{canonical}">' in page
        assert meta(page, "property", "og:title") == "Первая неделя в поддержке"
        assert meta(page, "property", "og:description") == "Что прочитать в первую неделю."
        assert meta(page, "property", "og:url") == canonical
        assert meta(page, "name", "twitter:card") == "summary"
        discovered = html.unescape(
            re.search(r'type="application/json\+oembed" href="([^"]+)"', page).group(1)
        )
        assert discovered == "http://testserver/oembed/?" + urlencode(
            {"url": canonical, "format": "json"}
        )

    @pytest.mark.parametrize("address", ["page", "short link"])
    def test_oembed_gives_a_card_for_a_path(self, client, path, address):
        url = path.get_absolute_url() if address == "page" else path.get_short_url()
        response = client.get(reverse("kb:oembed"), {"url": f"http://testserver{url}"})
        assert response.status_code == 200
        card = response.json()
        assert card["title"] == "Первая неделя в поддержке"
        assert card["summary"] == "Что прочитать в первую неделю."
        assert card["url"] == f"http://testserver/paths/{path.slug}/"
        assert "Путь чтения · Правила работы с клиентами" in card["html"]

    def test_oembed_refuses_drafts_and_other_pages(self, client, path):
        draft = make_path(title="<b>Черновик</b>", status=Status.DRAFT)
        for url in (draft.get_absolute_url(), draft.get_short_url(), "/paths/", "/changes/"):
            response = client.get(reverse("kb:oembed"), {"url": f"http://testserver{url}"})
            assert response.status_code == 404, url


class TestSitemap:
    def test_lists_the_paths_page_and_published_paths(self, client, path):
        make_path(title="Черновик пути", status=Status.DRAFT)
        urls = sitemap_urls(client)
        assert "http://testserver/paths/" in urls
        assert f"http://testserver/paths/{path.slug}/" in urls
        lastmod = timezone.localdate(path.updated_at).isoformat()
        assert urls[f"http://testserver/paths/{path.slug}/"] == lastmod
        assert not any("chernovik" in url for url in urls)


class TestAPI:
    def test_lists_published_paths_with_their_published_entries_counted(
        self, client, path, entries
    ):
        make_path(*entries, title="Черновик пути", status=Status.DRAFT)
        entries[2].status = Status.DRAFT
        entries[2].save()
        response = client.get("/api/v1/paths/")
        assert response.status_code == 200
        [item] = response.json()
        assert item["id"] == path.pk and item["title"] == "Первая неделя в поддержке"
        assert item["url"] == f"/paths/{path.slug}/" and item["short_url"] == f"/p/{path.pk}/"
        assert item["entry_count"] == 2
        assert item["intro"] == "Что прочитать в первую неделю."

    def test_one_path_with_its_entries_in_order_and_the_leads_notes(self, client, path, entries):
        entries[1].status = Status.DRAFT
        entries[1].save()
        response = client.get(f"/api/v1/paths/{path.pk}/")
        assert response.status_code == 200
        data = response.json()
        assert [e["title"] for e in data["entries"]] == ["Доверие", "Клиент кричит"]
        first = data["entries"][0]
        assert first == {
            "number": 1,
            "note": "Основа всего.",
            "id": entries[0].pk,
            "kind": "principle",
            "title": "Доверие",
            "slug": entries[0].slug,
            "url": f"{entries[0].get_absolute_url()}?path={path.slug}",
            "short_url": f"/e/{entries[0].pk}/",
        }
        assert data["entries"][1]["number"] == 2
        assert "read" not in response.content.decode()  # read marks are personal

    @pytest.mark.parametrize(
        ("url", "status"),
        [("/api/v1/paths/999999/", 404), ("/api/v1/paths/0/", 422),
         ("/api/v1/paths/abc/", 422), (f"/api/v1/paths/{10**30}/", 422)],
    )  # fmt: skip
    def test_missing_and_bad_ids(self, client, url, status):
        response = client.get(url)
        assert response.status_code == status
        assert "detail" in response.json()

    def test_a_draft_path_is_not_found(self, client, entries):
        draft = make_path(*entries, status=Status.DRAFT)
        assert client.get(f"/api/v1/paths/{draft.pk}/").status_code == 404

    def test_the_paths_are_in_the_openapi_schema(self, client):
        schema = client.get("/api/v1/openapi.json").json()
        assert "/api/v1/paths/" in schema["paths"]
        assert "/api/v1/paths/{id}/" in schema["paths"]
