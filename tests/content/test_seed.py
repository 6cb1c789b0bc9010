"""The seed content: every item of the four articles, loaded idempotently."""

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from kb.content.models import Entry, Kind, Response, Source, Status, Tag
from kb.content.services import SEED_DIR, SeedError, load_seed

pytestmark = pytest.mark.django_db

# How many numbered responses each of the 14 situations has in the internal guideline
# (article 001), under its heading there.
STEPS_IN_THE_ARTICLE = {
    "klient-vpal-v-isteriku": 3,  # Клиент впал в истерику, эмоции и неконструктив.
    "klient-postoyanno-menyaet-sposoby-dostizheniya-celi": 4,  # …меняет способы достижения цели
    "v-baze-klienta-rabotayut-srazu-dva-nashih-podrazdeleniya": 2,  # …два подразделения
    "prodali-klientu-programmnyj-produkt-kotoryj-u-nego-uzhe-est": 3,  # Продажа ПП, который есть
    "klient-umer": 2,  # Клиент умер (не дай бог)
    "nash-sotrudnik-propal-po-doroge-k-klientu": 3,  # Наш сотрудник пропал…
    "klient-sryvaet-sroki-so-svoim-subpodryadchikom": 1,  # Клиент не соблюдает сроки…
    "prishli-rabotat-k-klientu-a-tam-banket": 4,  # Мы пришли работать к клиенту, а там банкет.
    "posle-pereproshivki-po-prosbe-klienta-slomalsya-printer": 4,  # …перепрошить принтер…
    "neobosnovanno-zavyshennye-ozhidaniya-klienta": 3,  # Необоснованно завышенные ожидания…
    "konflikt-interesov-vnutri-klienta": 3,  # Конфликт интересов у клиента.
    "ispravlenie-oshibok-nashih-sotrudnikov": 4,  # Исправление ошибок, сделанных нашими…
    "specialist-priehal-v-neudobnoe-dlya-klienta-vremya": 3,  # Специалист приехал в неудобное…
    "pri-prodazhe-klientu-poobeshali-nevypolnimoe": 2,  # Необоснованные ожидания (при продаже…)
}


@pytest.fixture
def seeded():
    return load_seed()


def locators(entries) -> list[str]:
    return [e.source_locator for e in entries]


def numbered(prefix: str, entries) -> dict[int, Entry]:
    found = {}
    for entry in entries:
        match = re.fullmatch(rf"{prefix} №(\d+)", entry.source_locator)
        if match:
            found[int(match.group(1))] = entry
    return found


def test_four_sources_with_titles(seeded):
    assert Source.objects.count() == 4
    titles = set(Source.objects.values_list("title", flat=True))
    assert "Двойные стандарты, или Как вести себя с клиентом?" in titles
    assert "Клиент всегда прав?" in titles
    assert all(titles)


def test_every_entry_is_published_and_cites_its_source(seeded):
    entries = Entry.objects.all()
    assert entries.count() >= 45
    assert not entries.exclude(status=Status.PUBLISHED).exists()
    assert not entries.filter(source__isnull=True).exists()
    assert not entries.filter(source_locator="").exists()
    assert not entries.filter(summary="").exists()


def test_the_two_numbered_rules_of_article_001(seeded):
    rules = {r.number: r for r in Entry.objects.filter(kind=Kind.RULE, number__isnull=False)}
    assert sorted(rules) == [1, 2]
    assert rules[1].title == "Обещать меньше, делать больше"
    assert rules[2].title == "Клиентоориентированность без жертв"
    scale = rules[1].body.lower()
    assert all(word in scale for word in ["недовол", "довол", "восторг"])
    assert "нет" in rules[2].body and "#" in rules[2].body  # the "how to say no" section


def test_the_sixteen_components_of_client_focus(seeded):
    components = numbered("компонент клиентоориентированности", Entry.objects.all())
    assert sorted(components) == list(range(1, 17))
    assert {e.kind for e in components.values()} == {Kind.PRINCIPLE}
    assert len({e.source_id for e in components.values()}) == 1


def test_the_seven_commandments(seeded):
    commandments = numbered("заповедь", Entry.objects.all())
    assert sorted(commandments) == list(range(1, 8))
    assert {e.kind for e in commandments.values()} <= {Kind.PRINCIPLE, Kind.RULE}
    assert len({e.source_id for e in commandments.values()}) == 1


def test_the_fourteen_situations_keep_all_their_steps(seeded):
    situations = numbered("нестандартная ситуация", Entry.objects.filter(kind=Kind.SITUATION))
    assert sorted(situations) == list(range(1, 15))
    # In the article's order, each with as many steps as the article lists responses.
    assert [situations[n].seed_key for n in range(1, 15)] == list(STEPS_IN_THE_ARTICLE)
    steps = {e.seed_key: e.responses.count() for e in situations.values()}
    assert steps == STEPS_IN_THE_ARTICLE
    assert Response.objects.count() == sum(STEPS_IN_THE_ARTICLE.values()) == 41
    assert Entry.objects.filter(kind=Kind.SITUATION).count() == 14


def test_situations_are_linked_to_the_principles_and_rules_behind_them(seeded):
    for situation in Entry.objects.filter(kind=Kind.SITUATION):
        basis = list(situation.basis.all())
        assert basis, situation
        assert {b.kind for b in basis} <= {Kind.PRINCIPLE, Kind.RULE}


def test_the_cases_and_the_essay(seeded):
    cases = Entry.objects.filter(kind=Kind.CASE)
    assert cases.count() == 2
    assert all(case.lesson.strip() and case.lesson_html for case in cases)
    essay = Source.objects.get(title="Клиент всегда прав?")
    assert essay.entries.filter(kind=Kind.CASE).count() == 1
    assert essay.entries.exclude(kind=Kind.CASE).count() >= 4
    vip = Source.objects.get(title__startswith="Двойные стандарты")
    assert vip.entries.filter(kind=Kind.CASE).count() == 1


def test_tags_are_meaningful_and_shared(seeded):
    counts = Counter(Tag.objects.values_list("tagged_entries__tag__name", flat=True))
    assert len(counts) >= 12
    assert min(counts.values()) >= 2
    for expected in ["сроки", "ошибки", "ожидания", "конфликт", "эмоции", "сотрудники"]:
        assert expected in counts, expected
    for entry in Entry.objects.all():
        assert 2 <= entry.tags.count() <= 5, entry


def test_loading_twice_changes_nothing(seeded):
    before = {
        "entries": list(Entry.objects.values_list("pk", "slug", "updated_at", "seed_checksum")),
        "steps": list(Response.objects.values_list("pk", "anchor", "text")),
        "tags": Tag.objects.count(),
        "sources": Source.objects.count(),
    }
    report = load_seed()
    assert report.created == [] and report.updated == [] and report.kept_edits == []
    assert len(report.unchanged) == len(before["entries"])
    after = {
        "entries": list(Entry.objects.values_list("pk", "slug", "updated_at", "seed_checksum")),
        "steps": list(Response.objects.values_list("pk", "anchor", "text")),
        "tags": Tag.objects.count(),
        "sources": Source.objects.count(),
    }
    assert after == before


def test_editor_changes_survive_a_reload(seeded, capsys):
    situation = Entry.objects.filter(kind=Kind.SITUATION).first()
    situation.title = "Клиент кричит и не слушает"
    situation.save()
    step = situation.responses.first()
    step.text = "Дать клиенту выговориться, не перебивая."
    step.save()
    rule = Entry.objects.get(kind=Kind.RULE, number=1)
    rule.tags.add("золотое правило")
    principle = Entry.objects.filter(kind=Kind.PRINCIPLE).first()
    principle_steps_before = principle.body
    principle.status = Status.DRAFT
    principle.save()

    call_command("load_seed")
    output = capsys.readouterr().out
    assert "3 kept as editors left them" in output
    assert "Клиент кричит и не слушает" in output

    situation.refresh_from_db()
    assert situation.title == "Клиент кричит и не слушает"
    assert situation.responses.first().text == "Дать клиенту выговориться, не перебивая."
    assert "золотое правило" in rule.tags.names()
    principle.refresh_from_db()
    assert principle.status == Status.DRAFT and principle.body == principle_steps_before
    assert Entry.objects.filter(title="Клиент кричит и не слушает").count() == 1


def test_a_changed_fixture_updates_entries_nobody_edited(tmp_path: Path):
    seed_dir = tmp_path / "seed"
    shutil.copytree(SEED_DIR, seed_dir)
    load_seed(seed_dir=seed_dir)
    path = seed_dir / "principles.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    items[0]["summary"] = "Новое краткое описание."
    path.write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8")
    report = load_seed(seed_dir=seed_dir)
    assert report.updated == [items[0]["key"]]
    assert Entry.objects.get(seed_key=items[0]["key"]).summary == "Новое краткое описание."


def test_a_broken_fixture_changes_nothing(tmp_path: Path):
    seed_dir = tmp_path / "seed"
    shutil.copytree(SEED_DIR, seed_dir)
    path = seed_dir / "situations.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    items[-1]["basis"] = ["net-takoj-zapisi"]
    path.write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SeedError, match="net-takoj-zapisi"):
        load_seed(seed_dir=seed_dir)
    assert Entry.objects.count() == 0 and Source.objects.count() == 0


def test_command_reports_a_broken_fixture_clearly(tmp_path: Path, settings, monkeypatch):
    monkeypatch.setattr("kb.content.services.SEED_DIR", tmp_path)
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Seed not loaded, nothing changed"):
        call_command("load_seed")


def test_if_empty_skips_a_database_with_entries(seeded, capsys):
    Entry.objects.filter(kind=Kind.CASE).first().delete()
    call_command("load_seed", "--if-empty")
    assert "seed not loaded" in capsys.readouterr().out
    assert Entry.objects.filter(kind=Kind.CASE).count() == 1
