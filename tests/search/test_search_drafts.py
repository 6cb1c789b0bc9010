"""Editors' searches find drafts by every word in some form, from any of their fields and
steps, and follow every edit at once (kb/search/drafts.py keeps each draft's stems by its text,
so a search stems only the drafts that changed)."""

import pytest

from kb.content.models import Kind, Response, Status
from kb.search import drafts
from kb.search.drafts import drafts_matching
from tests.factories import make_entry

pytestmark = pytest.mark.django_db


def titles(entries) -> list[str]:
    return [entry.title for entry in entries]


@pytest.fixture
def draft():
    return make_entry(
        Kind.SITUATION,
        title="Клиент просит скидку",
        summary="Что ответить.",
        status=Status.DRAFT,
        steps=["Уточните бюджет заказчика."],
    )


def test_every_word_in_some_form_from_any_field_or_step(draft):
    make_entry(Kind.SITUATION, title="Скидки опубликованы", status=Status.PUBLISHED)
    assert titles(drafts_matching("скидки")) == ["Клиент просит скидку"]
    assert titles(drafts_matching("бюджета заказчиков")) == ["Клиент просит скидку"]
    assert drafts_matching("скидка бюджет возврат") == []


def test_edits_and_new_steps_are_followed_at_once(draft):
    assert titles(drafts_matching("скидку"))
    draft.title = "Клиент просит рассрочку"
    draft.save()
    assert drafts_matching("скидку") == []
    assert titles(drafts_matching("рассрочка")) == ["Клиент просит рассрочку"]
    # A step added without the entry's own form (no version change) still counts.
    Response.objects.create(situation=draft, position=2, text="Предложите график платежей.")
    assert titles(drafts_matching("платёж график")) == ["Клиент просит рассрочку"]


def test_only_changed_drafts_are_stemmed_again(draft, monkeypatch):
    other = make_entry(Kind.RULE, title="Скидка за объём", number=7, status=Status.DRAFT)
    assert set(titles(drafts_matching("скидка"))) == {"Клиент просит скидку", "Скидка за объём"}
    stemmed = []
    real = drafts.stems
    monkeypatch.setattr(drafts, "stems", lambda text: stemmed.append(text) or real(text))
    other.summary = "Только для постоянных клиентов."
    other.save()
    assert set(titles(drafts_matching("скидка"))) == {"Клиент просит скидку", "Скидка за объём"}
    assert len(stemmed) == 2  # the query, and the one draft that changed


def test_newest_first_filtered_by_kind_and_tags(draft):
    rule = make_entry(Kind.RULE, title="Скидка за объём", number=7, status=Status.DRAFT)
    rule.tags.add("деньги")
    assert titles(drafts_matching("скидка")) == ["Скидка за объём", "Клиент просит скидку"]
    assert titles(drafts_matching("скидка", kind=Kind.SITUATION)) == ["Клиент просит скидку"]
    assert titles(drafts_matching("скидка", tags=("dengi",))) == ["Скидка за объём"]
