"""Re-seeding a database that already holds the seed: entries nobody changed since they were
loaded are brought up to the corrected seed (notes and further citations included); entries an
editor changed, whether their note, their citations or anything else, are left alone and
listed, so nothing an editor wrote is lost."""

import shutil
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from kb.content.models import Citation, Entry, Source
from kb.content.services import SEED_DIR, SeedError, is_pristine, load_seed, v2_fingerprint

pytestmark = pytest.mark.django_db

NOTE_ENTRY = "chestnost-i-otkrytost"  # has a note and three further citations in the seed


def as_the_previous_loader_left_it(entry: Entry, **old_text: str) -> None:
    """Make a seeded entry look as the loader before notes and citations left it: its old text,
    no note, no further citations, and that loader's ("v2") checksum."""
    Citation.objects.filter(entry=entry).delete()
    Entry.objects.filter(pk=entry.pk).update(editor_note="", **old_text)
    entry.refresh_from_db()
    Entry.objects.filter(pk=entry.pk).update(seed_checksum=v2_fingerprint(entry))


@pytest.fixture
def seed_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "seed"
    shutil.copytree(SEED_DIR, folder)
    return folder


def test_an_entry_seeded_by_the_previous_loader_is_brought_up_to_the_corrected_seed():
    load_seed()
    entry = Entry.objects.get(seed_key=NOTE_ENTRY)
    old_body = "Открытость не обязывает посвящать клиента во внутреннюю «кухню»."
    as_the_previous_loader_left_it(entry, body=old_body)
    assert is_pristine(Entry.objects.get(pk=entry.pk))

    report = load_seed()

    assert NOTE_ENTRY in report.updated and report.kept_edits == []
    entry.refresh_from_db()
    assert "кухн" not in entry.body and entry.editor_note
    assert entry.citations.count() == 3
    assert entry.seed_checksum.startswith("v3:") and is_pristine(entry)


def test_an_old_entry_an_editor_gave_a_note_is_kept_as_the_editor_left_it(capsys):
    load_seed()
    entry = Entry.objects.get(seed_key=NOTE_ENTRY)
    as_the_previous_loader_left_it(entry, body="Старый текст.")
    entry.refresh_from_db()
    entry.editor_note = "Наш собственный совет."
    entry.save()

    call_command("load_seed")

    entry.refresh_from_db()
    assert entry.body == "Старый текст." and entry.editor_note == "Наш собственный совет."
    assert not entry.citations.exists()
    assert f"kept editors' version: {entry}" in capsys.readouterr().out


def test_an_editor_changed_note_or_citation_is_kept_and_listed(capsys):
    load_seed()
    noted = Entry.objects.get(seed_key=NOTE_ENTRY)
    noted.editor_note = "Редакция переписала комментарий."
    noted.save()
    cited = Entry.objects.get(seed_key="doverie")
    Citation.objects.create(
        entry=cited, source=Source.objects.get(slug="zapovedi-pro-klientov"), locator="заповедь №5"
    )

    call_command("load_seed")
    output = capsys.readouterr().out

    assert "2 kept as editors left them" in output
    assert f"kept editors' version: {noted}" in output
    assert f"kept editors' version: {cited}" in output
    noted.refresh_from_db()
    assert noted.editor_note == "Редакция переписала комментарий."
    assert [c.locator for c in cited.citations.all()] == ["заповедь №5"]


def test_a_corrected_fixture_reaches_untouched_entries_and_spares_edited_ones(seed_dir: Path):
    load_seed(seed_dir=seed_dir)
    edited = Entry.objects.get(seed_key="operativnost")
    edited.summary = "Отвечаем быстро — так решила редакция."
    edited.save()

    path = seed_dir / "principles.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    for item in items:
        if item["key"] in ("doverie", "operativnost"):
            item["editor_note"] = "Исправленный комментарий."
            item["also_cites"] = [{"source": "klientoorientirovannost", "locator": "правило №1"}]
    path.write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8")

    report = load_seed(seed_dir=seed_dir)

    assert report.updated == ["doverie"]
    assert report.kept_edits == [str(edited)]
    untouched = Entry.objects.get(seed_key="doverie")
    assert untouched.editor_note == "Исправленный комментарий."
    assert [c.locator for c in untouched.citations.all()] == ["правило №1"]
    edited.refresh_from_db()
    assert edited.summary == "Отвечаем быстро — так решила редакция."
    assert edited.editor_note != "Исправленный комментарий." and not edited.citations.exists()


def test_a_citation_of_an_unknown_source_in_the_seed_changes_nothing(seed_dir: Path):
    path = seed_dir / "principles.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    items[0]["also_cites"] = [{"source": "net-takogo", "locator": ""}]
    path.write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SeedError, match="net-takogo"):
        load_seed(seed_dir=seed_dir)
    assert not Entry.objects.exists()
