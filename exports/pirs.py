"""The Performance Indicator Reference Sheets workbook: a Contents sheet, then one sheet per indicator laid out
as USAID's PIRS (ADS 201maf), each printable on one page, on Letter paper for a U.S. donor and A4 otherwise.
Layout only: the data come from ``indicators.reporting.pirs``. A field the programme file leaves out reads "Not yet set";
the values table has a row for every year of the programme, however many, then the life of project.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from openpyxl.styles import Alignment
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from exports import _xlsx as x
from exports.options import DEFAULT, Options

if TYPE_CHECKING:  # the sheets' dataclasses, for the annotations only: this module takes plain data
    from indicators.reference_sheets import ReferenceSheet, ReferenceSheets, Value

WIDTHS: list[float] = [30, 16, 16, 16, 16, 16, 16]
LAST = len(WIDTHS)
NOTES = 4  # the values table's Notes: columns D to G
NOT_RECORDED = "Not recorded"
NOT_SET = "Not yet set"
NOT_STANDARD = "Not a standard indicator"
# Donors whose paper is U.S. Letter; every other donor prints on A4.
US_DONORS = frozenset(
    {
        "usaid",
        "united states agency for international development",
        "u.s. department of state",
        "us department of state",
        "united states department of state",
    }
)


def render(sheets: ReferenceSheets, options: Options = DEFAULT) -> bytes:
    wb = x.new_workbook(f"PIRS {sheets.programme_code}")
    write_contents(wb, sheets)
    for sheet in sheets.sheets:
        write_sheet(wb, sheets, sheet)
    for ws in wb.worksheets:
        ws.page_setup.paperSize = paper_size(sheets.donor)
    return x.to_bytes(wb)


def paper_size(donor: str) -> int:
    """U.S. Letter for a U.S. Government donor (USAID, the State Department), A4 for anyone else."""
    letter = " ".join((donor or "").lower().split()) in US_DONORS
    return Worksheet.PAPERSIZE_LETTER if letter else Worksheet.PAPERSIZE_A4


def write_contents(wb: Workbook, sheets: ReferenceSheets) -> None:
    ws = wb.create_sheet("Contents")
    x.widths(ws, [14, 80, 18])
    x.text(
        ws.cell(1, 1),
        "Performance Indicator Reference Sheets",
        font=x.TITLE,
        alignment=Alignment(vertical="center"),
    )
    ws.row_dimensions[1].height = 24
    x.text(
        ws.cell(2, 1),
        f"{sheets.programme_code} · {sheets.programme_title}",
        font=x.SUBTITLE,
        alignment=Alignment(vertical="top"),
    )
    for row, (label, value) in enumerate(
        [
            ("Donor", sheets.donor),
            ("Award number", sheets.award_number or NOT_RECORDED),
            ("Actuals through", sheets.data_through or "No data yet"),
        ],
        start=3,
    ):
        x.text(ws.cell(row, 1), label, font=x.BOLD)
        x.text(ws.cell(row, 2), value)
    x.text(ws.cell(6, 1), "Prepared (UTC)", font=x.BOLD)
    x.when(ws.cell(6, 2), sheets.prepared)
    if sheets.small_cell:
        x.text(
            ws.cell(7, 2),
            f"Counts of fewer than {sheets.small_cell} victims read <{sheets.small_cell}, and a "
            "figure that would give one away reads *.",
            font=x.NOTE,
        )
    header = 8
    x.header_row(ws, header, ["Indicator", "Name", "Standard indicator"], height=18)
    row = header + 1
    for sheet in sheets.sheets:
        x.text(ws.cell(row, 1), sheet.code)
        ws.cell(row, 1).hyperlink = Hyperlink(
            ref=ws.cell(row, 1).coordinate, location=f"'{sheet.code}'!A1", display=sheet.code
        )
        x.text(ws.cell(row, 2), sheet.name)
        x.text(ws.cell(row, 3), sheet.standard_indicator or "–")
        x.grid(ws, row, 1, 3)
        x.fit_row(ws, row, [14, 80, 18])
        row += 1
    ws.freeze_panes = f"A{header + 1}"
    x.print_setup(
        ws,
        title_rows=f"{header}:{header}",
        footer=f"{sheets.programme_code} · PIRS · Contents",
        landscape=False,
    )


def write_sheet(wb: Workbook, sheets: ReferenceSheets, s: ReferenceSheet) -> None:
    ws = wb.create_sheet(s.code[:31])
    x.widths(ws, WIDTHS)
    x.text(ws.cell(1, 1), f"{s.code} · {s.name}", font=x.TITLE, alignment=x.WRAP_TOP)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=LAST)
    x.fit_row(ws, 1, [sum(WIDTHS)])
    ws.row_dimensions[1].height = max(ws.row_dimensions[1].height or 0, 36)
    x.text(ws.cell(2, 1), f"{sheets.programme_code} · {s.result}", font=x.SUBTITLE, alignment=x.WRAP_TOP)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=LAST)
    x.fit_row(ws, 2, [sum(WIDTHS) * 0.9])
    row = _section(
        ws,
        4,
        "Description",
        [
            ("Indicator type", s.indicator_type),
            ("Standard indicator", s.standard_indicator or NOT_STANDARD),
            ("PPR indicator", None if s.ppr_indicator is None else ("Yes" if s.ppr_indicator else "No")),
            ("Precise definition", s.definition),
            ("Unit of measure", s.unit),
            ("Calculation", s.calculation),
            ("Disaggregated by", s.disaggregation or "Not disaggregated"),
            ("Direction of change", s.direction_of_change),
            ("Rationale", s.rationale),
        ],
    )
    row = _section(
        ws,
        row,
        "Plan for data collection",
        [
            ("Data source", s.data_source),
            ("Method of collection", s.collection_method),
            ("Frequency and timing", s.frequency),
            ("Responsible", s.responsible),
            ("Data storage", s.data_storage),
        ],
    )
    row = _section(
        ws,
        row,
        "Data quality",
        [
            ("Last assessment", _day(s.last_assessment) or "Not yet assessed"),
            ("Next assessment", _day(s.next_assessment)),
            ("Reviewer", s.reviewer),
            ("Known limitations", s.limitations),
            ("Mitigation", s.mitigation),
        ],
    )
    row = _values(ws, row, s, sheets.data_through)
    row = _changes(ws, row, s)
    _section(ws, row + 1, "Other notes", [("Notes", s.notes), ("Last updated", _day(s.last_updated))])
    x.print_setup(ws, title_rows=None, footer=f"{sheets.programme_code} · PIRS · {s.code}", landscape=False)
    ws.page_setup.fitToHeight = 1  # one page per indicator


def _day(value: date | None) -> str | None:
    return f"{value.day} {value:%B %Y}" if value else None


def _heading(ws, row: int, title: str) -> int:
    x.text(ws.cell(row, 1), title, font=x.HEADER, alignment=Alignment(vertical="center"))
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=LAST)
    x.grid(ws, row, 1, LAST, fill=x.HEADER_FILL)
    return row + 1


def _section(ws, row: int, title: str, facts: list[tuple[str, str | None]]) -> int:
    row = _heading(ws, row, title)
    for label, value in facts:
        _fact(ws, row, label, value)
        row += 1
    return row + 1


def _fact(ws, row: int, label: str, value: str | None) -> None:
    x.text(ws.cell(row, 1), label, font=x.BOLD)
    x.text(ws.cell(row, 2), value or NOT_SET)
    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=LAST)
    x.grid(ws, row, 1, LAST)
    x.fit_row(ws, row, [WIDTHS[0], sum(WIDTHS[1:])])


def _values(ws, row: int, s: ReferenceSheet, data_through: str | None) -> int:
    """Baseline, then target, actual and notes for every year and the life of project."""
    row = _heading(ws, row, "Baseline, targets and actuals")
    for col, label in ((1, "Period"), (2, "Target"), (3, "Actual"), (NOTES, "Notes")):
        x.text(ws.cell(row, col), label, font=x.BOLD, alignment=x.WRAP_CENTER if col > 1 else x.WRAP_TOP)
    ws.merge_cells(start_row=row, start_column=NOTES, end_row=row, end_column=LAST)
    x.grid(ws, row, 1, LAST, fill=x.BAND_FILL)
    row += 1
    x.text(ws.cell(row, 1), "Baseline", font=x.BOLD)
    x.number(ws.cell(row, 3), s.baseline, s.unit_key)
    if s.baseline is None:
        x.text(ws.cell(row, 3), NOT_SET, alignment=x.NUMBER_ALIGN)
    _notes(
        ws,
        row,
        [f"As of {_day(s.baseline_date)}" if s.baseline_date else f"Baseline date: {NOT_SET.lower()}"],
    )
    row += 1
    for value in s.values:
        x.text(ws.cell(row, 1), value.period, font=x.BOLD)
        x.number(ws.cell(row, 2), value.target, s.unit_key)
        if value.withheld:
            x.text(ws.cell(row, 3), value.withheld, alignment=x.NUMBER_ALIGN)
        elif value.actual is not None:
            x.number(ws.cell(row, 3), value.actual, s.unit_key)
        else:
            x.text(ws.cell(row, 3), "–", alignment=x.NUMBER_ALIGN)
        _notes(ws, row, value_notes(value, data_through))
        row += 1
    _fact(ws, row, "Rationale for the targets", s.target_rationale)
    return row + 2


def _notes(ws, row: int, lines: list[str]) -> None:
    x.text(ws.cell(row, NOTES), "\n".join(lines) or None)
    ws.merge_cells(start_row=row, start_column=NOTES, end_row=row, end_column=LAST)
    x.grid(ws, row, 1, LAST)
    x.fit_row(ws, row, [*WIDTHS[: NOTES - 1], sum(WIDTHS[NOTES - 1 :])])


def value_notes(value: Value, data_through: str | None) -> list[str]:
    """What the Notes column says of a year or the life of project: how far its actual reaches, why one is
    withheld or missing, then the period's deviation narratives."""
    if value.through is None:
        return [
            f"Not yet reported: the data reach {data_through}."
            if data_through
            else "Not yet reported: no data yet."
        ]
    lines = [] if value.complete else [f"To date, through {value.through}."]
    if value.withheld and value.withheld.startswith("<"):
        lines.append(
            f"Withheld: fewer than {value.withheld[1:]} victims (small counts of victims are not published)."
        )
    elif value.withheld:
        lines.append(
            "Withheld so that a small count of victims cannot be worked out from the figures published "
            "with it."
        )
    elif value.actual is None:
        lines.append("No figure: nothing counted to compute it from.")
    return lines + list(value.narratives)


def _changes(ws, row: int, s: ReferenceSheet) -> int:
    row = _heading(ws, row, "Change log")
    if not s.changes:
        x.text(
            ws.cell(row, 1),
            "No change since the indicator was defined.",
            font=x.NOTE,
            alignment=Alignment(vertical="top"),
        )
        return row + 1
    columns: list[float] = [
        WIDTHS[0],
        WIDTHS[1] + WIDTHS[2] + WIDTHS[3],
        0,
        0,
        WIDTHS[4],
        WIDTHS[5] + WIDTHS[6],
        0,
    ]
    for label, col in (("When (UTC) · who", 1), ("What changed", 2), ("Why", 5), ("Comment", 6)):
        x.text(ws.cell(row, col), label, font=x.BOLD)
    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
    ws.merge_cells(start_row=row, start_column=6, end_row=row, end_column=7)
    x.grid(ws, row, 1, LAST, fill=x.BAND_FILL)
    row += 1
    for change in s.changes:
        x.text(ws.cell(row, 1), f"{change.when:%Y-%m-%d %H:%M} · {change.who}")
        x.text(ws.cell(row, 2), change.what)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
        x.text(ws.cell(row, 5), change.reason)
        x.text(ws.cell(row, 6), change.comment)
        ws.merge_cells(start_row=row, start_column=6, end_row=row, end_column=7)
        x.grid(ws, row, 1, LAST)
        x.fit_row(ws, row, columns)
        row += 1
    return row
