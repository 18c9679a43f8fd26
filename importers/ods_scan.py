"""Streaming scan of an .ods archive's XML parts with expat: what reading ``content.xml`` will cost, and what
in any part reaches outside, whatever the quoting or prefixes.

Cost, as calamine reads the sheets (by the literal ``table:`` names it matches): a cell with a value, a
formula or a paragraph repeated ``number-columns-repeated`` times along its row and its row
``number-rows-repeated`` times is that many cells; empty cells count for the width only when a cell with
content follows them, and a sheet's height ends with its last row holding content (LibreOffice pads every
sheet with a million empty rows). Text counts each repetition, and ``<text:s text:c="…"/>`` its spaces.

Reaching outside, by local name whatever the prefix: DDE sources and links, linked tables and cell ranges
(``table:table-source``, ``table:cell-range-source``), anything else whose ``xlink:href`` points outside the
archive (a linked picture, object or form target; a hyperlink, ``text:a`` or ``draw:a``, is kept), and
formulas reaching outside (``importers.links.classify_ods``) in cells (``table:formula``), validity rules
(``table:condition``), conditional styles (``style:condition`` of ``style:map``) and named expressions and
ranges.
"""

from __future__ import annotations

from importers.links import Findings, is_outside
from importers.sheet_scan import Bounds, XmlPart, column_letters, local

VALUES = (
    "office:value",
    "office:string-value",
    "office:date-value",
    "office:time-value",
    "office:boolean-value",
)
_WATCHED = ("formula", "condition", "expression", "cell-range-address", "base-cell-address", "href")
HYPERLINKS = frozenset(("a",))
DDE = frozenset(("dde-source", "dde-link", "dde-connection-decl"))
LINKED = frozenset(("table-source", "cell-range-source"))


class OdsPart(XmlPart):
    """One XML part of an .ods; with ``bounds``, the sheets' cost is added up too (``content.xml``)."""

    def __init__(self, name: str, findings: Findings, bounds: Bounds | None = None):
        super().__init__(name)
        self.findings, self.bounds = findings, bounds
        self.sheet = ""
        self.row = 0  # sheet rows before the current row
        self.repeats = 0  # of the current row (none yet)
        self.column = 1  # the next cell's column
        self.height = self.width = 0  # of the current sheet: its last row and column with content
        self.cell: list | None = None  # the current cell: [first column, repeats, text bytes, content]
        self.row_values = self.row_text = self.row_last = 0
        self.values = self.text = 0  # not yet added to bounds
        self.parser.StartElementHandler = self._start

    def feed(self, chunk: bytes) -> None:
        super().feed(chunk)
        if self.bounds is not None:
            self.bounds.add(self.values, self.text)
            self.values = self.text = 0
            self.bounds.area(self.sheet, self.height, self.width)

    def close(self) -> None:
        super().close()
        self._sheet_done()
        if self.bounds is not None:
            self.bounds.add(self.values, self.text)

    def _start(self, name: str, attrs: dict) -> None:
        if self.bounds is not None:
            if name == "table:table-cell" or name == "table:covered-table-cell":
                self._cell(attrs)
            elif name == "table:table-row":
                self._row(attrs)
            elif name == "table:table":
                self._sheet_done()
                self.sheet = attrs.get("table:name", "")[:100]
            elif self.cell is not None:
                if name == "text:s":
                    self.cell[2] += _count(attrs.get("text:c"))
                elif name == "text:p":
                    self.cell[3] = True
        if attrs:
            self._reaching(local(name), attrs)

    # --- what reading costs --------------------------------------------------------------------------------

    def _cell(self, attrs: dict) -> None:
        self._cell_done()
        repeats = _count(attrs.get("table:number-columns-repeated"))
        content = (
            "office:value-type" in attrs or "table:formula" in attrs or any(key in attrs for key in VALUES)
        )
        text = len(attrs.get("office:string-value", "").encode("utf-8", "surrogatepass"))
        self.cell = [self.column, repeats, text, content]  # first column, repeats, text bytes, content
        self.column += repeats
        self.parser.CharacterDataHandler = self._characters

    def _characters(self, data: str) -> None:
        if self.cell is not None:
            self.cell[2] += len(data.encode("utf-8", "surrogatepass"))

    def _cell_done(self) -> None:
        if self.cell is not None:
            self.parser.CharacterDataHandler = None
            first, repeats, text, content = self.cell
            if content:
                self.row_last = first + repeats - 1
                self.row_values += repeats
                self.row_text += text * repeats
            self.cell = None

    def _row(self, attrs: dict) -> None:
        self._row_done()
        self.repeats = _count(attrs.get("table:number-rows-repeated"))
        self.column = 1

    def _row_done(self) -> None:
        self._cell_done()
        if self.row_last:
            self.height = self.row + self.repeats
            self.width = max(self.width, self.row_last)
            self.values += self.row_values * self.repeats
            self.text += self.row_text * self.repeats
        self.row += self.repeats
        self.repeats, self.row_values, self.row_text, self.row_last = 0, 0, 0, 0

    def _sheet_done(self) -> None:
        if self.bounds is None:
            return
        self._row_done()
        self.bounds.area(self.sheet, self.height, self.width, finished=True)
        self.row = self.height = self.width = 0

    # --- what reaches outside ------------------------------------------------------------------------------

    def _reaching(self, element: str, attrs: dict) -> None:
        if element in DDE:
            application = _attr(attrs, "dde-application") or _attr(attrs, "name")
            topic = _attr(attrs, "dde-topic")
            self.findings.link_parts.setdefault(self.name, ("dde", f"{application} {topic}".strip()[:200]))
        for key, value in attrs.items():
            if not key.endswith(_WATCHED):
                continue
            what = local(key)
            if what == "href":
                if element in LINKED:
                    self.findings.link_parts.setdefault(self.name, ("workbook", value[:200]))
                elif element not in HYPERLINKS and is_outside(value):
                    self.findings.outside.append((self.name, f"a linked {element}", value))
            elif what == "formula" and element in ("table-cell", "covered-table-cell"):
                saved = any(key in attrs for key in VALUES)
                cell = (
                    f"{column_letters(max(self.column - _count(attrs.get('table:number-columns-repeated')), 1))}"
                    f"{self.row + 1}"
                )
                self.findings.cell(self.sheet, cell, _formula(value), saved)
            elif what == "condition" and element in ("content-validation", "map"):
                place = "validity rule" if element == "content-validation" else "conditional style"
                where = (
                    _attr(attrs, "name")
                    or _attr(attrs, "base-cell-address")
                    or _attr(attrs, "apply-style-name")
                )
                self.findings.rule(self.sheet, where[:100], _formula(value), place)
            elif what in ("expression", "cell-range-address", "base-cell-address") and element in (
                "named-expression",
                "named-range",
            ):
                self.findings.rule(
                    "", f"name {_attr(attrs, 'name')[:100]}", _formula(value), "named expression"
                )


def _formula(text: str) -> str:
    """A formula as a user writes it: ``of:=SUM(A1)`` (OpenFormula's namespace prefix) is ``SUM(A1)``."""
    prefix, colon, rest = text.partition(":")
    if colon and prefix.isalnum() and rest.startswith("="):
        text = rest
    return text.removeprefix("=")


def _attr(attrs: dict, name: str) -> str:
    return next((value for key, value in attrs.items() if local(key) == name), "")


def _count(text: str | None) -> int:
    """A repeat count as calamine reads it (an unreadable one stops calamine: 1 here)."""
    try:
        return max(int(text), 1) if text else 1
    except ValueError:
        return 1
