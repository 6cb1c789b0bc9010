"""Review dates: the admin filter and action, `review_report`, and "Last reviewed" on pages."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from kb.content.models import Entry, Kind, Status
from tests.factories import make_entry

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def entries():
    ivanov = User.objects.create_user("ivanov", first_name="Иван", last_name="Иванов")
    return {
        "overdue": make_entry(Kind.RULE, title="Просрочено", review_by=days(-3), owner=ivanov),
        "unscheduled": make_entry(Kind.CASE, title="Без даты"),
        "soon": make_entry(Kind.PRINCIPLE, title="Скоро", review_by=days(10), owner=ivanov),
        "later": make_entry(Kind.SITUATION, title="Нескоро", review_by=days(100)),
        "today": make_entry(Kind.SITUATION, title="Сегодня", review_by=TODAY),
    }


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("needed", {"Просрочено", "Без даты"}),
        ("overdue", {"Просрочено"}),
        ("unscheduled", {"Без даты"}),
        ("soon", {"Скоро", "Сегодня"}),
    ],
)
def test_admin_filters_entries_by_review(editor_client, entries, choice, expected):
    response = editor_client.get(reverse("admin:kb_entry_changelist") + f"?review={choice}")
    assert response.status_code == 200
    shown = {entry.title for entry in response.context["cl"].result_list}
    assert shown == expected


def test_kind_lists_have_the_review_filter_too(editor_client, entries):
    response = editor_client.get(reverse("admin:kb_rule_changelist") + "?review=overdue")
    assert [e.title for e in response.context["cl"].result_list] == ["Просрочено"]


def test_mark_as_reviewed_sets_today_and_the_next_review(editor_client, entries, settings):
    settings.PRAVILA_REVIEW_PERIOD_DAYS = 90
    targets = [entries["overdue"].pk, entries["unscheduled"].pk]
    response = editor_client.post(
        reverse("admin:kb_entry_changelist"),
        {"action": "mark_reviewed", "_selected_action": targets},
        follow=True,
    )
    assert "2 записи отмечены как проверенные" in response.content.decode()
    for entry in Entry.objects.filter(pk__in=targets):
        assert (entry.reviewed_on, entry.review_by) == (TODAY, days(90))
    assert Entry.objects.get(pk=entries["later"].pk).reviewed_on is None


def report(*args: str) -> str:
    out = StringIO()
    call_command("review_report", *args, stdout=out)
    return out.getvalue()


def test_review_report_lists_overdue_and_unscheduled_entries_by_owner(entries):
    text = report()
    assert "Entries to review" in text and ": 2\n" in text
    ivanov, nobody = text.index("ivanov (Иван Иванов): 1"), text.index("No owner: 1")
    assert ivanov < text.index("Просрочено") < nobody < text.index("Без даты")
    assert "overdue 3 d" in text and "no review date" in text
    assert "Скоро" not in text and "Нескоро" not in text and "Сегодня" not in text
    assert entries["overdue"].get_absolute_url() in text


def test_review_report_with_days_includes_entries_due_soon(entries):
    text = report("--days", "30")
    assert "Скоро" in text and "due in 10 d" in text and "Сегодня" in text
    assert "Нескоро" not in text
    assert "ivanov (Иван Иванов): 2" in text and "No owner: 2" in text


def test_review_report_refuses_negative_days():
    with pytest.raises(CommandError):
        report("--days", "-1")


def test_review_report_with_nothing_to_review():
    make_entry(review_by=days(5))
    assert ": 0\n" in report()


def test_entry_page_shows_the_last_review_date(client):
    reviewed = make_entry(title="Проверено", reviewed_on=datetime.date(2026, 3, 5))
    html = client.get(reviewed.get_absolute_url()).content.decode()
    assert "Последняя проверка" in html and 'datetime="2026-03-05"' in html
    never = make_entry(title="Не проверено")
    assert "Последняя проверка" not in client.get(never.get_absolute_url()).content.decode()


def test_staff_without_editor_rights_never_see_drafts(client):
    draft = make_entry(title="Черновик ситуации", status=Status.DRAFT)
    staff = User.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "Черновик ситуации" not in client.get(reverse("kb:situation_list")).content.decode()
    assert "Черновик ситуации" not in client.get(reverse("kb:home")).content.decode()
