"""The quarterly report's later parts (``exports.qpr`` lays out the cover, summary and results): each indicator's
categories and deviation narrative, the quarter's activities by kind and district, the victims as the donor's
channel shows them, the manager's sections, and the IPTT annex on landscape pages.

Activities come from the report's annex rows, which never hold a case: victims appear only as the counts of
``Report.drafting.victims``, already as a donor may see them (``indicators.reporting.drafting``).
"""

from __future__ import annotations

from collections import defaultdict

from exports import _docx as d
from indicators.numbers import format_percent, format_value
from indicators.report import SECTIONS, IndicatorRow, Report, day_in_words
from indicators.status import ON_TRACK

ANNEX_HEADINGS = (
    "No.",
    "Indicator",
    "Unit",
    "Baseline",
    "{y} target",
    "Q1",
    "Q2",
    "Q3",
    "Q4",
    "{y} actual to date",
    "% of {y} target",
    "LOP target",
    "LOP actual to date",
    "% of LOP target",
    "Target to date",
    "% of target to date",
    "Status",
)
ANNEX_WIDTHS = [0.55, 1.5, 0.6] + [0.52] * 13 + [0.6]
MEETING = "Meeting"


def quarter_words(report: Report) -> str:
    """``FY2019 Q3``."""
    return report.cover.period_label.split(":")[0]


def _shown(value, unit: str, withheld: str | None = None) -> str:
    return withheld or format_value(value, unit)


# --- per indicator --------------------------------------------------------------------------------------------


def indicator_detail(document, report: Report, row: IndicatorRow) -> None:
    """Its heading, its categories for the quarter, the year and the life of project, and its narrative (a
    placeholder when it is more than 15% off the target to date without one)."""
    document.add_heading(d.clean(f"{row.code} {row.name}"), level=3)
    if row.standard_indicator:
        document.add_paragraph(f"Standard indicator: {d.clean(row.standard_indicator)}.")
    year = report.cover.year_code
    by_split: dict[str, list] = defaultdict(list)
    for category in report.disaggregations:
        if category.indicator_code == row.code:
            by_split[category.label].append(category)
    for split, categories in by_split.items():
        spans = []
        for attribute, words in (
            ("quarter", "this quarter"),
            ("year_to_date", f"{year} to date"),
            ("lop_to_date", "LOP to date"),
        ):
            shown = [
                f"{d.clean(c.category)} {_shown(getattr(c, attribute), c.unit, c.withheld.get(attribute))}"
                for c in categories
                if c.withheld.get(attribute) != "n/p"
            ]
            if shown:
                spans.append(f"{words}: {', '.join(shown)}")
        paragraph = document.add_paragraph()
        paragraph.add_run(f"By {split.lower()}: ").bold = True
        paragraph.add_run("; ".join(spans) + ".")
    if row.narrative:
        document.add_paragraph().add_run("Deviation narrative:").bold = True
        d.paragraphs(document, row.narrative)
    elif row.needs_narrative and row.status is not None:  # needs one only when ahead or behind
        d.placeholder(
            document,
            f"Deviation narrative to be written: {row.code} is {row.status.lower()}, more than "
            "15% off its target to date (the Indicator page, or ctmonitor narrative set "
            f"--indicator {row.code})",
        )
    elif row.status == ON_TRACK:
        document.add_paragraph("On track: no deviation to explain.")


# --- activities -----------------------------------------------------------------------------------------------


def activities(document, report: Report) -> None:
    """The quarter's activities counted by kind and district (or body, for meetings), with the people they
    reached, then the policy and research steps by name and stage."""
    document.add_heading("Activities of the quarter", level=1)
    totals: dict[tuple[str, str], list] = {}
    for kind, place, count, female, male, total in _activity_lines(report):
        sums = totals.setdefault((kind, place), [0, None, None, None])
        sums[0] += count
        for n, value in ((1, female), (2, male), (3, total)):
            if value is not None:
                sums[n] = (sums[n] or 0) + value
    if not totals:
        document.add_paragraph(f"No activity was recorded for {quarter_words(report)}.")
        return
    count = sum(s[0] for s in totals.values())
    document.add_paragraph(
        f"{count:,} activit{'y' if count == 1 else 'ies'} recorded for {quarter_words(report)}, "
        "by kind and place:"
    )
    rows = [
        [kind, place, f"{s[0]:,}", *(format_value(v) for v in s[1:])]
        for (kind, place), s in sorted(totals.items())
    ]
    d.table(
        document,
        ["Kind", "District or body", "Activities", "Female", "Male", "People"],
        rows,
        widths=[1.4, 2.0, 0.9, 0.7, 0.7, 0.8],
        numeric_from=2,
    )
    d.caption(document, f"Table: activities of {quarter_words(report)} by kind and place.")
    steps = [a for a in report.activities if a.stage]
    if steps:
        document.add_paragraph("Policy and research steps reached this quarter:")
        for step in steps:
            what = d.clean(step.description or step.kind) + (
                f" ({d.clean(step.group)})" if step.group else ""
            )
            document.add_paragraph(
                f"{step.kind}: {what}, {d.clean(step.stage)} on {day_in_words(step.date)}.",
                style="List Bullet",
            )


def _activity_lines(report: Report):
    """(kind, place, activities, female, male, people) per listed record, or per summarised group."""
    for a in report.activities:
        place = a.location or (a.description if a.kind == MEETING else None) or "–"
        yield a.kind, d.clean(place), 1, a.female, a.male, a.total
    for s in report.activity_summary:
        yield s.kind, d.clean(s.location or "–"), s.activities, s.female, s.male, s.total


# --- victims --------------------------------------------------------------------------------------------------


def victims(document, report: Report) -> None:
    """The victims as the donor's channel shows them: every figure arrives as its text ("12", "<5", "*")."""
    document.add_heading("Victims identified and assisted", level=1)
    part = report.drafting.victims if report.drafting is not None else None
    if part is None:
        document.add_paragraph(
            f"{report.cover.programme_code} measures no indicator from case records, so this "
            "report holds no figures on victims."
        )
        return
    if part.threshold:
        document.add_paragraph(
            f"As {d.clean(report.cover.donor)}'s screens and files show them: a count under {part.threshold} reads "
            f"“<{part.threshold}”, and one marked * is withheld so that a small count cannot be worked out from "
            "the others; victims' categories are given for the life of project to date only. No case is shown on "
            "its own."
        )
    else:
        document.add_paragraph(
            "Counts are exact (this deployment withholds no small count). No case is shown on its own."
        )
    year = report.cover.year_code
    d.table(
        document,
        ["Indicator", "Quarter", f"{year} to date", "LOP to date"],
        [[f"{v.code} {d.clean(v.name)}", v.quarter, v.year_to_date, v.lop_to_date] for v in part.indicators],
        widths=[3.6, 0.9, 0.9, 0.9],
    )
    d.caption(document, f"Table: victims identified and referred, {quarter_words(report)}.")
    split = [
        [v.code, c.disaggregation, d.clean(c.category), c.shown]
        for v in part.indicators
        for c in v.categories
    ]
    if split:
        d.table(
            document,
            ["Indicator", "Disaggregation", "Category", "LOP to date"],
            split,
            widths=[1.2, 1.6, 2.4, 1.0],
            numeric_from=3,
        )
        d.caption(document, "Table: victims by category, life of project to date.")
    document.add_paragraph(
        f"Victims identified to date (possible and actual victims, as recorded on "
        f"{day_in_words(report.cover.prepared.date())}): {part.total}. Shares are of the victims "
        "whose value is known."
    )
    for b in part.breakdowns:
        if not b.rows:
            continue
        document.add_heading(f"Victims by {b.label.lower()}", level=3)
        d.table(
            document,
            [b.label, "Victims", "Share of known"],
            [[d.clean(r.category), r.shown, "–" if r.share is None else f"{r.share:.1f}%"] for r in b.rows],
            widths=[3.0, 1.0, 1.2],
        )
        note = f"Known for {b.known} victims; unknown for {b.unknown}."
        if b.multiple:
            note += " A victim may suffer several types of exploitation, so shares add up to more than 100%."
        d.caption(document, note)


# --- the manager's sections -----------------------------------------------------------------------------------


def manager_section(document, report: Report, key: str, *, level: int) -> None:
    """One of the quarter's sections as the manager wrote it, or a visible placeholder saying where to write it."""
    found = next((s for s in report.drafting.sections if s.key == key), None) if report.drafting else None
    heading = found.heading if found is not None else SECTIONS[key]
    document.add_heading(heading, level=level)
    if found is not None and found.text:
        d.paragraphs(document, found.text)
        return
    c = report.cover
    d.placeholder(
        document,
        f"To be written: {heading.lower()} for {quarter_words(report)}. Write it on the Reports "
        f"page, or: ctmonitor narrative set --section {key} --programme {c.programme_code} "
        f"--period {c.period_code} --text …",
    )


# --- annex: the IPTT ------------------------------------------------------------------------------------------


def annex(document, report: Report) -> None:
    """The IPTT on landscape pages: result rows, one row per indicator, the donor workbook's columns."""
    d.landscape_section(document)
    c = report.cover
    document.add_heading("Annex: Indicator Performance Tracking Table", level=1)
    document.add_paragraph(
        f"{c.programme_code} · {c.period_label}. Quarters after the report quarter are empty."
    )
    year = c.year_term
    headings = [h.format(y=year) for h in ANNEX_HEADINGS]
    quarter_cells = report.results[0].indicators[0].quarters if report.indicators else ()
    for n, cell in enumerate(quarter_cells):
        headings[5 + n] = f"{cell.heading} ({cell.months})"
    grid = d.table(document, headings, [], widths=ANNEX_WIDTHS, numeric_from=3, size=7)
    for group in report.results:
        d.full_row(grid, d.clean(group.heading), size=7)
        for row in group.indicators:
            cells = grid.add_row().cells
            for n, text in enumerate(_annex_values(row)):
                d.write(cells[n], text, size=7, right=n >= 3)
            d.status_cell(cells[-1], row.status, size=7)
    d.fit(grid, ANNEX_WIDTHS)
    d.caption(document, "Annex table: the IPTT, " + c.period_label + ".")
    for status, meaning in report.status_key:
        paragraph = document.add_paragraph(style="List Bullet")
        paragraph.add_run(f"{status or 'No status'}: ").bold = True
        paragraph.add_run(meaning)


def _annex_values(row: IndicatorRow) -> list[str]:
    unit = row.unit
    judged = row.judged
    quarters = [
        _shown(q.actual, unit, q.withheld) if (q.actual is not None or q.withheld) else ""
        for q in row.quarters
    ] + [""] * (4 - len(row.quarters))
    name = d.clean(row.name) + (f" ({d.clean(row.standard_indicator)})" if row.standard_indicator else "")
    return [
        row.code,
        name,
        "%" if unit == "percent" else "Number",
        format_value(row.baseline, unit),
        format_value(row.year.target, unit),
        *quarters[:4],
        _shown(row.year.actual, unit, row.year.withheld),
        format_percent(row.year.percent_of_target),
        format_value(row.lop.target, unit),
        _shown(row.lop.actual, unit, row.lop.withheld),
        format_percent(row.lop.percent_of_target),
        format_value(judged.target_to_date if judged else None, unit),
        format_percent(judged.percent_of_target_to_date if judged else None),
        "",
    ]
