"""What follows the few entries that hold every word of a query (kb/search/semantic.py): those
holding some of its telling words, then those close in meaning, each hit saying whether it was
found by meaning alone (API `by_meaning`, «близко по смыслу» on the page)."""

import numpy as np
import pytest

from kb.search import meaning
from tests.search.helpers import api, api_titles, indexed, page_text

pytestmark = pytest.mark.django_db

LOST = "Курьер потерял посылку"
RETURNED = "Посылку вернули отправителю"
CARD = "Оплата картой не прошла"
LATE = "Сотрудник опоздал на встречу"
DELAYED = "Мастер задержался в пробке и приехал позже"
PRINTER = "Принтер не печатает после обновления"


@pytest.fixture
def parcels() -> None:
    indexed(title=LOST, summary="Коробка так и не дошла.")
    indexed(title=RETURNED, summary="Адрес оказался неверным.")
    indexed(title=CARD, summary="Банк отклонил платёж.")
    indexed(title="Склад закрыт на инвентаризацию", summary="Отгрузки перенесли на завтра.")
    indexed(title="Водитель заболел", summary="Рейс отменён.")


def test_entries_holding_some_of_the_words_follow_the_one_holding_all(client, parcels):
    data = api(client, q="курьер потерял посылку")
    assert api_titles(data)[:2] == [LOST, RETURNED]  # all the words first, then some of them
    assert CARD not in api_titles(data)
    assert data["total"] == len(data["results"])
    assert [r["by_meaning"] for r in data["results"][:2]] == [False, False]


def test_a_word_only_every_entry_holds_is_no_partial_match(client):
    indexed(title="Клиент в истерике", summary="Кричит на всех.")
    indexed(title="Клиент спокоен", summary="Всё хорошо.")
    assert api_titles(api(client, q="клиент истерит")) == ["Клиент в истерике"]


@pytest.fixture
def lateness() -> None:
    indexed(title=LATE, summary="Клиент ждал его полчаса.")
    indexed(title=DELAYED, summary="Машина стояла, дорогу перекрыли.")
    indexed(title=PRINTER, summary="Драйвер слетел, печать остановилась.")


def test_an_entry_found_by_meaning_alone_says_so_in_the_api_and_on_the_page(client, lateness):
    data = api(client, q="сотрудник опоздал")
    by_meaning = {r["title"]: r["by_meaning"] for r in data["results"]}
    assert by_meaning[LATE] is False
    assert by_meaning[DELAYED] is True  # no word in common, the same situation
    assert PRINTER not in by_meaning
    assert data["closest_by_meaning"] is False
    text = page_text(client, q="сотрудник опоздал")
    assert f"{DELAYED} Ситуация · близко по смыслу" in text
    assert f"{LATE} Ситуация ·" not in text


def test_a_word_the_vectors_lack_borrows_its_other_forms_meaning():
    # navec has «компьютерщики» but not «компьютерщик»: the rarer form reads as the other.
    borrowed, known = meaning.vector("компьютерщик"), meaning.vector("компьютерщики")
    assert borrowed is not None and known is not None
    cosine = borrowed @ known / (np.linalg.norm(borrowed) * np.linalg.norm(known))
    assert cosine > 0.99
    assert meaning.vector("фывапролдж") is None  # no word of that stem or root at all
