"""The admin in Russian reads right: names declined, dates in the genitive, history in Russian.

And the English admin still reads as English.
"""

import datetime
import html as html_lib
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from kb.content.models import Kind
from kb.paths.models import Path
from tests.factories import make_entry
from tests.helpers import change_url, open_form

pytestmark = pytest.mark.django_db

GENITIVE_MONTHS = [
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
]  # fmt: skip
NOMINATIVE_MONTHS = [
    "Январь", "Февраль", "Март", "Апрель", "Май", "Июнь",
    "Июль", "Август", "Сентябрь", "Октябрь", "Ноябрь", "Декабрь",
]  # fmt: skip


def text_of(response) -> str:
    """The page's text, tags removed and whitespace collapsed, as a reader sees it."""
    content = response.content.decode()
    content = re.sub(r"<script.*?</script>|<style.*?</style>", " ", content, flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", content)).split())


def messages_of(response) -> list[str]:
    """The messages shown, as text (the object's name in them is a link)."""
    return [re.sub(r"<[^>]+>", "", str(message)) for message in response.context["messages"]]


def genitive(day: datetime.date) -> str:
    return f"{day.day} {GENITIVE_MONTHS[day.month - 1]} {day.year}"


@pytest.fixture
def situation():
    return make_entry(Kind.SITUATION, title="Клиент кричит", steps=["Выслушать до конца"])


def test_list_add_and_change_pages_decline_the_model_name(editor_client, situation):
    listing = text_of(editor_client.get(reverse("admin:kb_situation_changelist")))
    assert "Выберите ситуацию для изменения" in listing
    assert "Добавить ситуацию" in listing
    adding = text_of(editor_client.get(reverse("admin:kb_situation_add")))
    assert "Добавить ситуацию" in adding
    assert "Добавить ситуация" not in adding
    changing = text_of(editor_client.get(change_url(situation)))
    assert "Изменить ситуацию" in changing
    assert "Изменить ситуация" not in changing
    groups = text_of(editor_client.get(reverse("admin:kb_synonym_add")))
    assert "Добавить группу синонимов" in groups


def test_saved_messages_agree_with_the_models_gender(editor_client, situation):
    data = open_form(editor_client, situation)
    data["title"] = "Клиент кричит в трубку"
    response = editor_client.post(change_url(situation), data, follow=True)
    assert messages_of(response) == ["Ситуация «Клиент кричит в трубку» изменена."]

    rule = make_entry(Kind.RULE, title="Обещать меньше", number=7)
    data = open_form(editor_client, rule)
    data["_continue"] = "1"
    response = editor_client.post(change_url(rule), data, follow=True)
    assert messages_of(response) == [
        f"Правило «{rule}» изменено. Ниже можно продолжить редактирование."
    ]

    response = editor_client.post(
        reverse("admin:kb_tag_add"),
        {"name": "сроки", "slug": "sroki", "_addanother": "1"},
        follow=True,
    )
    assert messages_of(response) == ["Тег «сроки» добавлен. Ниже можно добавить ещё один тег."]


def test_delete_page_and_message_use_the_right_case(editor_client, situation):
    url = reverse("admin:kb_situation_delete", args=[situation.pk])
    asking = text_of(editor_client.get(url))
    assert re.search(r"удалить ситуацию [«\"]Клиент кричит", asking)
    response = editor_client.post(url, {"post": "yes"}, follow=True)
    assert messages_of(response) == ["Ситуация «Клиент кричит» удалена."]


def test_history_is_entirely_russian_and_dates_are_in_the_genitive(editor_client, situation):
    data = open_form(editor_client, situation)
    data["title"] = "Клиент кричит в трубку"
    data["responses-0-text"] = "Выслушать до конца, не перебивая"
    editor_client.post(change_url(situation), data)
    page = text_of(editor_client.get(reverse("admin:kb_situation_history", args=[situation.pk])))
    assert "Изменено: заголовок." in page
    assert "Изменено в шаге «Выслушать до конца, не перебивая»: текст." in page
    assert genitive(timezone.localdate()) in page
    # No English words and no transliterated anchors in the history lines.
    assert not re.search(r"\b(step|Changed|for|and|Title|Text)\b", page)
    assert "vyslushat" not in page


def test_date_drill_down_names_days_in_the_genitive(editor_client, situation):
    today = timezone.localdate()
    url = reverse("admin:kb_situation_changelist")
    page = text_of(
        editor_client.get(f"{url}?updated_at__year={today.year}&updated_at__month={today.month}")
    )
    assert f"{today.day} {GENITIVE_MONTHS[today.month - 1]}" in page
    assert f"{today.day} {NOMINATIVE_MONTHS[today.month - 1]}" not in page


def test_the_english_admin_stays_english(editor_client, situation):
    editor_client.cookies["django_language"] = "en"
    assert "Select situation to change" in text_of(
        editor_client.get(reverse("admin:kb_situation_changelist"))
    )
    assert "Add situation" in text_of(editor_client.get(reverse("admin:kb_situation_add")))
    data = open_form(editor_client, situation)
    data["title"] = "Client shouts"
    response = editor_client.post(change_url(situation), data, follow=True)
    assert messages_of(response) == ["Situation “Client shouts” was changed."]
    page = text_of(editor_client.get(reverse("admin:kb_situation_history", args=[situation.pk])))
    assert "Changed: title." in page


def add_another_text(response) -> str:
    """The "add another" link text of the page's inline, as the admin script gets it."""
    data = re.search(r'data-inline-formset="([^"]+)"', response.content.decode()).group(1)
    return json.loads(html_lib.unescape(data))["options"]["addText"]


def test_add_another_row_links_agree_with_the_row_noun(editor_client):
    path = Path.objects.create(title="Первая неделя")
    path_form = editor_client.get(reverse("admin:paths_path_change", args=[path.pk]))
    assert add_another_text(path_form) == "Добавить ещё одну запись"
    situation_form = editor_client.get(reverse("admin:kb_situation_add"))
    assert add_another_text(situation_form) == "Добавить шаг"
    listing = text_of(editor_client.get(reverse("admin:paths_path_changelist")))
    assert "Выберите путь чтения для изменения" in listing
