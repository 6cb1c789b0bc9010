"""Significant changes: the admin's checkbox, «изменено после прочтения», «Что изменилось»."""

import pytest
import reversion
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from kb.content.models import Kind, Status
from kb.paths.models import ReadMark, SignificantChange
from kb.paths.services import mark_read, record_significant_change
from tests.factories import make_entry, make_path
from tests.helpers import change_url, open_form, recorded_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries():
    return [
        recorded_entry(Kind.PRINCIPLE, title="Доверие"),
        recorded_entry(
            Kind.RULE,
            title="Обещать меньше, делать больше",
            number=1,
            summary="Давайте обещания с запасом по срокам.",
        ),
        recorded_entry(Kind.SITUATION, title="Клиент кричит", steps=["Выслушать"]),
    ]


@pytest.fixture
def path(entries):
    return make_path(*entries, title="Первая неделя")


def signed_in(username: str) -> tuple[User, Client]:
    user = User.objects.create_user(username, is_staff=True)
    client = Client()
    client.force_login(user)
    return user, client


@pytest.fixture
def reader(entries):
    """A newcomer who has read the whole path."""
    user, client = signed_in("novichok")
    for entry in entries:
        mark_read(user=user, entry=entry)
    return user, client


def edit_in_admin(client: Client, entry, significant: bool, **changes) -> None:
    data = open_form(client, entry)
    data.update(changes)
    if significant:
        data["significant_change"] = "on"
    response = client.post(change_url(entry), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry.refresh_from_db()


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_checkbox_is_on_the_change_form_off_by_default_and_not_on_the_add_form(
    editor_client, entries
):
    html = page(editor_client, change_url(entries[1]))
    assert 'name="significant_change"' in html
    assert 'name="significant_change" checked' not in html
    assert "Существенное изменение" in html
    assert 'name="significant_change"' not in page(editor_client, reverse("admin:kb_rule_add"))


def test_a_significant_change_puts_the_entry_back_to_unread_with_its_diff(
    editor_client, editor, reader, path, entries
):
    _user, client = reader
    rule = entries[1]
    edit_in_admin(
        editor_client,
        rule,
        significant=True,
        summary="Давайте обещания с запасом по срокам и по объёму.",
    )
    change = SignificantChange.objects.get()
    assert (change.entry, change.version) == (rule, rule.version)
    assert change.revision.user == editor  # recorded with the save's own revision

    html = page(client, path.get_absolute_url())
    assert "Прочитано 2 из 3" in html
    assert "изменено после прочтения" in html
    assert f'href="/changes/#entry-{rule.pk}">Что изменилось</a>' in html
    assert f'href="{rule.get_absolute_url()}?path={path.slug}">Продолжить' in html
    assert 'Что изменилось <span class="badge">1' in html  # in the header, on every page

    html = page(client, reverse("paths:changes"))
    assert f'id="entry-{rule.pk}"' in html
    assert "Давайте обещания с запасом по срокам<ins> и по объёму</ins>." in html
    assert "<dt>Кратко</dt>" in html  # the label of the changed field
    assert "Доверие" not in html  # unchanged entries are not listed

    entry_page = page(client, f"{rule.get_absolute_url()}?path={path.slug}")
    assert "изменено после прочтения" in entry_page
    assert "Отметить прочитанным заново" in entry_page
    # Opened any other way, the entry still tells its reader, without a path around it.
    plain = page(client, rule.get_absolute_url())
    assert "изменено после прочтения" in plain and "Отметить прочитанным заново" in plain
    assert "Дальше" not in plain
    unchanged = page(client, entries[0].get_absolute_url())
    assert ">Прочитано</p>" in unchanged and "reading-bar" not in unchanged

    response = client.post(
        reverse("paths:mark_read", args=[rule.pk]),
        {"version": rule.version, "next": reverse("paths:changes")},
    )
    assert response["Location"] == reverse("paths:changes")
    assert f'id="entry-{rule.pk}"' not in page(client, reverse("paths:changes"))
    assert "Прочитано 3 из 3" in page(client, path.get_absolute_url())


def test_a_typo_fix_without_the_checkbox_stays_quiet(editor_client, reader, path, entries):
    _user, client = reader
    edit_in_admin(
        editor_client, entries[1], significant=False, title="Обещать меньше, делать больше!"
    )
    assert not SignificantChange.objects.exists()
    assert "Прочитано 3 из 3" in page(client, path.get_absolute_url())
    assert "Ничего не изменилось" in page(client, reverse("paths:changes"))


def test_only_readers_of_an_earlier_version_are_asked_to_read_again(
    editor_client, reader, path, entries
):
    _first, first_client = reader
    _never_read, never_client = signed_in("ne-chital")
    edit_in_admin(editor_client, entries[1], significant=True, body="Новый абзац.")
    read_after, after_client = signed_in("prochital-posle")
    mark_read(user=read_after, entry=entries[1])

    assert "изменено после прочтения" in page(first_client, path.get_absolute_url())
    for client in (never_client, after_client):
        html = page(client, path.get_absolute_url())
        assert "изменено после прочтения" not in html
        assert f'id="entry-{entries[1].pk}"' not in page(client, reverse("paths:changes"))
    assert "не прочитано" in page(never_client, path.get_absolute_url())


def test_a_page_opened_before_the_change_keeps_the_change_unread(editor_client, entries):
    user, client = signed_in("medlennyj")
    shown = entries[1].version  # the reader opens the entry...
    edit_in_admin(editor_client, entries[1], significant=True, body="Важное уточнение.")
    # ...and taps "mark as read" after the editor saved: what they read was the old version.
    client.post(reverse("paths:mark_read", args=[entries[1].pk]), {"version": shown})
    assert ReadMark.objects.get(user=user).version == shown
    assert f'id="entry-{entries[1].pk}"' in page(client, reverse("paths:changes"))


def test_what_changed_is_personal_and_needs_sign_in(client, reader, entries):
    _user, _client = reader
    record_significant_change(entry=entries[0])  # no revision: recorded on its own
    response = client.get(reverse("paths:changes"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    _other, other_client = signed_in("drugoj")
    assert "Ничего не изменилось" in page(other_client, reverse("paths:changes"))


def test_unpublished_entries_leave_what_changed(editor_client, reader, entries):
    _user, client = reader
    edit_in_admin(editor_client, entries[0], significant=True, status=Status.DRAFT)
    assert f'id="entry-{entries[0].pk}"' not in page(client, reverse("paths:changes"))


def test_the_diff_falls_back_to_a_message_when_history_lacks_the_version_read(client):
    entry = make_entry(Kind.RULE, title="Без истории", number=7)  # saved without a revision
    user, client = signed_in("chitatel")
    mark_read(user=user, entry=entry)
    with reversion.create_revision():
        entry.summary = "Новое описание."
        entry.save()
        record_significant_change(entry=entry)
    html = page(client, reverse("paths:changes"))
    assert "Версии, которую вы читали, нет в истории" in html


def test_the_diff_shows_what_readers_read_not_the_editors_bookkeeping(
    editor_client, reader, entries
):
    _user, client = reader
    edit_in_admin(
        editor_client,
        entries[2],
        significant=True,
        reviewed_on="2026-01-10",
        **{"responses-0-text": "Выслушать до конца"},
    )
    html = page(client, reverse("paths:changes"))
    assert "Выслушать<ins> до конца</ins>" in html
    assert "2026-01-10" not in html
