"""Floods from one client stay cheap and bounded (issue 22): the miss log, the openings waiting
for their search, and anonymous feedback."""

import uuid

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kb import search
from kb.content.models import Kind
from kb.feedback.models import Vote
from kb.misslog import services
from kb.misslog.models import SearchRecord
from tests.factories import make_entry

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"}
JSON = {**SAME_ORIGIN, "HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def one_minute(monkeypatch):
    """Limits count in windows of the clock: every request of a test falls in the same one."""
    import kb.core.clients

    now = 1_800_000_000.0 + 5
    monkeypatch.setattr(kb.core.clients.time, "time", lambda: now)


@pytest.fixture
def entry():
    entry = make_entry(
        Kind.SITUATION,
        title="Клиент впал в истерику",
        summary="Кричит на весь зал.",
        steps=["Дайте клиенту выговориться", "Предложите изложить претензии письменно"],
    )
    search.index_entries([entry.pk])
    return entry


# 2. The miss log


@override_settings(PRAVILA_MISSLOG_SEARCHES_PER_MINUTE=10)
def test_one_client_adds_a_bounded_number_of_searches_per_minute(entry):
    flooder = Client(REMOTE_ADDR="10.0.0.50")
    for i in range(40):
        assert flooder.get("/search/", {"q": f"истерика {i}"}).status_code == 200
        assert flooder.get("/api/v1/search/", {"q": f"зал {i}"}).status_code == 200
    assert SearchRecord.objects.count() == 10
    # Another reader's searches are still logged, and their links still note the opening.
    html = Client(REMOTE_ADDR="10.0.0.51").get("/search/", {"q": "истерика"}).content.decode()
    record = SearchRecord.objects.get(query="истерика")
    assert f"/search/open/{record.key}/{entry.pk}/" in html


@override_settings(PRAVILA_MISSLOG_SEARCHES_PER_MINUTE=1000, PRAVILA_MISSLOG_REPEATS_PER_DAY=3)
def test_the_same_query_again_and_again_adds_a_bounded_number_of_records(entry):
    flooder = Client(REMOTE_ADDR="10.0.0.52")
    for _ in range(30):  # served from the page cache after the first: replays count too
        assert flooder.get("/search/", {"q": "Истерика!"}).status_code == 200
        assert flooder.get("/search/", {"q": "истерика"}).status_code == 200
    assert SearchRecord.objects.filter(query="истерика").count() == 3
    # A search beyond the limit still answers, its links straight to the entries.
    answer = flooder.get("/api/v1/search/", {"q": "истерика", "per_page": 5}).json()
    (hit,) = answer["results"]
    assert hit["open_url"] == hit["url"] == entry.get_absolute_url()
    assert SearchRecord.objects.filter(query="истерика").count() == 3


@override_settings(PRAVILA_MISSLOG_SEARCHES_PER_MINUTE=10)
def test_behind_a_proxy_the_limit_is_per_client_address_it_passes_on(entry, settings):
    settings.PRAVILA_CLIENT_IP_HEADER = "X-Real-IP"
    for reader in range(5):
        client = Client(REMOTE_ADDR="10.0.0.1", headers={"X-Real-IP": f"192.168.0.{reader}"})
        for i in range(10):
            client.get("/api/v1/search/", {"q": f"истерика {reader} {i}"})
    assert SearchRecord.objects.count() == 50


# 4. /search/open/ with keys no search has


def test_a_flood_of_unknown_opening_keys_keeps_each_opening_cheap(entry):
    client = Client(REMOTE_ADDR="10.0.0.53")
    for _ in range(300):
        client.get(f"/search/open/{uuid.uuid4()}/{entry.pk}/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/search/open/{uuid.uuid4()}/{entry.pk}/")
    assert response.status_code == 302 and response["Location"] == entry.get_absolute_url()
    assert len(queries) <= 40


def test_a_real_opening_after_a_flood_is_still_noted_when_its_search_comes(entry, settings):
    settings.PRAVILA_MISSLOG_WRITE_SECONDS = 3600
    flooder = Client(REMOTE_ADDR="10.0.0.54")
    for _ in range(300):
        flooder.get(f"/search/open/{uuid.uuid4()}/{entry.pk}/")
    key = uuid.uuid4()
    # A reader opens a result whose search another process has not written yet.
    assert Client(REMOTE_ADDR="10.0.0.55").get(f"/search/open/{key}/{entry.pk}/").status_code == 302
    SearchRecord.objects.create(key=key, query="истерика", result_count=1, source="page")
    services.write_waiting()  # this process's next write tries the waiting openings again
    assert SearchRecord.objects.get(key=key).opened_entry == entry


# 9. Anonymous feedback: a script from one client cannot use up every newcomer's votes


@override_settings(
    PRAVILA_FEEDBACK_NEW_VOTERS_PER_HOUR=20, PRAVILA_FEEDBACK_NEW_VOTERS_PER_CLIENT=3
)
def test_a_cookieless_flood_from_one_client_leaves_the_others_their_votes(entry):
    step = entry.responses.first()
    url = reverse("feedback:vote", args=[step.pk])
    answers = [
        Client(REMOTE_ADDR="10.0.0.60").post(url, {"helped": "no"}, **JSON).status_code
        for _ in range(30)
    ]
    assert answers == [200] * 3 + [429] * 27
    for address in range(10):  # real first-time voters, each from their own machine
        response = Client(REMOTE_ADDR=f"10.0.1.{address}").post(url, {"helped": "yes"}, **JSON)
        assert response.status_code == 200
    assert Vote.objects.count() == 13


@override_settings(PRAVILA_FEEDBACK_NEW_VOTERS_PER_HOUR=5, PRAVILA_FEEDBACK_NEW_VOTERS_PER_CLIENT=3)
def test_the_site_wide_limit_still_holds_against_many_clients(entry):
    step = entry.responses.first()
    url = reverse("feedback:vote", args=[step.pk])
    answers = [
        Client(REMOTE_ADDR=f"10.0.2.{address}").post(url, {"helped": "no"}, **JSON).status_code
        for address in range(8)
    ]
    assert answers == [200] * 5 + [429] * 3
