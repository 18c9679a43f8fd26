"""What reaches outside a workbook, and formulas with no saved result: how a formula is judged, and what the
scans of the archive's parts (``importers.xlsx_parts``, ``importers.sheet_scan``, ``importers.ods_scan``) found.

- A formula reading another workbook (``[1]Rates!B2``, ``'C:\\Budget\\[Rates.xlsx]Sheet1'!A1``), a DDE formula
  (``cmd|'/c calc'!A0``, or ``[2]!…`` through a DDE link part) or one fetching data from outside
  (``WEBSERVICE``, ``FILTERXML``, ``RTD``, ``IMAGE``, ``STOCKHISTORY``, ``CALL``, ``REGISTER``) refuses the upload,
  wherever it is: a cell, a conditional format, a data validation or a defined name. Its value would come
  from elsewhere, and whoever opens the kept copy would be asked to run or fetch it.
- So do the parts that reach outside, found by what they are (content type and relationship, not path):
  external link parts (another workbook, DDE or OLE), data connections and query tables, and any other
  relationship to a target outside the file (a linked picture, an OLE link). ``Data ▸ Edit Links ▸ Break
  Link`` replaces link formulas by their values; no kept copy ever holds one of these.
- A hyperlink (a cell's link, or a ``HYPERLINK`` formula) is kept: it fetches nothing and runs nothing until
  someone clicks it, and the cell's saved text is what is read.
- A formula whose result was never saved (a workbook written by a program that does not calculate) would
  reach the importer as an empty cell: the pipeline refuses those in the columns it reads, naming them.
String literals inside formulas (``"a|b"``) are not mistaken for links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_UNSAVED = 20_000
MAX_NAMED = 200  # places named one by one in a refusal; the rest are counted


class Refused(Exception):
    """A file that will not be read, with the one line that says why."""


class RefusedCells(Refused):
    """A file refused for what some of its cells hold: ``problems`` are (sheet, cell, value, expected)."""

    def __init__(self, message: str, problems: list[tuple[str, str, str, str]]):
        super().__init__(message)
        self.problems = problems

    def __reduce__(self):  # crosses a process boundary (``importers.isolation``)
        return (RefusedCells, (str(self), self.problems))


@dataclass(frozen=True)
class FormulaCell:
    sheet: str
    cell: str  # A1 reference ("" when the file leaves it out)
    formula: str

    @property
    def column(self) -> str:
        return self.cell.rstrip("0123456789")

    @property
    def row(self) -> int:
        digits = self.cell[len(self.column) :]
        return int(digits) if digits else 0


# Where a formula that is not a cell's sits, and how to take it away: (what it is, where Excel keeps it).
PLACES = {
    "conditional formatting": "Home ▸ Conditional Formatting ▸ Manage Rules",
    "data validation": "Data ▸ Data Validation",
    "sparkline": "Sparkline ▸ Edit Data",
    "table column": "the table's column formula",
    "defined name": "Formulas ▸ Name Manager",
    "named expression": "Sheet ▸ Named Ranges and Expressions ▸ Manage",
    "validity rule": "Data ▸ Validity",
    "conditional style": "Format ▸ Conditional",
}
LINK_KINDS = {
    "dde": "a DDE link asking another program for data",
    "ole": "a link to an object of another program",
    "workbook": "a link to another workbook",
}


@dataclass
class Findings:
    """What the scans found, across the archive's parts."""

    sheets: dict = field(default_factory=dict)  # worksheet part name -> sheet name
    indexes: dict = field(default_factory=dict)  # "1" of a formula's [1] -> external link part name
    reaching: list = field(default_factory=list)  # FormulaCell of a cell whose formula reaches out
    rules: list = field(default_factory=list)  # (sheet, where, formula, place) of other formulas reaching out
    unsaved: list = field(default_factory=list)  # FormulaCell
    link_parts: dict = field(default_factory=dict)  # part -> (dde | ole | workbook, description)
    connections: list = field(default_factory=list)  # (part, what)
    outside: list = field(default_factory=list)  # (part, what, target) of other things reaching outside
    spreadsheet: bool = False  # an .ods: its formulas are OpenFormula

    def cell(self, sheet: str, cell: str, formula: str, saved: bool) -> None:
        """A cell's formula: kept when it reaches out, or when it has no saved result."""
        if self.judge(formula)[0] is not None:
            self.reaching.append(FormulaCell(sheet, cell, formula))
        elif not saved and len(self.unsaved) <= MAX_UNSAVED:
            self.unsaved.append(FormulaCell(sheet, cell, formula))

    def rule(self, sheet: str, where: str, formula: str, place: str) -> None:
        """A formula outside the cells (a rule, a validation, a name): kept when it reaches out."""
        if formula.strip() and self.judge(formula)[0] is not None:
            self.rules.append((sheet, where, formula, place))

    def judge(self, formula: str) -> tuple[str | None, str]:
        if self.spreadsheet:
            return classify_ods(formula)
        return classify(formula, self.indexes, self.link_parts)

    def raise_if_reaching_out(self) -> None:
        problems = []
        for cell in self.reaching[:MAX_NAMED]:
            problems.append((cell.sheet, cell.cell, "=" + cell.formula[:200], self._expected(cell.formula)))
        for sheet, where, formula, place in self.rules[:MAX_NAMED]:  # a name or a table: where it is, alone
            problems.append(
                (sheet, where, "=" + formula[:200], self._expected_of(formula, place))
                if sheet
                else (where, "", "=" + formula[:200], self._expected_of(formula, place))
            )
        more = max(len(self.reaching) - MAX_NAMED, 0) + max(len(self.rules) - MAX_NAMED, 0)
        if more:
            problems.append(("", "", "", f"… and {more:,} more formulas reaching outside the workbook"))
        for part, (kind, description) in self.link_parts.items():
            detail = f"{description}, in {part}" if description else f"in {part}"
            problems.append(
                (
                    "",
                    "",
                    "",
                    (
                        f"the workbook holds {LINK_KINDS[kind]} ({detail}); break the link "
                        "(Data ▸ Edit Links ▸ Break Link, which keeps the values) and upload it "
                        "again"
                    ),
                )
            )
        if self.connections:
            named = ", ".join(f"{what}, in {part}" for part, what in self.connections[:5])
            problems.append(
                (
                    "",
                    "",
                    "",
                    (
                        f"the workbook holds data connections to outside sources ({named}); "
                        "remove them (Data ▸ Queries & Connections) and upload it again"
                    ),
                )
            )
        for part, what, target in self.outside[:MAX_NAMED]:
            problems.append(
                (
                    "",
                    "",
                    "",
                    (
                        f"the workbook holds {what} ({target[:200]}, in {part}), which reaches "
                        "outside the file; remove it and upload it again"
                    ),
                )
            )
        if problems:
            raise RefusedCells("the workbook reaches outside itself", problems)
        if len(self.unsaved) > MAX_UNSAVED:
            raise Refused(
                f"the workbook has more than {MAX_UNSAVED:,} formulas without a saved result; open it in "
                "Excel or LibreOffice, save it, and upload it again"
            )

    def _expected(self, formula: str) -> str:
        reach, detail = self.judge(formula)
        if reach == "dde":
            return "a value, not a DDE formula asking another program for data; paste the cells as values"
        if reach == "outside":
            return f"a value, not a formula fetching data from outside the workbook ({detail}); paste the cells as values"
        return (
            f"a value, not a formula reading another workbook{f' ({detail})' if detail else ''}; paste the "
            "cells as values, or break the link (Data ▸ Edit Links ▸ Break Link)"
        )

    def _expected_of(self, formula: str, place: str) -> str:
        reach, detail = self.judge(formula)
        what = {
            "dde": "asking another program for data (DDE)",
            "outside": f"fetching data from outside the workbook ({detail})",
        }.get(reach or "", f"reading another workbook{f' ({detail})' if detail else ''}")
        return f"a {place} that stays inside the workbook, not one {what}; remove it ({PLACES[place]}) and upload it again"


_STRING = re.compile(r'"(?:[^"]|"")*"')
_INDEX = re.compile(r"(?<![A-Za-z0-9_.\]])'?\[(\d+)\]")
_BOOK = re.compile(r"\[[^\[\]]*\.(?:xl[a-z]{0,2}|ods|csv)\]", re.IGNORECASE)
_PATH = re.compile(r"'?(?:[A-Za-z]:\\|\\\\|(?:https?|file|ftp)://)", re.IGNORECASE)
FETCHING = r"WEBSERVICE|FILTERXML|RTD|IMAGE|STOCKHISTORY|CALL|REGISTER\.ID|REGISTER|SQL\.REQUEST|DDE"
# Excel writes newer functions with a prefix (_xlfn.IMAGE, _xlfn._xlws.…).
_FETCH = re.compile(r"(?<![A-Za-z0-9_.])(?:_xl[a-z]+\.)*(" + FETCHING + r")\s*\(", re.IGNORECASE)
# OpenFormula prefixes functions it shares with Excel (COM.MICROSOFT.WEBSERVICE, ORG.OPENOFFICE.…).
_ODS_FETCH = re.compile(
    r"(?<![A-Za-z0-9_.])(?:[A-Za-z_][A-Za-z0-9_]*\.)*(" + FETCHING + r")\s*\(", re.IGNORECASE
)
# Another file in OpenFormula: 'file:///C:/rates.ods'#$Sheet1.A1
_ODS_SOURCE = re.compile(r"'((?:[^']|'')*)'\s*#")


def classify(
    formula: str, indexes: dict | None = None, link_parts: dict | None = None
) -> tuple[str | None, str]:
    """How an Excel formula reaches outside the workbook (``workbook``, ``dde``, ``outside``) and what it
    names; None for a formula that stays inside."""
    code = _STRING.sub('""', formula)
    if "|" in code:
        return "dde", ""
    fetch = _FETCH.search(code)
    if fetch:
        name = fetch.group(1).upper()
        return ("dde", "") if name == "DDE" else ("outside", name)
    index = _INDEX.search(code)
    if index:
        part = (indexes or {}).get(index.group(1))
        kind, description = (link_parts or {}).get(part, ("workbook", ""))
        return ("dde" if kind == "dde" else "workbook"), description
    book = _BOOK.search(code)
    if book or _PATH.search(code):
        return "workbook", (book.group(0) if book else "")
    return None, ""


def classify_ods(formula: str) -> tuple[str | None, str]:
    """The same for an OpenDocument formula (``of:=…``), condition or named expression."""
    code = _STRING.sub('""', formula)
    fetch = _ODS_FETCH.search(code)
    if fetch:
        name = fetch.group(1).upper()
        return ("dde", "") if name == "DDE" else ("outside", name)
    source = _ODS_SOURCE.search(code)
    if source:
        return "workbook", source.group(1).replace("''", "'")[:200]
    return None, ""


def is_outside(target: str) -> bool:
    """Whether a link target (a relationship's or an ``xlink:href``) points outside the archive: a scheme
    (``http:``, ``file:``), a drive or a network path, or a path climbing out of it."""
    target = target.strip()
    return bool(re.match(r"[A-Za-z][A-Za-z0-9+.-]*:|[\\/]{2}|\.\./", target)) or target.startswith("\\")
