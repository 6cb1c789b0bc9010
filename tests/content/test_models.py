import pytest
from django.db import IntegrityError, transaction

from kb.content.models import (
    Case,
    Entry,
    Kind,
    Principle,
    Response,
    Rule,
    Situation,
    Source,
    Status,
    Synonym,
    Tag,
)
from kb.core.text import make_slug, transliterate
from tests.factories import make_entry, make_source

pytestmark = pytest.mark.django_db


def test_transliteration_matches_the_admin_slug_map():
    assert make_slug("Клиент впал в истерику") == "klient-vpal-v-isteriku"
    assert transliterate("Ёжик щука объём") == "ezhik shuka obem"
    assert make_slug("Обещать меньше, делать больше!") == "obeshat-menshe-delat-bolshe"


def test_long_slugs_are_cut_at_a_word_boundary():
    slug = make_slug("очень " * 40, max_length=30)
    assert len(slug) <= 30
    assert not slug.endswith("-")
    assert set(slug.split("-")) == {"ochen"}


def test_entry_slug_is_made_from_the_title_and_deduplicated():
    first = make_entry(title="Клиент умер")
    second = make_entry(title="Клиент умер")
    assert first.slug == "klient-umer"
    assert second.slug == "klient-umer-2"


def test_title_without_letters_still_gets_a_slug():
    entry = make_entry(title="!!!")
    assert entry.slug == "situation"


def test_markdown_is_rendered_on_save():
    entry = make_entry(body="**Важно**: слушать.", kind=Kind.CASE, lesson="- один\n- два")
    assert "<strong>Важно</strong>" in entry.body_html
    assert "<li>один</li>" in entry.lesson_html
    entry.body = "_новый_ текст"
    entry.save(update_fields=["body"])
    entry.refresh_from_db()
    assert entry.body_html == "<p><em>новый</em> текст</p>"


def test_str_and_urls_of_each_kind():
    rule = make_entry(Kind.RULE, title="Обещать меньше", number=1)
    principle = make_entry(Kind.PRINCIPLE, title="Доверие")
    situation = make_entry(Kind.SITUATION, title="Клиент умер", steps=["Выразить соболезнования"])
    case = make_entry(Kind.CASE, title="Сорванный срок")
    assert str(rule) == "Правило №1: Обещать меньше"
    assert str(principle) == "Доверие"
    assert rule.get_absolute_url() == "/rules/obeshat-menshe/"
    assert principle.get_absolute_url() == "/principles/doverie/"
    assert situation.get_absolute_url() == "/situations/klient-umer/"
    assert case.get_absolute_url() == "/cases/sorvannyj-srok/"
    step = situation.responses.get()
    assert step.get_absolute_url() == f"/situations/klient-umer/#{step.anchor}"
    assert str(step) == f"Клиент умер — шаг {step.anchor}"


def test_proxy_models_see_and_create_only_their_kind():
    make_entry(Kind.RULE)
    make_entry(Kind.PRINCIPLE)
    created = Situation.objects.create(title="Пропал сотрудник", summary="…")
    assert created.kind == Kind.SITUATION
    assert list(Situation.objects.all()) == [created]
    assert Rule.objects.count() == 1
    assert Principle.objects.count() == 1
    assert Case.objects.count() == 0
    assert Entry.objects.count() == 3


def test_only_rules_may_have_a_number():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_entry(Kind.PRINCIPLE, number=3)


def test_rule_numbers_are_unique():
    make_entry(Kind.RULE, number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_entry(Kind.RULE, number=1)


def test_status_and_kind_are_checked_by_the_database():
    entry = make_entry()
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(status="deleted")
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(kind="poem")


def test_published_queryset_hides_drafts():
    published = make_entry()
    make_entry(status=Status.DRAFT)
    assert list(Entry.objects.published()) == [published]


def test_tagged_with_all_needs_every_tag():
    both = make_entry(tags=["сроки", "ошибки"])
    make_entry(tags=["сроки"])
    make_entry(tags=["ошибки"])
    assert list(Entry.objects.tagged_with_all(["sroki", "oshibki"])) == [both]


def test_tags_get_latin_slugs():
    make_entry(tags=["Сроки", "этикет"])
    assert set(Tag.objects.values_list("slug", flat=True)) == {"sroki", "etiket"}
    assert Tag.objects.get(slug="sroki").get_absolute_url() == "/tags/sroki/"


def test_tags_are_case_insensitive():
    first = make_entry(tags=["Сроки"])
    second = make_entry(tags=["сроки"])
    assert Tag.objects.count() == 1
    assert first.tags.get() == second.tags.get()


def test_step_anchors_are_stable_and_unique_within_a_situation():
    situation = make_entry(steps=["Выслушать клиента", "Выслушать клиента"])
    first, second = situation.responses.all()
    assert first.anchor == "vyslushat-klienta"
    assert second.anchor == "vyslushat-klienta-2"
    first.text = "Совсем другой текст"
    first.position = 5
    first.save()
    first.refresh_from_db()
    assert first.anchor == "vyslushat-klienta"
    assert [r.anchor for r in situation.responses.all()] == [
        "vyslushat-klienta-2",
        "vyslushat-klienta",
    ]


def test_the_same_anchor_may_appear_in_two_situations():
    a = make_entry(steps=["Позвонить"])
    b = make_entry(steps=["Позвонить"])
    assert a.responses.get().anchor == b.responses.get().anchor == "pozvonit"


def test_response_anchor_uniqueness_is_enforced_by_the_database():
    situation = make_entry(steps=["Шаг"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(situation=situation, text="Другой", anchor="shag")


def test_source_slug_str_and_natural_key():
    source = make_source(title="Клиент всегда прав?")
    assert source.slug == "klient-vsegda-prav"
    assert str(source) == "Клиент всегда прав?"
    assert Source.objects.get_by_natural_key("klient-vsegda-prav") == source
    assert source.get_absolute_url() == "/sources/klient-vsegda-prav/"


def test_entry_natural_key_lookup():
    entry = make_entry(title="Доверие", kind=Kind.PRINCIPLE)
    assert Entry.objects.get_by_natural_key("doverie") == entry


def test_synonym_groups_are_normalised():
    group = Synonym.objects.create(words=" Заказчик,клиент ,  покупатель, клиент,, Ёмкость ")
    assert group.terms() == ["заказчик", "клиент", "покупатель", "емкость"]
    assert group.words == "заказчик, клиент, покупатель, емкость"
    assert str(group) == "заказчик = клиент = покупатель = емкость"
