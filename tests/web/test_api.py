import datetime as dt

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kb.content.models import Entry, Kind, Status
from tests.factories import make_entry, make_source

pytestmark = pytest.mark.django_db


def get_json(client, url: str, status: int = 200, **params):
    response = client.get(url, params)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def set_updated_at(entry: Entry, moment: dt.datetime) -> None:
    Entry.objects.filter(pk=entry.pk).update(updated_at=moment)


def test_tags_endpoint_counts_published_entries(client):
    make_entry(tags=["сроки", "ошибки"])
    make_entry(tags=["сроки"], status=Status.DRAFT)
    response = client.get("/api/v1/tags/")
    assert response.status_code == 200
    assert response.json() == [
        {"name": "ошибки", "slug": "oshibki", "url": "/tags/oshibki/", "entry_count": 1},
        {"name": "сроки", "slug": "sroki", "url": "/tags/sroki/", "entry_count": 1},
    ]


def test_openapi_schema_is_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Pravila API"
    for path in [
        "/api/v1/tags/",
        "/api/v1/entries/",
        "/api/v1/entries/{id_or_slug}/",
        "/api/v1/sources/",
        "/api/v1/sources/{slug}/",
    ]:
        assert path in schema["paths"]
    responses = schema["paths"]["/api/v1/entries/{id_or_slug}/"]["get"]["responses"]
    assert set(responses) == {"200", "404", "422"}


def test_interactive_docs_use_our_own_static_files(client):
    response = client.get("/api/v1/docs")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<script src="/static/ninja/swagger-ui-bundle.js">' in page
    assert '"url": "/api/v1/openapi.json"' in page
    assert '"validatorUrl": null' in page
    assert "cdn" not in page.lower() and "https://" not in page
    assert finders.find("ninja/swagger-ui-bundle.js")


class TestEntryList:
    def test_lists_published_entries_with_paging_and_a_total(self, client):
        source = make_source(title="Статья")
        entries = [make_entry(Kind.RULE, source=source, tags=["сроки"]) for _ in range(5)]
        make_entry(Kind.RULE, status=Status.DRAFT)
        for age, entry in enumerate(entries):
            set_updated_at(entry, timezone.now() - dt.timedelta(days=age))

        page = get_json(client, "/api/v1/entries/", limit=2, offset=1)
        assert page["count"] == 5
        assert (page["limit"], page["offset"]) == (2, 1)
        assert [item["id"] for item in page["items"]] == [entries[1].pk, entries[2].pk]
        item = page["items"][0]
        assert item["kind"] == "rule"
        assert item["url"] == entries[1].get_absolute_url()
        assert item["short_url"] == f"/e/{entries[1].pk}/"
        assert item["tags"] == [{"name": "сроки", "slug": "sroki", "url": "/tags/sroki/"}]
        assert item["source"] == {
            "slug": source.slug,
            "title": "Статья",
            "url": f"/sources/{source.slug}/",
        }
        assert set(item) >= {"title", "slug", "number", "summary", "created_at", "updated_at"}

        assert get_json(client, "/api/v1/entries/", offset=5)["items"] == []
        assert get_json(client, "/api/v1/entries/")["limit"] == 20

    def test_filters_by_kind(self, client):
        rule = make_entry(Kind.RULE)
        make_entry(Kind.SITUATION)
        page = get_json(client, "/api/v1/entries/", kind="rule")
        assert [item["id"] for item in page["items"]] == [rule.pk]

    def test_filters_by_several_tags_all_of_which_must_match(self, client):
        both = make_entry(tags=["сроки", "ошибки"])
        make_entry(tags=["сроки"])
        page = get_json(client, "/api/v1/entries/?tag=sroki&tag=oshibki")
        assert [item["id"] for item in page["items"]] == [both.pk]
        assert page["count"] == 1
        assert get_json(client, "/api/v1/entries/?tag=net-takogo")["count"] == 0

    def test_filters_by_updated_since(self, client):
        old = make_entry(title="Старая")
        new = make_entry(title="Новая")
        set_updated_at(old, dt.datetime(2024, 1, 10, 12, 0, tzinfo=dt.UTC))
        set_updated_at(new, dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.UTC))

        def ids(since: str) -> list[int]:
            page = get_json(client, "/api/v1/entries/", updated_since=since)
            return [item["id"] for item in page["items"]]

        assert ids("2024-02-01T00:00:00Z") == [new.pk]
        assert ids("2024-01-10T12:00:00+00:00") == [new.pk, old.pk]  # "at or after"
        assert ids("2024-01-10T15:00:01+03:00") == [new.pk]
        assert ids("2024-01-10T12:00:00.000001Z") == [new.pk]
        assert ids("2024-01-10") == [new.pk, old.pk]  # midnight, Moscow time
        assert ids("2024-03-02") == []
        assert ids("0001-01-01T00:00:00+05:00") == [new.pk, old.pk]
        assert ids("9999-12-31T23:59:59-05:00") == []

    @pytest.mark.parametrize(
        "params",
        [
            {"kind": "poem"},
            {"tag": "сроки"},
            {"tag": "a b"},
            {"updated_since": "вчера"},
            {"updated_since": "1700000000"},
            {"updated_since": "2024-01-10T12:00:00"},  # which time zone?
            {"updated_since": "2024-02-30"},
            {"limit": "0"},
            {"limit": "101"},
            {"limit": "десять"},
            {"offset": "-1"},
            {"offset": str(10**30)},
        ],
        ids=lambda p: "-".join(f"{k}={v}" for k, v in p.items()),
    )
    def test_bad_parameters_get_a_422_naming_them(self, client, params):
        body = get_json(client, "/api/v1/entries/", 422, **params)
        [problem] = body["detail"]
        assert problem["loc"][0] == "query"
        assert next(iter(params)) in problem["loc"]
        assert problem["msg"]

    def test_query_count_does_not_grow_with_entries(self, client):
        def queries() -> int:
            with CaptureQueriesContext(connection) as context:
                get_json(client, "/api/v1/entries/?tag=sroki", limit=100)
            return len(context.captured_queries)

        source = make_source()
        for _ in range(2):
            make_entry(tags=["сроки", "ошибки"], source=source)
        few = queries()
        for _ in range(10):
            make_entry(tags=["сроки", "этикет"], source=make_source())
        assert queries() == few <= 3


class TestEntryDetail:
    @pytest.fixture
    def situation(self):
        source = make_source(title="Статья")
        principle = make_entry(Kind.PRINCIPLE, title="Доверие")
        hidden = make_entry(Kind.RULE, title="Черновое правило", number=5, status=Status.DRAFT)
        case = make_entry(Kind.CASE, title="Случай")
        situation = make_entry(
            Kind.SITUATION,
            title="Клиент умер",
            summary="Редкая ситуация.",
            body="Сначала **пауза**.",
            steps=["Выразить соболезнования", "Дождаться правопреемника"],
            tags=["этикет"],
            source=source,
            source_locator="ситуация №5",
        )
        situation.basis.add(principle, hidden)
        situation.see_also.add(case)
        situation.slug = "smert-klienta"
        situation.save()
        return situation

    def test_by_id_slug_and_old_slug(self, client, situation):
        by_id = get_json(client, f"/api/v1/entries/{situation.pk}/")
        assert get_json(client, "/api/v1/entries/smert-klienta/") == by_id
        assert get_json(client, "/api/v1/entries/klient-umer/") == by_id

    def test_has_text_steps_links_and_short_link(self, client, situation):
        entry = get_json(client, f"/api/v1/entries/{situation.pk}/")
        assert entry["title"] == "Клиент умер"
        assert entry["slug"] == "smert-klienta"
        assert entry["old_slugs"] == ["klient-umer"]
        assert entry["url"] == "/situations/smert-klienta/"
        assert entry["short_url"] == f"/e/{situation.pk}/"
        assert entry["body"] == "Сначала **пауза**."
        assert entry["body_html"] == "<p>Сначала <strong>пауза</strong>.</p>"
        assert entry["source"]["title"] == "Статья"
        assert entry["source_locator"] == "ситуация №5"
        assert [t["slug"] for t in entry["tags"]] == ["etiket"]
        first, second = situation.responses.all()
        assert entry["steps"] == [
            {
                "number": 1,
                "anchor": first.anchor,
                "text": "Выразить соболезнования",
                "text_html": "<p>Выразить соболезнования</p>",
                "url": f"/situations/smert-klienta/#{first.anchor}",
                "short_url": f"/e/{situation.pk}/#{first.anchor}",
            },
            {
                "number": 2,
                "anchor": second.anchor,
                "text": "Дождаться правопреемника",
                "text_html": "<p>Дождаться правопреемника</p>",
                "url": f"/situations/smert-klienta/#{second.anchor}",
                "short_url": f"/e/{situation.pk}/#{second.anchor}",
            },
        ]
        # Links lead to published entries only.
        assert [e["title"] for e in entry["basis"]] == ["Доверие"]
        assert [e["title"] for e in entry["see_also"]] == ["Случай"]
        principle = get_json(client, f"/api/v1/entries/{entry['basis'][0]['id']}/")
        assert [e["slug"] for e in principle["applied_in"]] == ["smert-klienta"]
        assert set(entry) >= {"created_at", "updated_at", "lesson", "lesson_html", "number"}

    def test_drafts_and_unknown_entries_are_not_found(self, client, editor_client, situation):
        draft = Entry.objects.get(title="Черновое правило")
        for c in (client, editor_client):  # the API shows published entries only, to anyone
            for key in (draft.pk, draft.slug, 999999, "net-takoj"):
                body = get_json(c, f"/api/v1/entries/{key}/", 404)
                assert body == {"detail": "No published entry has this id or slug."}
        assert "Черновое" not in client.get("/api/v1/entries/", {"limit": 100}).content.decode()

    def test_a_bad_id_or_slug_is_a_422(self, client):
        body = get_json(client, "/api/v1/entries/клиент/", 422)
        assert body["detail"][0]["loc"] == ["path", "id_or_slug"]

    def test_a_numeric_slug_is_found_when_no_id_matches(self, client):
        entry = make_entry(title="2024")
        assert entry.slug == "2024"
        assert get_json(client, "/api/v1/entries/2024/")["id"] == entry.pk

    def test_query_count_does_not_grow_with_links(self, client, situation):
        def queries() -> int:
            with CaptureQueriesContext(connection) as context:
                get_json(client, f"/api/v1/entries/{situation.pk}/")
            return len(context.captured_queries)

        few = queries()
        for n in range(5):
            situation.basis.add(make_entry(Kind.RULE, tags=["сроки"]))
            situation.see_also.add(make_entry(Kind.CASE))
            situation.responses.create(position=10 + n, text=f"Ещё шаг {n}")
            situation.slug = f"smert-klienta-{n}"
            situation.save()
        assert queries() == few


class TestSources:
    def test_lists_sources_with_published_entry_counts(self, client):
        source = make_source(
            title="Клиентоориентированность", author="Автор", url="https://example.com/a"
        )
        make_entry(source=source)
        make_entry(source=source, status=Status.DRAFT)
        [item] = get_json(client, "/api/v1/sources/")
        assert item == {
            "slug": "klientoorientirovannost",
            "title": "Клиентоориентированность",
            "author": "Автор",
            "address": "https://example.com/a",
            "published_on": None,
            "description": "",
            "url": "/sources/klientoorientirovannost/",
            "entry_count": 1,
        }

    def test_one_source_with_its_published_entries(self, client):
        source = make_source(title="Статья")
        shown = make_entry(Kind.RULE, title="Правило", source=source)
        make_entry(title="Черновик", source=source, status=Status.DRAFT)
        body = get_json(client, f"/api/v1/sources/{source.slug}/")
        assert body["entry_count"] == 1
        assert body["entries"] == [
            {
                "id": shown.pk,
                "kind": "rule",
                "title": "Правило",
                "slug": shown.slug,
                "url": shown.get_absolute_url(),
                "short_url": shown.get_short_url(),
            }
        ]
        assert get_json(client, "/api/v1/sources/net-takogo/", 404) == {
            "detail": "No source has this slug."
        }
