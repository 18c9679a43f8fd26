"""The State Department workbook: the SF-PPR-B Program Indicators sheet beside the IPTT's own sheets."""

from __future__ import annotations

from io import BytesIO

import openpyxl

from exports import iptt, ppr
from indicators.reporting.reporting import build_report
from tests.exports.builders import INJECTIONS, gift_figures, kec_figures, pvr_figures
from tests.exports.test_report import PREPARED


def workbooks(db, figures):
    report = build_report(db, figures, prepared=PREPARED)
    return (
        openpyxl.load_workbook(BytesIO(ppr.render(report))),
        openpyxl.load_workbook(BytesIO(iptt.render(report))),
    )


def test_sheets_and_the_program_indicators_header_block(db):
    wb, _ = workbooks(db, pvr_figures())
    assert wb.sheetnames == [
        "Cover",
        "Program Indicators",
        "Indicators",
        "Disaggregation",
        "Activities",
        "Sources",
    ]
    assert wb["Cover"]["A1"].value == "Performance Progress Report (SF-PPR-B)"
    ws = wb["Program Indicators"]
    block = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(3, 9)}
    assert block["Federal agency"] == "U.S. Department of State"
    assert block["Federal award number"] == "Not recorded"
    assert block["Recipient organisation"] == "International Organization for Migration (IOM) Rwanda"
    assert (
        block["Reporting period"]
        == "FY2019 Q3: 1 April – 30 June 2019 (start 1 April 2019, end 30 June 2019)"
    )
    assert ws["A10"].value == "Activity number or label" and ws["D10"].value == "Explanation"
    assert [ws.cell(10, c).value for c in range(1, 5)] == ppr.PROGRAM_INDICATOR_HEADINGS
    assert ws.freeze_panes == "A11" and ws.print_title_rows == "$10:$10"
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage


def test_one_row_per_indicator_with_figures_and_status_in_words(db):
    narratives = {"KEC-1.1": "Publication moved to Q4.", "KEC-4.2": INJECTIONS[4]}
    wb, _ = workbooks(db, kec_figures(narratives))
    ws = wb["Program Indicators"]
    rows = [[ws.cell(r, c).value for c in range(1, 5)] for r in range(11, ws.max_row + 1)]
    assert (
        rows[0][:2] == ["Result 1", "Outcome: Evidence on trafficking informs policy."] and ws["A11"].font.b
    )
    assert rows[1] == [
        "KEC-1.1",
        "Number of studies on trafficking in persons published\nStudies published during the period.",
        (
            "This quarter (FY2019 Q3): 0\nFY2019 to date: 0 of a target of 1 (0%)\n"
            "Life of project to date: 0 of a target of 1 (0%)\n"
            "Target to date: 0.7 (pro-rated to the end of the quarter); 0% of it\n"
            "Status: Behind. More than 15% below the target to date; the deviation narrative explains why."
        ),
        "Publication moved to Q4.",
    ]
    k42 = next(r for r in rows if r[0] and r[0].startswith("KEC-4.2"))
    assert k42[0] == "KEC-4.2\nPS.5.3-15"
    assert k42[2].splitlines()[:3] == [
        "This quarter (FY2019 Q3): 120",
        "FY2019 to date: 310 of a target of 400 (78%)",
        "Life of project to date: 1,234 of a target of 1,120 (110%)",
    ]
    # the status is explained by the figure beside it: 310 is 104% of the 299.2 due by 30 June
    assert k42[2].splitlines()[3] == "Target to date: 299.2 (pro-rated to the end of the quarter); 104% of it"
    assert k42[2].splitlines()[4].startswith("Status: On track. Within ±15%")
    assert k42[3] == INJECTIONS[4]
    cell = next(ws.cell(r, 4) for r in range(11, ws.max_row + 1) if ws.cell(r, 4).value == INJECTIONS[4])
    assert cell.data_type == "s" and cell.quotePrefix
    k43 = next(r for r in rows if r[0] == "KEC-4.3")
    # Rounded as the workbook's 0.0% cells show it: 81.25 is 81.3%, not Python's 81.2.
    assert k43[2].splitlines()[:2] == [
        "This quarter (FY2019 Q3): 81.3%",
        "FY2019 to date: 78.5% of a target of 80% (98%)",
    ]
    assert k43[2].splitlines()[3] == "Target to date: 80% (full target, a percentage); 98% of it"
    assert k43[3] is None
    status_fill = next(
        ws.cell(r, 3) for r in range(11, ws.max_row + 1) if ws.cell(r, 1).value == "KEC-1.1"
    ).fill
    assert status_fill.fgColor.rgb.endswith("FDEBD3")  # the screen's Behind


def test_the_indicator_table_is_the_iptts_own(db):
    ppr_wb, iptt_wb = workbooks(db, kec_figures({"KEC-2.1": INJECTIONS[1]}))
    for name in ("Indicators", "Disaggregation", "Activities", "Sources"):
        mine, theirs = ppr_wb[name], iptt_wb[name]
        assert mine.max_row == theirs.max_row and mine.max_column == theirs.max_column
        for row_a, row_b in zip(mine.iter_rows(), theirs.iter_rows()):
            for a, b in zip(row_a, row_b):
                assert (a.value, a.number_format, a.data_type) == (b.value, b.number_format, b.data_type), (
                    a.coordinate
                )


def test_no_target_reads_as_no_status(db):
    wb, _ = workbooks(db, gift_figures())
    ws = wb["Program Indicators"]
    text = next(ws.cell(r, 3).value for r in range(11, ws.max_row + 1) if ws.cell(r, 1).value == "GIFT-1.1")
    assert text.splitlines() == [
        "This quarter (2012 Q1): 40",
        "2012 to date: 40 (no target)",
        "Life of project to date: 65 of a target of 200 (32%)",
        "Target to date: 200 (pro-rated to the end of the quarter); 33% of it",
        ("Status: Behind. More than 15% below the target to date; the deviation narrative explains why."),
    ]
