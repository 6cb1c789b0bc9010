"""The Russian thesaurus (kb/search/thesaurus.py, wiki-ru-wordnet's Wiktionary data): a word no
entry holds finds the entries holding its synonyms, a set phrase is read as what it means, and
an exact match always comes first. Through the API and the page, on made-up entries."""

import pytest

from kb.search import thesaurus
from tests.search.helpers import api, api_titles, indexed, page_text

pytestmark = pytest.mark.django_db

BURIAL = "Погребение сотрудника: как поддержать семью"
DIED = "Партнёр умер: что сказать его команде"
LEFT = "Партнёр ушёл к конкурентам"


def test_the_thesaurus_ships_with_a_package_and_is_read_offline():
    assert thesaurus.data_path() is not None
    related = thesaurus.related("похороны")
    assert related["погребение"] == thesaurus.SYNONYM < 1
    assert "похороны" not in related
    assert thesaurus.related("такогослованет") == {}


def test_a_set_phrase_is_found_by_the_forms_of_its_words():
    lemmas = ["партнер", "уйти", "из", "жизнь"]
    assert thesaurus.phrase_at(lemmas, 1) == (3, "уйти из жизни")
    assert thesaurus.phrase_at(lemmas, 0) is None


def test_a_word_no_entry_holds_finds_the_entry_with_its_synonym(client):
    indexed(title=BURIAL, summary="Коллеги помогают семье и берут на себя организацию.")
    indexed(title="Праздник в офисе", summary="Коллеги готовят поздравления.")
    data = api(client, q="похороны")
    assert api_titles(data)[0] == BURIAL
    assert "погребение" in data["understood_by_meaning"]["похороны"]
    assert data["ignored_words"] == []
    assert "Понято по смыслу: «похороны» → погребение" in page_text(client, q="похороны")


def test_an_exact_match_stays_above_the_synonym_found_through_the_thesaurus(client):
    indexed(title=BURIAL, summary="Коллеги помогают семье.")
    indexed(title="Похороны клиента: идти ли на них", summary="Решает руководитель.")
    data = api(client, q="похороны")
    assert api_titles(data)[0] == "Похороны клиента: идти ли на них"
    assert data["understood_by_meaning"] == {}


def test_a_set_phrase_means_what_its_words_do_not(client):
    indexed(title=DIED, summary="Соболезнования и кто теперь ведёт проект.")
    indexed(title=LEFT, summary="Он забрал с собой часть заказов.")
    data = api(client, q="партнёр ушёл из жизни")
    assert api_titles(data)[0] == DIED
    assert data["understood_by_meaning"]["ушел из жизни"] == ["умереть"]
    # The phrase as typed still counts as itself, above its synonym.
    indexed(title="Партнёр ушёл из жизни внезапно", summary="Как сообщить команде.")
    assert api_titles(api(client, q="партнёр ушёл из жизни"))[0] == "Партнёр ушёл из жизни внезапно"


def test_the_words_of_a_phrase_keep_their_own_meaning_outside_it(client):
    indexed(title=DIED, summary="Соболезнования и кто теперь ведёт проект.")
    indexed(title=LEFT, summary="Он забрал с собой часть заказов.")
    data = api(client, q="партнёр ушёл к конкурентам")
    assert api_titles(data)[0] == LEFT
    assert data["understood_by_meaning"] == {}


def test_a_word_whose_relatives_no_entry_holds_is_still_reported(client):
    indexed(title="Праздник в офисе", summary="Коллеги готовят поздравления.")
    data = api(client, q="кляузник")
    assert data["ignored_words"] == ["кляузник"]
    assert "кляузник" not in data["understood_by_meaning"]
