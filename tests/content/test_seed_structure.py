"""The seed's structured situations, its content checked against the four articles, and
loading it over a knowledge base seeded before situations had a structure."""

import shutil
from pathlib import Path

import pytest
import yaml

from kb.content.models import STRUCTURE_FIELDS, Entry, Kind, Response, Source
from kb.content.services import (
    FINGERPRINT_PREFIX,
    SEED_DIR,
    SEED_FILES,
    is_pristine,
    legacy_fingerprint,
    load_seed,
    read_seed,
)
from tests.factories import make_entry

pytestmark = pytest.mark.django_db

NEW_FIELDS = (*STRUCTURE_FIELDS, "examples")


@pytest.fixture
def seeded():
    return load_seed()


def structured(field: str) -> set[str]:
    return set(Entry.objects.exclude(**{field: ""}).values_list("seed_key", flat=True))


def test_every_seed_item_cites_a_known_source_and_its_place_in_it():
    sources, entries = read_seed()
    keys = {source["key"] for source in sources}
    assert len(entries) == 45
    for item in entries:
        assert item.get("source") in keys, item["key"]
        assert (item.get("source_locator") or "").strip(), item["key"]


def test_the_structure_is_seeded_only_where_the_article_says_it(seeded):
    # Signs from the article's headings (and the «лебедь, рак и щука» of response 2).
    assert structured("signals") == {
        "klient-vpal-v-isteriku",
        "klient-postoyanno-menyaet-sposoby-dostizheniya-celi",
        "nash-sotrudnik-propal-po-doroge-k-klientu",
        "klient-sryvaet-sroki-so-svoim-subpodryadchikom",
        "konflikt-interesov-vnutri-klienta",
    }
    # Direct speech and questions the article gives for the client.
    assert structured("say") == {
        "klient-vpal-v-isteriku",
        "klient-postoyanno-menyaet-sposoby-dostizheniya-celi",
        "ispravlenie-oshibok-nashih-sotrudnikov",
        "specialist-priehal-v-neudobnoe-dlya-klienta-vremya",
    }
    # Who takes over: another specialist and everyone; the decision-maker the client names.
    assert structured("escalation") == {
        "nash-sotrudnik-propal-po-doroge-k-klientu",
        "konflikt-interesov-vnutri-klienta",
    }
    # The article quotes nothing to avoid and ties none of the cases to a situation.
    assert structured("avoid") == set()
    assert not Entry.objects.filter(examples__isnull=False).exists()
    assert not Entry.objects.exclude(kind=Kind.SITUATION).filter(
        pk__in=[e.pk for e in Entry.objects.all() if e.has_structure]
    )

    hysteria = Entry.objects.get(seed_key="klient-vpal-v-isteriku")
    assert hysteria.signal_items == ["Клиент на эмоциях", "Разговор неконструктивный"]
    assert all(phrase.startswith("Уважаемый …, ") for phrase in hysteria.say_items)
    mistakes = Entry.objects.get(seed_key="ispravlenie-oshibok-nashih-sotrudnikov")
    assert mistakes.say_items == ["Чтобы всё заработало как надо, осталось доделать вот это…"]


def test_content_says_no_more_than_its_sources(seeded):
    not_always_right = Entry.objects.get(seed_key="klient-ne-vsegda-prav")
    # The commandment is one line; the essay's entries are linked, not retold.
    assert "вторая заповедь" in not_always_right.summary
    assert "человек" not in not_always_right.summary + not_always_right.body
    assert not_always_right.see_also.filter(source__slug="klient-vsegda-prav").count() == 4

    rude = Entry.objects.get(seed_key="grubyj-klient-povod-otkazatsya-ot-kontrakta")
    assert "руководител" not in rude.body and "Исключения" not in rude.body

    vip = Entry.objects.get(seed_key="sorvali-sroki-vip-zakaza-iz-za-tehnicheskoj-zaminki")
    assert "противоречие" not in vip.lesson
    assert vip.lesson.count("\n\n") == 1  # the article's two points, no paragraph of our own

    died = Entry.objects.get(seed_key="klient-umer")
    assert set(died.tags.names()).isdisjoint({"этикет", "договор"})
    assert not died.basis.filter(seed_key="zabota-i-vnimanie-zabota-o-vremeni-klienta").exists()

    key_clients = Entry.objects.filter(tags__name="ключевые клиенты")
    assert vip in key_clients

    essay = Source.objects.get(slug="klient-vsegda-prav")
    assert essay.url == "https://your-happy-life.com/"
    assert "your-happy-life" not in essay.title + essay.description


def test_see_also_goes_both_ways_whatever_order_the_files_list_it_in(seeded):
    _sources, items = read_seed()
    wanted = {item["key"]: set(item.get("see_also") or []) for item in items}
    for key, others in list(wanted.items()):
        for other in others:
            wanted[other].add(key)
    actual = {
        entry.seed_key: set(entry.see_also.values_list("seed_key", flat=True))
        for entry in Entry.objects.all()
    }
    assert actual == wanted


def test_a_checksum_stored_by_the_first_seed_loader_is_still_recognised():
    entry = make_entry(
        Kind.SITUATION,
        title="Клиент опоздал",
        slug="klient-opozdal",
        summary="Кратко.",
        body="Текст.",
        source_locator="раздел 1",
        tags=["сроки", "этикет"],
    )
    Response.objects.create(situation=entry, position=1, anchor="pozvonit", text="Позвонить.")
    # Computed by the loader before fingerprint version 2, for exactly this entry.
    first_loader = "3dfaed2b6313e03d97f5e41078377eee2d26755f834c9a2e4950fcd32bbad9cb"
    assert legacy_fingerprint(entry) == first_loader
    entry.seed_key, entry.seed_checksum = "klient-opozdal", first_loader
    assert is_pristine(entry)
    entry.say = "Ничего страшного."  # an editor added a phrase: no longer the seed's
    assert not is_pristine(entry)


def write_fixtures_without_the_structure(seed_dir: Path) -> None:
    """The seed files as they were before situations had a structure."""
    shutil.copytree(SEED_DIR, seed_dir)
    for name in SEED_FILES.values():
        path = seed_dir / name
        items = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in items:
            for field in NEW_FIELDS:
                item.pop(field, None)
        path.write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8")


def test_loading_over_a_knowledge_base_seeded_before_the_structure(tmp_path):
    old_seed = tmp_path / "old"
    write_fixtures_without_the_structure(old_seed)
    load_seed(seed_dir=old_seed)
    # As the previous release stored them: version-1 checksums.
    for entry in Entry.objects.all():
        Entry.objects.filter(pk=entry.pk).update(seed_checksum=legacy_fingerprint(entry))
    assert all(is_pristine(entry) for entry in Entry.objects.all())

    renamed = Entry.objects.get(seed_key="klient-vpal-v-isteriku")
    renamed.title = "Клиент кричит"
    renamed.save()
    given_signals = Entry.objects.get(seed_key="konflikt-interesov-vnutri-klienta")
    given_signals.signals = "Спорят при нас"
    given_signals.save()

    report = load_seed()
    assert sorted(report.kept_edits) == ["Клиент кричит", "Конфликт интересов внутри клиента"]
    assert report.created == []
    # Unedited situations gained their structure...
    vanished = Entry.objects.get(seed_key="nash-sotrudnik-propal-po-doroge-k-klientu")
    assert vanished.escalation.startswith("Если к клиенту нужно ехать срочно")
    assert len(vanished.signal_items) == 2
    assert "nash-sotrudnik-propal-po-doroge-k-klientu" in report.updated
    # ...entries the structure did not change stay "unchanged", their dates untouched...
    assert "ulybka-i-pozitiv" in report.unchanged
    # ...and the editors' entries are exactly as they left them.
    renamed.refresh_from_db()
    assert (renamed.title, renamed.signals, renamed.say) == ("Клиент кричит", "", "")
    given_signals.refresh_from_db()
    assert given_signals.signals == "Спорят при нас" and given_signals.escalation == ""

    checksums = dict(Entry.objects.values_list("seed_key", "seed_checksum"))
    edited = {renamed.seed_key, given_signals.seed_key}
    assert all(c.startswith(FINGERPRINT_PREFIX) for k, c in checksums.items() if k not in edited)

    again = load_seed()
    assert (again.created, again.updated) == ([], [])
    assert sorted(again.kept_edits) == sorted(report.kept_edits)
    assert len(again.unchanged) == 43
