"""Between the site and the admin: an edit link for editors, and drafts in editors' searches."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from kb import search
from kb.content.models import Kind, Status
from tests.factories import make_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_user("staff", is_staff=True))
    return client


@pytest.fixture
def entries():
    published = make_entry(
        Kind.SITUATION, title="Клиент требует скидку", steps=["Спросить о бюджете"]
    )
    draft = make_entry(
        Kind.SITUATION,
        title="Клиент просит скидки каждый месяц",
        status=Status.DRAFT,
        steps=["Напомнить об условиях договора"],
    )
    rule = make_entry(Kind.RULE, title="Скидки согласует руководитель", number=3)
    search.index_entries([published.pk, draft.pk, rule.pk])
    return {"published": published, "draft": draft, "rule": rule}


@pytest.mark.parametrize("name", ["published", "draft", "rule"])
def test_editors_see_an_edit_link_on_every_entry_page(editor_client, entries, name):
    entry = entries[name]
    page = editor_client.get(entry.get_absolute_url()).content.decode()
    link = reverse(f"admin:kb_{entry.kind}_change", args=[entry.pk])
    assert f'<a class="edit-link no-print" href="{link}">Редактировать</a>' in page
    assert editor_client.get(link).status_code == 200


def test_staff_and_readers_see_no_edit_link(client, staff_client, entries):
    url = entries["published"].get_absolute_url()
    for someone in (client, staff_client):
        page = someone.get(url).content.decode()
        assert "edit-link" not in page and "Редактировать" not in page
        assert "/change/" not in page


def test_editors_search_finds_drafts_marked_as_drafts(editor_client, entries):
    response = editor_client.get(reverse("kb:search"), {"q": "скидка"})
    assert [e.title for e in response.context["drafts"]] == ["Клиент просит скидки каждый месяц"]
    page = response.content.decode()
    assert "Черновики (их видят только редакторы)" in page
    assert '<span class="draft-mark">черновик</span>' in page
    # The published results stay as they were.
    assert {hit.title for hit in response.context["hits"]} == {
        "Клиент требует скидку",
        "Правило №3: Скидки согласует руководитель",
    }


def test_a_draft_is_found_by_the_words_of_its_steps_too(editor_client, entries):
    response = editor_client.get(reverse("kb:search"), {"q": "условия договора"})
    assert [e.title for e in response.context["drafts"]] == ["Клиент просит скидки каждый месяц"]


def test_staff_never_find_drafts(client, staff_client, entries):
    for someone in (client, staff_client):
        response = someone.get(reverse("kb:search"), {"q": "скидка"})
        assert "drafts" not in response.context
        assert "каждый месяц" not in response.content.decode()


def test_the_api_and_suggestions_never_return_drafts_even_to_editors(
    editor_client, staff_client, entries
):
    for someone in (editor_client, staff_client):
        found = someone.get("/api/v1/search/", {"q": "скидка"}).json()
        suggested = someone.get("/api/v1/suggest/", {"q": "скидк"}).json()
        assert "каждый месяц" not in str(found) and "каждый месяц" not in str(suggested)
        assert "Клиент требует скидку" in str(found)


def test_bad_queries_do_not_break_editors_search(editor_client, entries):
    for query in ["", "   ", "!!!", "и в на", "x" * 5000]:
        assert editor_client.get(reverse("kb:search"), {"q": query}).status_code == 200
