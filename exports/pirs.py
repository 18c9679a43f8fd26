"""The Performance Indicator Reference Sheets workbook: a Contents sheet, then one sheet per indicator laid out
as USAID's PIRS (ADS 201), each printable on one page. Layout only: the data come from ``indicators.pirs``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from openpyxl.styles import Alignment
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink

from exports import _xlsx as x

if TYPE_CHECKING:  # the sheets' dataclasses, for the annotations only: this module takes plain data
    from indicators.pirs import ReferenceSheet, ReferenceSheets

WIDTHS = [30, 16, 16, 16, 16, 16, 16]
LAST = len(WIDTHS)
NOT_RECORDED = "Not recorded"


def render(sheets: ReferenceSheets, **_options) -> bytes:
    wb = x.new_workbook(f"PIRS {sheets.programme_code}")
    write_contents(wb, sheets)
    for sheet in sheets.sheets:
        write_sheet(wb, sheets, sheet)
    return x.to_bytes(wb)


def write_contents(wb: Workbook, sheets: ReferenceSheets) -> None:
    ws = wb.create_sheet("Contents")
    x.widths(ws, [14, 80, 18])
    x.text(ws.cell(1, 1), "Performance Indicator Reference Sheets", font=x.TITLE, alignment=Alignment(vertical="center"))
    ws.row_dimensions[1].height = 24
    x.text(ws.cell(2, 1), f"{sheets.programme_code} · {sheets.programme_title}", font=x.SUBTITLE,
           alignment=Alignment(vertical="top"))
    x.text(ws.cell(3, 1), "Donor", font=x.BOLD)
    x.text(ws.cell(3, 2), sheets.donor)
    x.text(ws.cell(4, 1), "Award number", font=x.BOLD)
    x.text(ws.cell(4, 2), sheets.award_number or NOT_RECORDED)
    x.text(ws.cell(5, 1), "Prepared (UTC)", font=x.BOLD)
    x.when(ws.cell(5, 2), sheets.prepared)
    header = 7
    x.header_row(ws, header, ["Indicator", "Name", "Standard indicator"], height=18)
    row = header + 1
    for sheet in sheets.sheets:
        x.text(ws.cell(row, 1), sheet.code)
        ws.cell(row, 1).hyperlink = Hyperlink(ref=ws.cell(row, 1).coordinate, location=f"'{sheet.code}'!A1",
                                              display=sheet.code)
        x.text(ws.cell(row, 2), sheet.name)
        x.text(ws.cell(row, 3), sheet.standard_indicator or "–")
        x.grid(ws, row, 1, 3)
        x.fit_row(ws, row, [14, 80, 18])
        row += 1
    ws.freeze_panes = f"A{header + 1}"
    x.print_setup(ws, title_rows=f"{header}:{header}", footer=f"{sheets.programme_code} · PIRS · Contents",
                  landscape=False)


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
    row = 4
    row = _section(ws, row, "Description", [
        ("Standard indicator", s.standard_indicator or "None"),
        ("Precise definition", s.definition),
        ("Unit of measure", s.unit),
        ("Calculation", s.calculation),
        ("Disaggregated by", s.disaggregation),
        ("Rationale", s.rationale),
    ])
    row = _section(ws, row, "Plan for data collection", [
        ("Data source", s.data_source),
        ("Method of collection", s.collection_method),
        ("Frequency and timing", s.frequency),
        ("Responsible", s.responsible),
    ])
    row = _section(ws, row, "Data quality", [
        ("Last assessment", f"{s.last_assessment.day} {s.last_assessment:%B %Y}" if s.last_assessment
         else "Not yet assessed"),
        ("Known limitations", s.limitations),
        ("Mitigation", s.mitigation),
    ])
    row = _targets(ws, row, s)
    _changes(ws, row, s)
    x.print_setup(ws, title_rows=None, footer=f"{sheets.programme_code} · PIRS · {s.code}", landscape=False)
    ws.page_setup.fitToHeight = 1  # one page per indicator


def _section(ws, row: int, title: str, facts: list[tuple[str, str | None]]) -> int:
    x.text(ws.cell(row, 1), title, font=x.HEADER, alignment=Alignment(vertical="center"))
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=LAST)
    x.grid(ws, row, 1, LAST, fill=x.HEADER_FILL)
    row += 1
    for label, value in facts:
        x.text(ws.cell(row, 1), label, font=x.BOLD)
        x.text(ws.cell(row, 2), value or NOT_RECORDED)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=LAST)
        x.grid(ws, row, 1, LAST)
        x.fit_row(ws, row, [WIDTHS[0], sum(WIDTHS[1:])])
        row += 1
    return row + 1


def _targets(ws, row: int, s: ReferenceSheet) -> int:
    x.text(ws.cell(row, 1), "Baseline and targets", font=x.HEADER, alignment=Alignment(vertical="center"))
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=LAST)
    x.grid(ws, row, 1, LAST, fill=x.HEADER_FILL)
    row += 1
    x.text(ws.cell(row, 1), "Baseline", font=x.BOLD)
    x.number(ws.cell(row, 2), s.baseline, s.unit_key)
    x.text(ws.cell(row, 3), "as of", font=x.BOLD, alignment=Alignment(horizontal="right", vertical="top"))
    x.when(ws.cell(row, 4), s.baseline_date)
    if s.baseline_date is None:
        x.text(ws.cell(row, 4), NOT_RECORDED)
    x.grid(ws, row, 1, LAST)
    row += 1
    periods = [period for period, _ in s.targets] or ["–"]
    x.text(ws.cell(row, 1), "Targets", font=x.BOLD)
    for col, period in enumerate(periods[: LAST - 1], start=2):
        x.text(ws.cell(row, col), period, font=x.BOLD, alignment=x.WRAP_CENTER)
    x.grid(ws, row, 1, LAST, fill=x.BAND_FILL)
    row += 1
    x.text(ws.cell(row, 1), "Value", font=x.BOLD)
    for col, (_period, value) in enumerate(s.targets[: LAST - 1], start=2):
        x.number(ws.cell(row, col), value, s.unit_key)
    x.grid(ws, row, 1, LAST)
    row += 1
    x.text(ws.cell(row, 1), "Rationale for the targets", font=x.BOLD)
    x.text(ws.cell(row, 2), s.target_rationale or NOT_RECORDED)
    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=LAST)
    x.grid(ws, row, 1, LAST)
    x.fit_row(ws, row, [WIDTHS[0], sum(WIDTHS[1:])])
    return row + 2


def _changes(ws, row: int, s: ReferenceSheet) -> int:
    x.text(ws.cell(row, 1), "Change log", font=x.HEADER, alignment=Alignment(vertical="center"))
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=LAST)
    x.grid(ws, row, 1, LAST, fill=x.HEADER_FILL)
    row += 1
    if not s.changes:
        x.text(ws.cell(row, 1), "No change since the indicator was defined.", font=x.NOTE,
               alignment=Alignment(vertical="top"))
        return row + 1
    columns = [WIDTHS[0], WIDTHS[1] + WIDTHS[2] + WIDTHS[3], 0, 0, WIDTHS[4], WIDTHS[5] + WIDTHS[6], 0]
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
