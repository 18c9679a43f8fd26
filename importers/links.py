"""Formulas and links that reach outside a workbook, and formulas with no saved result, found while the
archive is streamed (``importers.safety``), before any spreadsheet reader runs.

- A formula reading another workbook (``[1]Rates!B2``, ``'C:\\Budget\\[Rates.xlsx]Sheet1'!A1``), a DDE formula
  (``cmd|'/c calc'!A0``, or ``[2]!…`` through a DDE link part) or one fetching data from outside
  (``WEBSERVICE``, ``RTD``, ``CALL``, ``REGISTER``) refuses the upload, naming each cell: its value would
  come from elsewhere, and whoever opens the kept copy would be asked to run or fetch it. External link
  parts, DDE and OLE links and data connections refuse it too (``Data ▸ Edit Links ▸ Break Link`` replaces
  such formulas by their values), so no kept copy ever holds one.
- A formula whose result was never saved (a workbook written by a program that does not calculate) would
  reach the importer as an empty cell: the pipeline refuses those in the columns it reads, naming them.
String literals inside formulas (``"a|b"``) are not mistaken for links.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

MAX_UNSAVED = 20_000
MAX_NAMED = 200  # cells named one by one in a refusal; the rest are counted
_PART_LIMIT = 1024 * 1024  # link, connection and workbook parts are small; more is not read


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
        digits = self.cell[len(self.column):]
        return int(digits) if digits else 0


@dataclass
class Findings:
    """What the scanners found, across the archive's parts."""

    sheets: dict  # worksheet part name -> sheet name (and "#links": external link part per [n])
    reaching: list = field(default_factory=list)  # FormulaCell
    unsaved: list = field(default_factory=list)  # FormulaCell
    link_parts: dict = field(default_factory=dict)  # part name -> ("workbook" | "dde" | "ole", description)
    connections: list = field(default_factory=list)

    def raise_if_reaching_out(self) -> None:
        problems = []
        for cell in self.reaching[:MAX_NAMED]:
            problems.append((cell.sheet, cell.cell, "=" + cell.formula[:200], self._expected(cell.formula)))
        if len(self.reaching) > MAX_NAMED:
            problems.append(("", "", "", f"… and {len(self.reaching) - MAX_NAMED:,} more cells with such formulas"))
        for kind, description in self.link_parts.values():
            what = {"dde": "a DDE link asking another program for data",
                    "ole": "a link to an object of another program"}.get(kind, "a link to another workbook")
            problems.append(("", "", "", f"the workbook holds {what} ({description}); break the link (Data ▸ Edit "
                                         "Links ▸ Break Link, which keeps the values) and upload it again"))
        if self.connections:
            problems.append(("", "", "", "the workbook holds data connections to outside sources "
                                         f"({', '.join(self.connections[:5])}); remove them (Data ▸ Queries & "
                                         "Connections) and upload it again"))
        if problems:
            raise RefusedCells("the workbook reaches outside itself", problems)
        if len(self.unsaved) > MAX_UNSAVED:
            raise Refused(f"the workbook has more than {MAX_UNSAVED:,} formulas without a saved result; open it in "
                          "Excel or LibreOffice, save it, and upload it again")

    def _expected(self, formula: str) -> str:
        reach, detail = classify(formula, self.sheets.get("#links", {}), self.link_parts)
        if reach == "dde":
            return "a value, not a DDE formula asking another program for data; paste the cells as values"
        if reach == "outside":
            return f"a value, not a formula fetching data from outside the workbook ({detail}); paste the cells as values"
        return (f"a value, not a formula reading another workbook{f' ({detail})' if detail else ''}; paste the "
                "cells as values, or break the link (Data ▸ Edit Links ▸ Break Link)")


_STRING = re.compile(r'"(?:[^"]|"")*"')
_INDEX = re.compile(r"(?<![A-Za-z0-9_.\]])'?\[(\d+)\]")
_BOOK = re.compile(r"\[[^\[\]]*\.(?:xl[a-z]{0,2}|ods|csv)\]", re.I)
_PATH = re.compile(r"'?(?:[A-Za-z]:\\|\\\\|(?:https?|file|ftp)://)", re.I)
_FETCH = re.compile(r"(?<![A-Za-z0-9_.])(?:_xlfn\.)?(WEBSERVICE|RTD|CALL|REGISTER\.ID|REGISTER|SQL\.REQUEST|DDE)\s*\(",
                    re.I)


def classify(formula: str, indexes: dict | None = None, link_parts: dict | None = None) -> tuple[str | None, str]:
    """How a formula reaches outside the workbook (``workbook``, ``dde``, ``outside``) and what it names; None
    for a formula that stays inside."""
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


def sheet_parts(archive, names: set[str]) -> dict:
    """Worksheet part name -> sheet name, from the workbook and its relationships; and under ``#links`` the
    external link part each ``[n]`` of a formula stands for."""
    def read(name: str) -> str:
        if name not in names or archive.getinfo(name).file_size > _PART_LIMIT:
            return ""
        return archive.read(name).decode("utf-8", "replace")

    targets = {}
    for rel in re.finditer(r"<Relationship\b[^>]*>", read("xl/_rels/workbook.xml.rels")):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', rel.group(0)))
        target = attrs.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[attrs.get("Id")] = target
    workbook = read("xl/workbook.xml")
    found: dict = {}
    for sheet in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", workbook):
        attrs = dict(re.findall(r'([\w:]+)="([^"]*)"', sheet.group(0)))
        part = targets.get(attrs.get("r:id") or next((v for k, v in attrs.items() if k.endswith(":id")), None))
        if part:
            found[part] = html.unescape(attrs.get("name", ""))
    references = re.findall(r'<(?:\w+:)?externalReference\b[^>]*?(?:r|\w+):id="([^"]+)"', workbook)
    found["#links"] = {str(n): targets.get(rid) for n, rid in enumerate(references, start=1)}
    return found


_CELL_START = re.compile(rb"<(?:[A-Za-z]+:)?c[\s>]")
_FORMULA = re.compile(rb"<(?:[A-Za-z]+:)?f[\s>/]")
_F_ELEMENT = re.compile(rb"<(?:[A-Za-z]+:)?f\b([^>]*?)(?:/>|>(.*?)</(?:[A-Za-z]+:)?f>)", re.S)
_REF = re.compile(rb'\sr="([A-Z]{1,3}[0-9]{1,7})"')
_VALUE = re.compile(rb"<(?:[A-Za-z]+:)?(?:v>[^<]|is>)")
_SHARED = re.compile(rb'\bsi="(\d+)"')


class FormulaScanner:
    """The formula cells of one worksheet part, read from complete cells only (a cell cut by a chunk's end
    waits for the next chunk)."""

    def __init__(self, part: str, findings: Findings):
        self.sheet = findings.sheets.get(part, part.rsplit("/", 1)[-1])
        self.findings = findings
        self.pending = b""
        self.shared: dict[bytes, str] = {}  # a shared formula's text, from its first cell
        self.prefixed: bool | None = None  # <x:f> rather than <f>, known from the first chunk

    def feed(self, chunk: bytes) -> None:
        if self.prefixed is None:
            self.prefixed = re.search(rb"<[A-Za-z]+:worksheet\b", chunk[:4096]) is not None
        text = self.pending + chunk
        cut = text.rfind(b":c>" if self.prefixed else b"</c>")
        if cut < 0:
            self.pending = text[-65536:]
            return
        cut = text.index(b">", cut) + 1
        self.pending = text[cut:]
        # A plain search first: most chunks hold no formula, and a regular expression is ten times slower.
        if text.find(b":f" if self.prefixed else b"<f", 0, cut) < 0:
            return
        for match in _FORMULA.finditer(text, 0, cut):
            start = max((m.start() for m in _CELL_START.finditer(text, max(0, match.start() - 4096),
                                                                  match.start())), default=-1)
            end = text.find(b"c>", match.end(), cut)
            if start < 0 or end < 0:
                continue
            self._cell(text[start:end + 2])

    def _cell(self, cell: bytes) -> None:
        element = _F_ELEMENT.search(cell)
        if element is None:
            return
        attrs, body = element.group(1), element.group(2) or b""
        shared = _SHARED.search(attrs)
        formula = html.unescape(body.decode("utf-8", "replace"))
        if shared and formula:
            self.shared[shared.group(1)] = formula
        elif shared:
            formula = self.shared.get(shared.group(1), "")
        ref = _REF.search(cell[: cell.find(b">")])
        found = FormulaCell(self.sheet, ref.group(1).decode() if ref else "", formula)
        if classify(formula)[0] is not None:
            self.findings.reaching.append(found)
        elif not _VALUE.search(cell, element.end()) and len(self.findings.unsaved) <= MAX_UNSAVED:
            self.findings.unsaved.append(found)

    def close(self) -> None:
        self.pending = b""


class _PartScanner:
    """A small part read whole (up to ``_PART_LIMIT``), then judged."""

    def __init__(self, name: str, findings: Findings, judge):
        self.name, self.findings, self.judge, self.data = name, findings, judge, b""

    def feed(self, chunk: bytes) -> None:
        if len(self.data) < _PART_LIMIT:
            self.data += chunk[: _PART_LIMIT - len(self.data)]

    def close(self) -> None:
        self.judge(self.name, self.data.decode("utf-8", "replace"), self.findings)


def _external_link(name: str, text: str, findings: Findings) -> None:
    dde = re.search(r'<(?:\w+:)?ddeLink\b[^>]*ddeService="([^"]*)"[^>]*ddeTopic="([^"]*)"', text)
    if dde:
        findings.link_parts[name] = ("dde", html.unescape(f"{dde.group(1)} {dde.group(2)}".strip()))
    elif re.search(r"<(?:\w+:)?oleLink\b", text):
        findings.link_parts[name] = ("ole", "an embedded program's object")
    else:
        findings.link_parts.setdefault(name, ("workbook", ""))


def _external_target(name: str, text: str, findings: Findings) -> None:
    part = name.replace("_rels/", "").removesuffix(".rels")
    target = re.search(r'Target="([^"]*)"', text)
    kind, _ = findings.link_parts.get(part, ("workbook", ""))
    if target and kind == "workbook":
        findings.link_parts[part] = ("workbook", html.unescape(target.group(1))[:200])


def _connections(name: str, text: str, findings: Findings) -> None:
    names = [html.unescape(n) for n in re.findall(r'<(?:\w+:)?connection\b[^>]*?\bname="([^"]*)"', text)]
    findings.connections.extend(names or ["unnamed"])


def part_scanner(name: str, findings: Findings):
    """A scanner for the parts that hold links or connections, or None."""
    if re.fullmatch(r"xl/externalLinks/externalLink\d+\.xml", name):
        return _PartScanner(name, findings, _external_link)
    if re.fullmatch(r"xl/externalLinks/_rels/externalLink\d+\.xml\.rels", name):
        return _PartScanner(name, findings, _external_target)
    if name == "xl/connections.xml":
        return _PartScanner(name, findings, _connections)
    return None


_ODS_REACH = re.compile(rb"<table:dde-source\b|<table:dde-link\b|<office:dde-source\b|"
                        rb"table:formula=\"[^\"]*(?:'(?:file|https?|ftp):|\bDDE\(|\bWEBSERVICE\()", re.I)


class OdsScanner:
    """DDE links and formulas reading other files in an .ods content part (named by the file, not the cell)."""

    def __init__(self, findings: Findings):
        self.findings, self.tail = findings, b""

    def feed(self, chunk: bytes) -> None:
        text = self.tail + chunk
        self.tail = text[-4096:]
        if _ODS_REACH.search(text):
            raise Refused("the spreadsheet holds DDE links or formulas reading other files; paste those cells as "
                          "values and upload it again")

    def close(self) -> None:
        pass
