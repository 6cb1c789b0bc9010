"""The miss log proposes fixes for a missed query (likely entries, and synonym groups close in
meaning to a word no entry holds), each applied in one step from the Fix page."""

import pytest
from django.urls import reverse

from kb.content.models import Entry, Synonym
from tests.seed import seed

pytestmark = pytest.mark.django_db

FIX_URL = "/admin/misslog/searchrecord/fix/"
BANQUET = "Пришли работать к клиенту, а там банкет"


def test_a_missed_word_is_proposed_for_the_group_close_in_meaning_and_applied_in_one_step(
    client, admin_client
):
    seed()
    client.get(reverse("kb:search"), {"q": "застолье у клиента фуршет"})
    page = admin_client.get(FIX_URL, {"q": "фуршет"})
    assert page.status_code == 200
    proposals = page.context["synonym_proposals"]
    banquet_group = Synonym.objects.get(words__contains="банкет")
    assert [(p.word, p.group) for p in proposals][:1] == [("фуршет", banquet_group)]
    assert "Добавить «фуршет» в группу" in page.content.decode()

    done = admin_client.post(
        FIX_URL, {"q": "фуршет", "action": "synonym", "word": "фуршет", "group": banquet_group.pk}
    )
    assert done.status_code == 302
    assert "фуршет" in Synonym.objects.get(pk=banquet_group.pk).words
    data = client.get("/api/v1/search/", {"q": "фуршет"}).json()
    assert data["results"][0]["title"] == BANQUET
    assert data["understood_by_meaning"] == {}  # now a synonym, no longer a guess


def test_likely_entries_are_proposed_and_one_becomes_a_search_phrase_in_one_step(admin_client):
    seed()
    page = admin_client.get(FIX_URL, {"q": "пьянка у заказчика банкет"})
    likely = page.context["likely_entries"]
    assert likely and likely[0].title == BANQUET
    done = admin_client.post(
        FIX_URL, {"q": "пьянка на объекте", "action": "phrase", "entry": likely[0].pk}
    )
    assert done.status_code == 302
    assert Entry.objects.get(pk=likely[0].pk).has_search_phrase("пьянка на объекте")
    found = admin_client.get("/api/v1/search/", {"q": "пьянка на объекте"}).json()
    assert found["results"][0]["title"] == BANQUET
