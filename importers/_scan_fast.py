"""The scan's fast path (``importers.sheet_scan``): a portion of a worksheet or of the shared strings table
judged with C-level operations (``bytes.count``, ``re.findall``) instead of a Python call for every element.

A portion is judged here only when it holds nothing else than what these figures are sure of; anything
else (an element of another name, a prefix, a comment, a reference in lower case or with leading zeros, a
row's number beyond the cells' largest one, a formula, a shared string's index not written plainly) gives
``None``, and the portion is read by expat's handler as before. Every ``<`` that starts an element is
accounted for: the starts of the portion (``<`` less ``</``) must equal the elements of the names known here,
so a comment, a processing instruction or an element of another name sends the portion to the handler.

Expat still parses every byte (with no Python handler for elements), so whatever is not well-formed is
refused as before, and a worksheet's text is still counted from expat's character data.
"""

from __future__ import annotations

import re
from array import array
from typing import NamedTuple
from xml.parsers import expat

LAST_ROW, LAST_COLUMN = 1_048_576, 16_384

_REFERENCE = re.compile(
    rb'<c r="([A-Z]{1,3})[1-9][0-9]{0,6}"'
)  # a cell's column, where its reference is plain
_DIGITS = re.compile(rb'<c r="[A-Z]{1,3}([1-9][0-9]{0,6})"')
_ROW = re.compile(rb'<row r="([1-9][0-9]{0,6})"')
_CELL = rb'<c r="[A-Z]{1,3}[1-9][0-9]{0,6}"'
_NAME = rb"[A-Za-z_][A-Za-z0-9_.:-]*"
_ATTRIBUTE = rb" " + _NAME + rb'="[^"<>&]*"'
# A cell of a shared string and its index, written plainly: the text up to the next element's start is the
# index's alone (end tags and spaces between). The portion ends just before a row starts (``\Z``).
_SHARED_VALUE = re.compile(
    _CELL
    + rb"(?:"
    + _ATTRIBUTE
    + rb')*? t="s"(?:'
    + _ATTRIBUTE
    + rb")*[ \t\n]*><v>([0-9]{1,9})</v>(?=(?:[ \t\n]*</[^>]*>)*[ \t\n]*(?:<[^/]|\Z))"
)
# A cell that is not a shared string's, directly followed by its value.
_PLAIN_VALUE = re.compile(
    _CELL + rb"(?: (?!t=\")" + _NAME + rb'="[^"<>&]*"| t="(?!s")[^"<>&]*")*[ \t\n]*><v>'
)
_TAG = re.compile(rb"<[^>]*>")
_START = re.compile(rb"<[^/]")
PRESERVE = b'<t xml:space="preserve">'


class SheetFigures(NamedTuple):
    """What a worksheet's portion adds: the largest row and column of its cells, its values, the length of
    the shared strings its cells use; where it leaves the reading: the last row started (None: none), the
    next cell's column (None: as it was) and the last cell's attributes (None: no cell)."""

    rows: int
    columns: int
    values: int
    shared_text: int
    row: int | None
    column: int | None
    cell: dict[str, str] | None


class SheetState(NamedTuple):
    """Where the handler's reading is when a portion starts."""

    row: int
    column: int
    rows: int
    shared_cell: bool  # whether the last cell read is a shared string's


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def sheet_figures(portion: bytes, state: SheetState, strings: array) -> SheetFigures | None:
    """A worksheet's portion (ending just before a ``<row``), or None when it holds what only the handler
    judges."""
    count = portion.count
    references = _REFERENCE.findall(portion)  # two lists of bytes cost less than one of tuples
    row_numbers = _ROW.findall(portion)
    values, inline = count(b"<v>"), count(b"<is>")
    known = len(references) + len(row_numbers) + values + inline + count(b"<t>") + count(PRESERVE)
    if count(b"<") - count(b"</") != known:
        return None
    shared_text = _shared_text(portion, values, state.shared_cell, strings)
    if shared_text is None:
        return None
    rows = columns = 0
    if references:
        columns = max(map(column_number, set(references)))
        rows = max(map(int, set(_DIGITS.findall(portion))))
        if columns > LAST_COLUMN or rows > LAST_ROW:
            return None  # refused by the handler, with the cell's reference
    numbers = list(map(int, row_numbers))
    if numbers and max(numbers) > LAST_ROW:
        return None
    last_row, last_cell = portion.rfind(b"<row "), portion.rfind(b'<c r="')
    if _rows_beyond(portion, state, numbers, last_cell > last_row) > max(state.rows, rows):
        return None  # a row's own number may count beyond its cells': the handler decides
    cell = _attributes(portion, last_cell) if references else None
    return SheetFigures(
        rows,
        columns,
        values + inline,
        shared_text,
        numbers[-1] if numbers else None,
        column_number(references[-1]) + 1 if last_cell > last_row else None,
        cell,
    )


def _rows_beyond(portion: bytes, state: SheetState, numbers: list[int], cell_last: bool) -> int:
    """The largest number of a row that may hold a cell: every row started in the portion but the last
    when no cell follows it, and the row being read when the portion starts if it has or gets a cell."""
    candidates = numbers if cell_last else numbers[:-1]
    largest = max(candidates, default=0)
    first_row, first_cell = portion.find(b"<row "), portion.find(b'<c r="')
    if state.column > 1 or 0 <= first_cell and (first_row < 0 or first_cell < first_row):
        largest = max(largest, state.row)
    return largest


def _shared_text(portion: bytes, values: int, shared_cell: bool, strings: array) -> int | None:
    """The length of the shared strings the portion's cells use, each once per cell; None when a value's
    cell is not certain."""
    if b"&" not in portion and b'"s"' not in portion and (b"'" not in portion or b"'s'" not in portion):
        if shared_cell and values:  # a value before the portion's first cell belongs to the last one read
            first_cell = portion.find(b'<c r="')
            if portion.find(b"<v>", 0, first_cell if first_cell >= 0 else len(portion)) >= 0:
                return None
        return 0
    uses = _SHARED_VALUE.findall(portion)
    if len(uses) + len(_PLAIN_VALUE.findall(portion)) != values:
        return None
    indexes = list(map(int, uses))
    if indexes and max(indexes) >= len(strings):
        return None  # no string there: the handler skips it
    return sum(map(strings.__getitem__, indexes))


def pending_index(portion: bytes) -> str | None:
    """The text of the last cell's shared string index when no element starts after it: the handler settles
    it when the next portion's first row starts (and counts its text once more)."""
    last = portion.rfind(b'<c r="')
    found = _SHARED_VALUE.match(portion, last) if last >= 0 else None
    if found is None or _START.search(portion, found.end()) is not None:
        return None
    return _TAG.sub(b"", portion[found.start(1) :]).decode("ascii")


def _attributes(portion: bytes, start: int) -> dict[str, str]:
    """The attributes of the cell starting at ``start``, as expat reads them."""
    tag = portion[start : portion.index(b">", start) + 1]
    found: dict[str, str] = {}
    parser = expat.ParserCreate()
    parser.StartElementHandler = lambda name, attrs: found.update(attrs)
    try:
        parser.Parse(tag if tag.endswith(b"/>") else tag + b"</c>", True)
    except expat.ExpatError:
        pass  # the portion is refused as damaged when parsed
    return found


def string_pieces(portion: bytes) -> list[bytes] | None:
    """A shared strings table's portion (ending just before an ``<si>``) cut at each ``<si>``, its tags taken
    out: the first piece ends the string being read, the last is the one the portion ends in. None when it
    holds what only the handler judges (an entity, a carriage return, rich text, phonetic runs, …)."""
    count = portion.count
    strings = count(b"<si>")
    if b"&" in portion or b"\r" in portion or b"\0" in portion:
        return None
    if count(b"<") - count(b"</") != strings + count(b"<t>") + count(PRESERVE):
        return None
    if count(b"</") != count(b"</si>") + count(b"</t>"):
        return None
    if count(b"<si><t>") + count(b"<si>" + PRESERVE) != strings:
        return None  # a string's text is counted from its first <t>: nothing may come before
    return _TAG.sub(b"", portion.replace(b"<si>", b"\0")).split(b"\0")
