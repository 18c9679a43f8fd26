"""The quarterly progress report (Word), made through the real figures and reopened with python-docx: the donor's
order of headings, every indicator with the very figures of the CSV, narratives and the manager's sections where
they belong (placeholders where they are missing), charts as pictures with alt text, page setup."""

from __future__ import annotations

from docx.enum.section import WD_ORIENT
from docx.shared import Inches

from exports.formats import FORMATS
from exports.qpr_charts import COLOURS
from exports.results_csv import rows as csv_rows
from indicators.numbers import format_value
from indicators.report import label
from indicators.reporting import sections
from indicators.reporting.reporting import make_file, report_for
from tests.exports.builders import INJECTIONS
from tests.exports.docx_reading import (
    categories,
    fields,
    headings,
    highlighted,
    number,
    open_report,
    part,
    parts,
    pictures,
    rows,
)
from tests.exports.test_end_to_end import store_kec

DONOR_ORDER = [
    "Executive summary",
    "Progress by result",
    "Activities of the quarter",
    "Victims identified and assisted",
    "Challenges and lessons learned",
    "Plans for the next quarter",
    "Annex: Indicator Performance Tracking Table",
]
HIGHLIGHTS = (
    "The national action plan was adopted on 20 June.\n\nThree trainings reached the police in Musanze."
)


def kec_report(db, **extra):
    store_kec(db)
    sections.set_section(db, "KEC", "FY2019Q3", "highlights", HIGHLIGHTS, "claire")
    made = make_file(db, "KEC", "FY2019Q3", FORMATS, "report", small_cell=5, prepared_by="claire", **extra)
    return open_report(made.data), report_for(db, "KEC", "FY2019Q3")


def csv_figures(report) -> dict[tuple, tuple[str, str]]:
    return {tuple(row[1:5]): (row[5], row[6]) for row in csv_rows(report)}


def test_headings_follow_the_donors_order_and_the_cover_says_draft(db):
    document, report = kec_report(db)
    assert headings(document, 1) == DONOR_ORDER
    results = [g.heading for g in report.results]
    assert [h for h in headings(document, 2) if h.startswith("Result ")] == results  # logframe order
    assert headings(document, 2)[0] == "Highlights of the quarter"  # in the executive summary
    cover = document.tables[0]
    facts = dict(rows(cover))
    assert facts["Donor"] == "USAID" and facts["Award number"] == "Not recorded"
    assert facts["Reporting period"] == "FY2019 Q3: 1 April – 30 June 2019"
    assert facts["Prepared by"] == "International Organization for Migration (IOM) Rwanda (claire)"
    assert facts["Status"] == "Draft"
    assert document.paragraphs[0].style.name == "Title"
    header = document.sections[0].header.paragraphs[0].text
    assert header.startswith("DRAFT · KEC · FY2019 Q3: 1 April – 30 June 2019")
    assert fields(document.sections[0].footer) == ["PAGE", "NUMPAGES"]


def test_every_indicator_carries_the_csvs_figures_in_its_result_table_its_categories_and_the_annex(db):
    document, report = kec_report(db)
    csv = csv_figures(report)
    quarter, year = "FY2019Q3", "FY2019"
    seen = set()
    for result in (p for p in parts(document) if p.heading.startswith("Result ")):
        head, *lines = rows(result.tables[0])
        assert head == [
            "Indicator",
            "Quarter",
            "FY2019 to date",
            "FY2019 target",
            "Target to date",
            "LOP to date",
            "LOP target",
            "Status",
        ]
        for line in lines:
            code = line[0].split()[0]
            seen.add(code)
            row = next(r for r in report.indicators if r.code == code)
            assert line[0] == f"{code} {row.name}"
            assert number(line[1]) == csv[(code, quarter, "", "")][0]
            assert (number(line[2]), number(line[3])) == csv[(code, year, "", "")]
            assert (number(line[5]), number(line[6])) == csv[(code, "LOP", "", "")]
            assert line[4] == format_value(row.judged.target_to_date, row.unit)
            assert line[7].endswith(row.status or "–")
    assert seen == {r.code for r in report.indicators}

    for row in report.indicators:  # each indicator's categories: quarter, year and LOP to date
        said = part(document, f"{row.code} {row.name}")
        split_lines = [p.text for p in said.paragraphs if p.text.startswith("By ")]
        expected = {(d, c) for (code, _p, d, c) in csv if code == row.code and d}
        found = set()
        for text in split_lines:
            ((split, values),) = categories(text).items()
            key = next(k for k in {d for d, _c in expected} if label(k).lower() == split)
            for (when, category), value in values.items():
                period = {"this quarter": quarter, "FY2019 to date": year, "LOP to date": "LOP"}[when]
                assert number(value) == csv[(row.code, period, key, category)][0], (row.code, when, category)
                found.add((key, category))
        assert found == expected

    annex = part(document, "Annex: Indicator Performance Tracking Table").tables[0]
    head, *lines = rows(annex)
    assert head[5:9] == ["Q1 (Oct–Dec)", "Q2 (Jan–Mar)", "Q3 (Apr–Jun)", "Q4 (Jul–Sep)"]
    by_code = {line[0]: line for line in lines if line[0] in seen}
    assert set(by_code) == seen
    for code, line in by_code.items():
        assert number(line[7]) == csv[(code, quarter, "", "")][0] and line[8] == ""  # Q4 is after the quarter
        assert (number(line[9]), number(line[4])) == csv[(code, year, "", "")]
        assert (number(line[12]), number(line[11])) == csv[(code, "LOP", "", "")]
    results = [line[0] for line in lines if line[0] not in seen]
    assert results == [g.heading for g in report.results]  # result rows spanning the table


def test_narratives_and_sections_are_placed_and_missing_ones_are_visible_placeholders(db):
    document, report = kec_report(db)
    k41 = next(r for r in report.indicators if r.code == "KEC-4.1")
    under = part(document, f"KEC-4.1 {k41.name}")
    assert under.paragraphs[-1].text == INJECTIONS[0] + " three trainings in June"  # kept as text
    assert "Deviation narrative:" in under.text
    for row in report.indicators:
        said = part(document, f"{row.code} {row.name}")
        placeholders = [p for p in said.paragraphs if highlighted(p)]
        assert bool(placeholders) == row.needs_narrative, row.code
    highlights = part(document, "Highlights of the quarter")
    assert [p.text for p in highlights.paragraphs] == HIGHLIGHTS.split("\n\n")
    for heading in ("Challenges and lessons learned", "Plans for the next quarter"):  # never written
        (gap,) = [p for p in part(document, heading).paragraphs if p.text]  # the annex's section break aside
        assert highlighted(gap) and gap.text.startswith("[To be written") and "--section" in gap.text
    assert (
        "KEC measures no indicator from case records"
        in part(document, "Victims identified and assisted").text
    )


def test_each_result_has_a_chart_with_alt_text_in_the_screens_colours(db):
    from dashboard._components import CHART_COLOURS

    document, report = kec_report(db)
    drawn = pictures(document)
    charted = [
        g
        for g in report.results
        if any(r.judged and r.judged.percent_of_target_to_date is not None for r in g.indicators)
    ]
    assert len(drawn) == len(charted) >= 4
    for picture, group in zip(drawn, charted):
        assert picture["descr"].startswith(f"Result {group.code}: each indicator's actual as a percentage")
        for row in group.indicators:
            assert row.code in picture["descr"]
    assert COLOURS == CHART_COLOURS  # the screen's look
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert sum(c.startswith("Figure: result") for c in captions) == len(charted)


def test_letter_paper_for_a_us_award_with_the_annex_alone_in_landscape(db):
    document, _report = kec_report(db)
    first, *middle, last = document.sections
    assert not middle
    assert (first.page_width, first.page_height, first.orientation) == (
        Inches(8.5),
        Inches(11),
        WD_ORIENT.PORTRAIT,
    )
    assert (last.page_width, last.page_height, last.orientation) == (
        Inches(11),
        Inches(8.5),
        WD_ORIENT.LANDSCAPE,
    )
    assert parts(document)[-1].level == 1 or "Annex" in headings(document, 1)[-1]
    assert {t.style.name for t in document.tables} == {"Table Grid"}
    assert document.core_properties.title == "KEC FY2019Q3 Quarterly progress report"


def test_a_calendar_programme_prints_on_a4_with_its_own_quarter_words(db):
    made = make_file(db, "GIFT", "2012Q1", FORMATS, "report", small_cell=5)
    document = open_report(made.data)
    assert (round(document.sections[0].page_width.mm), round(document.sections[0].page_height.mm)) == (
        210,
        297,
    )
    assert dict(rows(document.tables[0]))["Reporting period"] == "2012 Q1: 1 January – 31 March 2012"
    assert headings(document, 1) == DONOR_ORDER


def test_text_a_document_cannot_hold_is_cleaned_not_fatal(db):
    from indicators.reporting.narratives import set_narrative

    store_kec(db)
    set_narrative(db, "KEC-4.2", "FY2019Q3", "Bell\x07 and form feed\x0c removed", "claire")
    sections.set_section(db, "KEC", "FY2019Q3", "plans", "Vertical\x0btab", "claire")
    document = open_report(make_file(db, "KEC", "FY2019Q3", FORMATS, "report", small_cell=5).data)
    assert "Bell and form feed removed" in [p.text for p in document.paragraphs]
    assert part(document, "Plans for the next quarter").text.strip() == "Verticaltab"
