"""Streaming scans of a workbook's XML with expat, a megabyte at a time, before (or while) calamine reads it.

An XML parser reads attributes as calamine's parser does (either quote, spaces around ``=``, entities), so a
``<c r = 'XFD1048576'>`` is seen where it is. What reading will cost is added up as the parts stream by, and a
file is refused at the first chunk past a bound:

- the cells a workbook's sheets span (calamine allocates a sheet's whole area: about 32 bytes a cell),
  one sheet alone and all of them together, and what a sheet's ``<dimension>`` declares;
- the cells holding a value (each is about 40 bytes while calamine collects them, and a Python object);
- the text the cells hold: calamine copies a shared string into every cell that uses it, so a string of
  32,000 characters used by 100,000 cells is 3.2 GB although the file is a few hundred kilobytes; the
  shared strings table itself counts once, and each cell using one of its strings counts its length.

Elements are matched by their local name (``x:c`` is a ``c``), as calamine matches them. A part that is not
well-formed XML, or declares a document type (which could define entities), is refused as damaged.
"""

from __future__ import annotations

import re
from array import array
from xml.parsers import expat

from importers import _scan_fast
from importers._scan_fast import LAST_COLUMN, LAST_ROW, SheetState
from importers.links import Findings, Refused

MAX_CELLS = 4_000_000  # cells the sheets of a workbook may span, one sheet alone or all together
MAX_VALUES = 3_000_000  # cells holding a value, across the workbook
MAX_TEXT = 64 * 1024 * 1024  # bytes of the cells' text (numbers' digits too), a shared string's once per cell
FAST = (
    True  # whether portions of plain rows and strings are judged on the fast path (``importers._scan_fast``)
)


class Bounds:
    """What a workbook's parts have used so far of MAX_VALUES, MAX_TEXT and MAX_CELLS."""

    def __init__(self):
        self.values = self.text = self.cells = 0

    def add(self, values: int = 0, text: int = 0) -> None:
        self.values += values
        self.text += text
        if self.values > MAX_VALUES:
            raise Refused(
                f"the workbook holds more than {MAX_VALUES:,} cells with a value, more than ctmonitor "
                "reads at once; split it into smaller workbooks"
            )
        if self.text > MAX_TEXT:
            raise Refused(
                f"the workbook's cells hold more than {MAX_TEXT // 2**20} MB of text (a text repeated in "
                "many cells counts for each of them), more than ctmonitor reads at once; split it into "
                "smaller workbooks"
            )

    def area(self, sheet: str, rows: int, columns: int, finished: bool = False) -> None:
        """A sheet's area so far; ``finished`` adds it to the workbook's."""
        if rows * columns > MAX_CELLS:
            raise Refused(
                f"sheet {sheet} spans {rows:,} rows × {columns:,} columns, more than the {MAX_CELLS:,} "
                "cells ctmonitor reads at once; split it into smaller workbooks"
            )
        if self.cells + rows * columns > MAX_CELLS:
            raise Refused(
                f"the workbook's sheets span more than {MAX_CELLS:,} cells together, more than "
                "ctmonitor reads at once; split it into smaller workbooks"
            )
        if finished:
            self.cells += rows * columns


class XmlPart:
    """One part fed to expat chunk by chunk. Subclasses set their handlers in ``__init__``."""

    def __init__(self, name: str):
        self.name = name
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.buffer_size = 1 << 16
        self.parser.StartDoctypeDeclHandler = self._doctype

    def feed(self, chunk: bytes) -> None:
        self._parse(chunk)

    def _parse(self, data: bytes) -> None:
        try:
            self.parser.Parse(data, False)
        except expat.ExpatError:
            raise Refused(f"the file is damaged (its part {self.name} is not well-formed XML)") from None

    def close(self) -> None:
        self.feed(b"")
        try:
            self.parser.Parse(b"", True)
        except expat.ExpatError:
            raise Refused(f"the file is damaged or truncated (its part {self.name} ends early)") from None

    def _doctype(self, *args) -> None:
        raise Refused(
            f"the file is damaged (its part {self.name} declares a document type, which no spreadsheet "
            "writes)"
        )


class PortionedPart(XmlPart):
    """A part fed in portions that end just before an element starting with ``boundary`` (a row, a shared
    string), so that each portion may be judged on the fast path (``importers._scan_fast``) when it starts
    where expat has read everything before it (no comment, tag or CDATA section left open). A portion the
    fast path cannot judge, or one that ends elsewhere, goes through the handler. ``fast=False`` reads every
    portion through the handler (the tests compare both)."""

    boundary = b"<"

    def __init__(self, name: str, fast: bool | None = None):
        super().__init__(name)
        self.fast = FAST if fast is None else fast
        self.carry, self.fed, self.cdata = b"", 0, False
        self.parser.StartCdataSectionHandler = self._cdata_starts
        self.parser.EndCdataSectionHandler = self._cdata_ends

    def feed(self, chunk: bytes) -> None:
        data = self.carry + chunk if self.carry else chunk
        cut = data.rfind(self.boundary) if chunk else 0
        ends = cut > 0
        if not ends:  # no element to end before: up to the last tag's end, or all of it
            cut = (data.rfind(b">") + 1 if chunk else 0) or len(data)
        portion, self.carry = data[:cut], data[cut:]
        clean = ends and self.fast and not self.cdata and self.parser.CurrentByteIndex == self.fed
        if not (clean and self._fast(portion)):
            self._parse(portion)
        self.fed += len(portion)
        self._portion_read()

    def _fast(self, portion: bytes) -> bool:
        """Judge the portion on the fast path and parse it with no handler for elements; False (nothing
        parsed, nothing counted) when it cannot be judged there."""
        return False

    def _portion_read(self) -> None:
        """What is checked once a portion is read."""

    def _cdata_starts(self) -> None:
        self.cdata = True

    def _cdata_ends(self) -> None:
        self.cdata = False


def local(name: str) -> str:
    return name[name.index(":") + 1 :] if ":" in name else name


class SharedStrings(PortionedPart):
    """The size in bytes (UTF-8) of each string of the shared strings table, in order (``lengths``).

    A string's text is what expat reports from its first ``<t>`` to the next ``<si>``; on the fast path, the
    bytes between them less the tags, in a UTF-8 part with no entity or carriage return."""

    boundary = b"<si>"

    def __init__(self, name: str, bounds: Bounds, fast: bool | None = None):
        super().__init__(name, fast)
        self.bounds = bounds
        self.lengths = array("Q")
        self.text: list[str] | None = None
        self.utf8 = True  # as the part declares (no declaration: UTF-8, or UTF-16 where no <si> is found)
        self.parser.StartElementHandler = self._start
        self.parser.XmlDeclHandler = self._declaration

    def _declaration(self, version: str, encoding: str | None, standalone: int) -> None:
        self.utf8 = encoding is None or encoding.lower() == "utf-8"

    def _fast(self, portion: bytes) -> bool:
        collecting = self.parser.CharacterDataHandler is not None
        if not self.utf8 or (self.text is not None and not collecting):
            return False
        pieces = _scan_fast.string_pieces(portion)
        if pieces is None:
            return False
        sizes = [] if self.text is None or len(pieces) == 1 else [_size(self.text) + len(pieces[0])]
        sizes.extend(map(len, pieces[1:-1]))
        if len(self.lengths) + len(sizes) > MAX_VALUES or self.bounds.text + sum(sizes) > MAX_TEXT:
            return False  # refused: by the handler, at the string that passes the bound
        self.parser.StartElementHandler = self.parser.CharacterDataHandler = None
        try:
            self._parse(portion)
        finally:
            self.parser.StartElementHandler = self._start
        self.lengths.extend(sizes)
        self.bounds.add(text=sum(sizes))
        if len(pieces) > 1:
            self.text = [pieces[-1].decode("utf-8")]
        elif self.text is not None:
            self.text.append(pieces[0].decode("utf-8"))
        self.parser.CharacterDataHandler = None if self.text is None else self.text.append
        return True

    def _start(self, name: str, attrs: dict) -> None:
        name = local(name)
        if name == "si":
            self._string_done()
            self.text = []
        elif name == "t" and self.text is not None:
            self.parser.CharacterDataHandler = self.text.append

    def _string_done(self) -> None:
        if self.text is not None:
            self.parser.CharacterDataHandler = None
            size = _size(self.text)
            self.lengths.append(size)
            self.text = None
            self.bounds.add(text=size)
            if len(self.lengths) > MAX_VALUES:
                raise Refused(
                    f"the workbook's shared strings table holds more than {MAX_VALUES:,} texts, more than "
                    "ctmonitor reads at once; split it into smaller workbooks"
                )

    def close(self) -> None:
        super().close()
        self._string_done()


def _size(text: list[str]) -> int:
    return len("".join(text).encode("utf-8", "surrogatepass"))


_REFERENCE = re.compile(r"([A-Za-z]*)([0-9]*)")
_COLUMNS: dict[str, int] = {}  # column letters -> number, as met (A–XFD, either case)
RULES = {
    "conditionalFormatting": "conditional formatting",
    "dataValidation": "data validation",
    "sparklineGroup": "sparkline",
}
RULE_FORMULAS = frozenset(("formula", "formula1", "formula2"))


def column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class Worksheet(PortionedPart):
    """A worksheet part: the area its cells span and the values and text they hold (into ``bounds``), and
    its formulas (into ``findings``): cells', conditional formats', data validations' and sparklines'.

    One handler for element starts carries it all, since expat calls it for every element. Cells without
    ``r`` follow one another along their row and rows without ``r`` follow one another, as in calamine. A
    cell's reference is read on a fast path when it ends with its row's number; its text (a shared string's
    index, a formula, an inline string) is collected until the next element starts. A portion of rows of
    plain cells is judged without the handler (``importers._scan_fast``); its text is still expat's.
    """

    boundary = b"<row "

    def __init__(
        self,
        name: str,
        sheet: str,
        bounds: Bounds,
        strings: array,
        findings: Findings,
        fast: bool | None = None,
    ):
        super().__init__(name, fast)
        self.sheet, self.bounds, self.strings, self.findings = sheet, bounds, strings, findings
        # the current row, the next cell's column, the row's number as text and where it starts in a reference
        self.row, self.column, self.suffix, self.cut = 0, 1, "0", -1
        self.rows = self.columns = 0  # the largest row and column of a cell
        self.values = self.text = 0  # not yet added to bounds
        self.cell: dict = {}  # the current cell's attributes
        self.formula: str | None = None  # the current cell's formula, until the cell is done
        self.saved = False  # whether the current formula cell has a result
        self.shared: dict[str, str] = {}  # a shared formula's text, from its first cell
        self.chars: list[str] = []  # the text read since the last chunk (every text goes through here)
        self.mark = 0  # where in ``chars`` the text being collected starts
        self.place: tuple[str, str] | None = None  # where formulas outside cells belong
        self.shared_index: str | None = None  # si="" of the current shared formula
        self.capture: str | None = None  # what the text being collected is
        self.parser.StartElementHandler = self._start
        self.parser.CharacterDataHandler = self.chars.append  # a C call: cheaper than turning it on and off

    def _fast(self, portion: bytes) -> bool:
        settles = self.capture == "v" and portion.startswith(b"<row ")  # a string's index, as the row starts
        if (self.capture is not None and not settles) or self.formula is not None:
            return False
        state = SheetState(self.row, self.column, self.rows, self.cell.get("t") == "s")
        figures = _scan_fast.sheet_figures(portion, state, self.strings)
        if figures is None:
            return False
        if settles:
            self._settle()
        pending = _scan_fast.pending_index(portion)
        self.parser.StartElementHandler = None
        try:
            self._parse(portion)
        finally:
            self.parser.StartElementHandler = self._start
        if pending is not None:  # left for the next row's start to settle, as the handler leaves it
            text = "".join(self.chars)
            self.chars[:] = [text[: len(text) - len(pending)], pending]
            self.capture, self.mark = "v", 1
            self.text -= self.strings[int(pending)]
        self.values += figures.values
        self.text += figures.shared_text
        self.rows, self.columns = max(self.rows, figures.rows), max(self.columns, figures.columns)
        if figures.row is not None:  # as ``_row`` leaves it
            self.row, self.column, self.place = figures.row, 1, None
            self.suffix = str(self.row)
            self.cut = -len(self.suffix)
        if figures.column is not None:
            self.column = figures.column
        if figures.cell is not None:
            self.cell = figures.cell
        return True

    def _portion_read(self) -> None:
        chars = self.chars
        text = "".join(chars)
        self.text += len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
        if self.capture is None:
            chars.clear()
        else:  # the text being collected goes on in the next chunk
            chars[:] = chars[self.mark :]
            self.mark = 0
        rows = self.row if self.column > 1 and self.row > self.rows else self.rows  # with the row being read
        self.bounds.area(self.sheet, rows, self.columns)
        self.bounds.add(self.values, self.text)
        self.values = self.text = 0

    def close(self) -> None:
        super().close()
        if self.capture is not None:
            self._settle()
        self._row(None)  # the last row's cells count
        self.bounds.area(self.sheet, self.rows, self.columns, finished=True)

    def _start(self, name: str, attrs: dict) -> None:
        if self.capture is not None:
            self._settle()
        if name == "c":
            if self.formula is not None:
                self._cell_done()
            self.cell = attrs
            r = attrs.get("r")
            if r is None:
                column = self.column
                if self.row == 0:  # a cell before any row: in the first row
                    self.rows = max(self.rows, 1)
            else:
                known = _COLUMNS.get(r[: self.cut]) if r.endswith(self.suffix) else None
                column = known if known is not None else self._reference(r)
            if column > self.columns:  # noqa: PLR1730 — max() costs a call, for every cell
                self.columns = column
            self.column = column + 1  # a cell of this row: the row counts (at its end, ``_row``)
        elif name == "v":
            self.values += 1
            if self.formula is not None or self.cell.get("t") == "s":
                self._collect("v")
        elif name == "t":  # an inline string's text: counted with all text, a chunk at a time (``feed``)
            pass
        elif name == "is":
            self.values += 1
            self.saved = True
        elif name == "row":
            self._row(attrs.get("r"))
        elif name == "f":
            if self.place is None:
                self.shared_index = attrs.get("si") if attrs.get("t") == "shared" else None
                self._collect("f")
            else:
                self._collect("rule")
        elif ":" in name:
            self._start(local(name), attrs)
        else:
            self._other(name, attrs)

    def _other(self, name: str, attrs: dict) -> None:
        if name in RULE_FORMULAS:
            self._collect("rule")
        elif name in RULES:
            self._cell_done()
            self.place = (RULES[name], attrs.get("sqref", ""))
        elif name == "dimension":
            self._declared(attrs.get("ref", ""))
        elif name in ("conditionalFormattings", "dataValidations", "extLst", "sheetData"):
            self._cell_done()

    def _collect(self, what: str) -> None:
        self.capture, self.mark = what, len(self.chars)

    def _settle(self) -> None:
        """The text collected since an element started: what it means for the cell or rule it belongs to."""
        what = self.capture
        self.capture = None
        text = "".join(self.chars[self.mark :])
        if what == "v":
            if self.formula is not None and text.strip():
                self.saved = True
            if self.cell.get("t") == "s":
                try:
                    self.text += self.strings[int(text)]
                except (ValueError, IndexError, OverflowError):
                    pass  # calamine finds no string there either
        elif what == "rule":
            place, where = self.place or ("conditional formatting", "")
            self.findings.rule(self.sheet, where, text, place)
        elif what == "f":
            if self.shared_index is not None:
                text = (
                    self.shared.setdefault(self.shared_index, text)
                    if text.strip()
                    else self.shared.get(self.shared_index, "")
                )
            self.formula, self.saved = text, False

    def _cell_done(self) -> None:
        if self.formula is not None:
            ref = self.cell.get("r") or f"{column_letters(self.column - 1)}{max(self.row, 1)}"
            self.findings.cell(self.sheet, ref, self.formula, self.saved)
            self.formula = None

    def _row(self, r: str | None) -> None:
        if self.formula is not None:
            self._cell_done()
        if self.column > 1 and self.row > self.rows:  # the row that ends held a cell
            self.rows = self.row
        self.place = None
        if r is None:
            self.row += 1
        elif r.isdigit() and len(r) < 7:
            self.row = int(r)
        else:
            found = _REFERENCE.fullmatch(r)
            if found is None or not found.group(2):
                self.row += 1  # calamine stops on it: read as the next row, no harm done
            else:
                self.row = _row_number(found.group(2))
        self.suffix = str(self.row)
        self.cut = -len(self.suffix)
        self.column = 1

    def _reference(self, r: str) -> int:
        """The column of a reference off the fast path (another row's number, lower case, no digits); its row
        counts at once."""
        found = _REFERENCE.fullmatch(r)
        if found is None or not found.group(1) or not found.group(2):
            return self.column  # calamine stops on it (not a reference): where it would have been
        letters, digits = found.groups()
        column = _COLUMNS.get(letters)
        if column is None:
            column = column_number(letters) if len(letters) <= 3 else LAST_COLUMN + 1
            if column > LAST_COLUMN:
                raise Refused(
                    f"sheet {self.sheet} has a cell beyond the last column a spreadsheet can have ({r[:20]})"
                )
            _COLUMNS[letters] = column
        self.rows = max(self.rows, _row_number(digits, self.sheet, r))
        return column

    def _declared(self, ref: str) -> None:
        """The area the sheet says it spans (``<dimension ref="A1:Z940000"/>``): refused before its cells are
        read when it is more than may be read."""
        corners = [_REFERENCE.fullmatch(part) for part in ref.strip().split(":")]
        read = [c for c in corners if c and c.group(1) and c.group(2)]
        if not 1 <= len(corners) <= 2 or len(read) != len(corners):
            return
        (first_col, first_row), (last_col, last_row) = read[0].groups(), read[-1].groups()
        if len(last_col) > 3 or len(first_col) > 3 or len(last_row) > 7 or len(first_row) > 7:
            height, width = LAST_ROW + 1, LAST_COLUMN + 1
        else:
            height = abs(int(last_row) - int(first_row)) + 1
            width = abs(column_number(last_col) - column_number(first_col)) + 1
        if height * width > MAX_CELLS:
            raise Refused(
                f"sheet {self.sheet} declares {height:,} rows × {width:,} columns ({ref.strip()[:40]}), "
                f"more than the {MAX_CELLS:,} cells ctmonitor reads at once; split it into smaller workbooks"
            )


def _row_number(digits: str, sheet: str = "", r: str = "") -> int:
    if len(digits) > 7 or int(digits) > LAST_ROW:
        where = f"sheet {sheet} has a cell" if sheet else "a row lies"
        raise Refused(f"{where} beyond the last row a spreadsheet can have ({(r or digits)[:20]})")
    return int(digits)
