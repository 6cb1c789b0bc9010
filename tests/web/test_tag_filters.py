"""Repeated `tag` parameters (issue 9, defect 6) and tags only drafts carry (defect 9).

Any number of tags costs what one does: the same queries with the same joins, no entry read
at all when a slug is unknown, and the API refuses more than it declares.
"""

import re
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kb import search
from kb.content.models import Kind, Status
from kb.web.api import MAX_TAGS, api
from tests.factories import make_entry

pytestmark = pytest.mark.django_db

TAG_NAMES = [f"t{n}" for n in range(MAX_TAGS)]


def indexed(*args, **kwargs):
    entry = make_entry(*args, **kwargs)
    search.index_entries([entry.pk])
    return entry


@pytest.fixture
def tagged():
    """A situation with all ten tags, one with all but the last, and one with the first only."""
    return {
        "all": indexed(title="Грубый клиент со всеми метками", tags=TAG_NAMES),
        "most": indexed(title="Грубый клиент почти со всеми", tags=TAG_NAMES[:-1]),
        "one": indexed(title="Грубый клиент с одной меткой", tags=TAG_NAMES[:1]),
    }


def page_urls(tags: list[str]) -> dict[str, str]:
    """Every page and endpoint that narrows by tags, with `tags` as repeated parameters."""
    query = urlencode({"tag": tags}, doseq=True)
    return {
        "list": f"{reverse('kb:situation_list')}?{query}",
        "tag page": f"{reverse('kb:tag_detail', args=['t0'])}?{query}",
        "search page": f"{reverse('kb:search')}?q=грубый&{query}",
        "api entries": f"/api/v1/entries/?{query}",
        "api search": f"/api/v1/search/?q=грубый&{query}",
    }


def run(client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:500])
    return response, [query["sql"] for query in context.captured_queries]


def found_titles(response) -> list[str]:
    """The titles of the entries a page lists or an endpoint returns."""
    if response["Content-Type"].startswith("application/json"):
        data = response.json()
        return [item["title"] for item in data.get("items", data.get("results", []))]
    context = response.context
    return [hit.title for hit in context.get("hits") or []] or [
        entry.title for entry in context.get("entries") or []
    ]


def joins(queries: list[str]) -> int:
    return sum(sql.upper().count(" JOIN ") for sql in queries)


@pytest.mark.parametrize("name", ["list", "tag page", "search page", "api entries", "api search"])
def test_ten_tags_cost_the_queries_and_joins_of_two(client, tagged, name):
    run(client, page_urls(TAG_NAMES[:1])[name])  # Warms the search's per-process caches.
    _, two = run(client, page_urls(TAG_NAMES[:2])[name])
    _, ten = run(client, page_urls(TAG_NAMES)[name])
    assert len(ten) == len(two)
    assert joins(ten) == joins(two)


@pytest.mark.parametrize("name", ["list", "tag page", "search page", "api entries", "api search"])
def test_only_entries_with_every_tag_are_found(client, tagged, name):
    response, _ = run(client, page_urls(TAG_NAMES)[name])
    assert found_titles(response) == ["Грубый клиент со всеми метками"]


@pytest.mark.parametrize("name", ["list", "tag page", "search page", "api entries", "api search"])
def test_an_unknown_slug_answers_empty_without_reading_entries(client, tagged, name):
    response, queries = run(client, page_urls([*TAG_NAMES[:3], "net-takoy-metki"])[name])
    assert found_titles(response) == []
    # No entry is looked through by its tags: the lookup of the tags settles it.
    filtering = [
        sql
        for sql in queries
        if "kb_taggedentry" in sql and re.search(r'FROM "?kb_(entry|searchdocument)\b', sql)
    ]
    assert filtering == []


@pytest.mark.parametrize("name", ["list", "tag page", "search page"])
def test_hundreds_of_repeated_parameters_answer_like_one(client, tagged, name):
    many = [f"x{n}" for n in range(900)]
    run(client, page_urls(["x0"])[name])  # Warms the search's per-process caches.
    cache.clear()  # but not the data the pages keep (a tag page's counts), compared uncached
    response, queries = run(client, page_urls(many)[name] + "&kind=rule" * 50)
    assert found_titles(response) == []
    cache.clear()
    _, one = run(client, page_urls(["x0"])[name] + "&kind=rule")
    assert len(queries) == len(one)


@pytest.mark.parametrize("endpoint", ["/api/v1/entries/", "/api/v1/search/?q=клиент"])
def test_the_api_refuses_more_tags_than_it_declares(client, tagged, endpoint):
    joiner = "&" if "?" in endpoint else "?"
    allowed = client.get(endpoint + joiner + urlencode({"tag": TAG_NAMES}, doseq=True))
    assert allowed.status_code == 200
    for count in (MAX_TAGS + 1, 40, 500):
        tags = [f"x{n}" for n in range(count)]
        response = client.get(endpoint + joiner + urlencode({"tag": tags}, doseq=True))
        assert response.status_code == 422, (count, response.content[:300])
        assert "tag" in str(response.json()["detail"])


def test_the_schema_declares_the_maximum():
    schema = api.get_openapi_schema()
    for path in ("/api/v1/entries/", "/api/v1/search/"):
        (tag,) = [p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == "tag"]
        assert tag["schema"]["maxItems"] == MAX_TAGS


# Defect 9 (and issue 13, point 8): a tag only drafts carry is not shown to staff.


@pytest.fixture
def draft_only_tag():
    make_entry(Kind.SITUATION, title="Опубликованная", tags=["открытая метка"])
    make_entry(Kind.SITUATION, title="Черновик", tags=["секретная метка"], status=Status.DRAFT)
    return "sekretnaya-metka"


def test_staff_get_404_for_a_tag_only_drafts_carry(client, draft_only_tag):
    response = client.get(reverse("kb:tag_detail", args=[draft_only_tag]))
    assert response.status_code == 404
    assert "секретная метка" not in response.content.decode()
    assert client.get(reverse("kb:tag_detail", args=["otkrytaya-metka"])).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        reverse("kb:situation_list") + "?tag=sekretnaya-metka",
        reverse("kb:tag_detail", args=["otkrytaya-metka"]) + "?tag=sekretnaya-metka",
        reverse("kb:search") + "?q=черновик&tag=sekretnaya-metka",
        reverse("kb:home"),
        reverse("kb:tag_list"),
        reverse("kb:situation_list"),
        reverse("kb:feed"),
        reverse("kb:sitemap"),
        "/api/v1/tags/",
        "/api/v1/entries/?tag=sekretnaya-metka",
    ],
)
def test_no_page_shows_a_tag_only_drafts_carry(client, draft_only_tag, url):
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "секретная метка" not in text
    assert "/tags/sekretnaya-metka/" not in text


def test_editors_see_the_drafts_they_saw_before_but_not_the_tag_page(editor_client, draft_only_tag):
    assert editor_client.get(reverse("kb:tag_detail", args=[draft_only_tag])).status_code == 404
    draft = reverse("kb:situation_detail", args=["chernovik"])
    assert editor_client.get(draft).status_code == 200
