"""No silent overwrites: a save based on an old version of an entry is refused."""

import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

from kb.content.admin import entry_history as kb_admin
from kb.content.models import EditConflict, Entry, Kind
from tests.conftest import editors_group
from tests.helpers import change_url, open_form, recorded_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_editor(db) -> Client:
    user = User.objects.create_user(
        "petrova", password="x", is_staff=True, first_name="Анна", last_name="Петрова"
    )
    user.groups.add(editors_group())
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def situation():
    return recorded_entry(
        Kind.SITUATION, title="Клиент кричит", tags=["эмоции"], steps=["Выслушать", "Извиниться"]
    )


def test_every_save_moves_the_version_on(situation):
    assert situation.version == 1
    situation.title = "Клиент кричит на сотрудника"
    situation.save()
    situation.save(update_fields=["title"])
    assert Entry.objects.get(pk=situation.pk).version == 3


def test_a_save_from_a_stale_copy_is_refused_and_writes_nothing(situation):
    first = Entry.objects.get(pk=situation.pk)
    second = Entry.objects.get(pk=situation.pk)
    first.title = "Первая правка"
    first.save()
    second.title = "Вторая правка"
    with pytest.raises(EditConflict):
        second.save()
    stored = Entry.objects.get(pk=situation.pk)
    assert (stored.title, stored.version) == ("Первая правка", 2)


def test_second_editor_is_refused_with_who_when_and_a_link(editor_client, second_editor, situation):
    mine = open_form(editor_client, situation)
    theirs = open_form(second_editor, situation)

    theirs["title"] = "Клиент кричит в трубку"
    assert second_editor.post(change_url(situation), theirs).status_code == 302

    mine["title"] = "Клиент повысил голос"
    mine["summary"] = "Моя новая сводка."
    mine["tags"] = "эмоции, конфликт"
    mine["responses-0-text"] = "Молча выслушать до конца"
    response = editor_client.post(change_url(situation), mine)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Анна Петрова" in html
    assert "изменил(а) эту запись" in html
    compare_link = f"/admin/kb/situation/{situation.pk}/history/compare/?from="
    assert compare_link in html
    # The refused editor's text is still in the form, so nothing typed is lost.
    assert "Клиент повысил голос" in html and "Молча выслушать до конца" in html

    stored = Entry.objects.get(pk=situation.pk)
    assert stored.title == "Клиент кричит в трубку"
    assert stored.summary == situation.summary
    assert [t.name for t in stored.tags.all()] == ["эмоции"]
    assert [r.text for r in stored.responses.all()] == ["Выслушать", "Извиниться"]

    # The link shows the other editor's change.
    link = html[html.index(compare_link) :].split('"', 1)[0].replace("&amp;", "&")
    diff = editor_client.get(link)
    assert diff.status_code == 200
    assert "Клиент кричит<ins> в трубку</ins>" in diff.content.decode()


def test_after_a_refusal_reopening_the_entry_saves(editor_client, second_editor, situation):
    mine = open_form(editor_client, situation)
    theirs = open_form(second_editor, situation)
    second_editor.post(change_url(situation), {**theirs, "title": "Другое название"})
    assert editor_client.post(change_url(situation), {**mine, "title": "Моё"}).status_code == 200

    fresh = open_form(editor_client, situation)
    assert editor_client.post(change_url(situation), {**fresh, "title": "Моё"}).status_code == 302
    assert Entry.objects.get(pk=situation.pk).title == "Моё"


def test_a_form_without_its_version_is_refused(editor_client, situation):
    data = open_form(editor_client, situation)
    del data["version"]
    data["title"] = "Без версии"
    assert editor_client.post(change_url(situation), data).status_code == 200
    assert Entry.objects.get(pk=situation.pk).title == "Клиент кричит"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs two concurrent writers; SQLite serialises them (runs on PostgreSQL in CI)",
)
def test_a_save_that_loses_the_race_after_the_check_is_refused_too(editor_client, monkeypatch):
    """Another editor commits between this form's check and its UPDATE: the UPDATE's condition
    catches it, everything of this save is rolled back, and the editor sees the conflict."""
    situation = recorded_entry(
        Kind.SITUATION, title="Клиент кричит", tags=["эмоции"], steps=["Выслушать", "Извиниться"]
    )
    original_clean = kb_admin.EntryAdminForm.clean
    raced = []

    def someone_else_saves() -> None:
        other = Entry.objects.get(pk=situation.pk)
        other.title = "Чужая правка"
        other.save()
        connection.close()  # this thread's own connection

    def clean_then_lose_the_race(form):
        cleaned = original_clean(form)
        if not raced:
            raced.append(True)
            thread = threading.Thread(target=someone_else_saves)
            thread.start()
            thread.join()
        return cleaned

    monkeypatch.setattr(kb_admin.EntryAdminForm, "clean", clean_then_lose_the_race)
    data = open_form(editor_client, situation)
    data.update({"title": "Моя правка", "responses-0-text": "Моя правка шага", "tags": "новое"})
    response = editor_client.post(change_url(situation), data)

    assert raced
    assert response.status_code == 200
    assert "изменил(а) эту запись" in response.content.decode()
    stored = Entry.objects.get(pk=situation.pk)
    assert (stored.title, stored.version) == ("Чужая правка", 2)
    assert [r.text for r in stored.responses.all()] == ["Выслушать", "Извиниться"]
    assert [t.name for t in stored.tags.all()] == ["эмоции"]


def test_a_step_saved_on_its_own_refuses_an_older_situation_form(editor_client, situation):
    form = open_form(editor_client, situation)
    step = situation.responses.first()
    step_url = f"/admin/kb/response/{step.pk}/change/"
    step_form = editor_client.get(step_url)
    assert step_form.status_code == 200
    response = editor_client.post(
        step_url, {"situation": situation.pk, "position": 1, "text": "Выслушать внимательно"}
    )
    assert response.status_code == 302

    form["responses-0-text"] = "Выслушать"  # the old text, which would undo the step's edit
    form["title"] = "Новое название"
    assert editor_client.post(change_url(situation), form).status_code == 200
    assert situation.responses.first().text == "Выслушать внимательно"
    assert Entry.objects.get(pk=situation.pk).title == "Клиент кричит"
