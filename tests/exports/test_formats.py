"""The format registry: every registered format renders a real quarter (or programme) into a file of its kind,
through the one signature ``render(data, options)``; its describer likewise; and every column holding a format
key is long enough for every key."""

from __future__ import annotations

import json
import zipfile
from io import BytesIO

import pytest

from exports.formats import FORMATS, KEY_LENGTH, Format, ProgrammeFormat
from exports.options import Options
from importers.pipeline import import_file
from indicators.reporting.reporting import make_file, report_for
from indicators.store.models import Programme, SignOff

TRAININGS = (
    b"Reference,Project,Start date,District,Target group,Topic,Female participants,Male participants\n"
    b"TR-F1,KEC,2019-05-14,Gasabo,Law enforcement,Victim identification,7,9\n"
)

# what each kind of file starts with
MAGIC = {"xlsx": b"PK\x03\x04", "docx": b"PK\x03\x04", "pdf": b"%PDF-", "xml": b"<?xml", "csv": b"programme,"}


@pytest.fixture
def stored(db, settings):
    assert import_file(db, TRAININGS, "trainings.csv", settings=settings, uploaded_by="olivier").ok
    return db


@pytest.mark.parametrize("key", sorted(FORMATS))
def test_every_registered_format_renders_its_kind_of_file(stored, key):
    fmt = FORMATS[key]
    made = make_file(
        stored, "KEC", None if fmt.scope == "programme" else "FY2019Q3", FORMATS, key, small_cell=5
    )
    assert made.format == key
    assert made.data.startswith(MAGIC[fmt.extension]), made.data[:20]
    if fmt.extension in ("xlsx", "docx"):
        assert zipfile.ZipFile(BytesIO(made.data)).testzip() is None
    if fmt.extension == "csv":
        assert b"KEC,KEC-4.2,FY2019Q3,,,16," in made.data  # the 7 + 9 trained, as the total of the quarter


def test_each_format_is_of_its_own_data_type_and_its_callables_are_callables(stored):
    for fmt in FORMATS.values():
        assert callable(fmt.render)
        assert isinstance(fmt, ProgrammeFormat) == (fmt.scope == "programme")
    assert [k for k, f in FORMATS.items() if isinstance(f, ProgrammeFormat)] == ["pirs"]
    described = [f for f in FORMATS.values() if isinstance(f, Format) and f.describer is not None]
    assert [f.key for f in described] == ["csv"]
    package = json.loads(
        described[0].describer(
            report_for(stored, "KEC", "FY2019Q3"), Options(filename="KEC_FY2019Q3_csv.csv")
        )
    )
    assert package["resources"][0]["path"] == "KEC_FY2019Q3_csv.csv"


def test_every_column_holding_a_format_key_fits_every_key():
    lengths = {SignOff.__table__.c.report_format.type.length, Programme.__table__.c.report_format.type.length}
    assert lengths == {KEY_LENGTH}
    assert max(len(key) for key in FORMATS) <= KEY_LENGTH
