"""Review work that organises itself: bulk owner and review date, "my entries", owners' e-mail."""

import datetime
import re
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from kb.content import history
from kb.content.models import Entry, Kind
from tests.config.test_settings import manage
from tests.factories import make_entry

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LIST = reverse("admin:kb_entry_changelist")


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def entries():
    return [make_entry(Kind.SITUATION, title=f"Запись {n}") for n in range(3)]


def titles(response) -> set[str]:
    return {str(entry) for entry in response.context["cl"].result_list}


def test_set_owner_asks_for_the_owner_then_sets_it_on_every_selected_entry(
    editor_client, editor, entries
):
    petrova = User.objects.create_user("petrova", is_staff=True, first_name="Анна")
    selected = [entries[0].pk, entries[1].pk]
    asking = editor_client.post(LIST, {"action": "set_owner", "_selected_action": selected})
    assert asking.status_code == 200
    page = asking.content.decode()
    assert "Запись 0" in page and "Запись 1" in page and "Запись 2" not in page
    assert 'name="owner"' in page

    done = editor_client.post(
        LIST,
        {"action": "set_owner", "_selected_action": selected, "owner": petrova.pk, "apply": "1"},
        follow=True,
    )
    assert [str(m) for m in done.context["messages"]] == [
        "Анна (petrova) теперь отвечает за 2 записи."
    ]
    owners = dict(Entry.objects.values_list("title", "owner__username"))
    assert owners == {"Запись 0": "petrova", "Запись 1": "petrova", "Запись 2": None}
    latest = history.versions_of(entries[0].pk)[0].revision
    assert (latest.user, latest.comment) == (editor, "Назначен ответственный: Анна (petrova)")


def test_set_owner_with_a_bad_owner_shows_the_form_again(editor_client, entries):
    response = editor_client.post(
        LIST,
        {"action": "set_owner", "_selected_action": [entries[0].pk], "owner": "999", "apply": "1"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["owner"]
    assert Entry.objects.get(pk=entries[0].pk).owner is None


def test_schedule_review_sets_the_date_and_refuses_a_past_one(editor_client, entries):
    selected = [entry.pk for entry in entries]
    asking = editor_client.post(LIST, {"action": "schedule_review", "_selected_action": selected})
    assert asking.status_code == 200 and 'name="review_by"' in asking.content.decode()

    past = editor_client.post(
        LIST,
        {
            "action": "schedule_review",
            "_selected_action": selected,
            "review_by": days(-1).strftime("%d.%m.%Y"),
            "apply": "1",
        },
    )
    assert past.status_code == 200 and past.context["form"].errors["review_by"]

    editor_client.post(
        LIST,
        {
            "action": "schedule_review",
            "_selected_action": selected,
            "review_by": days(30).strftime("%d.%m.%Y"),
            "apply": "1",
        },
    )
    assert set(Entry.objects.values_list("review_by", flat=True)) == {days(30)}


def test_index_shows_my_entries_to_review_linking_to_the_filtered_list(editor_client, editor):
    other = User.objects.create_user("other", is_staff=True)
    make_entry(Kind.RULE, title="Моя просроченная", review_by=days(-2), owner=editor)
    make_entry(Kind.RULE, title="Моя скорая", review_by=days(5), owner=editor)
    make_entry(Kind.RULE, title="Моя вторая скорая", review_by=days(30), owner=editor)
    make_entry(Kind.RULE, title="Моя нескорая", review_by=days(90), owner=editor)
    make_entry(Kind.RULE, title="Чужая просроченная", review_by=days(-2), owner=other)

    page = editor_client.get(reverse("admin:index")).content.decode()
    block = re.search(r'<div class="module my-reviews".*?</div>', page, re.S).group(0)
    text = " ".join(re.sub(r"<[^>]+>", " ", block).split())
    assert "Мои записи: 1 просрочена , 2 — в ближайшие 30 дней" in text
    overdue_url, soon_url = re.findall(r'href="([^"]+)"', block)
    assert titles(editor_client.get(overdue_url.replace("&amp;", "&"))) == {"Моя просроченная"}
    assert titles(editor_client.get(soon_url.replace("&amp;", "&"))) == {
        "Моя скорая",
        "Моя вторая скорая",
    }


def test_index_has_no_review_block_for_an_editor_who_owns_nothing(editor_client):
    assert 'id="my-reviews"' not in editor_client.get(reverse("admin:index")).content.decode()


def test_review_report_emails_each_owner_their_own_list():
    ivanov = User.objects.create_user("ivanov", email="ivanov@example.com", first_name="Иван")
    nomail = User.objects.create_user("nomail")
    make_entry(Kind.RULE, title="Просроченное правило", review_by=days(-3), owner=ivanov)
    make_entry(Kind.CASE, title="Случай без даты", owner=ivanov)
    make_entry(Kind.RULE, title="Чужое правило", review_by=days(-3), owner=nomail)
    make_entry(Kind.RULE, title="Ничьё правило", review_by=days(-3))
    out, err = StringIO(), StringIO()
    call_command("review_report", "--email", stdout=out, stderr=err)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ivanov@example.com"]
    assert message.subject.endswith(": 2 записи к проверке")
    assert "Здравствуйте, Иван." in message.body
    assert "Просроченное правило — просрочена с" in message.body
    assert "Случай без даты — дата проверки не назначена" in message.body
    assert "Чужое правило" not in message.body and "Ничьё правило" not in message.body
    assert "/admin/kb/rule/" in message.body
    assert "nomail has no e-mail address" in err.getvalue()
    assert "E-mailed 1 owner(s)." in out.getvalue()


def test_review_report_without_email_sends_nothing():
    owner = User.objects.create_user("ivanov", email="ivanov@example.com")
    make_entry(Kind.RULE, review_by=days(-3), owner=owner)
    call_command("review_report", stdout=StringIO())
    assert mail.outbox == []


def test_messages_go_to_the_console_unless_configured():
    """Django's test runner swaps in its own backend: ask a fresh process for the default."""
    result = manage(
        "shell", "-c", "from django.conf import settings; print(settings.EMAIL_BACKEND)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "django.core.mail.backends.console.EmailBackend"
