"""The U.S. State Department workbook: the SF-PPR-B "Program Indicators" sheet beside the same IPTT sheets.

SF-PPR-B lists, per activity, four columns: activity number or label, activity description, indicator or
status, explanation. Here each logframe result is a bold label row and each indicator one row: its code,
its name and definition, its figures and status in words, and the programme manager's deviation narrative
as the explanation. The indicator table, disaggregation, activities and sources are the IPTT's own sheets.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment

from exports import _xlsx as x
from exports import iptt
from exports.options import DEFAULT, Options
from indicators.numbers import format_percent, format_value
from indicators.report import IndicatorRow, Report, day_in_words

SHEETS = (
    ("Cover", "programme, donor, reporting period, data as of, status key"),
    ("Program Indicators", "SF-PPR-B program indicators: each indicator's figures, status and explanation"),
    *iptt.SHEETS[1:],
)
PROGRAM_INDICATOR_HEADINGS = [
    "Activity number or label",
    "Activity description",
    "Indicator or status",
    "Explanation",
]
PROGRAM_INDICATOR_WIDTHS = [22, 52, 52, 60]


def render(report: Report, options: Options = DEFAULT) -> bytes:
    wb = x.new_workbook(f"SF-PPR-B {report.cover.programme_code} {report.cover.period_code}")
    iptt.write_cover(wb, report, title="Performance Progress Report (SF-PPR-B)", sheets=SHEETS)
    write_program_indicators(wb, report)
    iptt.write_indicators(wb, report)
    iptt.write_disaggregation(wb, report)
    iptt.write_activities(wb, report)
    iptt.write_sources(wb, report)
    return x.to_bytes(wb)


def write_program_indicators(wb: Workbook, report: Report) -> None:
    c = report.cover
    ws = wb.create_sheet("Program Indicators")
    columns = PROGRAM_INDICATOR_WIDTHS
    x.widths(ws, columns)
    x.text(ws.cell(1, 1), "SF-PPR-B Program Indicators", font=x.TITLE, alignment=Alignment(vertical="center"))
    ws.row_dimensions[1].height = 22
    block = [
        ("Federal agency", c.donor),
        ("Federal award number", c.award_number or "Not recorded"),
        ("Recipient organisation", c.implementer),
        ("Project", f"{c.programme_code} · {c.programme_title}"),
        (
            "Reporting period",
            (f"{c.period_label} (start {day_in_words(c.period_start)}, end {day_in_words(c.period_end)})"),
        ),
    ]
    row = 3
    for label, value in block:
        x.text(ws.cell(row, 1), label, font=x.BOLD)
        x.text(ws.cell(row, 2), value)
        x.fit_row(ws, row, columns)
        row += 1
    x.text(ws.cell(row, 1), "Report date (UTC)", font=x.BOLD)
    x.when(ws.cell(row, 2), c.prepared.date())
    row += 2

    header = row
    x.header_row(ws, header, PROGRAM_INDICATOR_HEADINGS, height=30)
    row += 1
    for group in report.results:
        x.text(ws.cell(row, 1), f"Result {group.code}", font=x.BOLD)
        x.text(ws.cell(row, 2), f"{group.level_name}: {group.statement}", font=x.BOLD)
        x.grid(ws, row, 1, len(columns), fill=x.RESULT_FILL)
        x.fit_row(ws, row, columns)
        row += 1
        for ind in group.indicators:
            x.text(
                ws.cell(row, 1), ind.code + (f"\n{ind.standard_indicator}" if ind.standard_indicator else "")
            )
            x.text(ws.cell(row, 2), description(ind))
            x.text(ws.cell(row, 3), indicator_status(report, ind))
            if ind.status is not None:
                ws.cell(row, 3).fill = x.status_fill(ind.status)
            x.text(ws.cell(row, 4), ind.narrative)
            x.grid(ws, row, 1, len(columns))
            x.fit_row(ws, row, columns)
            row += 1
    if not report.results:
        x.text(
            ws.cell(row, 1),
            "This programme has no indicators.",
            font=x.NOTE,
            alignment=Alignment(vertical="top"),
        )
    ws.freeze_panes = f"A{header + 1}"
    x.print_setup(ws, title_rows=f"{header}:{header}", footer=iptt.footer(report, "Program Indicators"))


def description(ind: IndicatorRow) -> str:
    return f"{ind.name}\n{ind.definition}" if ind.definition else ind.name


def indicator_status(report: Report, ind: IndicatorRow) -> str:
    """The figures in words: the quarter, the year to date and the life of project to date, and the status."""
    c = report.cover
    status = "Status: none, no target for the period"
    meaning = dict(report.status_key).get(ind.status) if ind.status else None
    if meaning:
        status = f"Status: {ind.status}. {meaning}"
    quarter = c.period_code.replace("Q", " Q")
    lines = [
        f"This quarter ({quarter}): {value_in_words(ind.quarter.actual, ind.unit)}",
        f"{c.year_code} to date: {_against(ind.year, ind.unit)}",
        f"Life of project to date: {_against(ind.lop, ind.unit)}",
    ]
    judged = ind.judged
    if judged is not None and judged.target_to_date is not None:
        basis = (
            "full target, a milestone"
            if ind.milestone
            else (
                "full target, a percentage"
                if ind.unit == "percent"
                else "pro-rated to the end of the quarter"
            )
        )
        lines.append(
            f"Target to date: {format_value(judged.target_to_date, ind.unit)} ({basis})"
            + (
                f"; {format_percent(judged.percent_of_target_to_date)} of it"
                if judged.percent_of_target_to_date is not None
                else ""
            )
        )
    return "\n".join(lines + [status])


def _against(figure, unit: str) -> str:
    actual = value_in_words(figure.actual, unit)
    if figure.target is None:
        return f"{actual} (no target)"
    share = f" ({format_percent(figure.percent_of_target)})" if figure.percent_of_target is not None else ""
    return f"{actual} of a target of {value_in_words(figure.target, unit)}{share}"


def value_in_words(value: float | None, unit: str) -> str:
    """A value as the workbook cells and the screens show it (``indicators.numbers``: 81.25 is 81.3%)."""
    if value is None:
        return "not measurable (nothing to divide by)" if unit == "percent" else "not available"
    return format_value(value, unit)
