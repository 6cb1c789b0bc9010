"""Search phrases: how staff say it, given by editors, found by search, never shown."""

import json
from io import StringIO
from pathlib import Path

import pytest
import reversion
from django.core.management import call_command
from django.urls import reverse

from kb import search
from kb.content import history
from kb.content.models import Entry, Kind
from tests.factories import make_entry
from tests.helpers import change_url, open_form
from tests.search.helpers import indexed

pytestmark = pytest.mark.django_db

MISSING = "Сотрудник не вышел на связь"
PHRASE = "не берёт трубку"


def titles(results: search.SearchResults) -> list[str]:
    return [hit.title for hit in results.hits]


def test_an_editor_adds_phrases_in_the_admin_and_search_finds_the_entry(editor_client, client):
    entry = indexed(Kind.SITUATION, title=MISSING, summary="Его нет на месте с утра.")
    assert search.search("трубку").total == 0

    assert 'name="search_phrases"' in editor_client.get(change_url(entry)).content.decode()
    data = open_form(editor_client, entry)
    data["search_phrases"] = f"  {PHRASE}  \n\nпропал   с радаров\n"
    response = editor_client.post(change_url(entry), data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    entry.refresh_from_db()
    assert entry.search_phrase_items == [PHRASE, "пропал с радаров"]
    # Any word form, through the page and the API; the words are known, never "corrected".
    assert titles(search.search("трубку не берет")) == [MISSING]
    assert search.search("трубку не берет").suggestion is None
    page = client.get(reverse("kb:search"), {"q": "пропала"})
    assert MISSING in page.content.decode()
    api = client.get("/api/v1/search/", {"q": "не берёт трубку"}).json()
    assert [hit["title"] for hit in api["results"]] == [MISSING]


def test_phrases_weigh_as_the_title_and_are_never_shown(client):
    by_phrase = indexed(Kind.SITUATION, title=MISSING, search_phrases=PHRASE)
    in_body = indexed(Kind.SITUATION, title="Звонок сорвался", body="Клиент не берёт трубку.")
    assert titles(search.search("трубку")) == [MISSING, "Звонок сорвался"]

    for url in (by_phrase.get_absolute_url(), f"/api/v1/entries/{by_phrase.pk}/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "трубку" not in response.content.decode()
    results = client.get(reverse("kb:search"), {"q": "трубку"}).content.decode()
    assert "не берёт трубку" not in results.replace(in_body.body, "")  # not in any snippet


def test_a_line_too_long_is_refused_with_a_message(editor_client):
    entry = indexed(Kind.RULE, title="Правило", number=3)
    data = open_form(editor_client, entry)
    data["search_phrases"] = "слово " * 60
    response = editor_client.post(change_url(entry), data)
    assert response.status_code == 200
    assert "search_phrases" in response.context["adminform"].form.errors


def test_phrases_are_in_the_history_and_come_back_with_a_restore(editor_client):
    with reversion.create_revision():
        entry = make_entry(Kind.CASE, title="Случай с трубкой")
    data = open_form(editor_client, entry)
    data["search_phrases"] = "молчит в трубку"
    assert editor_client.post(change_url(entry), data).status_code == 302
    newest, oldest = history.versions_of(entry.pk)
    compare = reverse("admin:kb_case_compare", args=[entry.pk])
    html = editor_client.get(compare + f"?from={oldest.pk}&to={newest.pk}").content.decode()
    assert "Поисковые фразы" in html and "<ins>молчит в трубку</ins>" in html

    current = Entry.objects.get(pk=entry.pk)
    history.restore_version(version=newest, user=None)  # the phrases as recorded
    assert Entry.objects.get(pk=entry.pk).search_phrases == "молчит в трубку"
    history.restore_version(version=oldest, user=None, expected_version=current.version + 1)
    assert Entry.objects.get(pk=entry.pk).search_phrases == ""
    assert search.search("молчит").total == 0


def test_phrases_travel_with_export_and_import(tmp_path: Path):
    make_entry(Kind.SITUATION, title=MISSING, slug="propal", search_phrases=PHRASE)
    out = StringIO()
    call_command("export_kb", stdout=out)
    document = json.loads(out.getvalue())
    (record,) = [e for e in document["entries"] if e["slug"] == "propal"]
    assert record["search_phrases"] == [PHRASE]

    record["search_phrases"] = [PHRASE, "телефон выключен"]
    path = tmp_path / "kb.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    out = StringIO()
    call_command("import_kb", str(path), stdout=out)
    assert "1 updated" in out.getvalue()
    assert Entry.objects.get(slug="propal").search_phrase_items == [PHRASE, "телефон выключен"]
    assert titles(search.search("телефон выключен")) == [MISSING]

    call_command("import_kb", str(path), stdout=(out := StringIO()))
    assert "0 updated, 1 unchanged" in out.getvalue()

    record["search_phrases"] = ["две\nстроки"]
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(Exception, match="search_phrases"):
        call_command("import_kb", str(path), stdout=StringIO())
