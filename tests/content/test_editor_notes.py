"""The editors' own words and an entry's several citations, wherever entries go: the page, the
admin, history, the JSON API, export and import, and search."""

import json
from io import StringIO
from pathlib import Path

import pytest
import reversion
from django.core.management import call_command
from django.urls import reverse

from kb import search
from kb.content.history import EntrySnapshot, restore_version, versions_of
from kb.content.history_diff import compare
from kb.content.models import Citation, Entry, Kind, Source
from kb.content.services import load_seed, set_citations
from tests.factories import make_entry, make_source
from tests.helpers import change_url, open_form

pytestmark = pytest.mark.django_db

NOTE = "Редакция советует **звонить** заранее, а не писать в мессенджер."


@pytest.fixture
def guideline() -> Source:
    return make_source(title="Внутреннее руководство", slug="rukovodstvo")


@pytest.fixture
def essay() -> Source:
    return make_source(title="Эссе о клиентах", slug="esse")


@pytest.fixture
def entry(guideline, essay) -> Entry:
    """A principle citing three places, with a note; its first version is in its history."""
    with reversion.create_revision():
        entry = make_entry(
            Kind.PRINCIPLE,
            title="Забота о времени клиента",
            body="Руководство называет заботу о времени клиента восьмой составляющей.",
            editor_note=NOTE,
            source=guideline,
            source_locator="компонент №8",
        )
        set_citations(entry, [(guideline, "ситуация №8"), (essay, "вывод")])
        reversion.add_to_revision(entry)
    return entry


def export() -> dict:
    out = StringIO()
    call_command("export_kb", stdout=out)
    return json.loads(out.getvalue())


class TestPage:
    def test_the_note_is_shown_apart_and_labelled_as_the_editors_words(self, client, entry):
        page = client.get(entry.get_absolute_url()).content.decode()
        note_at = page.index('<section class="editor-note"')
        assert "Комментарий редакции" in page[note_at:]
        assert "Это слова редакции, а не источника." in page[note_at:]
        # Rendered as markdown, inside the aside, after the cited text.
        assert "<strong>звонить</strong>" in page[note_at:]
        assert page.index("восьмой составляющей") < note_at
        assert page.index("</section>", note_at) > page.index("<strong>звонить</strong>")

    def test_the_note_is_sanitised(self, client, guideline):
        entry = make_entry(Kind.RULE, editor_note="Смотрите <script>alert(1)</script> **сюда**")
        page = client.get(entry.get_absolute_url()).content.decode()
        assert "<script>alert(1)" not in page and "<strong>сюда</strong>" in page

    def test_without_a_note_there_is_no_note_section(self, client, guideline):
        page = client.get(make_entry(Kind.RULE).get_absolute_url()).content.decode()
        assert "editor-note" not in page and "Комментарий редакции" not in page

    def test_every_citation_is_shown_source_first(self, client, entry):
        page = client.get(entry.get_absolute_url()).content.decode()
        assert ">Источники</dt>" in page
        places = [
            page.index("Внутреннее руководство</a>, компонент №8"),
            page.index("Внутреннее руководство</a>, ситуация №8"),
            page.index("Эссе о клиентах</a>, вывод"),
        ]
        assert places == sorted(places)
        assert page.count('class="citation"') == 3
        assert f'href="{reverse("kb:source_detail", args=["esse"])}"' in page

    def test_a_single_citation_reads_as_one_source(self, client, guideline):
        entry = make_entry(Kind.RULE, source=guideline, source_locator="правило №1")
        page = client.get(entry.get_absolute_url()).content.decode()
        assert ">Источник</dt>" in page and "Внутреннее руководство</a>, правило №1" in page


class TestAdmin:
    def test_the_change_form_has_the_note_and_the_further_citations(self, admin_client, entry):
        response = admin_client.get(change_url(entry))
        page = response.content.decode()
        assert 'name="editor_note"' in page and "Комментарий редакции" in page
        assert 'name="citations-0-locator"' in page and 'value="ситуация №8"' in page
        # The further citations come right after the entry's own source.
        assert page.index('name="source_locator"') < page.index('name="citations-0-source"')

    def test_saving_the_form_keeps_the_note_and_records_it_in_history(self, admin_client, entry):
        data = open_form(admin_client, entry)
        data["editor_note"] = "Новый совет редакции."
        data["citations-1-locator"] = "заключение"
        response = admin_client.post(change_url(entry), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        entry.refresh_from_db()
        assert entry.editor_note == "Новый совет редакции."
        assert [c.locator for c in entry.citations.all()] == ["ситуация №8", "заключение"]
        newest, previous = list(versions_of(entry.pk)[:2])
        assert newest.revision.user.username == "admin"
        rows = {
            row["name"]: row
            for row in compare(EntrySnapshot.of_version(previous), EntrySnapshot.of_version(newest))
        }
        assert rows["editor_note"]["changed"]
        assert "<ins>Новый</ins>" in rows["editor_note"]["html"]
        assert rows["citations"]["changed"] and "заключение" in rows["citations"]["html"]

    def test_restoring_a_version_brings_back_its_note_and_citations(self, entry, essay):
        old = versions_of(entry.pk).first()
        entry.editor_note = ""
        entry.save()
        Citation.objects.filter(entry=entry).delete()
        restore_version(version=old, user=None)
        entry.refresh_from_db()
        assert entry.editor_note == NOTE
        assert [(c.source, c.locator) for c in entry.citations.all()] == [
            (Source.objects.get(slug="rukovodstvo"), "ситуация №8"),
            (essay, "вывод"),
        ]


class TestApi:
    def test_the_entry_has_its_note_and_every_citation(self, client, entry):
        data = client.get(f"/api/v1/entries/{entry.slug}/").json()
        assert data["editor_note"] == NOTE
        assert "<strong>звонить</strong>" in data["editor_note_html"]
        assert [(c["source"]["slug"], c["place"]) for c in data["citations"]] == [
            ("rukovodstvo", "компонент №8"),
            ("rukovodstvo", "ситуация №8"),
            ("esse", "вывод"),
        ]
        assert data["citations"][2]["source"]["url"] == "/sources/esse/"


class TestTransfer:
    def test_export_wipe_import_gives_back_note_and_citations(self, entry, tmp_path):
        before = export()
        record = next(e for e in before["entries"] if e["slug"] == entry.slug)
        assert record["editor_note"] == NOTE
        assert record["also_cites"] == [
            {"source": "rukovodstvo", "locator": "ситуация №8"},
            {"source": "esse", "locator": "вывод"},
        ]
        path = tmp_path / "kb.json"
        path.write_text(json.dumps(before, ensure_ascii=False), encoding="utf-8")
        Entry.objects.all().delete()
        Source.objects.all().delete()
        call_command("import_kb", str(path), stdout=StringIO())
        after = export()
        assert {k: v for k, v in after.items() if k != "exported_at"} == {
            k: v for k, v in before.items() if k != "exported_at"
        }

    def test_a_file_from_before_notes_and_citations_still_imports(self, entry, tmp_path):
        document = export()
        for record in document["entries"]:
            del record["editor_note"], record["also_cites"]
        path = tmp_path / "old.json"
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        Entry.objects.all().delete()
        call_command("import_kb", str(path), stdout=StringIO())
        imported = Entry.objects.get(slug=entry.slug)
        assert imported.editor_note == "" and not imported.citations.exists()

    def test_a_citation_of_an_unknown_source_is_refused_with_its_place(self, entry, tmp_path):
        document = export()
        record = next(e for e in document["entries"] if e["slug"] == entry.slug)
        record["also_cites"].append({"source": "net-takogo", "locator": ""})
        path = tmp_path / "bad.json"
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        with pytest.raises(Exception) as error:
            call_command("import_kb", str(path), stdout=StringIO(), stderr=StringIO())
        assert "also_cites[2].source" in str(error.value)
        assert "net-takogo" in str(error.value)

    def test_markdown_export_sets_the_note_apart_and_lists_every_source(self, entry, tmp_path):
        folder = tmp_path / "md"
        call_command(
            "export_kb", "--format", "markdown", "--output", str(folder), stderr=StringIO()
        )
        text = next(folder.rglob(f"{entry.slug}.md")).read_text(encoding="utf-8")
        assert "## Комментарий редакции\n\n" + NOTE in text
        assert "*Источник: Эссе о клиентах, вывод*" in text
        assert "*Источник: Внутреннее руководство, компонент №8*" in text


class TestSearch:
    def test_a_word_only_in_the_note_finds_the_entry_but_ranks_below_a_title(self, entry):
        search.index_entries([entry.pk])
        results = search.search("мессенджер")
        assert [hit.title for hit in results.hits] == [entry.title]
        titled = make_entry(Kind.RULE, title="Мессенджер или звонок")
        search.index_entries([titled.pk])
        hits = [hit.title for hit in search.search("мессенджер").hits]
        assert hits == ["Мессенджер или звонок", entry.title]


class TestSeed:
    def test_the_seed_loads_notes_and_further_citations(self):
        load_seed()
        entry = Entry.objects.get(seed_key="chestnost-i-otkrytost")
        assert entry.editor_note and "кухн" not in entry.body
        assert [c.locator for c in entry.citations.all()] == [
            "нестандартная ситуация №3, вариант 2",
            "нестандартная ситуация №9, вариант 1",
            "вывод статьи",
        ]
        assert entry.citations.all()[2].source.slug == "dvojnye-standarty"


def test_the_seed_source_without_a_title_has_one_marked_as_the_editors(tmp_path: Path):
    load_seed()
    source = Source.objects.get(slug="klientoorientirovannost")
    assert source.title.startswith("[") and source.title.endswith("]")
    assert "дано редакцией" in source.description
