"""Export and import: lossless JSON, readable Markdown, validation with places, atomicity."""

import copy
import datetime
import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import transaction
from reversion.models import Version

from kb import search
from kb.content.models import Entry, Kind, Response, Source, Status, Synonym, Tag
from kb.content.services import load_seed
from kb.paths.models import Path as ReadingPath
from kb.tools import transfer
from tests.seed import seed

pytestmark = pytest.mark.django_db


def export() -> dict:
    out = StringIO()
    call_command("export_kb", stdout=out)
    return json.loads(out.getvalue())


def canonical(document: dict) -> dict:
    """The knowledge base a document describes, without the moment it was exported."""
    return {k: v for k, v in document.items() if k != "exported_at"}


def import_file(tmp_path: Path, document: dict | str, *args: str) -> str:
    path = tmp_path / "kb.json"
    text = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("import_kb", str(path), *args, stdout=out)
    return out.getvalue()


def wipe() -> None:
    ReadingPath.objects.all().delete()  # the seed's sample path
    Entry.objects.all().delete()
    Source.objects.all().delete()
    Synonym.objects.all().delete()
    Tag.objects.all().delete()


@pytest.fixture
def knowledge_base():
    """The seed, with the kinds of changes editors make."""
    seed()
    owner = User.objects.create_user("ivanova")
    situation = Entry.objects.get(slug="klient-umer")
    situation.status = Status.DRAFT
    situation.owner = owner
    situation.reviewed_on = datetime.date(2026, 1, 10)
    situation.review_by = datetime.date(2026, 7, 9)
    situation.body = "Первая строка.\n\n* пункт\n* ещё пункт"
    situation.save()
    Response.objects.create(
        situation=situation, position=9, text="Многострочный\nшаг с **разметкой**"
    )
    situation.see_also.add(Entry.objects.filter(kind=Kind.CASE).first())
    situation.tags.add("Новый тег")
    Synonym.objects.all().delete()  # the seed's starter groups, replaced by two known ones
    Synonym.objects.create(words="клиент, заказчик, покупатель")
    Synonym.objects.create(words="жалоба, претензия")
    return situation


def test_export_writes_every_part_of_the_knowledge_base(knowledge_base):
    document = export()
    assert (document["format"], document["version"]) == ("pravila-knowledge-base", 1)
    assert len(document["entries"]) == 45 and len(document["sources"]) == 4
    record = next(e for e in document["entries"] if e["slug"] == "klient-umer")
    assert record["status"] == "draft" and record["owner"] == "ivanova"
    assert (record["reviewed_on"], record["review_by"]) == ("2026-01-10", "2026-07-09")
    assert record["steps"][-1] == {
        "anchor": knowledge_base.responses.last().anchor,
        "text": "Многострочный\nшаг с **разметкой**",
    }
    assert "новый тег" in record["tags"] and record["see_also"] and record["basis"]
    assert record["seed"] == {"key": "klient-umer", "pristine": False}
    rule = next(e for e in document["entries"] if e["kind"] == "rule" and e["number"] == 1)
    assert rule["seed"]["pristine"] is True
    assert document["synonyms"] == ["жалоба, претензия", "клиент, заказчик, покупатель"]


def seed_verdict() -> dict[str, list[str]]:
    """What loading the seed again would do, without doing it."""
    with transaction.atomic():
        report = load_seed()
        transaction.set_rollback(True)
    return {
        "updated": sorted(report.updated),
        "unchanged": sorted(report.unchanged),
        "kept_edits": sorted(report.kept_edits),
    }


def test_export_wipe_import_gives_back_the_same_knowledge_base(knowledge_base, tmp_path):
    before = export()
    verdict = seed_verdict()
    assert "Клиент умер" in verdict["kept_edits"]
    wipe()
    assert not Entry.objects.exists()
    output = import_file(tmp_path, before)
    assert "45 entries created" in output
    assert canonical(export()) == canonical(before)
    # The seed still tells untouched entries (its own) from edited ones (the editors').
    assert seed_verdict() == verdict


def test_importing_the_same_file_again_changes_nothing(knowledge_base, tmp_path):
    document = export()
    versions_before = Version.objects.count()
    output = import_file(tmp_path, document)
    assert "0 entries created, 0 updated, 45 unchanged" in output
    assert Version.objects.count() == versions_before
    assert canonical(export()) == canonical(document)


def test_export_to_a_file_and_to_markdown(knowledge_base, tmp_path):
    target = tmp_path / "out" / "kb.json"
    call_command("export_kb", "--output", str(target), stderr=StringIO())
    assert canonical(json.loads(target.read_text(encoding="utf-8"))) == canonical(export())
    assert [p.name for p in target.parent.iterdir()] == ["kb.json"]  # no temporary left
    assert target.stat().st_mode & 0o044  # readable by others, as a plain file would be

    folder = tmp_path / "markdown"
    call_command("export_kb", "--format", "markdown", "--output", str(folder), stderr=StringIO())
    index = (folder / "index.md").read_text(encoding="utf-8")
    assert "## Ситуации" in index
    assert "[Клиент умер](situations/klient-umer.md) (черновик)" in index
    page = (folder / "situations" / "klient-umer.md").read_text(encoding="utf-8")
    front, body = page.split("---\n")[1:3]
    assert "title: Клиент умер" in front and "status: draft" in front and "owner: ivanova" in front
    assert "# Клиент умер" in body and "## Что делать" in body
    assert "1. " in body and "   шаг с **разметкой**" in body
    assert "](../principles/" in body or "](../rules/" in body
    assert len(list(folder.rglob("*.md"))) == 46

    with pytest.raises(CommandError, match="not an empty folder"):
        call_command("export_kb", "--format", "markdown", "--output", str(folder))
    with pytest.raises(CommandError, match="needs --output"):
        call_command("export_kb", "--format", "markdown")


def test_import_creates_updates_and_keeps_what_the_file_does_not_mention(knowledge_base, tmp_path):
    document = export()
    document["entries"] = [e for e in document["entries"] if e["kind"] == "situation"]
    for record in document["entries"]:
        if record["slug"] == "klient-umer":
            record["title"] = "Клиент скончался"
            record["steps"] = [record["steps"][1], {"anchor": "", "text": "Новый шаг"}]
            record["tags"] = ["Траур", "этика"]
    document["entries"].append(
        {
            "kind": "rule",
            "slug": "novoe-pravilo",
            "title": "Новое правило",
            "number": 42,
            "summary": "Кратко.",
            "status": "published",
        }
    )
    document["synonyms"].append("скидка, уступка")
    editor = User.objects.create_user("importer")
    principles = Entry.objects.filter(kind=Kind.PRINCIPLE).count()
    kept_anchor = knowledge_base.responses.all()[1].anchor

    output = import_file(tmp_path, document, "--user", "importer")

    assert "1 entries created, 1 updated" in output and "31 not in the file" in output
    situation = Entry.objects.get(slug="klient-umer")
    assert situation.title == "Клиент скончался"
    steps = list(situation.responses.all())
    assert (steps[0].anchor, steps[1].text) == (kept_anchor, "Новый шаг")
    assert sorted(t.name for t in situation.tags.all()) == ["траур", "этика"]
    assert Entry.objects.get(slug="novoe-pravilo").number == 42
    assert Entry.objects.filter(kind=Kind.PRINCIPLE).count() == principles  # kept
    assert Synonym.objects.filter(words="скидка, уступка").exists()
    latest = Version.objects.get_for_object(situation).first().revision
    assert (latest.user, latest.comment) == (editor, "import kb.json")


def test_rules_can_swap_numbers_in_one_import(knowledge_base, tmp_path):
    document = export()
    rules = {e["number"]: e for e in document["entries"] if e["kind"] == "rule"}
    rules[1]["number"], rules[2]["number"] = 2, 1
    import_file(tmp_path, document)
    assert Entry.objects.get(slug=rules[1]["slug"]).number == 2
    assert Entry.objects.get(slug=rules[2]["slug"]).number == 1


def test_dry_run_reports_changes_and_writes_nothing(knowledge_base, tmp_path):
    document = export()
    document["entries"][0]["title"] = "Изменённый заголовок"
    document["entries"].append(
        {"kind": "case", "slug": "novyj-sluchaj", "title": "Случай", "summary": "Кратко."}
    )
    before = canonical(export())
    output = import_file(tmp_path, document, "--dry-run")
    assert "Would import: 1 entries created, 1 updated" in output
    assert f"updated: {document['entries'][0]['slug']}" in output
    assert "created: novyj-sluchaj" in output and "Dry run: nothing was written." in output
    assert canonical(export()) == before


def test_import_runs_the_after_import_hook_unless_dry_run(knowledge_base, tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(transfer.apply, "after_import", calls.append)
    document = export()
    document["entries"][0]["title"] = "Новое"
    import_file(tmp_path, document, "--dry-run")
    assert calls == []
    import_file(tmp_path, document)
    assert [report.updated for report in calls] == [[document["entries"][0]["slug"]]]


def test_an_import_refreshes_the_search_index_and_a_dry_run_does_not(knowledge_base, tmp_path):
    document = export()
    record = next(e for e in document["entries"] if e["slug"] == "klient-vpal-v-isteriku")
    record["title"] = "Клиент закатил скандал в переговорной"
    import_file(tmp_path, document, "--dry-run")
    assert search.search("переговорной").total == 0
    import_file(tmp_path, document)
    assert [h.title for h in search.search("переговорной").hits] == [record["title"]]


def test_an_unknown_owner_is_a_warning_and_the_entry_has_no_owner(knowledge_base, tmp_path):
    document = export()
    record = next(e for e in document["entries"] if e["slug"] == "klient-umer")
    record["owner"] = "nobody-here"
    output = import_file(tmp_path, document)
    assert "warning: line" in output and "owner: no user 'nobody-here'" in output
    assert Entry.objects.get(slug="klient-umer").owner is None


def broken_document(document: dict) -> tuple[dict, list[str]]:
    """A copy with one problem of each kind, and the place each is reported at."""
    broken = copy.deepcopy(document)
    entries = broken["entries"]
    index = {e["slug"]: i for i, e in enumerate(entries)}
    situation = index["klient-umer"]
    rule, other_rule = [i for i, e in enumerate(entries) if e["kind"] == "rule"][:2]
    principle, other_principle = [i for i, e in enumerate(entries) if e["kind"] == "principle"][:2]
    entries[0]["title"] = "Д" * 201
    entries[1]["kind"] = "story"
    entries[rule]["steps"] = [{"anchor": "shag", "text": "Шаг"}]
    entries[other_rule]["number"] = "1"
    entries[situation]["steps"][1]["anchor"] = entries[situation]["steps"][0]["anchor"]
    # Problems of an entry's own fields, and (below) of its links, are on different entries:
    # links are checked once an entry's own fields are valid.
    other = next(i for i, e in enumerate(entries) if e["kind"] == "situation" and i != situation)
    entries[other]["steps"][0]["text"] = ""
    entries[other]["review_by"] = "10.07.2026"
    entries[situation]["basis"].append("net-takoj-zapisi")
    entries[situation]["see_also"] = ["klient-umer"]
    entries[situation]["source"] = "neizvestnyj-istochnik"
    del entries[principle]["summary"]
    entries[principle]["colour"] = "red"
    entries[other_principle]["basis"] = [entries[situation]["slug"]]
    entries.append(copy.deepcopy(document["entries"][2]))
    broken["synonyms"].append(" , ")
    places = [
        "entries[0].title",
        "entries[1].kind",
        f"entries[{rule}].steps",
        f"entries[{other_rule}].number",
        f"entries[{situation}].steps[1].anchor",
        f"entries[{other}].steps[0].text",
        f"entries[{situation}].basis[",
        f"entries[{situation}].see_also[0]",
        f"entries[{other}].review_by",
        f"entries[{situation}].source",
        f"entries[{principle}].summary",
        f"entries[{principle}].colour",
        f"entries[{other_principle}].basis[0]",
        f"entries[{len(entries) - 1}]: slug",
        f"synonyms[{len(broken['synonyms']) - 1}]",
    ]
    return broken, places


def test_import_reports_every_problem_with_its_place_and_applies_nothing(knowledge_base, tmp_path):
    document = export()
    broken, places = broken_document(document)
    text = json.dumps(broken, ensure_ascii=False, indent=2)
    wipe()
    with pytest.raises(CommandError) as raised:
        import_file(tmp_path, text)
    message = str(raised.value)
    assert "nothing was imported" in message
    for place in places:
        assert place in message, place
    # Each problem carries the line of the value (or of the object missing it).
    lines = text.splitlines()
    title_line = next(i for i, line in enumerate(lines, 1) if '"ДДД' in line)
    assert f"line {title_line}, entries[0].title: String should have at most 200" in message
    assert not Entry.objects.exists() and not Source.objects.exists()


def test_an_import_failing_midway_applies_nothing(knowledge_base, tmp_path, monkeypatch):
    document = export()
    for record in document["entries"]:
        record["title"] += " (изменено)"
    before = canonical(export())
    calls = []

    def failing_sync(situation, steps):
        calls.append(situation)
        if len(calls) == 5:
            raise RuntimeError("disk full")
        return original(situation, steps)

    original = transfer.apply.sync_steps
    monkeypatch.setattr(transfer.apply, "sync_steps", failing_sync)
    with pytest.raises(RuntimeError):
        import_file(tmp_path, document)
    assert canonical(export()) == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"format": "pravila-knowledge-base",\n "version": 1,\n "entries": [}', "line 3"),
        ("[]", "(document): Input should be a valid dictionary"),
        ('{"format": "other", "version": 1}', "format: Input should be 'pravila-knowledge-base'"),
        ('{"format": "pravila-knowledge-base", "version": 2}', "version: Input should be 1"),
        ("", "not valid JSON"),
    ],
)
def test_import_rejects_malformed_files_clearly(tmp_path, content, expected):
    with pytest.raises(CommandError, match="nothing was imported") as raised:
        import_file(tmp_path, content)
    assert expected in str(raised.value)


def test_import_rejects_unreadable_files(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_kb", str(tmp_path / "missing.json"))
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_kb", str(binary))
    with pytest.raises(CommandError, match="No user"):
        call_command("import_kb", str(binary), "--user", "ghost")


def test_line_numbers_follow_json_paths():
    text = '{\n  "a": [\n    1,\n    {"b": "x\\"y"}\n  ],\n  "c": null\n}'
    lines = transfer.line_numbers(text)
    assert lines == {"": 1, "a": 2, "a[0]": 3, "a[1]": 4, "a[1].b": 4, "c": 6}


def test_old_addresses_survive_export_wipe_import(knowledge_base, client, tmp_path):
    entry = Entry.objects.get(slug="klient-vpal-v-isteriku")
    entry.slug = "klient-krichit"
    entry.save()
    document = export()
    record = next(e for e in document["entries"] if e["slug"] == "klient-krichit")
    assert record["old_slugs"] == ["klient-vpal-v-isteriku"]
    wipe()
    import_file(tmp_path, document)
    response = client.get("/situations/klient-vpal-v-isteriku/")
    assert response.status_code == 301
    assert response.headers["Location"] == "/situations/klient-krichit/"
    assert canonical(export()) == canonical(document)
    # Importing it again adds nothing and changes nothing.
    assert "0 entries created, 0 updated, 45 unchanged" in import_file(tmp_path, document)


def test_an_address_of_another_entry_is_refused_with_its_place(knowledge_base, tmp_path):
    entry = Entry.objects.get(slug="klient-vpal-v-isteriku")
    entry.slug = "klient-krichit"
    entry.save()
    document = export()
    entries = document["entries"]
    taker = next(i for i, e in enumerate(entries) if e["slug"] == "klient-umer")
    entries[taker]["old_slugs"] = ["klient-vpal-v-isteriku"]
    other = next(i for i, e in enumerate(entries) if e["slug"] == "klient-ne-vsegda-prav")
    entries[other]["old_slugs"] = ["sovsem-novyj-adres"]
    third = next(i for i, e in enumerate(entries) if e["slug"] == "reputaciya-dorozhe-deneg")
    entries[third]["old_slugs"] = ["sovsem-novyj-adres"]
    with pytest.raises(CommandError) as raised:
        import_file(tmp_path, document)
    message = str(raised.value)
    assert (
        f"entries[{taker}].old_slugs[0]: 'klient-vpal-v-isteriku' is an address of entry "
        "'klient-krichit' already"
    ) in message
    later = max(other, third)
    assert f"entries[{later}].old_slugs[0]: 'sovsem-novyj-adres' is also an address" in message
    assert not Entry.objects.get(slug="klient-umer").old_slugs()
