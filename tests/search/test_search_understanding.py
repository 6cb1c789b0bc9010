"""What search understands of a query as staff type it mid-conversation: real words that no
entry holds, a wrong keyboard layout, derivations of a root, whole sentences with filler, and
what it did not understand. Through the API and the page, on whichever database runs the suite."""

import re

import pytest
from django.urls import reverse

from kb import search
from kb.content.models import Synonym
from tests.search.helpers import api, api_titles, indexed, page_text

pytestmark = pytest.mark.django_db

PRINTER = "После перепрошивки по просьбе клиента сломался принтер"
HYSTERICS = "Клиент впал в истерику"
RUDE = "Грубый клиент — повод отказаться от контракта"


# 1. Only what is misspelt is corrected


def test_a_real_word_no_entry_holds_is_never_swapped_for_another(client, seeded):
    data = api(client, q="клиентка плачет")
    assert data["suggestion"] is None
    assert data["ignored_words"] == ["плачет"]
    text = page_text(client, q="клиентка плачет")
    assert "Возможно, вы имели в виду" not in text
    assert "платит" not in text


def test_a_word_the_dictionary_does_not_know_is_still_corrected(client, seeded):
    data = api(client, q="сотрудинк опоздал")
    assert data["suggestion"] == "сотрудник опоздал"
    assert data["ignored_words"] == []
    text = page_text(client, q="сотрудинк опоздал")
    assert "Возможно, вы имели в виду: сотрудник опоздал" in text


def test_a_real_word_is_searched_through_the_derivations_of_its_root(client, seeded):
    # «нахамил» is in no entry; «хамить» is in a synonym group with «грубость».
    data = api(client, q="нахамил")
    assert data["suggestion"] is None and data["ignored_words"] == []
    assert api_titles(data)[0] == RUDE
    assert RUDE in page_text(client, q="нахамил")


def test_noun_verb_and_prefixed_verb_of_one_root_join_and_words_sharing_letters_do_not():
    indexed(title="Пообещали невозможное", summary="Менеджер пообещал срок, которого нет.")
    indexed(title="Обсудите со старшим", summary="Перед ответом обсудите всё с руководителем.")
    indexed(title="Не хамить в ответ", summary="Даже если клиент груб.")
    for query in ("обещание", "обещать", "обещанный срок"):
        assert [h.title for h in search.search(query).hits] == ["Пообещали невозможное"], query
    assert [h.title for h in search.search("нахамил").hits] == ["Не хамить в ответ"]
    results = search.search("суд")  # «обсудить» shares letters with «суд», not its meaning
    assert results.hits == [] and results.ignored_words == ["суд"]


def test_roots_meet_across_alternating_consonants_and_short_roots_do_not(client):
    indexed(title="Шаблон ответа покупателю", summary="Что написать, когда ждут долго.")
    indexed(title="Возврат товара без чека", summary="Принимаем по паспорту.")
    indexed(title="Покупатель плачет в зале", summary="Отведите его в сторону.")
    data = api(client, q="отвечать покупателю")  # «ответ» ↔ «отвечать»: т ↔ ч
    assert api_titles(data)[0] == "Шаблон ответа покупателю"
    assert api_titles(api(client, q="возвращать"))[0] == "Возврат товара без чека"  # т ↔ щ
    # «платить» and «плакать» (плач) alternate the same way, but their roots are too short.
    assert "Покупатель плачет в зале" not in api_titles(api(client, q="платить"))


# 2. Keyboard layout


def test_a_query_in_the_latin_layout_is_converted_and_says_so(client, seeded):
    data = api(client, q="ghbynth")
    assert data["converted_query"] == "принтер"
    assert api_titles(data)[0] == PRINTER
    data = api(client, q="cjnhelybr jgjplfk")
    assert data["converted_query"] == "сотрудник опоздал" and data["total"] > 0


def test_the_page_says_what_it_searched_and_links_to_the_text_as_typed(client, seeded):
    response = client.get(reverse("kb:search"), {"q": "ghbynth"})
    html = response.content.decode()
    assert "Показаны результаты для «принтер»" in page_text(client, q="ghbynth")
    link = re.search(r'<a href="([^"]+)">Искать «ghbynth» как написано</a>', html)
    assert link is not None
    as_typed = page_text(client, **dict(re.findall(r"(\w+)=([^&]+)", link.group(1).split("?")[1])))
    assert "Показаны результаты" not in as_typed
    assert PRINTER not in as_typed
    assert api(client, q="ghbynth", as_typed="true")["converted_query"] is None


def test_a_query_in_the_cyrillic_layout_is_converted_too_and_real_words_stay(client, seeded):
    data = api(client, q="мшз")  # «vip» typed in the Russian layout
    assert data["converted_query"] == "vip" and data["total"] > 0
    assert api(client, q="vip")["converted_query"] is None
    assert api(client, q="принтер")["converted_query"] is None
    # Only the wrong-layout word of a mixed query is converted.
    assert api(client, q="сломался ghbynth")["converted_query"] == "сломался принтер"


def test_suggestions_convert_the_layout_as_you_type(client, seeded):
    data = client.get("/api/v1/suggest/", {"q": "ghbynth"}).json()
    assert data["converted_query"] == "принтер"
    assert data["results"][0]["title"] == PRINTER
    # Half typed: «ghbyn» begins «принтер» in the other layout.
    data = client.get("/api/v1/suggest/", {"q": "ghbyn"}).json()
    assert data["converted_query"] == "принт"
    assert data["results"][0]["title"] == PRINTER
    assert client.get("/api/v1/suggest/", {"q": "сотруд"}).json()["converted_query"] is None


# 3. Sentences


def test_filler_words_weigh_nothing_in_a_sentence(client, seeded):
    sentence = "что делать если клиент опять орёт на меня сегодня вообще"
    assert api_titles(api(client, q=sentence))[0] == HYSTERICS
    assert api(client, q=sentence)["ignored_words"] == []


def test_a_rare_word_outweighs_a_word_in_every_entry():
    for n in range(12):
        indexed(title=f"Клиент и порядок {n}", summary="Клиент, клиенту, о клиенте.")
    indexed(title="Сломался принтер", summary="Клиент звонит.")
    for query in ("клиент сломался", "у клиента в офисе сломался принтер и клиент ждёт"):
        assert search.search(query).hits[0].title == "Сломался принтер", query


def test_a_synonym_of_the_informative_word_ranks_above_shared_common_words():
    for n in range(12):
        indexed(title=f"Клиент и сотрудник {n}", summary="Клиент говорит с сотрудником.")
    indexed(title="Истерика", summary="Человек кричит.")
    Synonym.objects.create(words="истерика, орать, кричать")
    hits = search.search("клиент орёт на сотрудника").hits
    assert hits[0].title == "Истерика"


# 4. What was not understood


def test_words_that_matched_nothing_are_reported_on_the_api_and_the_page(client, seeded):
    data = api(client, q="клиент подал в суд")
    assert "суд" in data["ignored_words"] and "клиент" not in data["ignored_words"]
    assert "Не нашлось ничего о:" in page_text(client, q="клиент подал в суд")
    assert re.search(r"Не нашлось ничего о: [^.]*суд", page_text(client, q="клиент подал в суд"))
    assert api(client, q="клиент")["ignored_words"] == []
    assert "Не нашлось ничего о" not in page_text(client, q="клиент")


def test_the_lexicon_counts_the_documents_and_an_index_without_the_count_is_rebuilt(seeded):
    from kb.content.models import SearchDocument, SearchWord
    from kb.search.documents import DOCUMENTS

    counted = SearchWord.objects.get(word=DOCUMENTS).document_count
    assert counted == SearchDocument.objects.count() > 0
    assert search.index_is_complete()
    SearchWord.objects.filter(word=DOCUMENTS).delete()  # an index built before the count
    assert not search.index_is_complete()
    search.rebuild_index()
    assert search.index_is_complete()
    assert SearchWord.objects.get(word=DOCUMENTS).document_count == counted
