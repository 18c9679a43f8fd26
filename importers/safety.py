"""Checks a file passes before any spreadsheet reader touches it: size, format, archive bombs, sparse sheets.

- The size limit is checked first, on the byte count alone.
- The format comes from the bytes, not only the name: a zip archive (.xlsx, .xlsm, .ods), an OLE compound
  file (.xls, or an encrypted .xlsx, which Office wraps in one), or text (.csv).
- A zip archive's directory is read (not its contents) to sum the declared uncompressed sizes and to check
  each member's compression ratio; then every member is inflated as a stream, 1 MB at a time, so a member
  whose real size differs from its declared one fails its CRC without ever being held in memory.
- While streaming, worksheet XML is scanned for the area its cells span: calamine allocates that whole area
  up front, so a few-kilobyte file with cells in A1 and XFD1048576 would otherwise abort the process.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The encrypted-package stream names Office writes into the OLE container of a password-protected .xlsx.
_ENCRYPTED_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))

MAX_MEMBERS = 10_000
# Deflate cannot do better than ~1032:1; spreadsheet XML rarely passes 50:1. Checked on members over 1 MB.
MAX_RATIO = 400
RATIO_FLOOR = 1024 * 1024
# Cells a sheet may span (rows × columns of its used area): every row of columns A–Z. Calamine allocates the
# whole area of a sheet at once, about 32 bytes a cell.
MAX_CELLS = 1_048_576 * 26
CHUNK = 1024 * 1024


class Refused(Exception):
    """A file that will not be read, with the one line that says why."""


@dataclass(frozen=True)
class FileFormat:
    kind: str  # xlsx | ods | xls | csv
    extension: str  # as the file was named: .xlsx, .xlsm, .xls, .ods, .csv


def check(data: bytes, filename: str, *, upload_limit: int, inflate_limit: int) -> FileFormat:
    """Refuse a file too large, of an unsupported type, damaged, encrypted or a bomb; else its format."""
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
        return FileFormat(check_zip(data, inflate_limit), extension)
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
        return FileFormat("xls", extension)
    if extension == ".csv":
        if b"\x00" in data[:4096]:
            raise Refused("the file is not a CSV text file")
        return FileFormat("csv", extension)
    if head.startswith(b"PK"):
        raise Refused(f"the file is damaged or truncated (not a readable {extension} workbook)")
    raise Refused(f"the file is not a spreadsheet (its content is not an {extension} workbook)")


def check_zip(data: bytes, inflate_limit: int) -> str:
    """Bomb and damage checks of an .xlsx/.xlsm/.ods archive; returns ``xlsx`` or ``ods``."""
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
    try:
        for member in members:
            scanner = _scanner(kind, member.filename)
            with archive.open(member) as stream:
                while True:
                    chunk = stream.read(CHUNK)
                    if not chunk:
                        break
                    if scanner is not None:
                        scanner.feed(chunk)
            if scanner is not None:
                scanner.close()
    except Refused:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
        raise Refused(
            "the file is damaged or truncated (a part of the workbook does not inflate as declared)"
        ) from None
    return kind


def _scanner(kind: str, name: str):
    if kind == "xlsx" and name.startswith("xl/") and name.endswith(".xml") and "/worksheets/" in name:
        return _XlsxArea(name)
    if kind == "ods" and name == "content.xml":
        return _OdsArea()
    return None


# Row tags (r="12") and cell references (r="AB12"), searched from the literal r=" (fast).
_MORE_DIGITS = {n: re.compile(rb'r="[A-Z]{0,3}[0-9]{%d}' % n) for n in range(1, 10)}
_ROW_DIGITS = {n: re.compile(rb'r="[A-Z]{0,3}([0-9]{%d})"' % n) for n in range(1, 8)}
_TWO_LETTERS = re.compile(rb'r="[A-Z][A-Z]')
_LETTERS = re.compile(rb'r="([A-Z]{2,})[0-9]')
LAST_ROW, LAST_COLUMN = 1_048_576, 16_384


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter - 64)
    return number


_UNUSUAL: dict[int, re.Pattern] = {}


def _unusual(digits: int) -> re.Pattern:
    """A reference past column Z, or a row number longer than ``digits`` digits."""
    if digits not in _UNUSUAL:
        _UNUSUAL[digits] = re.compile(rb'r="(?:[A-Z][A-Z]|[A-Z]{0,3}[0-9]{%d})' % (digits + 1))
    return _UNUSUAL[digits]


class _XlsxArea:
    """The rows × columns a worksheet's cells span, from row tags and ``r="XFD1048576"`` references.

    Cheap bounds first: the width is 26 unless a two-letter column appears, the height below 10^d for
    row numbers of at most d digits. The largest row number is read exactly only where the bounds allow
    more than ``MAX_CELLS`` (wide sheets).
    """

    def __init__(self, name: str):
        self.name = name
        self.tail = b""
        self.max_col = 26
        self.digits = 0
        self.top = 0  # the largest row number of ``digits`` digits, once it had to be read

    def feed(self, chunk: bytes) -> None:
        # A reference is at most 16 bytes long: an overlap of 32 catches one cut by the chunk boundary.
        text = self.tail + chunk
        self.tail = text[-32:]
        # One pass answers the usual question (no column past Z, no longer row numbers than seen so far).
        if not _unusual(self.digits).search(text):
            return
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
        if self.max_col > 26 and self.max_col * (10**self.digits - 1) > MAX_CELLS:
            found = _ROW_DIGITS[self.digits].findall(text)
            if found:
                self.top = max(self.top, max(map(int, found)))
        self._check()

    def _check(self) -> None:
        height = self.top or (10**self.digits - 1 if self.digits else 0)
        if self.digits == 7 and not self.top:
            height = LAST_ROW
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
