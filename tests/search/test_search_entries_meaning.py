"""Meaning at the level of whole entries (kb/search/semantic.py): entries about the same thing
as the query come after the entries that match its words, never before them, and an edit is
seen at the next search. Adjectives meet the nouns of their root."""

import pytest

from kb import search
from kb.content.models import Entry
from tests.search.helpers import indexed

pytestmark = pytest.mark.django_db

LATE = "Сотрудник опоздал на встречу"
DELAYED = "Мастер задержался в пробке и приехал позже"
PRINTER = "Принтер не печатает после обновления"


def titles(results: search.SearchResults) -> list[str]:
    return [hit.title for hit in results.hits]


@pytest.fixture
def entries() -> dict[str, Entry]:
    return {
        LATE: indexed(title=LATE, summary="Клиент ждал его полчаса."),
        DELAYED: indexed(title=DELAYED, summary="Машина стояла, дорогу перекрыли."),
        PRINTER: indexed(title=PRINTER, summary="Драйвер слетел, печать остановилась."),
    }


def test_an_entry_about_the_same_thing_follows_the_one_that_matches(entries):
    results = search.search("сотрудник опоздал")
    assert titles(results)[0] == LATE  # the match first
    assert DELAYED in titles(results)  # no word in common, the same situation
    assert PRINTER not in titles(results)
    assert results.total == len(results.hits)


def test_the_api_lists_them_in_the_same_order(client, entries):
    data = client.get("/api/v1/search/", {"q": "сотрудник опоздал"}).json()
    assert [r["title"] for r in data["results"]][:2] == [LATE, DELAYED]
    assert data["closest_by_meaning"] is False


def test_an_edited_entry_is_read_by_its_new_meaning(entries):
    assert DELAYED in titles(search.search("сотрудник опоздал"))
    entry = entries[DELAYED]
    Entry.objects.filter(pk=entry.pk).update(
        title="Заказ оплачен картой", summary="Счёт закрыт, деньги пришли."
    )
    search.index_entries([entry.pk])
    assert titles(search.search("сотрудник опоздал")) == [LATE]


def test_a_query_with_a_word_of_no_known_meaning_is_offered_nothing_else(entries):
    assert titles(search.search("сотрудник опоздал фывапролд")) == [LATE]


def test_filters_apply_to_entries_offered_by_meaning(entries):
    results = search.search("сотрудник опоздал", kind="rule")
    assert titles(results) == []


@pytest.mark.parametrize(
    ("query", "title"),
    [("внимательный", "Внимание к мелочам"), ("терпеливый", "Терпение с трудным клиентом")],
)
def test_an_adjective_finds_the_noun_of_its_root(query, title):
    indexed(title="Внимание к мелочам", summary="Замечать детали заказа.")
    indexed(title="Терпение с трудным клиентом", summary="Выслушать до конца.")
    indexed(title="Скидки постоянным клиентам", summary="Когда их давать.")
    assert titles(search.search(query)) == [title]
