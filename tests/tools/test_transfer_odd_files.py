"""`import_kb` on files no export makes (issue 9, defect 8): deep nesting, NUL characters and
lone surrogates are validation errors with their place, and nothing is written, on SQLite
and PostgreSQL alike."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kb.content.models import Entry, Kind, Response, Source, Tag
from tests.factories import make_entry, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported() -> dict:
    """An export of a small knowledge base: a situation with a step, a tag and a source."""
    make_entry(
        Kind.SITUATION,
        title="Клиент опоздал",
        tags=["сроки"],
        steps=["Уточнить время"],
        source=make_source(title="Статья о сроках"),
    )
    out = StringIO()
    call_command("export_kb", stdout=out)
    return json.loads(out.getvalue())


def snapshot() -> list:
    return [
        sorted(Entry.objects.values_list("slug", "title", "summary", "version")),
        sorted(Response.objects.values_list("text", flat=True)),
        sorted(Tag.objects.values_list("name", flat=True)),
        sorted(Source.objects.values_list("title", flat=True)),
    ]


def refused(tmp_path: Path, text: str) -> str:
    """Import `text`, expecting a refusal; the refusal's message."""
    path = tmp_path / "kb.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    before = snapshot()
    with pytest.raises(CommandError, match="nothing was imported") as raised:
        call_command("import_kb", str(path), stdout=StringIO())
    assert snapshot() == before
    return str(raised.value)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,
        "[" * 100_000 + "]" * 100_000,
        '{"format": "pravila-knowledge-base", "version": 1, "entries": '
        + "[" * 50_000
        + "]" * 50_000
        + "}",
        '{"a": ' * 50_000 + "1" + "}" * 50_000,
    ],
    ids=["unclosed arrays", "closed arrays", "inside a document", "objects"],
)
def test_deep_nesting_is_a_validation_error(tmp_path, exported, text):
    assert "nested more than" in refused(tmp_path, text)


def test_nesting_just_past_the_limit_is_refused_with_its_place(tmp_path, exported):
    exported["entries"][0]["body"] = json.loads("[" * 40 + "]" * 40)
    message = refused(tmp_path, json.dumps(exported, ensure_ascii=False))
    assert "entries[0].body" in message
    assert "nested more than" in message


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        (lambda d: d["entries"][0].__setitem__("title", "Клиент\x00опоздал"), "entries[0].title"),
        (lambda d: d["entries"][0].__setitem__("summary", "\x00"), "entries[0].summary"),
        (lambda d: d["entries"][0]["steps"][0].__setitem__("text", "Шаг\x00"), "steps[0].text"),
        (lambda d: d["entries"][0]["tags"].append("метка\x00"), "entries[0].tags[1]"),
        (lambda d: d["sources"][0].__setitem__("title", "\x00Статья"), "sources[0].title"),
        (lambda d: d["entries"][0].__setitem__("body\x00", "текст"), "entries[0]"),
    ],
    ids=["title", "summary", "step", "tag", "source", "key"],
)
def test_a_nul_character_is_a_validation_error_with_its_place(tmp_path, exported, place, expected):
    place(exported)
    message = refused(tmp_path, json.dumps(exported, ensure_ascii=False))
    assert expected in message
    assert "NUL character" in message


def test_a_lone_surrogate_is_a_validation_error_with_its_place(tmp_path, exported):
    exported["entries"][0]["title"] = "Клиент \ud800 опоздал"
    message = refused(tmp_path, json.dumps(exported))  # escaped as \ud800, valid JSON text
    assert "entries[0].title" in message
    assert "lone surrogate" in message


def test_the_same_file_without_them_imports(tmp_path, exported):
    exported["entries"][0]["title"] = "Клиент опоздал на час"
    path = tmp_path / "kb.json"
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    call_command("import_kb", str(path), stdout=StringIO())
    assert Entry.objects.get().title == "Клиент опоздал на час"
