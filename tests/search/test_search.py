"""Search through the page, the JSON API and the index, on whichever database runs the suite
(CI runs it on SQLite FTS5 and on PostgreSQL)."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb import search
from kb.content.models import Entry, Kind, SearchDocument, Status, Synonym
from kb.content.services import load_seed
from tests.factories import make_entry
from tests.helpers import change_url, open_form
from tests.search.helpers import api, indexed

pytestmark = pytest.mark.django_db

PRINTER = "Клиент попросил перепрошивку, после неё сломался принтер"


def titles(results: search.SearchResults) -> list[str]:
    return [hit.title for hit in results.hits]


# Russian morphology, "ё" and case


def test_a_query_in_any_word_form_finds_the_other_forms():
    indexed(title="Клиент недоволен сроками", summary="Мы обещаем клиенту меньше, чем делаем.")
    indexed(title="Посторонняя запись", summary="Про погоду и дороги.")
    assert titles(search.search("клиенту обещали")) == ["Клиент недоволен сроками"]
    assert titles(search.search("клиентов")) == ["Клиент недоволен сроками"]
    assert titles(search.search("обещал")) == ["Клиент недоволен сроками"]


def test_yo_is_e_and_case_never_matters():
    indexed(title="Ещё одна ёлка", summary="Зелёная.")
    assert titles(search.search("ЕЩЕ ЕЛКА")) == ["Ещё одна ёлка"]
    assert titles(search.search("зеленая")) == ["Ещё одна ёлка"]


def test_stems_the_stemmer_cuts_apart_meet_through_the_dictionary_form():
    # Snowball gives "скидк" for "скидка" and "скидок" for "скидок".
    indexed(title="Много скидок", summary="Про уступки в цене.")
    assert titles(search.search("скидка")) == ["Много скидок"]


def test_every_field_and_kind_is_searchable():
    indexed(Kind.SITUATION, title="Ситуация", summary="С.", steps=["Позвонить диспетчеру"])
    indexed(Kind.RULE, title="Правило", summary="П.", body="Текст про **бухгалтерию**.")
    indexed(Kind.CASE, title="Случай", summary="Про авиакомпанию.", lesson="Урок про вежливость.")
    indexed(Kind.PRINCIPLE, title="Принцип", summary="П.", tags=["этикет"])
    assert titles(search.search("диспетчер")) == ["Ситуация"]
    assert titles(search.search("бухгалтерия")) == ["Правило"]
    assert titles(search.search("вежливости")) == ["Случай"]
    assert titles(search.search("этикет")) == ["Принцип"]


# Typos, prefixes and synonyms


def test_a_misspelt_word_is_corrected_and_offered(seeded):
    results = search.search("сотрудинк")
    assert results.suggestion == "сотрудник"
    assert "Наш сотрудник пропал по дороге к клиенту" in titles(results)
    results = search.search("перепрошвка")
    assert results.suggestion.startswith("перепрошивк")
    assert titles(results)[0] == "После перепрошивки по просьбе клиента сломался принтер"


def test_the_page_offers_the_corrected_search_in_one_click(client, seeded):
    page = client.get(reverse("kb:search"), {"q": "сотрудинк"}).content.decode()
    link = re.search(r'class="did-you-mean">[^<]*<a href="([^"]+)">сотрудник</a>', page)
    assert link is not None
    corrected = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert "Наш сотрудник пропал по дороге к клиенту" in re.sub(r"<[^>]+>", "", corrected)
    assert "did-you-mean" not in corrected


def test_a_word_being_typed_matches_as_a_prefix_in_suggestions(client, seeded):
    data = client.get("/api/v1/suggest/", {"q": "сотруд"}).json()
    assert "Наш сотрудник пропал по дороге к клиенту" in [r["title"] for r in data["results"]]
    assert set(data["results"][0]) == {"kind", "kind_label", "title", "url"}
    data = client.get("/api/v1/suggest/", {"q": "клиент впа"}).json()
    assert [r["title"] for r in data["results"]] == ["Клиент впал в истерику"]


def test_suggestions_correct_typos_too(client, seeded):
    data = client.get("/api/v1/suggest/", {"q": "сотрудинк"}).json()
    assert "Наш сотрудник пропал по дороге к клиенту" in [r["title"] for r in data["results"]]


def test_seeded_synonyms_and_colloquial_words_find_entries_in_other_words(seeded):
    assert titles(search.search("заказчик психует"))[0] == "Клиент впал в истерику"
    assert "Признать ошибку и довести проект до конца" in titles(search.search("облажались"))
    assert titles(search.search("скончался клиент")) == ["Клиент умер"]


def test_colloquial_derivations_of_a_synonyms_root_find_its_group():
    indexed(title="Клиент в истерике", summary="Кричит в трубку.")
    indexed(title="Клиент спокоен", summary="Всё хорошо.")
    Synonym.objects.create(words="истерика, психовать, нервничать")
    for query in ("психанул", "нервный клиент", "клиент психует"):
        assert titles(search.search(query)) == ["Клиент в истерике"], query
        assert search.search(query).suggestion is None


def test_a_close_root_wins_over_a_distant_correction():
    indexed(title="Задержка поставки", summary="Поставщик опоздал.")
    indexed(title="Сдержали слово", summary="Обещание выполнено.")
    Synonym.objects.create(words="задержка, просрочка")
    results = search.search("задержали")
    assert titles(results) == ["Задержка поставки"] and results.suggestion is None


def test_entries_in_the_querys_own_words_rank_above_synonym_matches():
    indexed(title="Специалист опоздал", summary="Про специалиста.")
    indexed(title="Сотрудник опоздал", summary="Про сотрудника.")
    Synonym.objects.create(words="сотрудник, специалист")
    assert titles(search.search("сотрудник")) == ["Сотрудник опоздал", "Специалист опоздал"]
    assert titles(search.search("специалист")) == ["Специалист опоздал", "Сотрудник опоздал"]


def test_a_synonym_group_added_in_the_admin_applies_at_once(admin_client):
    indexed(title="Рекламация от заказчика", summary="Разбор.")
    # Before: only the thesaurus's synonym reads «претензия» (kb/search/thesaurus.py).
    assert search.search("претензия").by_meaning == {"претензия": ["рекламация"]}
    response = admin_client.post(
        reverse("admin:kb_synonym_add"), {"words": "жалоба, претензия, рекламация"}
    )
    assert response.status_code == 302
    after = search.search("претензия")
    assert titles(after) == ["Рекламация от заказчика"]
    assert after.by_meaning == {}  # the editors' group, no longer a reading by meaning


def test_a_multi_word_synonym_matches_as_a_phrase():
    indexed(title="Подрядчик сорвал сроки", summary="Снова.")
    indexed(title="Сорвал цветок", summary="Сроки не важны.")
    Synonym.objects.create(words="опоздание, сорвать сроки")
    assert titles(search.search("опоздание")) == ["Подрядчик сорвал сроки"]


# Ranking, snippets, filters, pages


def test_title_hits_rank_above_summary_and_steps_above_body():
    indexed(title="Общие слова", summary="Обычный текст.", body="Здесь есть банкет.")
    indexed(title="Общие слова снова", summary="Сотрудники попали на банкет.")
    indexed(title="Банкет у клиента", summary="Обычный текст.")
    assert titles(search.search("банкет")) == [
        "Банкет у клиента",
        "Общие слова снова",
        "Общие слова",
    ]


def test_matched_words_are_highlighted_and_everything_else_escaped(client):
    indexed(
        title="Клиент <script>alert(1)</script> кричит",
        summary='Он кричит <img src=x onerror="alert(1)"> и требует скидку.',
    )
    hit = search.search("кричал").hits[0]
    assert str(hit.title_html) == (
        "Клиент &lt;script&gt;alert(1)&lt;/script&gt; <mark>кричит</mark>"
    )
    assert "<mark>кричит</mark>" in hit.snippet and "<img" not in hit.snippet
    page = client.get(reverse("kb:search"), {"q": "кричал"}).content.decode()
    assert "<mark>кричит</mark>" in page
    assert "<script>alert" not in page and "<img src=x" not in page


def test_the_snippet_is_the_passage_that_matches():
    indexed(
        title="Длинная запись",
        summary="Начало без нужного слова.",
        body="Первое предложение. " * 30
        + "Здесь говорится про принтер и перепрошивку. "
        + "Последнее предложение. " * 30,
    )
    snippet = str(search.search("принтер").hits[0].snippet)
    assert snippet.startswith("Здесь говорится про <mark>принтер</mark>")
    assert len(snippet) < 300


def test_filters_by_kind_and_tag_with_counts(client):
    indexed(Kind.SITUATION, title="Грубый клиент звонит", summary="С.", tags=["конфликт"])
    indexed(Kind.RULE, title="Грубый тон недопустим", summary="П.", tags=["этикет"])
    indexed(Kind.PRINCIPLE, title="Грубые слова и достоинство", summary="П.", tags=["конфликт"])
    assert search.search("грубый", kind=Kind.RULE).total == 1
    assert sorted(titles(search.search("грубый", tags=("konflikt",)))) == [
        "Грубые слова и достоинство",
        "Грубый клиент звонит",
    ]
    results = search.search("грубый", kind=Kind.SITUATION, facets=True)
    assert results.kind_counts == {"situation": 1, "rule": 1, "principle": 1}
    assert results.tag_counts == {"konflikt": 1}
    page = client.get(reverse("kb:search"), {"q": "грубый", "tag": "konflikt"}).content.decode()
    assert "Грубый тон недопустим" not in page
    assert re.search(r'kind=rule[^"]*"[^>]*>Правила <span class="count">1</span>', page) is None
    assert re.search(r'kind=situation[^"]*"[^>]*>Ситуации <span class="count">1</span>', page)
    assert api(client, q="грубый", kind="rule")["total"] == 1
    assert api(client, q="грубый", tag=["konflikt", "etiket"])["total"] == 0


def test_results_are_paginated(client):
    for n in range(25):
        indexed(title=f"Банкет номер {n}", summary="Про банкет.")
    first = client.get(reverse("kb:search"), {"q": "банкет"}).content.decode()
    assert "25" in re.search(r'class="search-total">([^<]+)<', first).group(1)
    assert first.count('class="entry-card"') == 10
    third = client.get(reverse("kb:search"), {"q": "банкет", "page": "3"}).content.decode()
    assert third.count('class="entry-card"') == 5
    assert client.get(reverse("kb:search"), {"q": "банкет", "page": "99"}).status_code == 200
    data = api(client, q="банкет", page=3)
    assert (data["total"], data["page"], len(data["results"])) == (25, 3, 5)


def test_the_empty_state_suggests_tags_and_popular_situations(client, seeded):
    page = client.get(reverse("kb:search"), {"q": "qwzx"}).content.decode()
    assert "ничего не нашлось" in page
    assert "Клиент впал в истерику" in page
    assert reverse("kb:tag_detail", args=["emocii"]) in page or 'href="/tags/' in page


def test_the_api_returns_the_documented_shape(client, seeded):
    data = api(client, q="клиент умер")
    assert set(data) == {
        "query", "total", "total_is_estimate", "page", "per_page", "results", "suggestion",
        "converted_query", "ignored_words", "understood_by_meaning", "closest_by_meaning",
    }  # fmt: skip
    first = data["results"][0]
    assert set(first) == {
        "kind", "kind_label", "title", "url", "snippet", "score", "by_meaning", "open_url",
    }  # fmt: skip
    assert first["title"] == "Клиент умер" and first["kind"] == "situation"
    assert first["by_meaning"] is False  # it holds the query's words
    assert client.get(first["url"]).status_code == 200
    assert data["suggestion"] is None
    assert data["converted_query"] is None and data["ignored_words"] == []


# Drafts and keeping the index current


def test_drafts_never_appear_anywhere(client):
    make_entry(title="Черновик про банкет", summary="Банкет.", status=Status.DRAFT)
    search.index_entries(Entry.objects.values_list("pk", flat=True))
    assert not SearchDocument.objects.exists()
    assert search.search("банкет").total == 0
    assert api(client, q="банкет")["total"] == 0
    assert client.get("/api/v1/suggest/", {"q": "банк"}).json()["results"] == []


def test_admin_edits_publishing_and_deletes_keep_the_index_current(editor_client):
    entry = indexed(title="Клиент опоздал на встречу", summary="Что делать.")
    data = open_form(editor_client, entry)
    data.update(title="Клиент перепутал адрес встречи")
    response = editor_client.post(change_url(entry), data)
    assert response.status_code == 302, response.content
    assert titles(search.search("перепутал")) == ["Клиент перепутал адрес встречи"]
    assert search.search("опоздал").total == 0

    changelist = reverse("admin:kb_entry_changelist")
    editor_client.post(changelist, {"action": "unpublish", "_selected_action": [entry.pk]})
    assert search.search("перепутал").total == 0
    editor_client.post(changelist, {"action": "publish", "_selected_action": [entry.pk]})
    assert search.search("перепутал").total == 1

    delete_url = reverse("admin:kb_entry_delete", args=[entry.pk])
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert search.search("перепутал").total == 0
    assert not SearchDocument.objects.exists()


def test_a_step_edited_on_its_own_and_a_renamed_tag_are_searchable(admin_client):
    entry = indexed(title="Ситуация", summary="С.", steps=["Позвонить"], tags=["сроки"])
    step = entry.responses.get()
    response = admin_client.post(
        reverse("admin:kb_response_change", args=[step.pk]),
        {"situation": entry.pk, "position": 1, "text": "Написать диспетчеру"},
    )
    assert response.status_code == 302, response.content
    assert titles(search.search("диспетчер")) == ["Ситуация"]
    tag = entry.tags.get()
    response = admin_client.post(
        reverse("admin:kb_tag_change", args=[tag.pk]), {"name": "дедлайны", "slug": tag.slug}
    )
    assert response.status_code == 302, response.content
    assert titles(search.search("дедлайны")) == ["Ситуация"]


def test_load_seed_and_rebuild_leave_the_index_complete(seeded):
    published = Entry.objects.published().count()
    assert SearchDocument.objects.count() == published == 45
    assert search.index_is_complete()
    SearchDocument.objects.all().delete()
    assert not search.index_is_complete()
    load_seed()
    assert search.index_is_complete()
    assert search.rebuild_index() == published
    assert titles(search.search("истерика"))[0] == "Клиент впал в истерику"


def test_the_rebuild_command_shows_progress_and_skips_a_complete_index(seeded, capsys):
    call_command("rebuild_search_index")
    out, err = capsys.readouterr()
    assert "Indexed 45 published entries" in out and "45/45" in err
    call_command("rebuild_search_index", "--if-incomplete")
    assert "nothing to do" in capsys.readouterr().out


def test_a_restored_version_is_what_search_finds(editor_client):
    from tests.helpers import recorded_entry

    entry = recorded_entry(title="Клиент недоволен ценой", summary="С.")
    search.index_entries([entry.pk])
    data = open_form(editor_client, entry)
    data.update(title="Клиент недоволен качеством")
    editor_client.post(change_url(entry), data)
    assert search.search("ценой").total == 0
    from kb.content import history

    first = history.versions_of(entry.pk).last()
    history.restore_version(version=first, user=None)
    assert titles(search.search("ценой")) == ["Клиент недоволен ценой"]
    assert search.search("качеством").total == 0


# Any input is safe

HOSTILE = [
    '"',
    '""',
    "'",
    "NEAR(клиент",
    "клиент NEAR(сроки, 2)",
    "клиент AND OR NOT",
    "AND",
    "*",
    "клиент*",
    "-клиент",
    "title:клиент",
    "{title}: клиент",
    "^клиент",
    "(((",
    ")))",
    "клиент) OR (1=1",
    "'; DROP TABLE kb_entry; --",
    "\\",
    "%",
    "_",
    "клиент & | ! <-> :* :A",
    "😡 клиент 🤬",
    "𗀀 клиент ꙮ",  # scripts the Russian dictionary has never seen (once crashed it)
    "\x00\x01\x1f клиент",
    "ё" * 5000,
    "клиент " * 2000,
    "a" * 10_000,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_queries_get_results_or_an_empty_state(client, text, seeded):
    assert client.get(reverse("kb:search"), {"q": text}).status_code == 200
    assert client.get("/api/v1/search/", {"q": text}).status_code == 200
    assert client.get("/api/v1/suggest/", {"q": text}).status_code == 200
    search.search(text)
    search.suggest(text)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    text=st.lists(
        st.one_of(
            st.text(max_size=8),
            st.sampled_from([*"\"*():^-+{}[]<>&|!~'\\%_;,.", "AND", "OR", "NOT", "NEAR("]),
            st.sampled_from(["клиент", "сотрудник", "сроки", "ё", " ", "\x00", "🙂"]),
        ),
        max_size=12,
    ).map("".join)
)
def test_any_text_at_all_is_safe(client, text):
    if not Entry.objects.exists():
        indexed(title="Клиент сорвал сроки", summary="Сотрудник ждёт.")
    assert client.get(reverse("kb:search"), {"q": text}).status_code == 200
    response = client.get("/api/v1/search/", {"q": text})
    assert response.status_code == 200
    assert response.json()["total"] >= 0
    assert client.get("/api/v1/suggest/", {"q": text}).status_code == 200


def test_bench_search_prints_its_figures_and_leaves_the_knowledge_base_alone(seeded):
    from io import StringIO

    before = set(Entry.objects.values_list("pk", flat=True))
    out = StringIO()
    call_command("bench_search", "--sizes", "40", "80", stdout=out)
    report = out.getvalue()
    for line in ("40 entries: indexed in", "80 entries: indexed in", "(a) product search path",
                 "(b) bare engine query", "(c) naive icontains", "p95"):  # fmt: skip
        assert line in report
    assert re.search(r"240 queries", report)
    assert set(Entry.objects.values_list("pk", flat=True)) == before
    assert search.index_is_complete() and search.search("истерика").total >= 1


def test_past_the_exact_limit_results_come_tier_by_tier_with_an_estimated_total(
    client, monkeypatch
):
    from kb.search import engine

    monkeypatch.setattr(engine, "EXACT_LIMIT", 4)
    monkeypatch.setattr(engine, "TIER_SAMPLE", 2)
    for n in range(3):
        indexed(title=f"Запись {n}", summary="Обычный текст.", body="Про принтер.")
    for n in range(3):
        indexed(title=f"Принтер {n}", summary="Обычный текст.")
    indexed(title="Ещё запись", summary="Сломался принтер.")
    results = search.search("принтер")
    assert (results.total, results.total_is_estimate) == (4, True)
    assert titles(results)[:3] == ["Принтер 0", "Принтер 1", "Принтер 2"]
    assert titles(results)[3] == "Ещё запись"
    assert {t for t in titles(results)[4:]} <= {"Запись 0", "Запись 1", "Запись 2"}
    data = api(client, q="принтер", per_page=2, page=2)
    assert data["total_is_estimate"] is True
    assert [r["title"] for r in data["results"]] == ["Принтер 2", "Ещё запись"]
    page = client.get(reverse("kb:search"), {"q": "принтер"}).content.decode()
    assert "больше 4 записей" in page


def test_the_search_page_makes_the_same_number_of_queries_however_many_match(client):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        search.forget_synonyms()  # both counts include reading the synonyms and lexicon
        cache.clear()  # the page and the search built anew, not served from the cache
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("kb:search"), {"q": "банкет"}).status_code == 200
        return len(context.captured_queries)

    for n in range(3):
        indexed(title=f"Банкет {n}", summary="Про банкет.", tags=[f"метка {n}"])
    queries()  # the first search after a change also reads the changed entries' meaning
    few = queries()
    for n in range(3, 30):
        indexed(title=f"Банкет {n}", summary="Про банкет.", tags=[f"метка {n}"])
    queries()
    # No query per hit or tag; a page with few full matches reads one more (its followers by
    # meaning), so many matches may cost one fewer, never more.
    assert few - 1 <= queries() <= few
