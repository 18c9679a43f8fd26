"""Checks a file passes before any spreadsheet reader touches it: size, format, archive bombs, sparse sheets.

- The size limit is checked first, on the byte count alone.
- The format comes from the bytes, not only the name: a zip archive (.xlsx, .xlsm, .ods), an OLE compound
  file (.xls, or an encrypted .xlsx, which Office wraps in one), or text (.csv).
- A zip archive's directory is read (not its contents) to sum the declared uncompressed sizes and to check
  each member's compression ratio; then every member is inflated as a stream, 1 MB at a time, so a member
  whose real size differs from its declared one fails its CRC without ever being held in memory.
- Reading costs time and memory in proportion to the sheets' XML, the area their cells span and the cells
  holding a value, so each is bounded, and a file over a bound is refused before calamine sees it: the
  sheets' declared XML size (worksheets and shared strings) straight from the zip directory; then, while
  streaming, the area (calamine allocates the whole area a sheet's cells span, so a few-kilobyte file with
  cells in A1 and XFD1048576 would otherwise abort the process) and the count of values, stopping at the
  first chunk past a bound.
- While streaming, formulas are read too (``importers.links``): external links, DDE and formulas reaching
  outside the workbook are refused naming their cells; formulas without a saved result are reported.

``check`` does all of this; ``preflight`` does what reads no more than the zip directory and hands back the
streaming scan to run, for a process that may be lost to the reader (``importers.isolation``).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from importers import links
from importers.links import Refused, RefusedCells  # noqa: F401  (raised from here, for callers)

EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The encrypted-package stream names Office writes into the OLE container of a password-protected .xlsx.
_ENCRYPTED_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))

MAX_MEMBERS = 10_000
# Deflate cannot do better than ~1032:1; spreadsheet XML rarely passes 50:1. Checked on members over 1 MB.
MAX_RATIO = 400
RATIO_FLOOR = 1024 * 1024
# Cells a sheet may span (rows × columns of its used area). Calamine allocates the whole area of a sheet at
# once (about 32 bytes a cell) and the reader then holds a Python list slot per cell: 8 million cells is
# 300,000 rows of columns A–Z, about 350 MB.
MAX_CELLS = 8_000_000
# Cells holding a value, across the workbook: each becomes a Python object (40–60 bytes).
MAX_VALUES = 6_000_000
# The XML calamine parses (worksheets and shared strings), from the sizes the zip directory declares: parsing
# time follows it. A 200,000-row activity sheet is about 90 MB.
MAX_SHEET_XML = 256 * 1024 * 1024
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class FileFormat:
    kind: str  # xlsx | ods | xls | csv
    extension: str  # as the file was named: .xlsx, .xlsm, .xls, .ods, .csv
    # Formula cells without a saved result (``links.FormulaCell``): the pipeline refuses those it would read.
    formulas: tuple = field(default=(), compare=False)


@dataclass
class _Budget:
    """What the workbook's sheets have used so far of MAX_VALUES."""

    values: int = 0

    def add(self, count: int) -> None:
        self.values += count
        if self.values > MAX_VALUES:
            raise Refused(
                f"the workbook holds more than {MAX_VALUES:,} cells with a value, more than ctmonitor reads "
                "at once; split it into smaller workbooks"
            )


def check(data: bytes, filename: str, *, upload_limit: int, inflate_limit: int) -> FileFormat:
    """Refuse a file too large, of an unsupported type, damaged, encrypted or a bomb; else its format."""
    fmt, scan = preflight(data, filename, upload_limit=upload_limit, inflate_limit=inflate_limit)
    return fmt if scan is None else replace(fmt, formulas=scan())


Scan = Callable[[], tuple]


def preflight(data: bytes, filename: str, *, upload_limit: int, inflate_limit: int
              ) -> tuple[FileFormat, Scan | None]:
    """The checks that read no more than the file's first bytes and its zip directory (type, size, damage,
    encryption, declared sizes and ratios), then the streaming scan of a zip's parts still to run: it returns
    the formula cells without a saved result, or raises ``Refused``. None for a file with nothing to stream."""
    extension = _extension(filename)
    if extension not in EXTENSIONS:
        shown = extension or "no extension"
        raise Refused(f"unsupported file type ({shown}); upload an .xlsx, .xlsm, .xls, .ods or .csv file")
    if len(data) > upload_limit:
        raise Refused(f"the file is {_mb(len(data))}, over the upload limit of {_mb(upload_limit)}")
    if not data:
        raise Refused("the file is empty")
    head = data[:8]
    if head.startswith(ZIP_MAGIC):
        # A workbook saved under another spreadsheet extension still reads: the content decides.
        kind, scan = _zip_directory(data, inflate_limit)
        return FileFormat(kind, extension), scan
    if head == OLE_MAGIC:
        if any(marker in data for marker in _ENCRYPTED_MARKERS):
            raise Refused(
                "the workbook is password-protected (encrypted); remove the password and upload it again"
            )
        if extension in (".xlsx", ".xlsm", ".ods"):
            raise Refused(
                f"the file is not a valid {extension} workbook (it is an old-format or damaged Office "
                "file); save it as .xlsx and upload it again"
            )
        return FileFormat("xls", extension), None
    if extension == ".csv":
        if b"\x00" in data[:4096]:
            raise Refused("the file is not a CSV text file")
        return FileFormat("csv", extension), None
    if head.startswith(b"PK"):
        raise Refused(f"the file is damaged or truncated (not a readable {extension} workbook)")
    raise Refused(f"the file is not a spreadsheet (its content is not an {extension} workbook)")


def _zip_directory(data: bytes, inflate_limit: int) -> tuple[str, Scan]:
    """Bomb, damage and size checks of an .xlsx/.xlsm/.ods archive's directory; returns ``xlsx`` or ``ods`` and
    the scan of its parts (area, values, links), which returns the formula cells without a saved result."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise Refused("the file is damaged or truncated (its zip directory cannot be read)") from None
    if len(members) > MAX_MEMBERS:
        raise Refused(f"the archive holds {len(members):,} parts, more than a workbook ever has")
    names = {m.filename for m in members}
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        kind = "xlsx"
        if "xl/workbook.bin" in names and "xl/workbook.xml" not in names:
            raise Refused("binary workbooks (.xlsb) are not supported; save it as .xlsx and upload it again")
    elif "content.xml" in names:
        kind = "ods"
    else:
        raise Refused("the file is a zip archive but not a spreadsheet (no workbook inside)")
    declared = sum(m.file_size for m in members)
    if declared > inflate_limit:
        raise Refused(
            f"the workbook would inflate to {_mb(declared)}, over the limit of {_mb(inflate_limit)} "
            "(a decompression bomb or an oversized workbook)"
        )
    for member in members:
        if member.flag_bits & 0x1:
            raise Refused(
                "the workbook is password-protected (encrypted); remove the password and upload it again"
            )
        if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise Refused(
                f"a part of the workbook inflates {member.file_size // max(member.compress_size, 1):,} "
                "times its compressed size (a decompression bomb)"
            )
    sheet_xml = sum(m.file_size for m in members if _is_sheet_xml(kind, m.filename))
    if sheet_xml > MAX_SHEET_XML:
        raise Refused(
            f"the workbook's sheets hold {_mb(sheet_xml)} of cell data, more than the {_mb(MAX_SHEET_XML)} "
            "ctmonitor reads at once; split it into smaller workbooks"
        )
    return kind, lambda: _scan_parts(archive, members, names, kind)


def _scan_parts(archive: zipfile.ZipFile, members: list, names: set, kind: str) -> tuple:
    """Every part inflated as a stream: the sheets' area and values, formulas and links; the formula cells
    without a saved result."""
    budget = _Budget()
    found = links.Findings(links.sheet_parts(archive, names) if kind == "xlsx" else {})
    try:
        for member in members:
            scanners = _scanners(kind, member.filename, budget, found)
            with archive.open(member) as stream:
                while True:
                    chunk = stream.read(CHUNK)
                    if not chunk:
                        break
                    for scanner in scanners:
                        scanner.feed(chunk)
            for scanner in scanners:
                scanner.close()
    except Refused:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
        raise Refused(
            "the file is damaged or truncated (a part of the workbook does not inflate as declared)"
        ) from None
    found.raise_if_reaching_out()
    return tuple(found.unsaved)


def _is_sheet_xml(kind: str, name: str) -> bool:
    if kind == "ods":
        return name == "content.xml"
    return name.startswith("xl/") and name.endswith(".xml") and ("/worksheets/" in name or name.endswith("sharedStrings.xml"))


def _scanners(kind: str, name: str, budget: _Budget, found: links.Findings) -> list:
    if kind == "xlsx" and name.startswith("xl/") and name.endswith(".xml") and "/worksheets/" in name:
        return [_XlsxArea(found.sheets.get(name, name), budget), links.FormulaScanner(name, found)]
    if kind == "xlsx":
        part = links.part_scanner(name, found)
        return [part] if part is not None else []
    if kind == "ods" and name == "content.xml":
        return [_OdsArea(), links.OdsScanner(found)]
    return []


# Row tags (r="12") and cell references (r="AB12"), searched from the literal r=" (fast).
_MORE_DIGITS = {n: re.compile(rb'r="[A-Z]{0,3}[0-9]{%d}' % n) for n in range(1, 10)}
_ROW_DIGITS = {n: re.compile(rb'r="[A-Z]{0,3}([0-9]{%d})"' % n) for n in range(1, 8)}
_TWO_LETTERS = re.compile(rb'r="[A-Z][A-Z]')
_PREFIXED = re.compile(rb"<([A-Za-z]+):worksheet\b")
_DIMENSION = re.compile(rb'<(?:[A-Za-z]+:)?dimension ref="([A-Z]{1,3})([0-9]{1,7})(?::([A-Z]{1,3})([0-9]{1,7}))?"')
_LETTERS = re.compile(rb'r="([A-Z]{2,})[0-9]')
LAST_ROW, LAST_COLUMN = 1_048_576, 16_384


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter - 64)
    return number


_SUSPECT: dict[tuple[int, int], re.Pattern] = {}


def _suspect(digits: int, width: int) -> re.Pattern:
    """A reference past column Z, a row number longer than ``digits`` digits, or one of ``digits`` digits
    that may lie past the last row a sheet ``width`` columns wide may reach (judged on its first digit)."""
    key = (digits, width)
    if key not in _SUSPECT:
        limit = str(MAX_CELLS // width)
        parts = [rb"[A-Z][A-Z]", rb"[A-Z]{0,3}[0-9]{%d}" % (digits + 1)]
        if digits and len(limit) < digits:
            parts.append(rb"[A-Z]{0,3}[0-9]{%d}" % digits)
        elif digits and len(limit) == digits:
            parts.append(rb"[A-Z]{0,3}[%s-9][0-9]{%d}" % (limit[:1].encode(), digits - 1))
        _SUSPECT[key] = re.compile(rb'r="(?:' + rb"|".join(parts) + rb")")
    return _SUSPECT[key]


class _XlsxArea:
    """The rows × columns a worksheet's cells span, from row tags and ``r="XFD1048576"`` references.

    Cheap bounds first: the width is 26 unless a two-letter column appears, the height the number of row
    elements. One search per chunk looks for what could change that: a column past Z, a longer row
    number, or one whose first digit may put it past the last row allowed at this width; only then is the
    largest row number of the chunk read exactly (a jump from row 1,000 to 950,000 among ordinary rows).
    """

    def __init__(self, name: str, budget: _Budget):
        self.name = name
        self.budget = budget
        self.rows = 0  # row elements seen: rows without an r="" attribute follow one another
        # Tags as this sheet writes them (some writers use a namespace prefix: <x:row>), from its first chunk.
        self.cell_end, self.row_start, self.cell_with_reference = b"</c>", b"<row", b'<c r="'
        self.tail = b""
        self.max_col = 26
        self.digits = 0
        self.top = 0  # the largest row number of ``digits`` digits, once it had to be read

    def feed(self, chunk: bytes) -> None:
        if not self.tail:
            prefixed = _PREFIXED.search(chunk[:4096])
            prefix = prefixed.group(1) + b":" if prefixed else b""
            self.cell_end, self.row_start = b"</" + prefix + b"c>", b"<" + prefix + b"row"
            self.cell_with_reference = b"<" + prefix + b'c r="'
            self._declared(chunk)
        # Values (<v>, inline <is>; also with a namespace prefix) and rows, counted in the chunk only (a tag
        # cut by the boundary is missed: one in a megabyte).
        # A cell holding a value (<v> or an inline <is>) ends with </c>; an empty one closes itself. Writers
        # put r="" first in every cell; cells without one follow each other along their row, so then the
        # widest row is counted.
        values = chunk.count(self.cell_end)
        self.budget.add(values)
        self.rows += chunk.count(self.row_start)
        if chunk.count(self.cell_with_reference) < values - 2:  # two: a cell cut by either end of the chunk
            self.max_col = max(self.max_col, max(row.count(self.cell_end) for row in chunk.split(b"row>")))
        # A reference is at most 16 bytes long: an overlap of 32 catches one cut by the chunk boundary.
        text = self.tail + chunk
        self.tail = text[-32:]
        # One pass answers the usual question: nothing that could widen the sheet or push its last row down.
        if _suspect(self.digits, self.max_col).search(text):
            self._widen(text)
            if self.digits:
                found = _ROW_DIGITS[self.digits].findall(text)
                if found:  # equally long digit strings compare as their numbers do
                    self.top = max(self.top, int(max(found)))
        self._check()

    def _declared(self, head: bytes) -> None:
        """The area the sheet says it spans (``<dimension ref="A1:Z940000"/>``, near its start): a sheet
        declaring more than may be read is refused before its cells are."""
        found = _DIMENSION.search(head[:4096])
        if not found:
            return
        first_col, first_row, last_col, last_row = found.groups()
        height = int(last_row or first_row) - int(first_row) + 1
        width = _column_number(last_col or first_col) - _column_number(first_col) + 1
        if height * width > MAX_CELLS:
            raise Refused(
                f"sheet {self.name} declares {height:,} rows × {width:,} columns "
                f"({found.group(1).decode()}{found.group(2).decode()}:{(last_col or first_col).decode()}"
                f"{(last_row or first_row).decode()}), more than the {MAX_CELLS:,} cells ctmonitor reads at once; "
                "split it into smaller workbooks"
            )

    def _widen(self, text: bytes) -> None:
        if _TWO_LETTERS.search(text):
            for letters in set(_LETTERS.findall(text)):
                self.max_col = max(
                    self.max_col, _column_number(letters) if len(letters) <= 3 else LAST_COLUMN + 1
                )
            if self.max_col > LAST_COLUMN:
                raise Refused("a cell lies beyond the last column a spreadsheet can have")
        if self.digits < 9 and _MORE_DIGITS[self.digits + 1].search(text):
            while self.digits < 9 and _MORE_DIGITS[self.digits + 1].search(text):
                self.digits += 1
            self.top = 0
            if self.digits > 7:
                raise Refused("a cell lies beyond the last row a spreadsheet can have")

    def _check(self) -> None:
        height = max(self.top, self.rows)
        if height * self.max_col > MAX_CELLS:
            raise Refused(
                f"a sheet spans {height:,} rows × {self.max_col:,} columns, more than the "
                f"{MAX_CELLS:,} cells a workbook may span here"
            )

    def close(self) -> None:
        self._check()


_ODS_EVENT = re.compile(rb"<table:table[\s>]|<table:table-row\b([^>]*?)(/?)>")
_ODS_REPEAT_ROWS = re.compile(rb'table:number-rows-repeated="([0-9]+)"')
_ODS_REPEAT_COLS = re.compile(
    rb'<table:(?:covered-)?table-cell\b[^>]*?table:number-columns-repeated="([0-9]+)"'
)
_ODS_CELL = re.compile(rb"<table:(?:covered-)?table-cell\b")


class _OdsArea:
    """The area an .ods sheet's rows with content span, counting ``number-*-repeated`` expansions.

    Rows are read whole (a row's XML is kept until its end tag arrives). LibreOffice's trailing run of
    empty repeated rows counts for nothing; a repeated row with content counts every repetition.
    """

    def __init__(self):
        self.buffer = b""
        self.row = 0  # rows so far in the current table
        self.last_content_row = 0
        self.width = 0

    def feed(self, chunk: bytes) -> None:
        self.buffer += chunk
        end = self.buffer.rfind(b"</table:table-row>")
        if end < 0:
            if len(self.buffer) > 64 * CHUNK:
                raise Refused("a sheet row is larger than any real spreadsheet row")
            return
        end += len(b"</table:table-row>")
        complete, self.buffer = self.buffer[:end], self.buffer[end:]
        self._rows(complete)

    def _rows(self, text: bytes) -> None:
        events = list(_ODS_EVENT.finditer(text))
        for index, event in enumerate(events):
            if event.group(1) is None:  # a new table (sheet) starts
                self._check()
                self.row = self.last_content_row = self.width = 0
                continue
            repeat = _ODS_REPEAT_ROWS.search(event.group(1))
            count = int(repeat.group(1)) if repeat else 1
            self.row += count
            if event.group(2) == b"/":
                continue
            body = text[event.end() : events[index + 1].start() if index + 1 < len(events) else len(text)]
            if b"office:value-type" in body or b"<text:p" in body:
                self.last_content_row = self.row
                cells = len(_ODS_CELL.findall(body))
                cells += sum(int(n) - 1 for n in _ODS_REPEAT_COLS.findall(body))
                self.width = max(self.width, cells)
                self._check()

    def _check(self) -> None:
        if self.last_content_row * self.width > MAX_CELLS:
            raise Refused(
                f"a sheet spans {self.last_content_row:,} rows × {self.width:,} columns, more than the "
                f"{MAX_CELLS:,} cells a workbook may span here"
            )

    def close(self) -> None:
        if self.buffer:
            self._rows(self.buffer)
            self.buffer = b""
        self._check()


def _extension(filename: str) -> str:
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MB"
