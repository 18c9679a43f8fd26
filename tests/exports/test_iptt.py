"""The USAID IPTT workbook, reopened and checked cell by cell: values, types, number formats, layout, print
setup, and user text that no spreadsheet evaluates."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from io import BytesIO

import openpyxl
import pytest

from exports import iptt
from indicators.reporting.reporting import build_report
from tests.exports.builders import INJECTIONS, gift_figures, kec_figures
from tests.exports.test_report import PREPARED, stored_kec_quarter

HEADINGS = [
    "No.",
    "Indicator",
    "Standard indicator",
    "Unit",
    "Baseline",
    "FY target",
    "Q1\nOct–Dec",
    "Q2\nJan–Mar",
    "Q3\nApr–Jun",
    "Q4\nJul–Sep",
    "FY actual to date",
    "% of FY target",
    "LOP target",
    "LOP actual to date",
    "% of LOP target",
    "Target to date",
    "% of target to date",
    "Status",
    "Deviation narrative",
]
NARRATIVES = {
    "KEC-1.1": INJECTIONS[0],
    "KEC-2.1": INJECTIONS[1],
    "KEC-4.2": INJECTIONS[2],
    "KEC-4.3": INJECTIONS[3],
}


def render(db, figures, *, stored: bool = False) -> bytes:
    if stored:
        stored_kec_quarter(db)
    return iptt.render(build_report(db, figures, prepared=PREPARED))


def open_workbook(data: bytes):
    return openpyxl.load_workbook(BytesIO(data))


def row_values(ws, row: int, last: int | None = None):
    return [ws.cell(row, col).value for col in range(1, (last or ws.max_column) + 1)]


@pytest.fixture
def kec_workbook(db):
    data = render(db, kec_figures(NARRATIVES), stored=True)
    return data, open_workbook(data)


def test_sheets_in_order_with_valid_names(kec_workbook):
    data, wb = kec_workbook
    assert wb.sheetnames == ["Cover", "Indicators", "Disaggregation", "Activities", "Sources"]
    assert all(len(name) <= 31 for name in wb.sheetnames)
    workbook_xml = zipfile.ZipFile(BytesIO(data)).read("xl/workbook.xml").decode()
    names = re.findall(r'<definedName name="([^"]+)"[^>]*>([^<]+)</definedName>', workbook_xml)
    assert names and all(name in ("_xlnm.Print_Titles", "_xlnm._FilterDatabase") for name, _ in names)
    assert all(re.fullmatch(r"'[A-Za-z ]+'!\$[A-Z]*\$?\d+:\$[A-Z]*\$?\d+", ref) for _, ref in names)


def test_no_formulas_anywhere(kec_workbook):
    data, wb = kec_workbook
    archive = zipfile.ZipFile(BytesIO(data))
    for name in archive.namelist():
        if name.startswith("xl/worksheets/"):
            assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate


def test_no_numbers_stored_as_text(kec_workbook):
    _, wb = kec_workbook
    numeric = re.compile(r"\s*[-+]?[\d,]+(\.\d+)?\s*%?\s*")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert not numeric.fullmatch(cell.value), f"{ws.title}!{cell.coordinate} {cell.value!r}"


def test_indicator_table_values_types_and_formats(kec_workbook):
    _, wb = kec_workbook
    ws = wb["Indicators"]
    assert ws["A1"].value == "Indicator Performance Tracking Table"
    assert ws["A3"].value.startswith("Reporting period FY2019 Q3: 1 April – 30 June 2019")
    assert ws["F4"].value == "FY2019: 1 October 2018 – 30 September 2019"
    assert ws["M4"].value == "Life of project: 1 January 2017 – 30 June 2020"
    assert ws["P4"].value == "Status, judged against the target to date"
    assert row_values(ws, 5) == HEADINGS

    assert row_values(ws, 6, 2) == ["Result 1", "Outcome: Evidence on trafficking informs policy."]
    assert ws["A6"].font.b and ws["B6"].font.b and "B6:S6" in {str(r) for r in ws.merged_cells.ranges}
    assert row_values(ws, 7) == [
        "KEC-1.1",
        "Number of studies on trafficking in persons published",
        None,
        "Number",
        0,
        1,
        0,
        0,
        0,
        None,
        0,
        0,
        1,
        0,
        0,
        0.7,  # the target to date the status is judged against, and the actual as a share of it
        0,
        "Behind",
        INJECTIONS[0],
    ]
    assert not ws["B7"].font.b
    assert row_values(ws, 8, 2) == ["Result 2", "Outcome: The legal and policy framework is strengthened."]
    assert row_values(ws, 9)[:3] == [
        "KEC-2.1",
        "Number of anti-trafficking laws, policies or procedures adopted",
        "PS.5.2-23",
    ]
    assert row_values(ws, 9)[4:] == [
        0,
        1,
        0,
        0,
        1,
        None,
        1,
        1.0,
        3,
        2,
        0.67,
        0.7,
        1.43,
        "Ahead",
        INJECTIONS[1],
    ]
    assert row_values(ws, 10, 2) == [
        "Result 4",
        "Output: Front-line actors have the skills to prevent trafficking.",
    ]
    assert row_values(ws, 11)[4:] == [
        0,
        400,
        90,
        100,
        120,
        None,
        310,
        0.78,
        1120,
        1234,
        1.1,
        299.2,  # 400 pro-rated to 30 June, rounded as on screen; 310 is 104% of it
        1.04,
        "On track",
        INJECTIONS[2],
    ]
    percent_row = row_values(ws, 12)
    assert percent_row[3:] == [
        "Percent",
        None,
        0.8,
        0.75,
        0.8,
        0.813,  # 13/16 = 81.25%: shown 81.3% as on screen
        None,
        0.785,
        0.98,
        0.8,
        0.76,
        0.95,
        0.8,  # a percentage is judged against its full target
        0.98,
        "On track",
        INJECTIONS[3],
    ]

    for col in "EFGHIKMN":  # counts: real integers with a thousands separator
        cell = ws[f"{col}11"]
        assert isinstance(cell.value, int) and cell.data_type == "n" and cell.number_format == "#,##0", col
    for col in "FGHIKMN":  # a percent indicator's values: fractions shown as percentages
        cell = ws[f"{col}12"]
        assert isinstance(cell.value, float) and cell.number_format == "0.0%", col
    assert ws["P11"].number_format == "#,##0.0" and ws["P12"].number_format == "0.0%"
    for coordinate in ("L11", "O11", "L12", "O12", "L7", "O9", "Q11", "Q12"):
        assert ws[coordinate].data_type == "n" and ws[coordinate].number_format == "0%", coordinate
    assert ws["J11"].value is None and ws["J12"].value is None  # Q4 lies after the report quarter


def test_status_cells_are_filled_and_in_words(kec_workbook):
    _, wb = kec_workbook
    ws = wb["Indicators"]
    from indicators.status import LOOKS

    fills = {ws[f"R{row}"].value: ws[f"R{row}"].fill.fgColor.rgb[-6:] for row in (7, 9, 11)}
    # the screen's own colours (dashboard/assets/app.css), fill and text
    assert fills == {"Behind": "FDEBD3", "Ahead": "E3EFFA", "On track": "E2F3EA"}
    assert {ws[f"R{row}"].value: ws[f"R{row}"].font.color.rgb[-6:] for row in (7, 9, 11)} == {
        s: LOOKS[s].colour for s in fills
    }
    assert all(ws[f"R{row}"].font.b for row in (7, 9, 11))


def test_layout_frozen_headers_print_setup_widths_wrap(kec_workbook):
    _, wb = kec_workbook
    ws = wb["Indicators"]
    assert ws.freeze_panes == "C6"
    assert ws.print_title_rows == "$4:$5"
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.column_dimensions["B"].width == 44 and ws.column_dimensions["S"].width == 44
    assert ws["B7"].alignment.wrap_text and ws["S7"].alignment.wrap_text
    assert ws.row_dimensions[5].height >= 30  # two-line headings
    for name in ("Disaggregation", "Activities", "Sources"):
        sheet = wb[name]
        assert sheet.freeze_panes == "A6" and sheet.print_title_rows == "$5:$5", name
        assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert wb["Cover"].page_setup.orientation == "portrait"


def test_injection_text_is_stored_as_inert_text(kec_workbook):
    data, wb = kec_workbook
    ws = wb["Indicators"]
    for coordinate, payload in zip(("S7", "S9", "S11", "S12"), INJECTIONS):
        cell = ws[coordinate]
        assert cell.value == payload and cell.data_type == "s" and cell.quotePrefix, coordinate
    assert not ws["B7"].quotePrefix  # ordinary text is left alone
    for sheet in wb.worksheets:  # and every risky text anywhere carries the quote prefix
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    assert cell.data_type == "s" and cell.quotePrefix, f"{sheet.title}!{cell.coordinate}"
    assert b"<f>" not in zipfile.ZipFile(BytesIO(data)).read("xl/worksheets/sheet2.xml")


def test_cover_facts_status_key_and_missing_narratives(db):
    wb = open_workbook(render(db, kec_figures({"KEC-2.1": "Adopted early."})))
    ws = wb["Cover"]
    facts = {ws.cell(r, 1).value: ws.cell(r, 2) for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}
    assert (
        facts["Programme"].value
        == "KEC · Improving knowledge, enforcement and coordination in counter trafficking"
    )
    assert facts["Donor"].value == "USAID"
    assert facts["Award number"].value == "AID-696-A-17-00001"
    assert facts["Partners"].value == "UN Women, UNICEF"
    assert facts["Government lead"].value == "MINIJUST (Ministry of Justice)"
    assert facts["Reporting period"].value == "FY2019 Q3: 1 April – 30 June 2019"
    assert facts["Date prepared (UTC)"].value == PREPARED
    assert facts["Date prepared (UTC)"].number_format == "d mmmm yyyy hh:mm"
    assert facts["Data as of (UTC)"].value == datetime(2019, 7, 10, 9, 30)
    assert facts["Narratives still to write"].value.startswith("KEC-1.1:")
    for status, colour in (("On track", "E2F3EA"), ("Ahead", "E3EFFA"), ("Behind", "FDEBD3")):
        assert facts[status].value.startswith(("Within ±15%", "More than 15% above", "More than 15% below"))
        assert "target to date" in facts[status].value
        cell = next(ws.cell(r, 1) for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == status)
        assert cell.fill.fgColor.rgb.endswith(colour)
    assert facts["No status"].value == "No target for the period, so no status."


def test_disaggregation_sheet(kec_workbook):
    _, wb = kec_workbook
    ws = wb["Disaggregation"]
    assert row_values(ws, 5) == [
        "No.",
        "Indicator",
        "Disaggregation",
        "Category",
        "Quarter\nFY2019Q3",
        "FY2019\nto date",
        "LOP\nto date",
    ]
    assert [row_values(ws, r)[:1] + row_values(ws, r)[2:] for r in range(6, 11)] == [
        ["KEC-2.1", "Instrument type", "National action plan", 1, 1, 1],
        ["KEC-2.1", "Instrument type", "Law", 0, 0, 1],
        ["KEC-4.2", "Sex", "Female", 70, 180, 700],
        ["KEC-4.2", "Sex", "Male", 50, 130, 534],
        ["KEC-4.2", "Target group", "Law enforcement", 120, 310, 1234],
    ]
    assert all(ws.cell(r, c).number_format == "#,##0" for r in range(6, 11) for c in (5, 6, 7))
    assert ws.auto_filter.ref == "A5:G10"


def test_activities_sheet(db):
    from datetime import date

    from indicators.store.models import Training
    from tests.exports.builders import add_row, add_upload

    upload = add_upload(db, "kec_q3_extra.xlsx")
    add_row(
        db,
        Training,
        "KEC",
        upload,
        "FY2019Q3",
        30,
        reference="TR-X",
        start_date=date(2019, 4, 1),
        district="Huye",
        target_group="Media",
        topic='=HYPERLINK("http://example.invalid","x")',
        female=1,
        male=2,
        partner="@SUM(7,8)",
    )
    wb = open_workbook(render(db, kec_figures(), stored=True))
    ws = wb["Activities"]
    assert row_values(ws, 5) == [
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
    first = row_values(ws, 6)
    assert first[:3] == ["Training", "TR-X", datetime(2019, 4, 1)] and first[5] == INJECTIONS[4]
    assert first[8:12] == [1, 2, 3, "Organised with: @SUM(7,8)"]
    assert ws["F6"].data_type == "s" and ws["F6"].quotePrefix
    second = row_values(ws, 7)
    assert second == [
        "Training",
        "TR-19-07",
        datetime(2019, 4, 15),
        datetime(2019, 4, 17),
        "Rubavu",
        "Identifying victims at the border",
        "Immigration officers",
        None,
        12,
        18,
        30,
        "Passed post-test: 25; Organised with: DGIE",
        "upload of 8 July 2019 (sheet Sheet1, row 7)",
    ]
    assert ws["C7"].number_format == "d mmmm yyyy" and ws["I7"].number_format == "#,##0"
    assert [ws.cell(r, 1).value for r in range(6, 12)] == [
        "Training",
        "Training",
        "Awareness event",
        "Research step",
        "Meeting",
        "Policy step",
    ]
    assert ws.cell(11, 8).value == "Adopted"


def test_sources_sheet(kec_workbook):
    _, wb = kec_workbook
    ws = wb["Sources"]
    assert row_values(ws, 5) == ["Uploaded (UTC)", "Sheet kinds", "Rows used", "SHA-256 of the file"]
    assert row_values(ws, 6)[1:3] == ["trainings", 1] and len(ws["D6"].value) == 64
    assert row_values(ws, 7)[:3] == [
        datetime(2019, 7, 8, 16, 30),
        "trainings, awareness, policies, meetings",
        4,
    ]
    assert ws["A7"].number_format == "d mmmm yyyy hh:mm" and isinstance(ws["C7"].value, int)
    # the donor's workbook names no internal file and no staff account
    everything = " ".join(str(c.value) for sheet in wb for row in sheet.iter_rows() for c in row if c.value)
    assert not [word for word in ("kec_q3", "kec_trainings_fy2018", "jean", "amina") if word in everything]
    notes = [ws.cell(r, 1).value for r in range(8, ws.max_row + 1) if ws.cell(r, 1).value]
    assert notes == [
        (
            "1 stored rows feeding the figures have no upload on record (entered directly or loaded as "
            "demonstration data)."
        )
    ]


def test_empty_quarter_still_makes_a_complete_workbook(db):
    wb = open_workbook(render(db, kec_figures()))
    assert wb["Activities"]["A6"].value == "No activities recorded for this quarter."
    assert wb["Sources"]["A6"].value == "No uploaded file feeds these figures yet."


def test_gift_on_calendar_quarters_with_lop_targets_only(db):
    wb = open_workbook(render(db, gift_figures()))
    ws = wb["Indicators"]
    assert row_values(ws, 5) == [
        "No.",
        "Indicator",
        "Standard indicator",
        "Unit",
        "Baseline",
        "Year target",
        "Q1\nJan–Mar",
        "Q2\nApr–Jun",
        "Q3\nJul–Sep",
        "Q4\nOct–Dec",
        "Year actual to date",
        "% of year target",
        "LOP target",
        "LOP actual to date",
        "% of LOP target",
        "Target to date",
        "% of target to date",
        "Status",
        "Deviation narrative",
    ]
    assert ws["F4"].value == "2012: 1 January – 31 December 2012"
    assert ws["M4"].value == "Life of project: 1 October 2011 – 31 March 2013"
    assert row_values(ws, 7)[:19] == [
        "GIFT-1.1",
        "Number of government and civil society stakeholders trained (objective 1)",
        None,
        "Number",
        0,
        None,
        40,
        None,
        None,
        None,
        40,
        None,
        200,
        65,
        0.32,
        200,  # no year target: judged on the life of project's target to date
        0.33,
        "Behind",
        None,
    ]
    assert row_values(ws, 9)[-2:] == ["Behind", "SOPs drafted; validation in Q2."]
    cover = wb["Cover"]
    values = [cover.cell(r, c).value for r in range(1, cover.max_row + 1) for c in range(1, 6)]
    assert "2012 Q1: 1 January – 31 March 2012" in values and "Not recorded" in values
    budget_row = values.index("Phase Two") // 5 + 1
    assert [cover.cell(budget_row, c).value for c in (3, 4, 5)] == [460000, 0, 460000]
    assert cover.cell(budget_row, 3).number_format == "#,##0"
    assert wb["Disaggregation"]["E5"].value == "Quarter\n2012Q1"
