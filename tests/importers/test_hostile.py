"""Hostile files: refused before any spreadsheet reader runs, quickly, in bounded memory, with one clear line
and an upload row saying so; never a traceback, never a crash of the process."""

import dataclasses
import io
import time
import tracemalloc
import zipfile

import pytest
from sqlalchemy import select

from importers import sheets
from importers.pipeline import import_file
from indicators.store.models import Training
from tests.importers import hostile
from tests.importers.conftest import DATA, count, uploads


def _refused(db, settings, data: bytes, filename: str, **options):
    report = import_file(db, data, filename, settings=settings, **options)
    assert not report.ok and report.outcome == "refused"
    assert len(report.errors) == 1, report.as_text()
    line = str(report.errors[0])
    assert "\n" not in line and "Traceback" not in line and "Error" not in line
    [upload] = uploads(db)
    assert upload.outcome == "refused" and upload.errors == [line] and upload.sha256 == report.sha256
    return line


@pytest.fixture
def no_reading(monkeypatch):
    """Fails the test if the file reaches the spreadsheet reader."""

    def read(*args, **kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr(sheets, "read", read)


def test_a_file_over_the_size_limit_is_refused_before_reading(db, settings, no_reading):
    small = dataclasses.replace(settings, upload_limit=1024)
    data = (DATA / "activities_messy.xlsx").read_bytes()
    line = _refused(db, small, data, "big.xlsx")
    assert line == f"the file is {len(data) / 1048576:,.1f} MB, over the upload limit of 0.0 MB"


def test_a_file_on_disk_over_the_limit_is_never_read_whole(db, settings, tmp_path, no_reading):
    from importers.pipeline import import_path

    path = tmp_path / "huge.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 24 * 1024 * 1024)
    small = dataclasses.replace(settings, upload_limit=1024 * 1024)
    tracemalloc.start()
    try:
        report = import_path(db, path, settings=small, uploaded_by="officer")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.outcome == "refused" and peak < 4 * 1024 * 1024  # the file is 24 MB
    assert [str(e) for e in report.errors] == ["the file is 24.0 MB, over the upload limit of 1.0 MB"]
    [upload] = uploads(db)
    assert (upload.outcome, upload.size, upload.uploaded_by) == ("refused", path.stat().st_size, "officer")


def test_a_decompression_bomb_is_refused_quickly_in_bounded_memory(db, settings, no_reading):
    data = hostile.bomb(gibibytes=1)  # 2.6 MB that would inflate to 1 GiB
    tracemalloc.start()
    started = time.process_time()  # this process's own time: a busy machine does not count
    try:
        line = _refused(db, settings, data, "bomb.xlsx")
        elapsed = time.process_time() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "would inflate to 1,023.6 MB, over the limit of 512.0 MB" in line
    assert elapsed < 2
    assert peak < 8 * 1024 * 1024  # a few megabytes: the archive's directory, never its content


def test_a_member_whose_declared_size_lies_is_refused_without_inflating_it(db, settings, no_reading):
    tracemalloc.start()
    try:
        line = _refused(db, settings, hostile.lying_sizes(), "liar.xlsx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert line == "the file is damaged or truncated (a part of the workbook does not inflate as declared)"
    assert peak < 8 * 1024 * 1024  # the 64 MB it would inflate to are never held


def test_a_part_compressed_like_a_bomb_is_refused(db, settings, no_reading):
    line = _refused(db, settings, hostile.steep_ratio(), "ratio.xlsx")
    assert "inflates 1,011 times its compressed size" in line


def test_a_sheet_spanning_billions_of_cells_is_refused_before_calamine_allocates_it(db, settings, no_reading):
    line = _refused(db, settings, hostile.sparse_sheet(), "sparse.xlsx")
    assert line.startswith("sheet Sheet declares 1,048,576 rows × 16,384 columns (A1:XFD1048576)")


def test_an_ods_repeating_a_cell_billions_of_times_is_refused(db, settings, no_reading):
    line = _refused(db, settings, hostile.ods_repeated_cells(), "repeat.ods")
    assert line.startswith("sheet S spans 1,000,000 rows × 16,000 columns")


def test_a_password_protected_workbook(db, settings, no_reading):
    line = _refused(db, settings, hostile.encrypted_office_file(), "locked.xlsx")
    assert line == "the workbook is password-protected (encrypted); remove the password and upload it again"


def test_a_truncated_workbook(db, settings, no_reading):
    data = (DATA / "activities_messy.xlsx").read_bytes()
    line = _refused(db, settings, data[: len(data) // 2], "cut.xlsx")
    assert line == "the file is damaged or truncated (its zip directory cannot be read)"


@pytest.mark.parametrize(
    "data, filename, expected",
    [
        (
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj",
            "report.xlsx",
            "the file is not a spreadsheet (its content is not an .xlsx workbook)",
        ),
        (b"", "empty.xlsx", "the file is empty"),
        (
            b"Reference,Project\n",
            "notes.txt",
            "unsupported file type (.txt); upload an .xlsx, .xlsm, .xls, .ods or .csv file",
        ),
        (
            b"PK\x03\x04",
            "word.docx",
            "unsupported file type (.docx); upload an .xlsx, .xlsm, .xls, .ods or .csv file",
        ),
        (
            b"data",
            "no_extension",
            "unsupported file type (no extension); upload an .xlsx, .xlsm, .xls, .ods or .csv file",
        ),
        (
            b"Project,Date\nKEC,\xe9t\xe9\n",
            "latin1.csv",
            'the CSV file is not UTF-8 text; save it as "CSV UTF-8" and upload it again',
        ),
        (b"\x00\x01\x02binary", "binary.csv", "the file is not a CSV text file"),
    ],
)
def test_not_a_spreadsheet(db, settings, data, filename, expected):
    assert _refused(db, settings, data, filename) == expected


def test_a_zip_that_is_not_a_workbook(db, settings, no_reading):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert _refused(db, settings, buffer.getvalue(), "archive.xlsx") == (
        "the file is a zip archive but not a spreadsheet (no workbook inside)"
    )


def test_a_damaged_xls_reaches_calamine_and_is_refused_in_one_line(db, settings):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    line = _refused(db, settings, data, "old.xls")
    assert line.startswith("the .xls file cannot be read: it is damaged, truncated or not a spreadsheet")


def test_a_workbook_with_a_damaged_sheet_is_refused_in_one_line(db, settings, no_reading):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in hostile.WORKBOOK_PARTS.items():
            archive.writestr(name, data)
        archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row><c r=")
    line = _refused(db, settings, buffer.getvalue(), "broken.xlsx")
    assert line == "the file is damaged or truncated (its part xl/worksheets/sheet1.xml ends early)"


def test_a_workbook_with_no_activity_sheet(db, settings):
    text = b"Name,Colour\nMukamana,blue\n"
    line = _refused(db, settings, text, "other.csv")
    assert line.startswith("no sheet of a known kind was found")


def test_formula_looking_text_is_stored_as_typed(db, settings):
    text = (
        "Reference,Project,Date,District,Target group,Topic,Female,Male,Partner\n"
        'F-1,KEC,02/07/2019,Huye,Media,"=HYPERLINK(""http://x"",""click"")",1,1,+250788000000\n'
        "F-2,KEC,02/07/2019,Huye,Media,-2 days of training,1,1,@partner\n"
    )
    report = import_file(db, text.encode(), "formulas.csv", settings=settings)
    assert report.ok, report.as_text()
    stored = db.execute(select(Training.topic, Training.partner).order_by(Training.reference)).all()
    assert stored == [
        ('=HYPERLINK("http://x","click")', "+250788000000"),
        ("-2 days of training", "@partner"),
    ]


def test_a_hostile_file_stores_no_activity(db, settings):
    for data, name in ((hostile.bomb(), "bomb.xlsx"), (hostile.sparse_sheet(), "sparse.xlsx")):
        import_file(db, data, name, settings=settings)
    assert count(db, "trainings") == 0
    assert [u.outcome for u in uploads(db)] == ["refused", "refused"]


@pytest.mark.parametrize("isolated", [False, True], ids=["in-process", "in-children"])
def test_an_unexpected_failure_while_reading_is_one_line_without_values(
    db, settings, monkeypatch, caplog, isolated
):
    from importers import parse

    def broken(sheet, header):
        raise ValueError("invalid literal: 'Uwase Claudine'")

    monkeypatch.setattr(parse, "to_batch", broken)
    monkeypatch.setattr("importers.reading.to_batch", broken)
    data = (DATA / "cases_with_identifiers.xlsx").read_bytes()
    line = _refused(db, settings, data, "Uwase Claudine.xlsx", isolated=isolated)
    assert (
        line == "the file could not be read: an unexpected problem occurred (reported to the administrator)"
    )
    assert "ValueError" in caplog.text and "Uwase" not in caplog.text
    # the sheet was known for a case sheet before the failure: the file is named as one, never by its name
    [upload] = uploads(db)
    assert upload.filename.startswith("case sheet") and "Uwase" not in upload.filename
