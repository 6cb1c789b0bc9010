"""The Russian catalogue is complete, and the compiled .mo file matches it."""

import ast
import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"


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
        if "msgctxt" in entry:  # the same words in another role, e.g. a noun's accusative
            assert compiled.pgettext(entry["msgctxt"], entry["msgid"]) == entry["msgstr"], (
                f"{entry['msgctxt']}|{entry['msgid']!r}: run `make messages`"
            )
        elif "msgid_plural" in entry:
            assert compiled.ngettext(entry["msgid"], entry["msgid_plural"], 5) == entry["msgstr"][2]
        else:
            assert compiled.gettext(entry["msgid"]) == entry["msgstr"], (
                f"{entry['msgid']!r}: run `make messages`"
            )


def test_every_ui_string_in_the_code_is_in_the_catalogue(tmp_path):
    """Run makemessages on a copy of the project: it must find nothing new to translate."""
    if shutil.which("xgettext") is None:
        message = "GNU gettext (xgettext) is not installed: the catalogue check cannot run."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    for name in ["kb", "templates", "locale"]:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "ru", "--no-obsolete"],
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    fresh = read_po(tmp_path / "locale" / "ru" / "LC_MESSAGES" / "django.po")
    untranslated = [
        entry["msgid"]
        for entry in fresh
        if entry.get("fuzzy")
        or not all(entry["msgstr"] if isinstance(entry["msgstr"], list) else [entry["msgstr"]])
    ]
    assert untranslated == [], "run `make messages` and translate these"
