"""History: every change recorded with who and when, diffs, restore, recovery of deletions."""

import datetime

import pytest
import reversion
from django.urls import reverse
from reversion.models import Version

from kb.content import history
from kb.content.models import Entry, Kind, Response, Status, Tag
from kb.content.services import load_seed
from tests.factories import make_entry
from tests.helpers import change_url, open_form, recorded_entry

pytestmark = pytest.mark.django_db


def versions(entry: Entry) -> list[Version]:
    return list(history.versions_of(entry.pk))


def url(entry: Entry, name: str, *args) -> str:
    return reverse(f"admin:kb_{entry.kind}_{name}", args=[entry.pk, *args])


@pytest.fixture
def situation():
    rule = make_entry(Kind.RULE, title="Обещать меньше", number=1)
    with reversion.create_revision():
        entry = make_entry(
            Kind.SITUATION,
            title="Клиент опоздал",
            summary="Клиент пришёл на час позже.",
            tags=["сроки", "этикет"],
            steps=["Уточнить, сколько у клиента времени", "Сократить встречу"],
        )
        entry.basis.add(rule)
    return entry


def edit(client, entry: Entry, **changes) -> None:
    data = open_form(client, entry)
    data.update(changes)
    response = client.post(change_url(entry), data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_an_admin_edit_records_entry_steps_and_tags_with_who_and_when(
    editor_client, editor, situation
):
    edit(
        editor_client,
        situation,
        title="Клиент опоздал на встречу",
        tags="сроки, встречи",
        **{"responses-1-text": "Сократить встречу до получаса"},
    )
    latest, first = versions(situation)
    assert latest.revision.user == editor
    assert first.revision.user is None
    snapshot = history.EntrySnapshot.of_version(latest)
    assert snapshot.fields["title"] == "Клиент опоздал на встречу"
    assert snapshot.tags == ("встречи", "сроки")
    assert [text for _anchor, text in snapshot.steps] == [
        "Уточнить, сколько у клиента времени",
        "Сократить встречу до получаса",
    ]
    old = history.EntrySnapshot.of_version(first)
    assert old.tags == ("сроки", "этикет")
    assert old.steps[1][1] == "Сократить встречу"

    page = editor_client.get(url(situation, "history"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "editor" in html and "Сравнить выбранные версии" in html


def test_reordering_steps_in_the_admin_still_works_and_is_recorded(editor_client, situation):
    anchors = list(situation.responses.values_list("anchor", flat=True))
    edit(editor_client, situation, **{"responses-0-position": "2", "responses-1-position": "1"})
    assert list(situation.responses.values_list("anchor", flat=True)) == anchors[::-1]
    latest = versions(situation)[0]
    assert [a for a, _t in history.EntrySnapshot.of_version(latest).steps] == anchors[::-1]


def test_compare_any_two_versions_shows_an_escaped_diff(editor_client, situation):
    edit(editor_client, situation, title="Клиент опоздал <script>alert(1)</script>")
    edit(editor_client, situation, tags="сроки", status=Status.DRAFT)
    newest, middle, oldest = versions(situation)

    response = editor_client.get(url(situation, "compare") + f"?from={oldest.pk}&to={newest.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "<ins> &lt;script&gt;alert(1)&lt;/script&gt;</ins>" in html
    assert "сроки<del>, этикет</del>" in html
    assert "<del>Опубликовано</del><ins>Черновик</ins>" in html

    # Either order, and against the entry as it is now.
    reverse_order = editor_client.get(
        url(situation, "compare") + f"?from={newest.pk}&to={oldest.pk}"
    )
    assert reverse_order.content.decode().count("<ins>") == html.count("<ins>")
    current = editor_client.get(url(situation, "compare") + f"?from={middle.pk}&to=current")
    assert "<del>Опубликовано</del><ins>Черновик</ins>" in current.content.decode()


@pytest.mark.parametrize("query", ["", "?from=abc", "?from=999999", "?from=1&to=x"])
def test_compare_with_bad_versions_is_not_found_not_an_error(editor_client, situation, query):
    assert editor_client.get(url(situation, "compare") + query).status_code == 404


def test_versions_of_another_entry_cannot_be_compared_or_restored(editor_client, situation):
    other = recorded_entry(Kind.SITUATION, title="Другая")
    foreign = versions(other)[0]
    assert editor_client.get(url(situation, "compare") + f"?from={foreign.pk}").status_code == 404
    assert editor_client.get(url(situation, "revision", foreign.pk)).status_code == 404


def test_restore_brings_back_fields_steps_tags_and_links_as_a_new_version(
    editor_client, editor, situation
):
    original = versions(situation)[0]
    first_step = situation.responses.first()
    edit(
        editor_client,
        situation,
        title="Другое название",
        tags="новое",
        basis=[],
        **{"responses-0-DELETE": "on", "responses-1-text": "Изменённый шаг"},
    )
    Response.objects.create(situation=situation, position=5, text="Совсем новый шаг")
    assert situation.responses.count() == 2

    confirm = editor_client.get(url(situation, "revision", original.pk))
    assert confirm.status_code == 200
    assert "Восстановить эту версию" in confirm.content.decode()
    assert Entry.objects.get(pk=situation.pk).title == "Другое название"  # a GET changes nothing

    current_version = Entry.objects.get(pk=situation.pk).version
    response = editor_client.post(
        url(situation, "revision", original.pk), {"version": current_version}
    )
    assert response.status_code == 302
    restored = Entry.objects.get(pk=situation.pk)
    assert restored.title == "Клиент опоздал"
    assert restored.version == current_version + 1
    assert sorted(t.name for t in restored.tags.all()) == ["сроки", "этикет"]
    assert [str(e) for e in restored.basis.all()] == ["Правило №1: Обещать меньше"]
    steps = list(restored.responses.all())
    assert [s.text for s in steps] == [
        "Уточнить, сколько у клиента времени",
        "Сократить встречу",
    ]
    assert steps[0].anchor == first_step.anchor  # links to the step work again
    latest = versions(situation)[0]
    assert latest.revision.user == editor
    assert "Восстановлена версия" in latest.revision.comment


def test_restore_is_refused_when_the_entry_changed_meanwhile(editor_client, situation):
    original = versions(situation)[0]
    edit(editor_client, situation, title="Правка")
    stale = Entry.objects.get(pk=situation.pk).version
    edit(editor_client, situation, title="Ещё одна правка")
    response = editor_client.post(url(situation, "revision", original.pk), {"version": stale})
    assert response.status_code == 302
    assert Entry.objects.get(pk=situation.pk).title == "Ещё одна правка"
    follow = editor_client.get(response["Location"])
    assert "Не восстановлено" in follow.content.decode()


def test_deleting_in_the_admin_is_recoverable_with_steps_tags_and_links(editor_client, situation):
    pk, slug, created = situation.pk, situation.slug, situation.created_at
    anchors = list(situation.responses.values_list("anchor", flat=True))
    delete = editor_client.post(url(situation, "delete"), {"post": "yes"})
    assert delete.status_code == 302
    assert not Entry.objects.filter(pk=pk).exists()

    listing = editor_client.get(reverse("admin:kb_situation_recoverlist"))
    assert listing.status_code == 200
    assert "Клиент опоздал" in listing.content.decode()
    deleted = Version.objects.get_deleted(Entry).get(object_id=str(pk))
    assert (
        "Клиент опоздал"
        in editor_client.get(
            reverse("admin:kb_situation_recover", args=[deleted.pk])
        ).content.decode()
    )
    assert not Entry.objects.filter(pk=pk).exists()  # looking changes nothing

    response = editor_client.post(reverse("admin:kb_situation_recover", args=[deleted.pk]))
    assert response.status_code == 302
    entry = Entry.objects.get(pk=pk)
    assert entry.slug == slug
    # Versions keep times to the millisecond.
    assert abs(entry.created_at - created) < datetime.timedelta(milliseconds=1)
    assert list(entry.responses.values_list("anchor", flat=True)) == anchors
    assert sorted(t.name for t in entry.tags.all()) == ["сроки", "этикет"]
    assert entry.basis.count() == 1
    assert versions(entry)[0].revision.comment == "Возвращена после удаления"


def test_bulk_delete_action_is_recoverable_even_for_never_recorded_entries(editor_client):
    entry = make_entry(Kind.RULE, title="Без истории", number=7, tags=["сроки"])
    response = editor_client.post(
        reverse("admin:kb_entry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Entry.objects.filter(pk=entry.pk).exists()
    deleted = Version.objects.get_deleted(Entry).get(object_id=str(entry.pk))
    # The rule is listed among deleted rules, not among deleted situations.
    assert "Без истории" in editor_client.get(reverse("admin:kb_rule_recoverlist")).content.decode()
    assert (
        "Без истории"
        not in editor_client.get(reverse("admin:kb_situation_recoverlist")).content.decode()
    )
    history.recover_entry(version=deleted, user=None)
    recovered = Entry.objects.get(pk=entry.pk)
    assert (recovered.number, [t.name for t in recovered.tags.all()]) == (7, ["сроки"])


def test_recovery_refuses_a_slug_taken_since(editor_client, situation):
    pk = situation.pk
    editor_client.post(url(situation, "delete"), {"post": "yes"})
    make_entry(Kind.CASE, title="Клиент опоздал", slug=situation.slug)
    deleted = Version.objects.get_deleted(Entry).get(object_id=str(pk))
    response = editor_client.post(reverse("admin:kb_situation_recover", args=[deleted.pk]))
    assert response.status_code == 302
    assert not Entry.objects.filter(pk=pk).exists()
    assert "теперь занят другой записью" in editor_client.get(response["Location"]).content.decode()


def test_seed_loading_is_recorded_by_nobody_as_seed():
    load_seed()
    entry = Entry.objects.get(slug="klient-umer")
    (version,) = versions(entry)
    assert (version.revision.user, version.revision.comment) == (None, "seed")
    assert (
        history.EntrySnapshot.of_version(version).steps
        == history.EntrySnapshot.of_entry(entry).steps
    )
    load_seed()  # unchanged: nothing new to record
    assert len(versions(entry)) == 1


def test_publish_unpublish_and_review_actions_are_recorded(editor_client, editor, situation):
    changelist = reverse("admin:kb_entry_changelist")
    for action in ["unpublish", "publish", "mark_reviewed"]:
        editor_client.post(changelist, {"action": action, "_selected_action": [situation.pk]})
    comments = [v.revision.comment for v in versions(situation)]
    assert comments[:3] == [
        "Отмечено как проверенное",
        "Опубликовано",
        "Снято с публикации",
    ]
    assert {v.revision.user for v in versions(situation)[:3]} == {editor}


def test_a_step_edited_on_its_own_records_the_whole_situation(editor_client, situation):
    step = situation.responses.last()
    response = editor_client.post(
        reverse("admin:kb_response_change", args=[step.pk]),
        {"situation": situation.pk, "position": step.position, "text": "Перенести встречу"},
    )
    assert response.status_code == 302
    snapshot = history.EntrySnapshot.of_version(versions(situation)[0])
    assert [t for _a, t in snapshot.steps][-1] == "Перенести встречу"
    assert snapshot.tags == ("сроки", "этикет")


def test_tags_that_were_deleted_come_back_with_a_restore(editor_client, situation):
    original = versions(situation)[0]
    Tag.objects.filter(name="этикет").delete()
    history.restore_version(version=original, user=None)
    assert sorted(t.name for t in situation.tags.all()) == ["сроки", "этикет"]


def test_staff_without_the_editors_group_cannot_see_or_restore_history(client, situation):
    from django.contrib.auth.models import User

    staff = User.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(staff)
    original = versions(situation)[0]
    assert client.get(url(situation, "history")).status_code == 403
    assert client.get(url(situation, "compare") + f"?from={original.pk}").status_code == 403
    assert client.post(url(situation, "revision", original.pk), {}).status_code == 403
    assert client.get(reverse("admin:kb_situation_recoverlist")).status_code == 403


def test_recovery_brings_back_the_old_addresses(editor_client, client, situation):
    pk, first_slug = situation.pk, situation.slug
    edit(editor_client, Entry.objects.get(pk=pk), title="Клиент сильно опоздал", slug="opozdanie")
    editor_client.post(url(Entry.objects.get(pk=pk), "delete"), {"post": "yes"})
    assert client.get(f"/situations/{first_slug}/").status_code == 404
    deleted = Version.objects.get_deleted(Entry).get(object_id=str(pk))
    history.recover_entry(version=deleted, user=None)
    response = client.get(f"/situations/{first_slug}/")
    assert (response.status_code, response.headers["Location"]) == (301, "/situations/opozdanie/")
    assert client.get(f"/e/{pk}/").headers["Location"] == "/situations/opozdanie/"


def test_recovery_refuses_a_slug_that_is_now_another_entrys_old_address(situation):
    pk, slug = situation.pk, situation.slug
    history.delete_entries(entries=[situation], user=None)
    other = make_entry(Kind.CASE, title="Клиент опоздал", slug=slug)
    other.slug = "drugoj-adres"
    other.save()
    deleted = Version.objects.get_deleted(Entry).get(object_id=str(pk))
    with pytest.raises(history.HistoryError):
        history.recover_entry(version=deleted, user=None)
    assert not Entry.objects.filter(pk=pk).exists()
