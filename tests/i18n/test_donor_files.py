"""Donor files stay in the donor's language (English) whatever the language of whoever asks for one: every
format written while the request speaks French is byte for byte the file written in English, but for the
moment it was prepared."""

from __future__ import annotations

import pytest

from exports.formats import FORMATS
from indicators import i18n
from indicators.reporting.reporting import report_file
from tests.exports.conftest import db  # noqa: F401  (the exports' store with KEC, PVR and GIFT)

QUARTERLY = [
    key
    for key, fmt in FORMATS.items()
    if fmt.scope == "quarter" and not fmt.unavailable() and key not in ("qpr", "qpr_pdf")
]


def _texts(data: bytes) -> str:
    """Every text inside the file (a workbook's or a document's XML, or the file itself)."""
    import io
    import zipfile

    if data[:2] == b"PK":
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = [n for n in archive.namelist() if n.endswith(".xml")]
        return "".join(archive.read(n).decode("utf-8", "replace") for n in names)
    return data.decode("utf-8", "replace")


@pytest.mark.parametrize("key", QUARTERLY)
def test_a_french_reader_downloads_the_donor_file_in_english(db, key):  # noqa: F811
    english = _texts(report_file(db, "KEC", "FY2019Q3", FORMATS, key, small_cell=5)[0])
    with i18n.speaking("fr"):
        french_reader = _texts(report_file(db, "KEC", "FY2019Q3", FORMATS, key, small_cell=5)[0])
    assert i18n.language() == i18n.from_environment()  # the block's language ended with it
    for french in ("AF2019", "avril", "juin", "Cible", "Dans les temps", "En retard", "En avance"):
        assert french not in french_reader, f"{key}: {french!r} in a donor file"
    assert ("FY2019" in french_reader) == ("FY2019" in english)
