"""The scan's fast path (``importers._scan_fast``) finds what expat's handler finds, and refuses what it refuses:
on the hostile and honest workbooks the importer's tests use, and on worksheet and shared strings XML written
every way XML allows (quotes, spaces, prefixes, entities, missing and lower-case references, rows out of order
or beyond the sheet, shared string indexes in and out of range, formulas, comments, CDATA), fed in chunks of
every size. What is compared is what the check decides on after every chunk (the area spanned with the row
being read, the values, the text), the shared strings' lengths, the formulas found, and any refusal."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from pathlib import Path
from unittest import mock

import pytest

from importers import _scan_fast, safety, sheet_scan
from importers.links import Findings, Refused
from importers.sheet_scan import Bounds, SharedStrings, Worksheet
from tests.importers import hostile, hostile_xml

DATA = Path(__file__).resolve().parents[1] / "data"
SHEET, STRINGS = "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"


class Judged:
    """How many portions the fast path judged (``sheet_figures``/``string_pieces`` gave figures)."""

    def __init__(self):
        self.portions = 0

    def __enter__(self):
        sheet, pieces = _scan_fast.sheet_figures, _scan_fast.string_pieces

        def counted(function):
            def call(*args):
                found = function(*args)
                self.portions += found is not None
                return found

            return call

        self._patches = [
            mock.patch.object(_scan_fast, "sheet_figures", counted(sheet)),
            mock.patch.object(_scan_fast, "string_pieces", counted(pieces)),
        ]
        for patch in self._patches:
            patch.start()
        return self

    def __exit__(self, *exc):
        for patch in self._patches:
            patch.stop()


def _chunks(data: bytes, size: int):
    return (data[at : at + size] for at in range(0, len(data), size))


def scan(sheet_xml: bytes, strings_xml: bytes | None, chunk: int, fast: bool) -> tuple:
    """A sheet (and its shared strings) scanned as ``importers.safety`` scans them, ``chunk`` bytes at a time:
    what the check sees after every chunk, the strings' lengths and the formulas, or the refusal."""
    bounds, findings, trace = Bounds(), Findings(), []
    strings = SharedStrings(STRINGS, bounds, fast=fast)
    try:
        if strings_xml is not None:
            for piece in _chunks(strings_xml, chunk):
                strings.feed(piece)
                trace.append(("strings", len(strings.lengths), bounds.text))
            strings.close()
        sheet = Worksheet(SHEET, "Sheet", bounds, strings.lengths, findings, fast=fast)
        for piece in _chunks(sheet_xml, chunk):
            sheet.feed(piece)
            being_read = sheet.row if sheet.column > 1 else 0
            trace.append((max(sheet.rows, being_read), sheet.columns, bounds.values, bounds.text))
        sheet.close()
    except Refused as refusal:
        return ("refused", str(refusal), trace)
    return ("read", trace, list(strings.lengths), bounds.cells, findings)


def same_both_ways(sheet_xml: bytes, strings_xml: bytes | None, chunk: int) -> tuple:
    with Judged() as judged:
        fast = scan(sheet_xml, strings_xml, chunk, fast=True)
    assert fast == scan(sheet_xml, strings_xml, chunk, fast=False)
    return fast, judged.portions


def parts(data: bytes) -> tuple[bytes, bytes | None]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        strings = archive.read(STRINGS) if STRINGS in names else None
        return archive.read(SHEET), strings


def check(data: bytes, fast: bool, chunk: int) -> object:
    with mock.patch.object(sheet_scan, "FAST", fast), mock.patch.object(safety, "CHUNK", chunk):
        try:
            return safety.check(data, "book.xlsx", upload_limit=2**30, inflate_limit=2**31)
        except Refused as refusal:
            return str(refusal)


HOSTILE = {
    "sparse sheet": hostile.sparse_sheet,
    "corners undeclared": hostile.corners_undeclared,
    "rows jumping far": hostile.rows_jumping_far,
    "dimension declared": lambda: hostile.dimension_bomb(5_000),
    "dimension hidden": lambda: hostile.dimension_bomb(5_000, dimension=False),
    "ragged rows": hostile_xml.ragged_rows,
    "shared string bomb": lambda: hostile_xml.shared_string_bomb(cells=4_000, length=20_000),
    "numbers": lambda: hostile_xml.numbers(3_000, 12),
    "shared strings": lambda: hostile_xml.numbers(3_000, 12, strings=6),
    "inline strings": lambda: hostile_xml.numbers(3_000, 12, strings=6, inline=True),
    "far column": lambda: hostile_xml.numbers(500, 4, far=2_000),
    "too wide": lambda: hostile_xml.numbers(500, 4, far=16_384),
    "beyond the last column": lambda: hostile_xml.numbers(500, 4, far=16_385),
    **{
        f"corners {quote}{' spaced' * spaces}{' entity' * entity}": (
            lambda quote=quote, spaces=spaces, entity=entity: hostile_xml.corners(quote, spaces, entity)
        )
        for quote in ("'", '"')
        for spaces in (False, True)
        for entity in (False, True)
    },
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_hostile_workbooks_are_judged_alike(name):
    data = HOSTILE[name]()
    sheet_xml, strings_xml = parts(data)
    for chunk in (97, 4096, 65_536, safety.CHUNK):
        same_both_ways(sheet_xml, strings_xml, chunk)
    assert check(data, True, 4096) == check(data, False, 4096)
    assert check(data, True, safety.CHUNK) == check(data, False, safety.CHUNK)


@pytest.mark.parametrize("name", ["numbers", "shared strings", "inline strings", "far column"])
def test_plain_rows_are_judged_on_the_fast_path(name):
    sheet_xml, strings_xml = parts(HOSTILE[name]())
    outcome, portions = same_both_ways(sheet_xml, strings_xml, 4096)
    assert outcome[0] == "read" and portions >= len(sheet_xml) // 4096 - 2


@pytest.mark.parametrize("path", sorted(DATA.glob("*.xls[xm]")), ids=lambda path: path.name)
def test_the_importers_workbooks_are_judged_alike(path):
    data = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
        strings = archive.read(STRINGS) if STRINGS in archive.namelist() else None
        for name in sheets:
            for chunk in (61, 1024, safety.CHUNK):
                same_both_ways(archive.read(name), strings, chunk)
    assert check(data, True, 1024) == check(data, False, 1024)


def test_a_trainings_register_as_bench_a_writes_it_is_judged_alike_and_fast():
    """openpyxl's write-only workbook, as bench a's: inline strings, dates, empty cells, an em dash's entity."""
    from openpyxl import Workbook

    from benchmarks.bench_import import HEADERS

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Trainings")
    sheet.append(["IOM Rwanda — trainings register"])
    sheet.append([])
    sheet.append(HEADERS)
    for n in range(1, 3_001):
        female, male = 3 + n % 37, 3 + n % 29
        passed = n % (female + male) if n % 2 else None
        start = date(2017, 1, 1) + timedelta(days=n % 1_200)
        sheet.append(
            [
                f"TR-{n:06d}",
                "KEC",
                start,
                start,
                "Ngoma",
                "Law enforcement",
                "Identification",
                female,
                male,
                female + male,
                passed,
                "MINIJUST",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    sheet_xml, strings_xml = parts(out.getvalue())
    outcome, portions = same_both_ways(sheet_xml, strings_xml, 16_384)
    assert outcome[0] == "read" and outcome[3] == 3_003 * 12
    assert portions >= len(sheet_xml) // 16_384 - 2
