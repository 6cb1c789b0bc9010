"""Previews: Open Graph and Twitter meta on entry pages, and the oEmbed endpoint."""

import html
import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from kb.content.models import Kind, Status
from tests.factories import make_entry

pytestmark = pytest.mark.django_db


def meta(page: str, attribute: str, name: str) -> str:
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', page)
    assert match, f"no {name} meta"
    return html.unescape(match.group(1))


def oembed(client, url: str, **params: str):
    return client.get(reverse("kb:oembed"), {"url": url, **params})


@pytest.fixture
def situation():
    return make_entry(
        Kind.SITUATION,
        title="Клиент впал в истерику",
        summary="Эмоции вместо разговора по делу.",
        steps=["Выслушать"],
    )


class TestMeta:
    def test_open_graph_and_twitter_card(self, client, situation):
        page = client.get(situation.get_absolute_url()).content.decode()
        canonical = "http://testserver/situations/klient-vpal-v-isteriku/"
        assert f'<link rel="canonical" href="{canonical}">' in page
        assert meta(page, "property", "og:type") == "article"
        assert meta(page, "property", "og:title") == "Клиент впал в истерику"
        assert meta(page, "property", "og:description") == "Эмоции вместо разговора по делу."
        assert meta(page, "property", "og:url") == canonical
        assert meta(page, "property", "og:site_name") == "Правила работы с клиентами"
        assert meta(page, "name", "twitter:card") == "summary"
        assert meta(page, "name", "twitter:title") == "Клиент впал в истерику"
        assert meta(page, "name", "twitter:description") == "Эмоции вместо разговора по делу."

    def test_oembed_discovery_link(self, client, situation):
        page = client.get(situation.get_absolute_url()).content.decode()
        match = re.search(r'type="application/json\+oembed" href="([^"]+)"', page)
        assert match
        discovered = html.unescape(match.group(1))
        assert discovered == "http://testserver/oembed/?" + urlencode(
            {"url": "http://testserver/situations/klient-vpal-v-isteriku/", "format": "json"}
        )
        response = client.get(discovered)
        assert response.status_code == 200
        assert response.json()["title"] == "Клиент впал в истерику"

    def test_meta_is_escaped(self, client):
        entry = make_entry(title='Кавычки " и <теги>', summary='"><script>alert(1)</script>')
        page = client.get(entry.get_absolute_url()).content.decode()
        assert "<script>alert(1)" not in page
        assert meta(page, "property", "og:description") == '"><script>alert(1)</script>'

    def test_base_url_setting_makes_every_outside_link(self, client, situation, settings):
        settings.PRAVILA_BASE_URL = "https://kb.example.com"
        page = client.get(situation.get_absolute_url()).content.decode()
        canonical = "https://kb.example.com/situations/klient-vpal-v-isteriku/"
        assert meta(page, "property", "og:url") == canonical
        assert f'<link rel="canonical" href="{canonical}">' in page
        assert f"https://kb.example.com/e/{situation.pk}/" in page
        card = oembed(client, canonical).json()
        assert card["url"] == canonical
        assert card["provider_url"] == "https://kb.example.com/"


class TestOEmbed:
    def test_rich_card_for_an_entry_url(self, client, situation):
        response = oembed(client, "http://testserver/situations/klient-vpal-v-isteriku/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        card = response.json()
        assert card["version"] == "1.0"
        assert card["type"] == "rich"
        assert card["title"] == "Клиент впал в истерику"
        assert card["summary"] == "Эмоции вместо разговора по делу."
        assert card["url"] == "http://testserver/situations/klient-vpal-v-isteriku/"
        assert card["provider_name"] == "Правила работы с клиентами"
        assert card["provider_url"] == "http://testserver/"
        assert card["width"] == 480 and card["height"] == 180
        assert 'href="http://testserver/situations/klient-vpal-v-isteriku/"' in card["html"]
        assert "Эмоции вместо разговора по делу." in card["html"]

    def test_short_links_old_slugs_anchors_and_query_strings_are_understood(
        self, client, situation
    ):
        situation.slug = "isterika"
        situation.save()
        for url in [
            f"http://testserver/e/{situation.pk}/",
            "http://testserver/situations/klient-vpal-v-isteriku/",
            "http://testserver/situations/isterika/#vyslushat",
            "https://testserver/rules/isterika/?print=1",
        ]:
            response = oembed(client, url)
            assert response.status_code == 200, url
            assert response.json()["url"] == "http://testserver/situations/isterika/"

    def test_rule_cards_carry_the_number(self, client):
        rule = make_entry(Kind.RULE, title="Обещать меньше, делать больше", number=1)
        card = oembed(client, f"http://testserver{rule.get_absolute_url()}").json()
        assert card["title"] == "Правило №1: Обещать меньше, делать больше"

    def test_html_is_escaped(self, client):
        entry = make_entry(title="<img src=x onerror=alert(1)>", summary="<script>x</script>")
        card = oembed(client, f"http://testserver{entry.get_absolute_url()}").json()
        assert "<img" not in card["html"] and "<script" not in card["html"]
        assert "&lt;script&gt;x&lt;/script&gt;" in card["html"]
        assert card["title"] == "<img src=x onerror=alert(1)>"  # JSON, not HTML

    def test_maxwidth_and_maxheight_are_respected(self, client, situation):
        url = f"http://testserver{situation.get_absolute_url()}"
        card = oembed(client, url, maxwidth="300", maxheight="100").json()
        assert (card["width"], card["height"]) == (300, 100)
        assert "max-width:300px" in card["html"]
        card = oembed(client, url, maxwidth="5000").json()
        assert card["width"] == 480

    @pytest.mark.parametrize("size", ["0", "-5", "abc", "1e3", "١٠٠"])
    def test_bad_sizes_are_refused(self, client, situation, size):
        response = oembed(client, f"http://testserver{situation.get_absolute_url()}", maxwidth=size)
        assert response.status_code == 400
        assert "detail" in response.json()

    @pytest.mark.parametrize(
        "url",
        [
            "http://elsewhere.example.com/situations/klient-vpal-v-isteriku/",
            "http://user@testserver/situations/klient-vpal-v-isteriku/",
            "ftp://testserver/situations/klient-vpal-v-isteriku/",
            "/situations/klient-vpal-v-isteriku/",
            "http://testserver/situations/net-takoj/",
            "http://testserver/tags/emocii/",
            "http://testserver/sources/klient/",
            "http://testserver/e/999999/",
            "http://testserver/",
            "http://[::1/",
            "not a url at all \x00",
        ],
    )
    def test_other_urls_are_not_found(self, client, situation, url):
        response = oembed(client, url)
        assert response.status_code == 404
        assert response.json() == {"detail": "No published entry or reading path has this URL."}

    def test_drafts_have_no_card(self, client, editor_client):
        draft = make_entry(status=Status.DRAFT)
        url = f"http://testserver{draft.get_absolute_url()}"
        assert oembed(client, url).status_code == 404
        assert oembed(editor_client, url).status_code == 404

    def test_unsupported_format_and_missing_url(self, client, situation):
        url = f"http://testserver{situation.get_absolute_url()}"
        assert oembed(client, url, format="xml").status_code == 501
        assert oembed(client, url, format="json").status_code == 200
        response = client.get(reverse("kb:oembed"))
        assert response.status_code == 400
        assert response.json() == {"detail": "The url parameter is required."}

    def test_allowed_hosts_are_ours(self, client, situation, settings):
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".corp.example"]
        response = oembed(client, f"https://kb.corp.example{situation.get_absolute_url()}")
        assert response.status_code == 200
        assert response.json()["url"].startswith("http://testserver/")
