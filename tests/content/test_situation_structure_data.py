"""A situation's structure and typed links in history (snapshots, diffs, restore) and in
export and import (lossless, validated)."""

import json
from io import StringIO
from pathlib import Path

import pytest
import reversion
from django.core.management import CommandError, call_command
from django.urls import reverse
from reversion.models import Version

from kb.content import history, history_diff
from kb.content.models import Entry, Kind
from tests.factories import make_entry
from tests.helpers import change_url, open_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def situation() -> Entry:
    case = make_entry(Kind.CASE, title="Жалобщица авиакомпании", slug="zhalobshica")
    with reversion.create_revision():
        entry = make_entry(
            Kind.SITUATION,
            title="Клиент кричит",
            slug="klient-krichit",
            steps=["Дайте выговориться."],
            signals="Кричит\nНе слушает",
            say="Я вас слушаю.",
            avoid="Успокойтесь!",
            escalation="Руководителю отдела.",
        )
        entry.examples.add(case)
    return entry


def edit(client, entry: Entry, **changes) -> None:
    data = open_form(client, entry)
    data.update(changes)
    response = client.post(change_url(entry), data)
    assert response.status_code == 302, response.context["adminform"].form.errors


class TestHistory:
    def test_versions_hold_the_structure_and_the_examples(self, editor_client, situation):
        case = situation.examples.get()
        edit(editor_client, situation, signals="Кричит\nБросил трубку", examples=[])
        latest, first = history.versions_of(situation.pk)
        old, new = history.EntrySnapshot.of_version(first), history.EntrySnapshot.of_version(latest)
        assert old.fields["signals"] == "Кричит\nНе слушает" and old.examples == (case.pk,)
        assert new.fields["signals"] == "Кричит\nБросил трубку" and new.examples == ()
        assert new.fields["say"] == "Я вас слушаю." and new.fields["escalation"]

        rows = {row["name"]: row for row in history_diff.compare(old, new)}
        assert rows["signals"]["changed"] and not rows["say"]["changed"]
        assert rows["signals"]["html"] == (
            "Кричит\n<del>Не</del><ins>Бросил</ins> <del>слушает</del><ins>трубку</ins>"
        )
        assert rows["examples"]["changed"] and "Жалобщица" in rows["examples"]["html"]

        page = editor_client.get(
            reverse("admin:kb_situation_compare", args=[situation.pk])
            + f"?from={first.pk}&to={latest.pk}"
        ).content.decode()
        assert "Как узнать ситуацию" in page and "Примеры из практики" in page

    def test_restore_brings_the_structure_and_examples_back(self, editor_client, situation):
        case = situation.examples.get()
        original = history.versions_of(situation.pk)[0]
        edit(editor_client, situation, signals="", say="", avoid="", escalation="", examples=[])
        situation.refresh_from_db()
        assert not situation.has_structure
        history.restore_version(version=original, user=None)
        situation.refresh_from_db()
        assert situation.signal_items == ["Кричит", "Не слушает"]
        assert (situation.say, situation.avoid) == ("Я вас слушаю.", "Успокойтесь!")
        assert situation.escalation == "Руководителю отдела."
        assert list(situation.examples.all()) == [case]

    def test_a_version_recorded_before_the_structure_existed_restores_it_empty(self, situation):
        version = history.versions_of(situation.pk)[0]
        # What a version from before the fields were added looks like: no such keys at all.
        data = json.loads(version.serialized_data)
        for name in ("signals", "say", "avoid", "escalation", "examples"):
            del data[0]["fields"][name]
        Version.objects.filter(pk=version.pk).update(serialized_data=json.dumps(data))
        version = Version.objects.get(pk=version.pk)

        snapshot = history.EntrySnapshot.of_version(version)
        assert snapshot.fields["signals"] == "" and snapshot.examples == ()
        history.restore_version(version=version, user=None)
        situation.refresh_from_db()
        assert not situation.has_structure and not situation.examples.exists()


def export() -> dict:
    out = StringIO()
    call_command("export_kb", stdout=out)
    return json.loads(out.getvalue())


def import_text(tmp_path: Path, document: dict) -> str:
    path = tmp_path / "kb.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    out = StringIO()
    call_command("import_kb", str(path), stdout=out)
    return out.getvalue()


def record(document: dict, slug: str) -> dict:
    return next(e for e in document["entries"] if e["slug"] == slug)


class TestTransfer:
    def test_export_writes_the_structure_as_lists_and_examples_by_slug(self, situation):
        data = record(export(), "klient-krichit")
        assert data["signals"] == ["Кричит", "Не слушает"]
        assert (data["say"], data["avoid"]) == (["Я вас слушаю."], ["Успокойтесь!"])
        assert data["escalation"] == "Руководителю отдела."
        assert data["examples"] == ["zhalobshica"]
        assert record(export(), "zhalobshica")["signals"] == []

    def test_export_wipe_import_gives_the_structure_back(self, situation, tmp_path):
        before = export()
        Entry.objects.all().delete()
        import_text(tmp_path, before)
        after = export()
        assert record(after, "klient-krichit") | {"created_at": None, "updated_at": None} == (
            record(before, "klient-krichit") | {"created_at": None, "updated_at": None}
        )
        assert "0 updated, 2 unchanged" in import_text(tmp_path, after)

    def test_an_import_changes_the_structure(self, situation, tmp_path):
        document = export()
        item = record(document, "klient-krichit")
        item.update(signals=["Бросил трубку"], avoid=[], examples=[])
        assert "1 updated" in import_text(tmp_path, document)
        situation.refresh_from_db()
        assert situation.signals == "Бросил трубку" and situation.avoid == ""
        assert not situation.examples.exists()

    def test_a_file_from_before_the_structure_imports(self, situation, tmp_path):
        document = export()
        for item in document["entries"]:
            for name in ("signals", "say", "avoid", "escalation", "examples"):
                del item[name]
        Entry.objects.all().delete()
        assert "2 entries created" in import_text(tmp_path, document)
        assert not Entry.objects.get(slug="klient-krichit").has_structure

    def test_misplaced_or_malformed_structure_is_reported_with_its_place(self, situation, tmp_path):
        make_entry(Kind.SITUATION, slug="vtoraya")
        document = export()
        case = record(document, "zhalobshica")
        case.update(say=["Фраза у случая"], examples=["klient-krichit"])
        record(document, "klient-krichit")["examples"] = [
            "klient-krichit",
            "net-takoj",
            "umenie-slushat",
        ]
        # An entry with malformed fields is reported for those, before its links are checked.
        record(document, "vtoraya")["signals"] = ["Две\nстроки", "  ", "а" * 301]
        make_entry(Kind.PRINCIPLE, slug="umenie-slushat")  # in the knowledge base only
        with pytest.raises(CommandError) as error:
            import_text(tmp_path, document)
        message = str(error.value)
        for expected in (
            ".say: only situations have say",
            ".examples: only situations have examples",
            ".signals[0]: Value error, should be one line",
            ".signals[1]: Value error, should not be blank",
            ".signals[2]: String should have at most 300 characters",
            ".examples[0]: an entry cannot link to itself",
            ".examples[1]: no entry 'net-takoj' in the file or the knowledge base",
            ".examples[2]: 'umenie-slushat' is a principle; an example is a case",
        ):
            assert expected in message, expected
        assert Entry.objects.get(slug="klient-krichit").signals == "Кричит\nНе слушает"

    def test_markdown_export_has_the_structure(self, situation, tmp_path):
        call_command("export_kb", "--format", "markdown", "--output", str(tmp_path / "md"))
        text = (tmp_path / "md" / "situations" / "klient-krichit.md").read_text(encoding="utf-8")
        for part in (
            "## Как узнать ситуацию\n\n- Кричит\n- Не слушает",
            "## Что сказать\n\n- «Я вас слушаю.»",
            "## Чего избегать\n\n- Успокойтесь!",
            "## Когда передать дальше\n\nРуководителю отдела.",
            "## Примеры из практики",
        ):
            assert part in text, part
