"""Any file within the upload limit is read in bounded time and memory: what a workbook declares (its sheets'
XML size, a sheet's dimension) and what streaming it finds (the area its cells span, the values it holds)
decide before calamine runs; web uploads are read in a child process whose memory and time are limited.
Every hostile file here is refused in under 5 s by a child allowed 300 MB."""

from __future__ import annotations

import dataclasses
import resource
import threading
import time
import tracemalloc

import pytest

from importers import isolation, safety, sheets
from importers.pipeline import import_file
from tests.importers import hostile
from tests.importers.conftest import count, uploads


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
    assert upload.outcome == "refused" and upload.errors == [str(problem)]
    return str(problem)


def test_a_dimension_bomb_under_the_ratio_check_is_refused_from_the_zip_directory(db, settings, no_reading):
    data = hostile.dimension_bomb()  # 2.7 MB declaring 500 MB of sheet XML, compressed about 190:1
    tracemalloc.start()
    started = time.perf_counter()
    try:
        line = refused_line(db, settings, data)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert line == ("the workbook's sheets hold 499.6 MB of cell data, more than the 256.0 MB ctmonitor reads at "
                    "once; split it into smaller workbooks")
    assert elapsed < 1 and peak < 16 * 2**20


def test_a_sheet_declaring_too_large_an_area_is_refused_before_its_cells_are_read(db, settings, no_reading):
    started = time.perf_counter()
    line = refused_line(db, settings, hostile.dimension_bomb(320_000))
    assert line.startswith("sheet Sheet declares 320,000 rows × 26 columns (A1:Z320000), more than the 8,000,000")
    assert time.perf_counter() - started < 1


def test_a_sheet_hiding_its_size_is_refused_as_soon_as_its_values_pass_the_bound(db, settings, no_reading):
    tracemalloc.start()
    started = time.perf_counter()
    try:
        line = refused_line(db, settings, hostile.dimension_bomb(320_000, dimension=False))
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert line.startswith("the workbook holds more than 6,000,000 cells with a value")
    assert elapsed < 5 and peak < 32 * 2**20  # streamed a megabyte at a time, never held


def test_rows_jumping_far_below_are_refused_though_every_number_has_six_digits(db, settings, no_reading):
    line = refused_line(db, settings, hostile.rows_jumping_far())
    assert line.startswith("a sheet spans 950,000 rows × 26 columns, more than the 8,000,000 cells")


def test_a_row_of_cells_without_references_counts_its_full_width(db, settings, no_reading):
    line = refused_line(db, settings, hostile.ragged_rows(600))
    assert line.startswith("a sheet spans 601 rows × 16,384 columns")


def test_a_large_but_honest_sheet_is_still_read(db, settings):
    fmt = safety.check(hostile.dimension_bomb(100_000, dimension=False), "big.xlsx",
                       upload_limit=settings.upload_limit, inflate_limit=settings.inflate_limit)
    assert fmt.kind == "xlsx"


HOSTILE = {
    "dimension bomb": (lambda: hostile.dimension_bomb(), "x.xlsx", "the workbook's sheets hold 499.6 MB"),
    "declared area": (lambda: hostile.dimension_bomb(320_000), "x.xlsx", "sheet Sheet declares 320,000 rows"),
    "hidden area": (lambda: hostile.dimension_bomb(320_000, dimension=False), "x.xlsx",
                    "the workbook holds more than 6,000,000 cells"),
    "rows far below": (hostile.rows_jumping_far, "x.xlsx", "a sheet spans 950,000 rows"),
    "ragged rows": (lambda: hostile.ragged_rows(600), "x.xlsx", "a sheet spans 601 rows × 16,384 columns"),
    "zip bomb": (lambda: hostile.bomb(1), "x.xlsx", "the workbook would inflate to 1,023.6 MB"),
    "sparse": (hostile.sparse_sheet, "x.xlsx", "sheet Sheet declares 1,048,576 rows × 16,384 columns"),
    "ods repeats": (hostile.ods_repeated_cells, "x.ods", "a sheet spans 1,000,000 rows × 16,000 columns"),
    "lying sizes": (hostile.lying_sizes, "x.xlsx", "the file is damaged or truncated"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_every_hostile_file_is_refused_in_a_child_under_5_s_and_300_mb(settings, name):
    build, filename, message = HOSTILE[name]
    data = build()
    small = dataclasses.replace(settings, read_memory_limit=300 * 2**20, read_timeout=30)
    isolation.read(hostile.dimension_bomb(1_000, dimension=False), "warm.xlsx", small, isolated=True)  # a started fork server
    started = time.perf_counter()
    with pytest.raises(safety.Refused) as refused:
        isolation.read(data, filename, small, isolated=True)
    assert time.perf_counter() - started < 5
    assert str(refused.value).startswith(message)  # its own reason: the 300 MB limit was never reached


def test_a_read_that_runs_out_of_memory_stops_its_child_not_the_server(settings):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    small = dataclasses.replace(settings, read_memory_limit=150 * 2**20)
    with pytest.raises(safety.Refused, match=r"needs more memory to read than ctmonitor allows \(150 MB\)"):
        isolation.read(hostile.dimension_bomb(100_000, dimension=False), "big.xlsx", small, isolated=True)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024  # KiB: this process stayed small


def test_a_read_that_takes_too_long_is_stopped(settings):
    slow = dataclasses.replace(settings, read_timeout=0.2)
    with pytest.raises(safety.Refused, match="took longer than 0 s to read"):
        isolation.read(hostile.dimension_bomb(100_000, dimension=False), "big.xlsx", slow, isolated=True)


def test_a_web_upload_read_in_a_child_gives_what_the_command_line_reads(settings):
    data = hostile.dimension_bomb(2_000, dimension=False)
    fmt, raw = isolation.read(data, "two-thousand.xlsx", settings, isolated=True)
    same_fmt, same_raw = isolation.read(data, "two-thousand.xlsx", settings)
    assert fmt == same_fmt and [(s.name, s.rows) for s in raw] == [(s.name, s.rows) for s in same_raw]
    assert len(raw[0].rows) == 2_000 and raw[0].rows[0][:3] == [0.0, 1.0, 2.0]


def test_a_read_checked_while_calamine_reads_gives_what_the_careful_read_gives(settings):
    from tests.importers.test_links import workbook

    data = workbook({"H5": "=SUM(H2:H4)", "I2": "=H2*2"}, cached={"I2": 24})
    fmt, raw = isolation.read(data, "checked-while-read.xlsx", settings, overlapped=True)
    same_fmt, same_raw = isolation.read(data, "checked-while-read.xlsx", settings)
    assert fmt == same_fmt and [(s.name, s.rows) for s in raw] == [(s.name, s.rows) for s in same_raw]
    assert [(f.cell, f.formula) for f in fmt.formulas] == [(f.cell, f.formula) for f in same_fmt.formulas]
    assert [(f.cell, f.formula) for f in fmt.formulas] == [("H5", "SUM(H2:H4)")]  # I2 has its saved result


def test_a_file_refused_while_calamine_still_reads_it_leaves_the_process(settings, monkeypatch):
    """The process may go down with the reader any moment: it is told to leave (``CheckFirst``), with the
    check's reason, rather than go on and store the refusal."""
    release, read = threading.Event(), sheets.read

    def slow_read(*args):
        release.wait(10)
        return read(*args)

    monkeypatch.setattr(sheets, "read", slow_read)
    try:
        with pytest.raises(isolation.CheckFirst) as left:
            isolation.read(hostile.rows_jumping_far(), "far.xlsx", settings, overlapped=True)
    finally:
        release.set()
        for reader in [t for t in threading.enumerate() if t.name == "calamine-read"]:
            reader.join(30)  # its read ends here, not in the next test's memory
    assert str(left.value.refusal) == "a sheet spans 950,000 rows × 26 columns, more than the 8,000,000 cells a " \
        "workbook may span here"


def test_a_web_upload_whose_reader_aborts_its_child_is_refused_with_the_reason(settings):
    """The child checks while calamine reads; cells at both corners of the grid abort it before the check
    has spoken, and a second child, checking first, gives the reason."""
    started = time.perf_counter()
    with pytest.raises(safety.Refused) as refused:
        isolation.read(hostile.corners_undeclared(), "corners.xlsx", settings, isolated=True)
    assert str(refused.value) == ("a sheet spans 1,048,576 rows × 16,384 columns, more than the 8,000,000 cells a "
                                  "workbook may span here")
    assert time.perf_counter() - started < 5


def test_a_csv_whose_padding_would_explode_is_refused_before_it_is_parsed(db, settings):
    data = ("Reference," + "," * 20_000 + "\n").encode() + b"\n" * 1_000_000  # 1 MB, 20 billion padded cells
    tracemalloc.start()
    started = time.perf_counter()
    try:
        line = refused_line(db, settings, data, "padded.csv")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert line.startswith("the CSV file spans 1,000,002 lines × 20,002 columns, more than the 8,000,000 cells")
    assert time.perf_counter() - started < 5 and peak < 64 * 2**20


def test_a_csv_growing_wide_below_its_first_line_is_refused_while_parsed(db, settings):
    data = b"Reference,Project\n" + b"x\n" * 1_000 + b"," * 9_000 + b"\n"
    line = refused_line(db, settings, data, "wide.csv")
    assert line.startswith("the CSV file spans 1,003 lines × 9,001 columns")
