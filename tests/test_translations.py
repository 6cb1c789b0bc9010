"""The Russian catalogue is complete, and the compiled .mo file matches it."""

import ast
import gettext
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def read_po(path: Path) -> list[dict[str, object]]:
    """Entries of a .po file: msgid, msgid_plural, msgstr (or a list of plural forms), fuzzy."""
    entries: list[dict[str, object]] = []
    current: dict[str, object] = {}
    key = None

    def flush() -> None:
        if current.get("msgid"):
            entries.append(dict(current))
        current.clear()

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            key = None
        elif line.startswith("#,") and "fuzzy" in line:
            current["fuzzy"] = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(current.get(key), list):
                current[key][-1] += value
            else:
                current[key] = current.get(key, "") + value
        else:
            keyword, _, literal = line.partition(" ")
            value = ast.literal_eval(literal)
            if keyword.startswith("msgstr["):
                key = "msgstr"
                current.setdefault("msgstr", [])
                current["msgstr"].append(value)
            else:
                key = keyword
                current[key] = value
    flush()
    return entries


RUSSIAN = read_po(LOCALE / "ru" / "LC_MESSAGES" / "django.po")


def test_catalogue_is_not_empty():
    assert len(RUSSIAN) > 50


@pytest.mark.parametrize("entry", RUSSIAN, ids=lambda e: str(e["msgid"])[:40])
def test_every_string_is_translated_into_russian(entry):
    assert not entry.get("fuzzy")
    translations = entry["msgstr"] if isinstance(entry["msgstr"], list) else [entry["msgstr"]]
    assert all(translations), entry["msgid"]


def test_compiled_catalogue_matches_the_source():
    with (LOCALE / "ru" / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in RUSSIAN:
        if "msgid_plural" in entry:
            assert compiled.ngettext(entry["msgid"], entry["msgid_plural"], 5) == entry["msgstr"][2]
        else:
            assert compiled.gettext(entry["msgid"]) == entry["msgstr"], (
                f"{entry['msgid']!r}: run `make messages`"
            )
