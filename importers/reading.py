"""Reading an upload's sheets: the file checked and read (``importers.isolation``), each sheet's kind and
header found, its rows typed into batches, and a formula without a saved result in a column read made an
error. Whether the file holds case data is known from here on: it is then named "case sheet, <date>".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import TypeVar

from importers import isolation, safety, sheets
from importers.kinds import CASES, HTCDS_CASES, IDENTIFIER, KEYED, KINDS
from importers.matching import key
from importers.parse import to_batch
from importers.preview import sheet_preview
from importers.report import HIDDEN, ImportReport, Problem, SheetNote
from importers.safety import FileFormat
from importers.table import Batch
from indicators.access import pseudonyms
from indicators.i18n import N_, Message
from indicators.store.settings import Settings

Progress = Callable[[float, str], None]
T = TypeVar("T")

_CASE_HEADER_KEYS = frozenset(
    key(header)
    for layout in (CASES, HTCDS_CASES)
    for column in layout.columns
    if column.role in (IDENTIFIER, KEYED) or column.field in ("birth_date",)
    for header in column.headers
)


def checked_and_read(
    data: bytes,
    name: str,
    settings: Settings,
    isolated: bool,
    report: ImportReport,
    progress: Progress,
    then: Callable[[list[Batch]], T],
) -> tuple[FileFormat, list[Batch], bool, T]:
    """The file checked and read, its sheets typed into batches, and what ``then`` makes of the batches (it
    must write nothing: the importer checks the rows and plans the writes there). The typing and ``then``
    start while the check, which takes longer than the read, is still running, on a copy of the report:
    it counts only once the check has let the file through (a refused file's report stays as the refusal
    left it, and what ``then`` made is dropped)."""
    early: dict = {}

    def meanwhile(fmt, raw_sheets) -> None:
        scratch = replace(report, sheets=[], errors=[])
        early["report"] = scratch
        try:
            early["read"] = _read_sheets(raw_sheets, scratch, progress, csv=fmt.kind == "csv")
            early["then"] = then(early["read"][0])
        except Exception as exc:
            early["raised"] = exc
            raise

    try:
        fmt, raw_sheets = isolation.read(data, name, settings, isolated=isolated, meanwhile=meanwhile)
    except Exception as exc:
        # the typing's or the plan's own failure, raised once the check let the file through
        if exc is early.get("raised"):
            _take(report, early["report"])
        raise
    progress(0.1, "reading the workbook")
    if "then" in early:
        _take(report, early["report"])
        batches, sensitive, places = early["read"]
        made = early["then"]
    else:
        batches, sensitive, places = _read_sheets(raw_sheets, report, progress, csv=fmt.kind == "csv")
        made = then(batches)
    for raw, header, sensitive_then, named in places:
        report.errors.extend(_unsaved_formulas(raw, header, fmt.formulas, sensitive_then, named))
    return fmt, batches, sensitive, made


def _take(report: ImportReport, scratch: ImportReport) -> None:
    """What reading the sheets told ``scratch``: the sheets' notes, and whether the file holds case data."""
    report.sheets, report.case_data, report.filename = scratch.sheets, scratch.case_data, scratch.filename


def _read_sheets(
    raw_sheets, report: ImportReport, progress: Progress, csv: bool = False
) -> tuple[list[Batch], bool, list[tuple]]:
    """The sheets of known kinds typed into batches, whether the file holds case data, and where each batch's
    formulas are to be looked for (its raw sheet, header, whether the file was known to hold case data then,
    and the sheet's name in the workbook)."""
    batches: list[Batch] = []
    places: list[tuple] = []
    sensitive, case_sheets = False, 0
    for number, raw in enumerate(raw_sheets, start=1):
        progress(0.1 + 0.3 * number / max(len(raw_sheets), 1), f"reading sheet {raw.name}")
        reason = sheets.ignored_reason(raw)
        if reason is None:
            header = sheets.find_header(raw)
            if header is None:
                reason = N_("ignored: no header row of a known sheet kind in its first 10 rows")
                sensitive = sensitive or _mentions_case_data(raw)
        else:
            header = None
        if sensitive and not report.case_data:
            _holds_case_data(report)
        if header is None:
            report.sheets.append(SheetNote(raw.name, None, reason or N_("ignored")))
            continue
        named = raw.name
        if header.layout.sensitive:
            sensitive = True
            _holds_case_data(report)
            case_sheets += 1
            raw.name = _case_sheet_name(case_sheets)
        batch = to_batch(raw, header)
        places.append((raw, header, sensitive, named))
        notes = _sheet_notes(batch, header, number, csv)
        report.sheets.append(
            SheetNote(raw.name, header.layout.kind, notes, len(batch), sheet_preview(raw, header, batch))
        )
        batches.append(batch)
    if not batches:
        expected = "; ".join(f"{k}" for k in KINDS)
        raise safety.Refused(
            f"no sheet of a known kind was found (sheets with headers for: {expected}); "
            "the header row must be within the first 10 rows"
        )
    return batches, sensitive, places


def _counted(count: int, one: str, many: str, **values) -> Message:
    """A note with a count: English's singular for one, its plural otherwise (both marked)."""
    return Message(one if count == 1 else many, count=count, **values)


def _sheet_notes(batch: Batch, header, number: int, csv: bool) -> Message:
    """What the dry run says of a sheet read: its rows and header, the columns read only to recognise a case
    or never read, the submissions an edit replaced; one ``Message``, said in the reader's language."""
    notes = [
        _counted(
            len(batch),
            N_("{count} row, header in row {row}"),
            N_("{count} rows, header in row {row}"),
            row=batch.header_row,
        )
    ]
    if header.layout.variant == "htcds":
        notes.append(Message(N_("IOM HTCDS v2.0 layout")))
    if header.names:
        notes.append(
            _counted(
                header.names,
                N_(
                    "{count} name column read only to recognise the case (kept as a keyed pseudonym, never stored)"
                ),
                N_(
                    "{count} name columns read only to recognise the case (kept as a keyed pseudonym, never stored)"
                ),
            )
        )
    if header.identifiers:
        notes.append(
            _counted(
                len(header.identifiers),
                N_("{count} identifying column never read"),
                N_("{count} identifying columns never read"),
            )
        )
    if header.metadata:
        notes.append(
            _counted(
                header.metadata,
                N_("{count} KoboToolbox/ODK metadata column ignored"),
                N_("{count} KoboToolbox/ODK metadata columns ignored"),
            )
        )
    if batch.replaced:
        notes.append(
            _counted(
                batch.replaced,
                N_("{count} submission left out: an edit later in the export replaces it"),
                N_("{count} submissions left out: an edit later in the export replaces them"),
            )
        )
    if header.known_unused:
        notes.append(
            Message(
                N_("{count} HTCDS fields not needed for monitoring left unread"), count=header.known_unused
            )
        )
    if header.layout.sensitive and not csv:
        notes.append(
            Message(N_("sheet {number} of the workbook, its tab's name kept nowhere"), number=number)
        )
    joined = notes[-1]
    for note in reversed(notes[:-1]):
        joined = Message(N_("{first}; {rest}"), first=note, rest=joined)
    return joined


def _case_sheet_name(count: int) -> str:
    """What a case sheet is called in problems, provenance and notes: never its tab's name (a tab may be named
    after a person), nor a CSV file's name."""
    return "cases" if count == 1 else f"cases {count}"


def _holds_case_data(report: ImportReport) -> None:
    """From here on the upload is "case sheet, <date>" in its report, the store, the logs, the audit trail."""
    report.case_data = True
    report.filename = pseudonyms.case_upload_name(date.today())


def _unsaved_formulas(raw, header, unsaved, sensitive: bool, named: str) -> list[Problem]:
    """Formulas without a saved result in the columns read below the header (of the workbook's sheet
    ``named``): calamine sees an empty cell there, which must never become a blank value silently."""
    columns = set(header.letters.values())
    header_row = raw.top + header.row + 1  # 1-based, as cells are named
    problems = [
        Problem(
            raw.name,
            cell.cell,
            HIDDEN if sensitive else "=" + cell.formula[:200],
            "a value: the formula has no saved result (the workbook was written by a program that "
            "does not calculate); open it in Excel or LibreOffice, save it, and upload it again",
        )
        for cell in unsaved
        if cell.sheet == named and cell.column in columns and cell.row > header_row
    ]
    return sorted(problems, key=position)


def _mentions_case_data(raw) -> bool:
    for row in raw.rows[: sheets.HEADER_SEARCH_ROWS]:
        for cell in row:
            if isinstance(cell, str) and key(cell) in _CASE_HEADER_KEYS:
                return True
    return False


def position(problem: Problem) -> tuple[int, int, str]:
    """Problems in reading order: by row, then by column."""
    cell = problem.cell
    letters = cell.rstrip("0123456789")
    digits = cell[len(letters) :]
    return (int(digits) if digits else 0, len(letters), letters)
