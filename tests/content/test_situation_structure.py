"""Structured situations: signals, phrases to say and to avoid, the hand-over, typed links.

Through the model, the pages staff read, the admin editors use, the API and search.
"""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kb import search
from kb.content.models import ITEM_MAX_LENGTH, Entry, Kind, Status
from tests.factories import make_entry
from tests.helpers import change_url, form_data, open_form

pytestmark = pytest.mark.django_db

SIGNALS = "Клиент кричит\nНе слышит доводов"
SAY = "Давайте разберёмся по порядку.\nЯ вас слушаю."
AVOID = "Успокойтесь!"
STRUCTURE = ("signals", "say", "avoid", "escalation")
ESCALATION = "Если разговор не идёт к делу, передайте его руководителю отдела."


@pytest.fixture
def situation() -> Entry:
    """A published situation with every structured part and a link of each relation."""
    entry = make_entry(
        Kind.SITUATION,
        title="Клиент кричит",
        steps=["Дайте выговориться.", "Предложите изложить претензии письменно."],
        signals=SIGNALS,
        say=SAY,
        avoid=AVOID,
        escalation=ESCALATION,
    )
    entry.basis.add(make_entry(Kind.PRINCIPLE, title="Умение слушать"))
    entry.examples.add(make_entry(Kind.CASE, title="Жалобщица авиакомпании"))
    entry.see_also.add(make_entry(Kind.SITUATION, title="Клиент недоволен сроками"))
    return entry


class TestModel:
    def test_lists_are_kept_one_item_per_line_tidied_on_save(self):
        entry = make_entry(Kind.SITUATION, signals="  Кричит  громко \n\n\t\nНе слушает  ")
        entry.refresh_from_db()
        assert entry.signals == "Кричит громко\nНе слушает"
        assert entry.signal_items == ["Кричит громко", "Не слушает"]
        assert make_entry(Kind.SITUATION).say_items == []

    def test_an_item_longer_than_a_phrase_is_refused_with_a_clear_message(self):
        entry = make_entry(Kind.SITUATION)
        entry.say = "Коротко.\n" + "а" * (ITEM_MAX_LENGTH + 1)
        with pytest.raises(ValidationError) as error:
            entry.full_clean()
        assert "say" in error.value.message_dict
        assert "Разбейте её на несколько строк" in error.value.message_dict["say"][0]

    def test_only_situations_have_structure(self):
        principle = make_entry(Kind.PRINCIPLE)
        principle.escalation = "Руководителю."
        with pytest.raises(ValidationError) as error:
            principle.full_clean()
        assert "бывают только у ситуаций" in str(error.value)
        with pytest.raises(IntegrityError), transaction.atomic():
            principle.save()

    def test_typed_links_in_relation_order(self, situation):
        assert [(relation, str(other)) for relation, other in situation.typed_links()] == [
            ("applies", "Умение слушать"),
            ("example", "Жалобщица авиакомпании"),
            ("see_also", "Клиент недоволен сроками"),
        ]
        case = situation.examples.get()
        assert list(case.example_of.all()) == [situation]


class TestSituationPage:
    def test_shows_each_part_in_the_order_staff_need_it(self, client, situation):
        page = client.get(situation.get_absolute_url()).content.decode()
        order = [
            'id="entry-title"',
            'class="entry__summary"',
            'id="signals-heading"',
            "Клиент кричит</li>",
            'id="steps-heading"',
            'id="say-heading"',
            'id="avoid-heading"',
            'id="escalation-heading"',
            ESCALATION,
            'id="basis-heading"',
            'id="examples-heading"',
            'id="see-also-heading"',
        ]
        positions = [page.index(marker) for marker in order]
        assert positions == sorted(positions)

    def test_phrases_are_cards_whose_copy_button_copies_the_phrase_alone(self, client, situation):
        page = client.get(situation.get_absolute_url()).content.decode()
        copied = re.findall(r'data-copy-text="([^"]*)"', page)
        assert copied == ["Давайте разберёмся по порядку.", "Я вас слушаю.", "Успокойтесь!"]
        assert '<q class="phrase__text" id="say-1">Давайте разберёмся по порядку.</q>' in page
        assert '<q class="phrase__text" id="avoid-1">Успокойтесь!</q>' in page
        # Without JavaScript there is nothing to click; the phrase is ordinary text.
        assert page.count('class="phrase__copy"') == 3
        assert len(re.findall(r'class="phrase__copy"[^>]*\shidden', page)) == 3

    def test_text_is_escaped(self, client):
        entry = make_entry(
            Kind.SITUATION, say='Скажите "<b>да</b>"', escalation="<script>x</script>"
        )
        page = client.get(entry.get_absolute_url()).content.decode()
        assert "<b>да</b>" not in page and "<script>x" not in page
        assert 'data-copy-text="Скажите &quot;&lt;b&gt;да&lt;/b&gt;&quot;"' in page

    def test_a_situation_without_structure_shows_none_of_its_headings(self, client):
        page = client.get(make_entry(Kind.SITUATION, steps=["Шаг."]).get_absolute_url())
        html = page.content.decode()
        for heading in ("signals-heading", "say-heading", "avoid-heading", "escalation-heading"):
            assert heading not in html

    def test_headings_are_in_russian(self, client, situation):
        page = client.get(situation.get_absolute_url()).content.decode()
        for text in ("Признаки", "Что сказать", "Чего не говорить"):
            assert text in page
        assert "Когда передать дальше" in page and "Примеры из практики" in page
        assert ">Копировать</button>" in page

    def test_no_inline_scripts_styles_or_handlers(self, client, situation):
        page = client.get(situation.get_absolute_url()).content.decode()
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", page)
        assert not re.search(r'\sstyle="', page)
        assert not re.search(r"\son[a-z]+=", page)

    def test_draft_links_are_not_shown(self, client, situation):
        situation.examples.update(status=Status.DRAFT)
        page = client.get(situation.get_absolute_url()).content.decode()
        assert "Жалобщица авиакомпании" not in page
        assert 'id="examples-heading"' not in page

    def test_query_count_does_not_grow_with_links(self, client, situation):
        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(situation.get_absolute_url()).status_code == 200
            return len(captured)

        before = queries()
        for n in range(3):
            situation.examples.add(make_entry(Kind.CASE, title=f"Случай {n}"))
            situation.basis.add(make_entry(Kind.RULE, title=f"Правило {n}"))
        assert queries() == before


class TestTheOtherEnd:
    def test_a_principle_lists_the_situations_where_it_applies(self, client, situation):
        principle = situation.basis.get()
        page = client.get(principle.get_absolute_url()).content.decode()
        section = page[page.index('id="applied-heading"') :]
        assert "Где применяется" in section
        assert situation.get_absolute_url() in section

    def test_a_case_lists_the_situations_it_shows(self, client, situation):
        case = situation.examples.get()
        page = client.get(case.get_absolute_url()).content.decode()
        section = page[page.index('id="example-of-heading"') :]
        assert "Пример к ситуациям" in section
        assert situation.get_absolute_url() in section


class TestAdmin:
    def test_the_situation_form_has_a_fieldset_of_the_new_fields(self, editor_client, situation):
        response = editor_client.get(change_url(situation))
        names = [
            (str(name), list(options["fields"]))
            for name, options in response.context["adminform"].fieldsets
        ]
        assert names[1] == ("Как узнать, что сказать, кому передать", [*STRUCTURE])
        assert "examples" in dict(names)["Теги и связи"]
        page = response.content.decode()
        assert "Клиент кричит\nНе слышит доводов</textarea>" in page

    def test_other_kinds_do_not_offer_them(self, editor_client, situation):
        for entry in (situation.basis.get(), situation.examples.get()):
            response = editor_client.get(change_url(entry))
            fields = response.context["adminform"].form.fields
            assert not set(STRUCTURE) & set(fields)
            assert "examples" not in fields

    def test_editor_saves_the_structure(self, editor_client, situation):
        data = open_form(editor_client, situation)
        data.update(signals="Новый признак\n\nЕщё один", avoid="", escalation="Старшему смены.")
        response = editor_client.post(change_url(situation), data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        situation.refresh_from_db()
        assert situation.signal_items == ["Новый признак", "Ещё один"]
        assert (situation.avoid, situation.escalation) == ("", "Старшему смены.")

    def test_examples_only_offer_cases(self, editor_client, situation):
        url = reverse("admin:autocomplete")
        params = {"app_label": "kb", "model_name": "entry", "field_name": "examples", "term": ""}
        results = editor_client.get(url, params).json()["results"]
        kinds = set(Entry.objects.filter(pk__in=[r["id"] for r in results]).values_list("kind"))
        assert kinds == {(Kind.CASE,)}

    def test_turning_a_structured_situation_into_a_principle_is_refused_clearly(
        self, editor_client, situation
    ):
        url = reverse("admin:kb_entry_change", args=[situation.pk])
        data = form_data(editor_client.get(url))
        data["kind"] = Kind.PRINCIPLE
        response = editor_client.post(url, data)
        assert response.status_code == 200
        assert "бывают только у ситуаций" in str(response.context["adminform"].form.errors)
        situation.refresh_from_db()
        assert situation.kind == Kind.SITUATION


class TestAPI:
    def test_entry_detail_has_the_structure_and_typed_links(self, client, situation):
        data = client.get(f"/api/v1/entries/{situation.slug}/").json()
        assert data["signals"] == ["Клиент кричит", "Не слышит доводов"]
        assert data["say"] == ["Давайте разберёмся по порядку.", "Я вас слушаю."]
        assert data["avoid"] == ["Успокойтесь!"]
        assert data["escalation"] == ESCALATION
        principle, case = situation.basis.get(), situation.examples.get()
        other = situation.see_also.get()
        assert data["links"] == [
            {"relation": relation, "entry": {"id": e.pk, "kind": e.kind, "title": e.title,
                                             "url": e.get_absolute_url()}}
            for relation, e in (("applies", principle), ("example", case), ("see_also", other))
        ]  # fmt: skip
        assert [ref["id"] for ref in data["basis"]] == [principle.pk]  # the old fields stay

    def test_other_kinds_have_empty_structure_and_the_reverse_links(self, client, situation):
        case = situation.examples.get()
        data = client.get(f"/api/v1/entries/{case.pk}/").json()
        assert (data["signals"], data["say"], data["avoid"], data["escalation"]) == (
            [], [], [], ""
        )  # fmt: skip
        assert data["links"] == []
        assert [ref["id"] for ref in data["example_of"]] == [situation.pk]

    def test_links_to_drafts_are_left_out(self, client, situation):
        situation.basis.update(status=Status.DRAFT)
        data = client.get(f"/api/v1/entries/{situation.pk}/").json()
        assert [link["relation"] for link in data["links"]] == ["example", "see_also"]

    def test_the_schema_describes_the_new_fields(self, client):
        schema = client.get("/api/v1/openapi.json").json()
        detail = schema["components"]["schemas"]["EntryDetailOut"]
        for name in ("signals", "say", "avoid", "escalation", "links", "example_of"):
            assert name in detail["required"], name
        link = schema["components"]["schemas"]["LinkOut"]["properties"]["relation"]
        assert link["enum"] == ["applies", "example", "see_also"]


class TestSearch:
    def test_signals_and_phrases_are_searchable(self, situation):
        other = make_entry(Kind.SITUATION, title="Клиент молчит")
        search.index_entries([situation.pk, other.pk])

        def found(query: str) -> list[int]:
            return [hit.url for hit in search.search(query).hits]

        url = situation.get_absolute_url()
        assert found("доводов") == [url]  # only in the signals
        assert found("разберёмся") == [url]  # only in a phrase to say
        assert found("успокойтесь") == [url]  # only in a phrase to avoid
        assert found("руководителю отдела") == [url]  # only in the hand-over
