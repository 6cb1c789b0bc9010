"""Export and import carry reading paths: lossless, validated with places, atomic."""

import pytest
from django.core.management import CommandError
from reversion.models import Version

from kb.content.models import Entry, Kind, Source, Status, Synonym, Tag
from kb.paths import history
from kb.paths.models import Path, ReadMark
from kb.paths.services import mark_read
from tests.factories import make_entry, make_path
from tests.tools.test_transfer import canonical, export, import_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def knowledge_base(django_user_model):
    entries = [
        make_entry(Kind.PRINCIPLE, title="Доверие"),
        make_entry(Kind.RULE, title="Обещать меньше", number=1),
        make_entry(Kind.SITUATION, title="Клиент кричит", steps=["Выслушать"]),
    ]
    make_path(
        entries[2],
        entries[0],
        title="Первая неделя",
        intro="Что прочитать сначала.",
        notes={1: "Самое частое."},
    )
    make_path(entries[1], title="Черновик пути", status=Status.DRAFT)
    reader = django_user_model.objects.create_user("reader")
    mark_read(user=reader, entry=entries[0])
    return entries


def wipe() -> None:
    Path.objects.all().delete()
    Entry.objects.all().delete()
    Source.objects.all().delete()
    Synonym.objects.all().delete()
    Tag.objects.all().delete()


def test_the_export_holds_paths_with_their_entries_in_order(knowledge_base):
    paths = export()["paths"]
    assert [p["slug"] for p in paths] == ["chernovik-puti", "pervaya-nedelya"]
    first = paths[1]
    assert first["title"] == "Первая неделя" and first["intro"] == "Что прочитать сначала."
    assert first["status"] == "published"
    assert first["entries"] == [
        {"entry": "klient-krichit", "note": "Самое частое."},
        {"entry": "doverie", "note": ""},
    ]
    assert "reader" not in str(export())  # read marks are personal, not content


def test_export_wipe_import_gives_back_the_same_paths(knowledge_base, tmp_path):
    before = export()
    wipe()
    output = import_file(tmp_path, before)
    assert "Reading paths: 2 created, 0 updated." in output
    assert canonical(export()) == canonical(before)
    # The import is in the history, so a path can be restored to it.
    path = Path.objects.get(slug="pervaya-nedelya")
    version = history.versions_of(path.pk).first()
    assert version.revision.comment == "import kb.json"
    assert [e for e, _n in history.PathSnapshot.of_version(version).items] == [
        Entry.objects.get(slug="klient-krichit").pk,
        Entry.objects.get(slug="doverie").pk,
    ]
    assert not ReadMark.objects.exists()


def test_importing_again_changes_nothing_and_a_changed_path_is_updated(knowledge_base, tmp_path):
    document = export()
    versions = Version.objects.count()
    assert "Reading paths: 0 created, 0 updated." in import_file(tmp_path, document)
    assert Version.objects.count() == versions

    document["paths"][1]["entries"].reverse()
    document["paths"][1]["entries"].append({"entry": "obeshat-menshe", "note": "Новое"})
    output = import_file(tmp_path, document)
    assert "Reading paths: 0 created, 1 updated." in output
    path = Path.objects.get(slug="pervaya-nedelya")
    assert [i.entry.slug for i in path.items.all()] == [
        "doverie",
        "klient-krichit",
        "obeshat-menshe",
    ]


def test_a_file_without_paths_imports_as_before(knowledge_base, tmp_path):
    document = export()
    del document["paths"]
    assert "Reading paths: 0 created, 0 updated." in import_file(tmp_path, document)
    assert Path.objects.count() == 2  # not in the file: kept


def test_every_problem_with_paths_is_reported_with_its_place(knowledge_base, tmp_path):
    document = export()
    document["paths"][0]["entries"] = [{"entry": "no-such-entry"}]
    document["paths"][1]["entries"].append({"entry": "doverie", "note": ""})
    document["paths"].append({"slug": "pervaya-nedelya", "title": "Дубль"})
    document["paths"].append({"slug": "bad slug", "title": "", "status": "secret", "x": 1})
    with pytest.raises(CommandError) as raised:
        import_file(tmp_path, document)
    message = str(raised.value)
    assert "nothing was imported" in message
    for place, problem in [
        ("paths[0].entries[0].entry", "no entry 'no-such-entry'"),
        ("paths[1].entries[2].entry", "entry 'doverie' is on this path twice"),
        ("paths[2]", "slug 'pervaya-nedelya' is used twice"),
        ("paths[3].slug", "String should match pattern"),
        ("paths[3].title", "String should have at least 1 character"),
        ("paths[3].status", "Input should be 'draft' or 'published'"),
        ("paths[3].x", "Extra inputs are not permitted"),
    ]:
        assert f"{place}: {problem}" in message, place
    assert Path.objects.get(slug="chernovik-puti").items.count() == 1


def test_the_markdown_index_lists_the_paths(knowledge_base, tmp_path):
    from django.core.management import call_command

    call_command("export_kb", "--format", "markdown", "--output", str(tmp_path / "md"))
    index = (tmp_path / "md" / "index.md").read_text(encoding="utf-8")
    assert "## Пути чтения" in index
    assert "### Первая неделя\n\nЧто прочитать сначала.\n\n" in index
    assert "1. [Клиент кричит](situations/klient-krichit.md) — Самое частое." in index
    assert "### Черновик пути (черновик)" in index
