"""`import_kb` on JSON with the constants Python's parser accepts and JSON does not (issue 22):
`NaN`, `Infinity` and `-Infinity` are a validation error with their place, never a crash."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kb.content.models import Entry, Kind
from kb.tools.transfer.validation import ImportInvalid, parse
from tests.factories import make_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported_text() -> str:
    make_entry(Kind.SITUATION, title="Клиент опоздал", steps=["Уточнить время"])
    out = StringIO()
    call_command("export_kb", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
@pytest.mark.parametrize("place", ["version", "entry version", "step", "list"])
def test_a_non_standard_constant_is_a_validation_error(
    tmp_path: Path, exported_text, constant, place
):
    data = json.loads(exported_text)
    if place == "version":
        data["version"] = "@"
    elif place == "entry version":
        data["entries"][0]["version"] = "@"
    elif place == "step":
        data["entries"][0]["steps"][0] = "@"
    else:
        data["entries"][0]["tags"] = ["@"]
    text = json.dumps(data, ensure_ascii=False, indent=2).replace('"@"', constant)
    path = tmp_path / "kb.json"
    path.write_text(text, encoding="utf-8")
    before = list(Entry.objects.values_list("title", "version"))
    with pytest.raises(CommandError, match="nothing was imported") as raised:
        call_command("import_kb", str(path), stdout=StringIO())
    message = str(raised.value)
    assert f"{constant} is not a JSON value" in message
    assert "line " in message
    assert list(Entry.objects.values_list("title", "version")) == before


def test_the_constants_inside_text_are_only_text():
    raw = parse('{"format": "x", "note": "NaN, Infinity and -Infinity"}')
    assert raw["note"] == "NaN, Infinity and -Infinity"
    with pytest.raises(ImportInvalid) as raised:
        parse('{"a": "NaN",\n "b": [1, NaN]}')
    (problem,) = raised.value.problems
    assert problem.line == 2 and "NaN is not a JSON value" in problem.message
