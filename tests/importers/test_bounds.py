"""Any file within the upload limit is read in bounded time and memory: what a workbook declares (its sheets'
XML size, a sheet's dimension) and what parsing it as XML finds (the area its cells span, the values and
the text they hold, a shared string counting once per cell that uses it) decide before calamine runs; every
read runs in child processes whose memory and time are limited. Every hostile file here is refused by
children allowed 300 MB and 20 s, with its own reason."""

from __future__ import annotations

import dataclasses
import resource
import time
import tracemalloc

import pytest

from importers import isolation, safety, sheets
from importers.pipeline import import_file
from tests.importers import hostile, hostile_xml
from tests.importers.conftest import count, uploads

CELLS = f"more than the {safety.MAX_CELLS:,} cells ctmonitor reads at once; split it into smaller workbooks"
VALUES = f"the workbook holds more than {safety.MAX_VALUES:,} cells with a value"
TEXT = f"the workbook's cells hold more than {safety.MAX_TEXT // 2**20} MB of text"


@pytest.fixture
def no_reading(monkeypatch):
    def read(*args, **kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr(sheets, "read", read)


def refused_line(db, settings, data: bytes, filename: str = "hostile.xlsx") -> str:
    report = import_file(db, data, filename, settings=settings, programme="KEC", uploaded_by="olivier")
    assert report.outcome == "refused" and count(db, "trainings") == 0
    [problem] = report.errors
    [upload] = uploads(db)
    assert upload.outcome == "refused" and upload.errors == [str(problem)] and upload.kept_path is None
    return str(problem)


def test_a_dimension_bomb_under_the_ratio_check_is_refused_from_the_zip_directory(db, settings, no_reading):
    data = hostile.dimension_bomb()  # 2.7 MB declaring 500 MB of sheet XML, compressed about 190:1
    tracemalloc.start()
    started = time.process_time()  # this process's own time: a busy machine does not count
    try:
        line = refused_line(db, settings, data)
        elapsed = time.process_time() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert line == (
        "the workbook's sheets hold 499.6 MB of cell data, more than the 256.0 MB ctmonitor reads at "
        "once; split it into smaller workbooks"
    )
    assert elapsed < 1 and peak < 16 * 2**20


def test_a_sheet_declaring_too_large_an_area_is_refused_before_its_cells_are_read(db, settings, no_reading):
    started = time.process_time()  # this process's own time: a busy machine does not count
    line = refused_line(db, settings, hostile.dimension_bomb(320_000))
    assert line == f"sheet Sheet declares 320,000 rows × 26 columns (A1:Z320000), {CELLS}"
    assert time.process_time() - started < 1


def test_a_sheet_hiding_its_size_is_refused_as_soon_as_its_values_pass_the_bound(db, settings, no_reading):
    tracemalloc.start()
    started = time.process_time()  # this process's own time: a busy machine does not count
    try:
        line = refused_line(db, settings, hostile.dimension_bomb(320_000, dimension=False))
        elapsed = time.process_time() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert line.startswith(VALUES)  # 26 a row: 3 million values come before 4 million cells
    assert elapsed < 15 and peak < 32 * 2**20  # streamed a megabyte at a time, never held (3 s untraced)


def test_rows_jumping_far_below_are_refused(db, settings, no_reading):
    line = refused_line(db, settings, hostile.rows_jumping_far())
    assert line == f"sheet Sheet spans 950,000 rows × 5 columns, {CELLS}"


def test_a_row_of_cells_without_references_counts_its_full_width(db, settings, no_reading):
    line = refused_line(db, settings, hostile_xml.ragged_rows(600))
    assert line == f"sheet Sheet spans 601 rows × 16,384 columns, {CELLS}"


@pytest.mark.parametrize(
    "quote, spaces, entity", [("'", False, False), ('"', True, False), ("'", True, False), ('"', False, True)]
)
def test_a_far_cell_is_seen_whatever_its_quotes_spaces_or_character_references(
    db, settings, no_reading, quote, spaces, entity
):
    """``<c r='XFD1048576'>`` and ``<c r = "XFD1048576">`` are the same XML as ``<c r="XFD1048576">``."""
    data = hostile_xml.corners(quote, spaces=spaces, entity=entity)
    assert len(data) < 5_000
    line = refused_line(db, settings, data)
    assert line == f"sheet Sheet spans 1,048,576 rows × 16,384 columns, {CELLS}"


def test_a_dimension_in_single_quotes_is_read_as_one_in_double_quotes(db, settings, no_reading):
    data = hostile.patch_workbook(
        hostile.sparse_sheet(),
        replace={
            "xl/worksheets/sheet1.xml": lambda xml: xml.replace(
                b'<dimension ref="A1:XFD1048576"/>', b"<dimension ref = 'A1:XFD1048576' />"
            )
        },
    )
    line = refused_line(db, settings, data)
    assert line == f"sheet Sheet declares 1,048,576 rows × 16,384 columns (A1:XFD1048576), {CELLS}"


def test_a_shared_string_used_by_many_cells_is_refused_before_calamine_runs(db, settings, no_reading):
    """316 KB: one 32,000-character string used by 120,000 cells, which calamine would copy into each (3.8 GB)."""
    data = hostile_xml.shared_string_bomb()
    assert len(data) < 400_000
    started = time.process_time()  # this process's own time: a busy machine does not count
    line = refused_line(db, settings, data)
    assert line.startswith(TEXT) and "(a text repeated in many cells counts for each of them)" in line
    assert time.process_time() - started < 2


def test_a_legal_looking_workbook_of_too_many_numbers_is_refused_before_calamine_runs(
    db, settings, no_reading
):
    """290,000 rows × 20 small numbers: 5.8 million values in under 20 MB, which read would take 1.1 GB."""
    data = hostile_xml.numbers(290_000, 20, level=3)
    assert len(data) < settings.upload_limit
    assert refused_line(db, settings, data).startswith(VALUES)


def test_a_workbook_with_two_parts_of_one_name_is_refused(db, settings, no_reading):
    import io
    import zipfile

    buffer = io.BytesIO(hostile.sparse_sheet())
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("XL/worksheets/Sheet1.xml", b"<worksheet/>")
    line = refused_line(db, settings, buffer.getvalue())
    assert line == "the file is damaged (its archive holds two parts of the same name)"


def test_a_large_but_honest_sheet_is_still_read(db, settings):
    fmt = safety.check(
        hostile.dimension_bomb(100_000, dimension=False),
        "big.xlsx",
        upload_limit=settings.upload_limit,
        inflate_limit=settings.inflate_limit,
    )
    assert fmt.kind == "xlsx"


HOSTILE = {
    "dimension bomb": (lambda: hostile.dimension_bomb(), "x.xlsx", "the workbook's sheets hold 499.6 MB"),
    "declared area": (lambda: hostile.dimension_bomb(320_000), "x.xlsx", "sheet Sheet declares 320,000 rows"),
    "hidden area": (lambda: hostile.dimension_bomb(320_000, dimension=False), "x.xlsx", VALUES),
    "rows far below": (hostile.rows_jumping_far, "x.xlsx", "sheet Sheet spans 950,000 rows"),
    "ragged rows": (
        lambda: hostile_xml.ragged_rows(600),
        "x.xlsx",
        "sheet Sheet spans 601 rows × 16,384 columns",
    ),
    "zip bomb": (lambda: hostile.bomb(1), "x.xlsx", "the workbook would inflate to 1,023.6 MB"),
    "sparse": (hostile.sparse_sheet, "x.xlsx", "sheet Sheet declares 1,048,576 rows × 16,384 columns"),
    "single quotes": (hostile_xml.corners, "x.xlsx", "sheet Sheet spans 1,048,576 rows × 16,384 columns"),
    "shared string": (hostile_xml.shared_string_bomb, "x.xlsx", TEXT),
    "ods repeats": (hostile.ods_repeated_cells, "x.ods", "sheet S spans 1,000,000 rows × 16,000 columns"),
    "lying sizes": (hostile.lying_sizes, "x.xlsx", "the file is damaged or truncated"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_every_hostile_file_is_refused_by_children_allowed_300_mb_and_20_s(settings, name):
    """Its own reason, so neither limit was reached: not the 300 MB (the check needs a few megabytes), not the
    20 s (5 s on a quiet machine for the slowest, which parses 3 million values to find them too many)."""
    build, filename, message = HOSTILE[name]
    data = build()
    small = dataclasses.replace(settings, read_memory_limit=300 * 2**20, read_timeout=20)
    with pytest.raises(safety.Refused) as refused:
        isolation.read(data, filename, small, isolated=True)
    assert str(refused.value).startswith(message)


def test_a_read_that_runs_out_of_memory_stops_its_child_not_the_server(settings):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    small = dataclasses.replace(settings, read_memory_limit=100 * 2**20)
    with pytest.raises(safety.Refused) as refused:
        isolation.read(hostile.dimension_bomb(100_000, dimension=False), "big.xlsx", small, isolated=True)
    assert str(refused.value) == (
        "big.xlsx needs more memory to read than ctmonitor allows (100 MB); split it "
        "into smaller workbooks and upload them one by one"
    )
    assert (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024
    )  # KiB: this process stayed small


def test_a_read_that_takes_too_long_is_stopped(settings):
    slow = dataclasses.replace(settings, read_timeout=0.2)
    with pytest.raises(safety.Refused) as refused:
        isolation.read(hostile.dimension_bomb(100_000, dimension=False), "big.xlsx", slow, isolated=True)
    assert str(refused.value) == (
        "big.xlsx took longer than 0.2 s to read; split it into smaller workbooks and upload them one by one"
    )


def test_a_read_in_children_gives_what_a_read_in_this_process_gives(settings):
    """The reading child streams the rows back as calamine converts them, the checking child finds the
    formulas; this process, reading itself, checks and then reads with ``sheets.read``."""
    from tests.importers.test_links import workbook

    for data, name in (
        (hostile.dimension_bomb(5_000, dimension=False), "five-thousand.xlsx"),
        (workbook({"H5": "=SUM(H2:H4)", "I2": "=H2*2"}, cached={"I2": 24}), "totals.xlsx"),
        (_titled_sheet(), "titled.xlsx"),
    ):
        fmt, raw = isolation.read(data, name, settings, isolated=True)
        same_fmt, same_raw = isolation.read(data, name, settings)
        assert fmt == same_fmt
        assert [(f.cell, f.formula) for f in fmt.formulas] == [(f.cell, f.formula) for f in same_fmt.formulas]
        assert [(s.name, s.top, s.left, s.hidden, s.chart, s.rows) for s in raw] == [
            (s.name, s.top, s.left, s.hidden, s.chart, s.rows) for s in same_raw
        ]
        assert sum(len(s.rows) for s in raw) > 2
        if name == "totals.xlsx":
            assert [(f.cell, f.formula) for f in fmt.formulas] == [("H5", "SUM(H2:H4)")]  # I2 has its result


def _titled_sheet() -> bytes:
    """Data starting at C3 under a title, and a hidden sheet of lists."""
    import io

    import openpyxl

    book = openpyxl.Workbook()
    book.active["C3"] = "IOM Rwanda"
    for row in range(5, 3_005):
        book.active.cell(row=row, column=3, value=f"TR-{row}")
        book.active.cell(row=row, column=5, value=row * 1.5)
    hidden = book.create_sheet("Lists")
    hidden["A1"] = "Huye"
    hidden.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_checks_refusal_does_not_wait_for_the_reader(settings):
    """The reader of a shared-string bomb, allowed 4 GB here, would copy 3.8 GB; the check refuses the file
    at its first megabyte and the reader is stopped there."""
    roomy = dataclasses.replace(settings, read_memory_limit=4 * 2**30)
    started = time.perf_counter()
    with pytest.raises(safety.Refused) as refused:
        isolation.read(hostile_xml.shared_string_bomb(), "strings.xlsx", roomy, isolated=True)
    assert str(refused.value).startswith(TEXT)
    assert time.perf_counter() - started < 3


def test_a_file_whose_reader_aborts_its_child_is_refused_with_the_reason(settings):
    """Cells at both corners of the grid make calamine abort its child, if the check has not stopped it first:
    either way the check's reason is the answer."""
    started = time.perf_counter()
    with pytest.raises(safety.Refused) as refused:
        isolation.read(hostile.corners_undeclared(), "corners.xlsx", settings, isolated=True)
    assert str(refused.value) == f"sheet Sheet spans 1,048,576 rows × 16,384 columns, {CELLS}"
    assert time.perf_counter() - started < 10


def test_a_csv_whose_padding_would_explode_is_refused_before_it_is_parsed(db, settings):
    data = ("Reference," + "," * 20_000 + "\n").encode() + b"\n" * 1_000_000  # 1 MB, 20 billion padded cells
    tracemalloc.start()
    started = time.process_time()  # this process's own time: a busy machine does not count
    try:
        line = refused_line(db, settings, data, "padded.csv")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert line.startswith(
        f"the CSV file spans 1,000,002 lines × 20,002 columns, more than the {safety.MAX_CELLS:,} cells"
    )
    assert time.process_time() - started < 5 and peak < 64 * 2**20


def test_a_csv_growing_wide_below_its_first_line_is_refused_while_parsed(db, settings):
    data = b"Reference,Project\n" + b"x\n" * 1_000 + b"," * 9_000 + b"\n"
    line = refused_line(db, settings, data, "wide.csv")
    assert line.startswith("the CSV file spans 1,003 lines × 9,001 columns")
