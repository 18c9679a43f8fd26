"""The quarterly progress report as a Word document, drafted from the report data (``indicators.report``), in the
donor's order:

1. cover: programme, award number, donor, the reporting period with its dates, prepared by, the date, and
   "Draft" until the quarter is signed off (``Report.drafting``);
2. executive summary: how many indicators are ahead, on track and behind, the most ahead and the most behind
   (by their percentage of the target to date), the people reached this quarter by sex, and the highlights;
3. progress by result: the result statement, its indicators' table (quarter actual, year to date, target to date,
   life of project to date, LOP target, status), a chart, and each indicator's split by category and deviation
   narrative;
4. activities of the quarter, by kind and district (``exports.qpr_parts``); 5. victims identified and assisted,
   as the donor's channel shows them; 6. challenges and lessons learned; 7. next quarter's plans;
8. annex: the IPTT, on landscape pages.

Every figure is the report's own, the same the IPTT, the CSV and the screens show, written as the screens write
it (``indicators.numbers``). A section the manager has not written is a visible placeholder, never left out.
"""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.shared import Pt

from exports import _docx as d
from exports import qpr_parts as parts
from exports.iptt import CONFIDENTIAL_NOTE, revised_note
from exports.options import DEFAULT, Options
from exports.qpr_charts import judged, result_chart
from indicators.numbers import format_percent, format_value
from indicators.report import Report, day_in_words
from indicators.status import AHEAD, BEHIND, ON_TRACK

TITLE = "Quarterly progress report"
MOST = 3  # indicators named as most ahead and most behind
RESULT_HEADINGS = (
    "Indicator",
    "Quarter",
    "{y} to date",
    "{y} target",
    "Target to date",
    "LOP to date",
    "LOP target",
    "Status",
)
RESULT_WIDTHS = [1.7, 0.62, 0.62, 0.62, 0.62, 0.62, 0.62, 0.78]


def render(report: Report, options: Options = DEFAULT) -> bytes:
    """The .docx file's bytes."""
    document = Document()
    c = report.cover
    d.setup(document, c.calendar)
    drafting = report.drafting
    draft = drafting is None or not drafting.final
    d.header_and_footer(document.sections[0], f"{c.programme_code} · {c.period_label} · {TITLE}", draft=draft)
    _properties(document, report)
    cover(document, report)
    summary(document, report)
    results(document, report)
    parts.activities(document, report)
    parts.victims(document, report)
    parts.manager_section(document, report, "challenges", level=1)
    parts.manager_section(document, report, "plans", level=1)
    parts.annex(document, report)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _properties(document, report: Report) -> None:
    """The file's own properties: its title and when it was made (so two makes of one report differ only there)."""
    c = report.cover
    props = document.core_properties
    props.title = f"{c.programme_code} {c.period_code} {TITLE}"
    props.subject = c.programme_title
    props.author = props.last_modified_by = c.implementer
    props.created = props.modified = c.prepared
    props.revision = 1


def cover(document, report: Report) -> None:
    c = report.cover
    drafting = report.drafting
    document.add_paragraph(TITLE, style="Title")
    document.add_paragraph(d.clean(c.programme_title), style="Subtitle")
    prepared_by = c.implementer + (f" ({drafting.prepared_by})" if drafting and drafting.prepared_by else "")
    facts = [
        ("Programme", f"{c.programme_code} · {c.programme_title}"),
        ("Award number", c.award_number or "Not recorded"),
        ("Donor", c.donor),
        ("Partners", ", ".join(c.partners) or "None"),
        ("Government lead", c.government_lead or "Not recorded"),
        ("Reporting period", c.period_label),
        ("Programme period", c.programme_span),
        ("Prepared by", prepared_by),
        ("Date prepared", day_in_words(c.prepared.date())),
        (
            "Data as of",
            day_in_words(c.data_as_of.date()) if c.data_as_of else "No activity data uploaded yet",
        ),
        ("Status", drafting.standing if drafting else "Draft"),
    ]
    grid = d.table(
        document,
        ["", ""],
        [[label, value] for label, value in facts],
        widths=[1.8, 4.7],
        numeric_from=2,
        size=10,
    )
    first = d.private.row_element(grid.rows[0])
    first.getparent().remove(first)  # facts, not a table with headings
    for row in grid.rows:
        row.cells[0].paragraphs[0].runs[0].bold = True
    if c.revision is not None:
        _note(document, "Revised", revised_note(c.revision))
    if any(row.counts_people for row in report.indicators):
        _note(document, "Confidential", CONFIDENTIAL_NOTE.replace("workbook", "report"))
    if c.missing_narratives:
        _note(
            document,
            "Narratives missing",
            f"{', '.join(c.missing_narratives)} "
            f"{'is' if len(c.missing_narratives) == 1 else 'are'} more than 15% off the target to date "
            "without a deviation narrative.",
        )
    document.add_page_break()


def _note(document, label: str, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(8)
    paragraph.add_run(f"{label}: ").bold = True
    paragraph.add_run(d.clean(text))


def summary(document, report: Report) -> None:
    document.add_heading("Executive summary", level=1)
    rows = report.indicators
    counts = {s: sum(1 for r in rows if r.status == s) for s in (AHEAD, ON_TRACK, BEHIND)}
    unjudged = len(rows) - sum(counts.values())
    document.add_paragraph(
        f"Of the {len(rows)} indicators of {report.cover.programme_code}, at the end of "
        f"{report.cover.period_label.split(':')[0]}: {counts[AHEAD]} ahead, {counts[ON_TRACK]} on track and "
        f"{counts[BEHIND]} behind their target to date"
        + (f"; {unjudged} without a status (no target or no data yet)." if unjudged else ".")
    )
    percents = [(r, percent) for r in rows if (percent := judged(r)) is not None]
    for status, words, highest_first in ((AHEAD, "Most ahead", True), (BEHIND, "Most behind", False)):
        candidates = [(r, p) for r, p in percents if r.status == status]
        chosen = sorted(candidates, key=lambda rp: rp[1], reverse=highest_first)[:MOST]
        if chosen:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{words}: ").bold = True
            paragraph.add_run(
                "; ".join(
                    f"{r.code} {d.clean(r.name)}: {format_percent(p)} of the target to date"
                    for r, p in chosen
                )
                + "."
            )
    people = _people_by_sex(report)
    if people:
        document.add_paragraph("People reached this quarter, by sex:")
        d.table(document, ["Indicator", "Female", "Male", "Total"], people, widths=[3.7, 0.9, 0.9, 0.9])
    parts.manager_section(document, report, "highlights", level=2)


def _people_by_sex(report: Report) -> list[list[str]]:
    """Per indicator counting people by sex (not victims: they have their own section), the quarter's female,
    male and total, as the report has them."""
    out = []
    for row in report.indicators:
        split = {
            c.category: c
            for c in report.disaggregations
            if c.indicator_code == row.code and c.disaggregation == "sex"
        }
        if row.counts_people or row.unit != "number" or not split:
            continue
        female, male = split.get("Female"), split.get("Male")
        out.append(
            [
                f"{row.code} {d.clean(row.name)}",
                _category(female),
                _category(male),
                _actual(row.quarter, row.unit),
            ]
        )
    return out


def _category(category) -> str:
    if category is None:
        return "–"
    return category.withheld.get("quarter") or format_value(category.quarter, category.unit)


def _actual(figure, unit: str) -> str:
    return figure.withheld or format_value(figure.actual, unit)


def results(document, report: Report) -> None:
    document.add_heading("Progress by result", level=1)
    year = report.cover.year_code
    for group in report.results:
        document.add_heading(d.clean(group.heading), level=2)
        rows = []
        for row in group.indicators:
            to_date = row.judged.target_to_date if row.judged is not None else None
            rows.append(
                [
                    f"{row.code} {d.clean(row.name)}",
                    _actual(row.quarter, row.unit),
                    _actual(row.year, row.unit),
                    format_value(row.year.target, row.unit),
                    format_value(to_date, row.unit),
                    _actual(row.lop, row.unit),
                    format_value(row.lop.target, row.unit),
                    "",
                ]
            )
        grid = d.table(
            document, [h.format(y=year) for h in RESULT_HEADINGS], rows, widths=RESULT_WIDTHS, size=8.5
        )
        for table_row, row in zip(grid.rows[1:], group.indicators):
            d.status_cell(table_row.cells[-1], row.status, size=8.5)
        d.caption(
            document,
            f"Table: result {group.code}, {report.cover.period_label.split(':')[0]}. The target "
            f"to date is the {year} target (or, without one, the LOP target) due by the quarter's "
            "end, pro-rated by days; a percentage or a milestone is judged against its full target.",
        )
        chart = result_chart(group)
        if chart is not None:
            d.picture(document, *chart)
            d.caption(
                document,
                f"Figure: result {group.code}, each indicator's actual as a percentage of its "
                "target to date; the shaded band is on track.",
            )
        for row in group.indicators:
            parts.indicator_detail(document, report, row)
