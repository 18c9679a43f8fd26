"""``ctmonitor template KIND --lang fr``: the instructions sheet in French, the headers the importer's own."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from importers.templates import template
from indicators import i18n


def test_the_instructions_follow_the_language_and_the_headers_stay():
    english = load_workbook(BytesIO(template("trainings")))
    with i18n.speaking("fr"):
        french = load_workbook(BytesIO(template("trainings")))
    assert [c.value for c in french.worksheets[0][1]] == [c.value for c in english.worksheets[0][1]]
    text = " ".join(str(c.value) for row in french["Instructions"].iter_rows() for c in row if c.value)
    assert "Une ligne par formation." in text and "Valeurs acceptées" in text and "Obligatoire" in text
    assert "un nombre entier ≥ 0" in text or "nombre entier ; vide vaut 0" in text
    assert "One row per" not in text and "What to enter" not in text
