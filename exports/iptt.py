"""The USAID Indicator Performance Tracking Table workbook: Cover, Indicators, Disaggregation, Activities,
Sources.

Layout only: every number comes from the report data (``indicators.report``), which comes from the figures.
The sheet writers here are reused by the State Department workbook (``exports.ppr``).
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from exports import _xlsx as x
from exports.options import DEFAULT, Options
from indicators.report import Cover, IndicatorRow, Report, Revision, day_in_words
from indicators.status import TARGET_TO_DATE

SHEETS = (
    ("Cover", "programme, donor, reporting period, data as of, status key"),
    ("Indicators", "the indicator performance tracking table, grouped by result"),
    ("Disaggregation", "each indicator by disaggregation category: quarter, year to date, life of project"),
    ("Activities", "the quarter's trainings, awareness events, meetings, policy and research steps"),
    (
        "Sources",
        "the uploads the figures were computed from: when, which sheet kinds, how many rows, SHA-256",
    ),
)

INDICATOR_WIDTHS = [10, 44, 12, 9, 9, 9, 9, 9, 9, 9, 10, 9, 9, 10, 9, 10, 10, 11, 44]
INDICATOR_HEADER_ROW = 5
TOP = Alignment(vertical="top")


def render(report: Report, options: Options = DEFAULT) -> bytes:
    wb = x.new_workbook(f"IPTT {report.cover.programme_code} {report.cover.period_code}")
    write_cover(wb, report, title="Indicator Performance Tracking Table", sheets=SHEETS)
    write_indicators(wb, report)
    write_disaggregation(wb, report)
    write_activities(wb, report)
    write_sources(wb, report)
    return x.to_bytes(wb)


def footer(report: Report, what: str) -> str:
    return f"{report.cover.programme_code} · {what} · {report.cover.period_code}"


def _titles(ws: Worksheet, report: Report, title: str) -> None:
    c = report.cover
    x.text(ws.cell(1, 1), title, font=x.TITLE, alignment=Alignment(vertical="center"))
    x.text(ws.cell(2, 1), f"{c.programme_code} · {c.programme_title}", font=x.SUBTITLE, alignment=TOP)
    data_as_of = f"{c.data_as_of:%d %B %Y %H:%M} UTC" if c.data_as_of else "no data uploaded"
    x.text(
        ws.cell(3, 1),
        f"Reporting period {c.period_label} · {c.donor} · data as of {data_as_of}",
        font=x.NOTE,
        alignment=TOP,
    )
    ws.row_dimensions[1].height = 22


# --- Cover --------------------------------------------------------------------------------------------------

CONFIDENTIAL_NOTE = (
    "This workbook holds exact counts of victims of trafficking, including confidential small counts (under 5 "
    "people) that could identify a person. Keep it within the award's reporting; do not publish it. Public "
    "files (IATI) and donor pages withhold these counts."
)


COVER_WIDTHS = [28, 62, 15, 15, 15]
WARNING = Font(name=x.FONT, size=10, bold=True, color="9C0006")


def write_cover(wb: Workbook, report: Report, *, title: str, sheets: Sequence[tuple[str, str]]) -> None:
    """The cover, top to bottom: title, the programme's facts, warnings (revised, confidential), funding,
    status key, narratives still to write, contents. Each part returns the next free row."""
    ws = wb.create_sheet("Cover")
    x.widths(ws, COVER_WIDTHS)
    x.text(ws.cell(1, 1), title, font=x.TITLE, alignment=Alignment(vertical="center"))
    ws.row_dimensions[1].height = 24
    x.text(ws.cell(2, 1), "Quarterly performance report", font=x.SUBTITLE, alignment=TOP)
    row = _cover_facts(ws, report.cover, 4)
    row = _cover_warnings(ws, report, row)
    row = _cover_funding(ws, report.cover, row)
    row = _cover_status_key(ws, report, row)
    row = _cover_missing_narratives(ws, report.cover, row)
    _cover_contents(ws, sheets, row)
    x.print_setup(ws, title_rows=None, footer=footer(report, "Cover"), landscape=False)


def _cover_facts(ws: Worksheet, c: Cover, row: int) -> int:
    facts = [
        ("Programme", f"{c.programme_code} · {c.programme_title}"),
        ("Donor", c.donor),
        ("Award number", c.award_number or "Not recorded"),
        ("Implementing organisation", c.implementer),
        ("Partners", ", ".join(c.partners) or "None"),
        ("Government lead", c.government_lead or "Not recorded"),
        ("Programme period", c.programme_span),
        ("Reporting period", c.period_label),
        ("Reporting year", c.year_label),
    ]
    for label, value in facts:
        x.text(ws.cell(row, 1), label, font=x.BOLD)
        x.text(ws.cell(row, 2), value)
        x.fit_row(ws, row, COVER_WIDTHS)
        row += 1
    x.text(ws.cell(row, 1), "Date prepared (UTC)", font=x.BOLD)
    x.when(ws.cell(row, 2), c.prepared)
    row += 1
    x.text(ws.cell(row, 1), "Data as of (UTC)", font=x.BOLD)
    if c.data_as_of is not None:
        x.when(ws.cell(row, 2), c.data_as_of)  # the latest upload feeding the figures
    else:
        x.text(ws.cell(row, 2), "No activity data uploaded yet")
    return row + 2


def _cover_warnings(ws: Worksheet, report: Report, row: int) -> int:
    """A re-issue says what it replaces; exact counts of people say they are confidential."""
    warnings = []
    if report.cover.revision is not None:
        warnings.append(("Revised", revised_note(report.cover.revision)))
    if any(ind.counts_people for ind in report.indicators):
        # The award requires exact figures; the cover says they are confidential (DOMAIN §4, small counts).
        warnings.append(("Confidential", CONFIDENTIAL_NOTE))
    for label, note in warnings:
        x.text(ws.cell(row, 1), label, font=WARNING)
        x.text(ws.cell(row, 2), note)
        x.fit_row(ws, row, COVER_WIDTHS)
        row += 2
    return row


def _cover_funding(ws: Worksheet, c: Cover, row: int) -> int:
    if not c.phases:
        return row
    x.text(ws.cell(row, 1), "Funding", font=x.BOLD)
    row += 1
    amounts = [f"{what} ({c.currency})" for what in ("Budget", "Pledged", "Funding gap")]
    x.header_row(ws, row, ["Phase", "Period", *amounts], height=30)
    row += 1
    for phase in c.phases:
        x.text(ws.cell(row, 1), phase.name)
        pledged_by = f" (pledged by {phase.pledged_by})" if phase.pledged_by else ""
        x.text(ws.cell(row, 2), f"{day_in_words(phase.start)} – {day_in_words(phase.end)}{pledged_by}")
        for col, amount in ((3, phase.budget), (4, phase.pledged), (5, phase.gap)):
            x.number(ws.cell(row, col), amount)
        x.grid(ws, row, 1, 5)
        x.fit_row(ws, row, COVER_WIDTHS)
        row += 1
    return row + 1


def _cover_status_key(ws: Worksheet, report: Report, row: int) -> int:
    x.text(ws.cell(row, 1), "Status key", font=x.BOLD)
    row += 1
    for status, meaning in report.status_key:
        if status is None:
            x.text(ws.cell(row, 1), "No status", alignment=x.WRAP_CENTER)
        else:
            x.status(ws.cell(row, 1), status)
        x.text(ws.cell(row, 2), meaning)
        x.grid(ws, row, 1, 2)
        x.fit_row(ws, row, COVER_WIDTHS)
        row += 1
    return row + 1


def _cover_missing_narratives(ws: Worksheet, c: Cover, row: int) -> int:
    if not c.missing_narratives:
        return row
    x.text(ws.cell(row, 1), "Narratives still to write", font=WARNING)
    x.text(
        ws.cell(row, 2),
        f"{', '.join(c.missing_narratives)}: more than 15% off the pro-rated target "
        "without a deviation narrative.",
    )
    x.fit_row(ws, row, COVER_WIDTHS)
    return row + 2


def _cover_contents(ws: Worksheet, sheets: Sequence[tuple[str, str]], row: int) -> None:
    x.text(ws.cell(row, 1), "Contents", font=x.BOLD)
    row += 1
    for name, what in sheets:
        x.text(ws.cell(row, 1), name)
        x.text(ws.cell(row, 2), what)
        row += 1


def revised_note(revision: Revision) -> str:
    """The cover's "Revised" line: the version replaced, when it was signed off, its file's SHA-256, the
    indicators whose figures changed since and why the quarter was reopened."""
    if revision.changed is None:
        changed = "the figures it was made from were not kept, so the changes cannot be listed"
    elif revision.changed:
        changed = f"indicators changed since: {', '.join(revision.changed)}"
    else:
        changed = "no indicator's figures changed"
    reason = f" Reopened because: {revision.reason}" if revision.reason else ""
    return (
        f"This report replaces version {revision.replaces}, signed off on "
        f"{day_in_words(revision.replaces_signed_at.date())} (SHA-256 {revision.replaces_sha256[:16]}…); "
        f"{changed}.{reason}"
    )


# --- Indicators ---------------------------------------------------------------------------------------------


def indicator_headings(report: Report) -> list[str]:
    c = report.cover
    year = c.year_term
    quarters = report.indicators[0].quarters if report.indicators else ()
    quarter_heads = [f"{q.heading}\n{q.months}" for q in quarters] or ["Q1", "Q2", "Q3", "Q4"]
    return [
        "No.",
        "Indicator",
        "Standard indicator",
        "Unit",
        "Baseline",
        f"{year} target",
        *quarter_heads,
        f"{year} actual to date",
        f"% of {'FY' if year == 'FY' else 'year'} target",
        "LOP target",
        "LOP actual to date",
        "% of LOP target",
        "Target to date",
        "% of target to date",
        "Status",
        "Deviation narrative",
    ]


def write_indicators(wb: Workbook, report: Report, title: str = "Indicators") -> None:
    """The IPTT: one row per indicator under bold result rows; frozen headings repeated on every page."""
    c = report.cover
    ws = wb.create_sheet(title)
    columns = INDICATOR_WIDTHS
    last = len(columns)
    x.widths(ws, columns)
    _titles(ws, report, "Indicator Performance Tracking Table")

    band, lines = INDICATOR_HEADER_ROW - 1, 1
    bands = (
        (6, 12, c.year_label),
        (13, 15, f"Life of project: {c.programme_span}"),
        (16, 18, "Status, judged against the target to date"),
    )
    for first, to, label in bands:
        ws.merge_cells(start_row=band, start_column=first, end_row=band, end_column=to)
        x.text(ws.cell(band, first), label, font=x.BOLD, alignment=x.WRAP_CENTER)
        for col in range(first, to + 1):
            ws.cell(band, col).fill, ws.cell(band, col).border = x.BAND_FILL, x.GRID
        lines = max(lines, x.estimate_lines(label, sum(columns[first - 1 : to])))
    ws.row_dimensions[band].height = lines * x.LINE_HEIGHT + 4
    x.header_row(ws, INDICATOR_HEADER_ROW, indicator_headings(report), height=42)

    row = INDICATOR_HEADER_ROW + 1
    for group in report.results:
        x.text(ws.cell(row, 1), f"Result {group.code}", font=x.BOLD)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=last)
        x.text(ws.cell(row, 2), f"{group.level_name}: {group.statement}", font=x.BOLD)
        x.grid(ws, row, 1, last, fill=x.RESULT_FILL)
        x.fit_row(ws, row, [columns[0], sum(columns[1:])])
        row += 1
        for ind in group.indicators:
            write_indicator_row(ws, row, ind)
            x.grid(ws, row, 1, last)
            x.fit_row(ws, row, columns)
            row += 1
    if not report.results:
        x.text(ws.cell(row, 1), "This programme has no indicators.", font=x.NOTE, alignment=TOP)
        row += 1

    year = "fiscal-year" if c.year_term == "FY" else "year"
    notes = [
        "Quarters after the report quarter, or outside the programme, are left empty.",
        (
            f"% of target compares the actual to date with the full {year} or life-of-project target. The "
            f"status compares it with the target to date shown beside it: the {year}'s where it has a target, "
            "else the life of project's (key: Cover)."
        ),
        TARGET_TO_DATE,
        "Percent indicators are recomputed from the period's sums (e.g. passed ÷ tested), never averaged.",
    ]
    row += 1
    for note in notes:
        x.text(ws.cell(row, 1), note, font=x.NOTE, alignment=TOP)
        row += 1

    ws.freeze_panes = f"C{INDICATOR_HEADER_ROW + 1}"
    x.print_setup(ws, title_rows=f"{band}:{INDICATOR_HEADER_ROW}", footer=footer(report, "Indicators"))


def write_indicator_row(ws: Worksheet, row: int, ind: IndicatorRow) -> None:
    unit = ind.unit
    x.text(ws.cell(row, 1), ind.code)
    x.text(ws.cell(row, 2), ind.name)
    x.text(ws.cell(row, 3), ind.standard_indicator)
    x.text(ws.cell(row, 4), "Percent" if unit == "percent" else "Number")
    x.number(ws.cell(row, 5), ind.baseline, unit)
    x.number(ws.cell(row, 6), ind.year.target, unit)
    for offset, quarter in enumerate(ind.quarters):
        x.number(ws.cell(row, 7 + offset), quarter.actual, unit)
    x.number(ws.cell(row, 11), ind.year.actual, unit)
    x.percent_of_target(ws.cell(row, 12), ind.year.percent_of_target)
    x.number(ws.cell(row, 13), ind.lop.target, unit)
    x.number(ws.cell(row, 14), ind.lop.actual, unit)
    x.percent_of_target(ws.cell(row, 15), ind.lop.percent_of_target)
    judged = ind.judged
    x.number(ws.cell(row, 16), judged.target_to_date if judged else None, unit)
    x.percent_of_target(ws.cell(row, 17), judged.percent_of_target_to_date if judged else None)
    x.status(ws.cell(row, 18), ind.status)
    x.text(ws.cell(row, 19), ind.narrative)


# --- Disaggregation -----------------------------------------------------------------------------------------


def write_disaggregation(wb: Workbook, report: Report) -> None:
    c = report.cover
    ws = wb.create_sheet("Disaggregation")
    columns = [10, 46, 16, 30, 13, 13, 13]
    x.widths(ws, columns)
    _titles(ws, report, "Disaggregation")
    header = 5
    headings = ["No.", "Indicator", "Disaggregation", "Category", f"Quarter\n{c.period_code}"]
    x.header_row(ws, header, [*headings, f"{c.year_code}\nto date", "LOP\nto date"], height=30)
    row = header + 1
    for d in report.disaggregations:
        x.text(ws.cell(row, 1), d.indicator_code)
        x.text(ws.cell(row, 2), d.indicator_name)
        x.text(ws.cell(row, 3), d.label)
        x.text(ws.cell(row, 4), d.category)
        x.number(ws.cell(row, 5), d.quarter, d.unit)
        x.number(ws.cell(row, 6), d.year_to_date, d.unit)
        x.number(ws.cell(row, 7), d.lop_to_date, d.unit)
        x.grid(ws, row, 1, len(columns))
        x.fit_row(ws, row, columns)
        row += 1
    x.end_table(ws, header, row, len(columns), "No indicator of this programme is disaggregated.")
    ws.freeze_panes = f"A{header + 1}"
    x.print_setup(ws, title_rows=f"{header}:{header}", footer=footer(report, "Disaggregation"))


# --- Activities ---------------------------------------------------------------------------------------------


ACTIVITY_HEADINGS = [
    "Activity",
    "Reference",
    "Date",
    "End date",
    "District / location",
    "Description",
    "Target group / setting / type",
    "Stage",
    "Female",
    "Male",
    "Total",
    "Notes",
    "Source",
]
ACTIVITY_WIDTHS = [14, 12, 16, 16, 18, 40, 20, 11, 8, 8, 9, 34, 34]


def write_activities(wb: Workbook, report: Report) -> None:
    ws = wb.create_sheet("Activities")
    columns = ACTIVITY_WIDTHS
    x.widths(ws, columns)
    _titles(ws, report, "Activities in the quarter")
    if report.case_counts is not None:
        cc = report.case_counts
        x.text(
            ws.cell(4, 1),
            f"Cases: {cc.identified:,} identified and {cc.referred:,} referred this quarter. "
            "Individual case records are confidential and never exported.",
            font=x.NOTE,
            alignment=TOP,
        )
    header = 5
    if report.activity_summary:
        header = _activity_summary(ws, report, header)
    else:
        _activity_list(ws, report, header)
    ws.freeze_panes = f"A{header + 1}"
    x.print_setup(ws, title_rows=f"{header}:{header}", footer=footer(report, "Activities"))


def _activity_list(ws: Worksheet, report: Report, header: int) -> None:
    columns = ACTIVITY_WIDTHS
    x.header_row(ws, header, ACTIVITY_HEADINGS, height=30)
    row = header + 1
    for a in report.activities:
        x.text(ws.cell(row, 1), a.kind)
        x.text(ws.cell(row, 2), a.reference)
        x.when(ws.cell(row, 3), a.date)
        x.when(ws.cell(row, 4), a.end_date)
        x.text(ws.cell(row, 5), a.location)
        x.text(ws.cell(row, 6), a.description)
        x.text(ws.cell(row, 7), a.group)
        x.text(ws.cell(row, 8), a.stage)
        x.number(ws.cell(row, 9), a.female)
        x.number(ws.cell(row, 10), a.male)
        x.number(ws.cell(row, 11), a.total)
        x.text(ws.cell(row, 12), a.notes)
        x.text(ws.cell(row, 13), a.source)
        x.grid(ws, row, 1, len(columns))
        x.fit_row(ws, row, columns)
        row += 1
    x.end_table(ws, header, row, len(columns), "No activities recorded for this quarter.")


SUMMARY_HEADINGS = ["Kind", "District or body", "Group or stage", "Activities", "Female", "Male", "Total"]
SUMMARY_WIDTHS = [16, 26, 30, 11, 10, 10, 11]


def _activity_summary(ws: Worksheet, report: Report, header: int) -> int:
    """A quarter too large to list: its activities counted by kind, place and group. Returns the header row."""
    x.widths(ws, SUMMARY_WIDTHS)
    x.text(
        ws.cell(header, 1),
        f"{report.activity_count:,} activity records this quarter, more than a report lists one by one: "
        "they are counted below by kind, place and group. The Activities page of ctmonitor lists and "
        "exports every record with its source.",
        font=x.NOTE,
        alignment=Alignment(vertical="top", wrap_text=True),
    )
    ws.merge_cells(start_row=header, start_column=1, end_row=header, end_column=len(SUMMARY_HEADINGS))
    ws.row_dimensions[header].height = 32
    header += 1
    x.header_row(ws, header, SUMMARY_HEADINGS, height=30)
    row = header + 1
    for s in report.activity_summary:
        x.text(ws.cell(row, 1), s.kind)
        x.text(ws.cell(row, 2), s.location)
        x.text(ws.cell(row, 3), s.group)
        x.number(ws.cell(row, 4), s.activities)
        x.number(ws.cell(row, 5), s.female)
        x.number(ws.cell(row, 6), s.male)
        x.number(ws.cell(row, 7), s.total)
        x.grid(ws, row, 1, len(SUMMARY_HEADINGS))
        row += 1
    ws.auto_filter.ref = f"A{header}:{get_column_letter(len(SUMMARY_HEADINGS))}{row - 1}"
    return header


# --- Sources ------------------------------------------------------------------------------------------------


def write_sources(wb: Workbook, report: Report) -> None:
    ws = wb.create_sheet("Sources")
    columns = [20, 34, 10, 68]
    x.widths(ws, columns)
    _titles(ws, report, "Sources: the uploads the figures were computed from")
    header = 5
    x.header_row(ws, header, ["Uploaded (UTC)", "Sheet kinds", "Rows used", "SHA-256 of the file"], height=18)
    mono = Font(name="Consolas", size=9)
    row = header + 1
    for s in report.sources:
        x.when(ws.cell(row, 1), s.uploaded_at)
        x.text(ws.cell(row, 2), ", ".join(s.kinds))
        x.number(ws.cell(row, 3), s.rows)
        x.text(ws.cell(row, 4), s.sha256, font=mono)
        x.grid(ws, row, 1, len(columns))
        x.fit_row(ws, row, columns)
        row += 1
    row = x.end_table(ws, header, row, len(columns), "No uploaded file feeds these figures yet.")
    if report.unsourced_rows:
        x.text(
            ws.cell(row + 1, 1),
            f"{report.unsourced_rows:,} stored rows feeding the figures have no upload on "
            "record (entered directly or loaded as demonstration data).",
            font=x.NOTE,
            alignment=TOP,
        )
    ws.freeze_panes = f"A{header + 1}"
    x.print_setup(ws, title_rows=f"{header}:{header}", footer=footer(report, "Sources"))
