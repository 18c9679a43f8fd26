"""The catalogues: every marked string has a translation in every language (no fuzzy entry, no empty one, the
same placeholders as the English), and the catalogues are current: the code is extracted again with pybabel,
as ``make translations`` does, and every string it finds must be in every catalogue, so a string added without
updating the catalogues fails here."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from indicators import i18n

REPO = Path(__file__).resolve().parents[2]
LANGUAGES = [code for code in i18n.available() if code != i18n.SOURCE]
FIELD = re.compile(r"\{[^{}]*\}")


def catalogue(code: str):
    with (i18n.LOCALE_DIR / code / "LC_MESSAGES" / f"{i18n.DOMAIN}.po").open("rb") as handle:
        return read_po(handle, locale=code)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set:
    """The strings marked in the code today, extracted by pybabel into a temporary template."""
    pot = tmp_path_factory.mktemp("pot") / "ctmonitor.pot"
    command = [
        sys.executable,
        "-m",
        "babel.messages.frontend",
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "N_",
        "-o",
        str(pot),
        ".",
    ]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    with pot.open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


def test_french_is_available_and_found_from_the_catalogues():
    assert i18n.available()[0] == "en"
    assert "fr" in LANGUAGES
    assert i18n.display_name("fr") == "Français"


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_string_is_translated(code):
    problems = []
    for message in catalogue(code):
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if message.fuzzy:
            problems.append(f"fuzzy: {ids[0]!r}")
        if not all(forms):
            problems.append(f"not translated: {ids[0]!r}")
        wanted = set(FIELD.findall(ids[-1]))
        if any(form and set(FIELD.findall(form)) != wanted for form in forms):
            problems.append(f"placeholders differ: {ids[0]!r}")
    assert problems == []


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_catalogue_holds_every_string_the_code_marks(code, extracted):
    held = {m.id for m in catalogue(code) if m.id}
    assert sorted(map(str, extracted - held)) == [], "run `make translations` and translate the new strings"


def test_french_spacing_before_double_punctuation():
    """French typography: a no-break space before : and inside « », a narrow one before ; ? !"""
    wrong = [
        m.string
        for m in catalogue("fr")
        if isinstance(m.string, str)
        and re.search(r"(\S[:;?!](\s|$))|(« \S)|(\S »)", m.string)
        and not re.search(r"https?:|\d:\d", m.string)
    ]
    assert wrong == []


def test_the_compiled_catalogue_is_made_from_the_po_file_when_missing(tmp_path, monkeypatch):
    """A clean clone holds no .mo: it is compiled from the .po when first needed."""
    po = i18n.LOCALE_DIR / "fr" / "LC_MESSAGES" / "ctmonitor.po"
    target = tmp_path / "fr" / "LC_MESSAGES"
    target.mkdir(parents=True)
    (target / "ctmonitor.po").write_bytes(po.read_bytes())
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    i18n.available.cache_clear()
    try:
        with i18n.speaking("fr"):
            assert i18n.gettext("Portfolio") == "Portefeuille"
        assert (target / "ctmonitor.mo").exists()
    finally:
        i18n.translations.cache_clear()
        i18n.available.cache_clear()
