"""The Performance Indicator Reference Sheets workbook, reopened: a contents sheet, then one sheet per indicator
with every field of USAID's ADS 201maf reference sheet (or "Not yet set"), its calculation in the sheet's own
words, its values table and the change log of its targets, each printable on one page on the donor's paper;
made by the command line without a quarter."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from io import BytesIO

import openpyxl
import pytest
from sqlalchemy import select

from exports import pirs
from indicators.programmes import definitions, logframe
from indicators.reporting.pirs import build
from indicators.store.models import Indicator, Programme
from tests.builders import make_programme
from tests.stores import PROGRAMMES

NEW_FIELDS = (
    "Indicator type",
    "Direction of change",
    "PPR indicator",
    "Data storage",
    "Next assessment",
    "Reviewer",
    "Notes",
    "Last updated",
)
LETTER, A4 = 1, 9  # openpyxl's (and Excel's) paper size codes


def workbook(db, code: str = "KEC"):
    return openpyxl.load_workbook(BytesIO(pirs.render(build(db, code))))


def facts(ws) -> dict[str, object]:
    return {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}


def indicators_of(db, code: str) -> list[Indicator]:
    programme = db.scalar(select(Programme).where(Programme.code == code))
    return sorted(programme.indicators, key=lambda i: i.sort_order)


def test_contents_then_one_sheet_per_indicator(db):
    wb = workbook(db)
    codes = [i.code for i in indicators_of(db, "KEC")]
    assert wb.sheetnames == ["Contents", *codes] and len(codes) == 8
    contents = wb["Contents"]
    header = next(r for r in range(1, 20) if contents.cell(r, 1).value == "Indicator")
    assert [contents.cell(r, 1).value for r in range(header + 1, header + 1 + len(codes))] == codes
    assert contents.cell(header + 1, 1).hyperlink.location == "'KEC-1.1'!A1"
    assert facts(contents)["Actuals through"] == "No data yet"


def test_each_sheet_holds_the_indicators_reference_fields(db):
    wb = workbook(db)
    for indicator in indicators_of(db, "KEC"):
        ws = wb[indicator.code]
        found = facts(ws)
        sheet = indicator.reference_sheet
        assert ws["A1"].value == f"{indicator.code} · {indicator.name}"
        assert found["Precise definition"] == indicator.definition
        assert found["Data source"] == indicator.data_source
        assert found["Rationale"] == sheet["rationale"]
        assert found["Method of collection"] == sheet["collection_method"]
        assert found["Data storage"] == sheet["data_storage"]
        assert found["Direction of change"] == sheet["direction_of_change"] == "Higher is better"
        assert found["Reviewer"] == sheet["data_quality"]["reviewer"]
        assert found["Known limitations"] == sheet["data_quality"]["limitations"]
        assert found["Last assessment"] == "Not yet assessed"
        assert found["Next assessment"] == "Not yet set"  # no data quality assessment is planned in the file
        assert found["Indicator type"] == indicator.result.level.title()  # the result's level, by default
        assert found["Notes"] == sheet.get("notes", "Not yet set")
        assert found["PPR indicator"] == ("Yes" if indicator.standard_indicator else "No")
        assert found["Standard indicator"] == (indicator.standard_indicator or "Not a standard indicator")
    k42 = facts(wb["KEC-4.2"])
    assert k42["Standard indicator"] == "PS.5.3-15" and k42["Disaggregated by"] == "Sex, Target group"
    assert k42["Unit of measure"] == "Number"


def test_every_field_of_ads_201maf_is_present_or_not_yet_set(db):
    """A programme file that gives no reference-sheet field at all: every field is on every sheet, reading
    "Not yet set", but for the type from the result's level and the PPR flag of a standard indicator."""
    make_programme(
        db,
        code="BARE",
        results=[
            {
                "code": "G",
                "level": "goal",
                "category": "Protection",
                "statement": "Victims are protected.",
                "indicators": [
                    {
                        "code": "BARE-G.1",
                        "name": "Number of victims referred",
                        "unit": "number",
                        "standard_indicator": "PS.5.1-29",
                        "source": {"kind": "cases"},
                        "measure": {"type": "count"},
                        "targets": {"LOP": 10},
                    }
                ],
            },
            {
                "code": "1",
                "level": "output",
                "category": "Capacity building",
                "statement": "Officers are trained.",
                "indicators": [
                    {
                        "code": "BARE-1.1",
                        "name": "Number of trainings",
                        "unit": "number",
                        "source": {"kind": "trainings"},
                        "measure": {"type": "count"},
                    }
                ],
            },
        ],
    )
    wb = workbook(db, "BARE")
    goal, output = facts(wb["BARE-G.1"]), facts(wb["BARE-1.1"])
    for found in (goal, output):
        for label in (
            *NEW_FIELDS,
            "Rationale",
            "Method of collection",
            "Frequency and timing",
            "Responsible",
            "Known limitations",
            "Mitigation",
            "Rationale for the targets",
        ):
            assert label in found, label
        for label in (
            "Direction of change",
            "Data storage",
            "Next assessment",
            "Reviewer",
            "Notes",
            "Last updated",
            "Rationale",
            "Data source",
            "Rationale for the targets",
        ):
            assert found[label] == "Not yet set", label
    assert (goal["Indicator type"], goal["PPR indicator"]) == ("Impact", "Yes")
    assert (output["Indicator type"], output["PPR indicator"]) == ("Output", "Not yet set")


def test_the_files_values_replace_the_defaults_and_last_updated_follows_the_change_log(db):
    sheet = {
        "indicator_type": "Outcome",
        "ppr_indicator": False,
        "direction_of_change": "lower is better",
        "data_storage": "ctmonitor indicator store at IOM Rwanda",
        "notes": "Counted from signed minutes.",
        "last_updated": "2019-10-15",
        "data_quality": {
            "last_assessment": "2019-06-12",
            "next_assessment": "2021-06-30",
            "reviewer": "USAID/Rwanda AOR",
        },
    }
    make_programme(
        db,
        code="FULL",
        results=[
            {
                "code": "1",
                "level": "output",
                "category": "Coordination",
                "statement": "Coordination works.",
                "indicators": [
                    {
                        "code": "FULL-1.1",
                        "name": "Number of meetings held",
                        "unit": "number",
                        "standard_indicator": "PS.5.2-23",
                        "source": {"kind": "meetings"},
                        "measure": {"type": "count"},
                        "targets": {"LOP": 8},
                        "reference_sheet": sheet,
                    }
                ],
            }
        ],
    )
    found = facts(workbook(db, "FULL")["FULL-1.1"])
    assert (found["Indicator type"], found["PPR indicator"], found["Direction of change"]) == (
        "Outcome",
        "No",
        "Lower is better",
    )
    assert (found["Last assessment"], found["Next assessment"], found["Reviewer"]) == (
        "12 June 2019",
        "30 June 2021",
        "USAID/Rwanda AOR",
    )
    assert (found["Data storage"], found["Notes"]) == (sheet["data_storage"], sheet["notes"])
    assert found["Last updated"] == "15 October 2019"
    edit = logframe.edit(
        db,
        "FULL-1.1",
        by="claire",
        reason="Donor-approved modification",
        comment="Mod 3",
        targets={"LOP": "9"},
    )
    assert edit.ok, edit.problems
    today = datetime.now(UTC).date()
    assert facts(workbook(db, "FULL")["FULL-1.1"])["Last updated"] == f"{today.day} {today:%B %Y}"


def test_calculations_in_the_words_of_the_sheets_columns(db):
    wb = workbook(db)
    k43 = facts(wb["KEC-4.3"])["Calculation"]
    assert k43.startswith(
        "(Passed post-test) ÷ (Female participants + Male participants) × 100, each side added up "
        "over the period's rows of the Trainings sheet"
    )
    assert "Rows counted: those where Passed post-test is filled in." in k43
    assert not re.search(r"passed_post_test|\bfemale\b|\bmale\b|Σ", k43)
    assert facts(wb["KEC-4.2"])["Calculation"].startswith(
        "Female participants + Male participants, added up over the period's rows of the Trainings sheet."
    )
    assert facts(wb["KEC-3.1"])["Calculation"] == (
        "Number of rows of the Meetings sheet in the period, one per meeting. Rows counted: those where Body is "
        "Technical Committee. A row counts in the quarter of its Date."
    )
    assert facts(wb["KEC-2.1"])["Calculation"].startswith(
        "Number of distinct Instrument values of the Policies sheet whose Stage reaches Adopted or a later stage"
    )
    pvr32 = facts(workbook(db, "PVR")["PVR-3.2"])["Calculation"]
    assert pvr32 == (
        "Number of rows of the Cases sheet in the period, one per person identified. Rows counted: "
        "those where Trafficking status is Possible victim or Actual victim and Referral date is filled "
        "in. A row counts in the quarter of its Referral date."
    )


@pytest.mark.parametrize("code, paper", [("KEC", LETTER), ("PVR", LETTER), ("GIFT", A4)])
def test_the_paper_is_letter_for_us_donors_and_a4_otherwise(db, code, paper):
    wb = workbook(db, code)
    assert [int(ws.page_setup.paperSize) for ws in wb.worksheets] == [paper] * len(wb.worksheets)


def test_every_sheet_prints_on_one_page(db):
    wb = workbook(db, "PVR")
    for ws in wb.worksheets[1:]:
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 1), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.orientation == "portrait"


def test_a_target_changed_in_the_programme_file_is_in_the_change_log(db, tmp_path):
    edited = tmp_path / "programmes"
    edited.mkdir()
    for path in PROGRAMMES.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if path.name == "kec.yaml":
            text = text.replace(
                "targets: {FY2017: 120, FY2018: 400, FY2019: 400, FY2020: 200, LOP: 1120}",
                "targets: {FY2017: 120, FY2018: 400, FY2019: 450, FY2020: 200, LOP: 1170}",
            )
        (edited / path.name).write_text(text, encoding="utf-8")
    definitions.load_directory(db, edited, user="amina")
    wb = workbook(db)
    ws = wb["KEC-4.2"]
    log = [
        [ws.cell(r, c).value for c in (1, 2, 5)]
        for r in range(1, ws.max_row + 1)
        if str(ws.cell(r, 2).value or "").endswith(" target: 400 → 450")
        or "LOP target" in str(ws.cell(r, 2).value)
    ]
    assert [entry[1:] for entry in log] == [
        ["FY2019 target: 400 → 450", "Programme file edited"],
        ["LOP target: 1120 → 1170", "Programme file edited"],
    ]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d · amina", entry[0]) for entry in log)
    table = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    assert (table["FY2019"], table["LOP"]) == (450, 1170)  # the values table's targets as they are now
    today = datetime.now(UTC).date()
    assert facts(ws)["Last updated"] == f"{today.day} {today:%B %Y}"
    assert facts(wb["KEC-4.3"]).get("No change since the indicator was defined.") is None


def test_the_command_line_makes_it_without_a_quarter(tmp_path, capsys):
    from tests.builders import fresh_store, run_command

    settings = fresh_store(tmp_path)
    out = tmp_path / "KEC_pirs.xlsx"
    assert run_command(settings, "export", "--programme", "KEC", "--format", "pirs", "-o", str(out)) == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "Contents"
    assert run_command(settings, "export", "--programme", "KEC", "-o", str(tmp_path / "x.xlsx")) == 2
    assert "--period is needed" in capsys.readouterr().err


def test_libreoffice_prints_one_page_per_indicator(db, tmp_path):
    from tests.exports.test_libreoffice import soffice

    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        pytest.fail("LibreOffice is missing: install libreoffice-calc-nogui (see .ci/run)")
    source = tmp_path / "KEC_pirs.xlsx"
    source.write_bytes(pirs.render(build(db, "KEC")))
    pdf = soffice(tmp_path, "pdf", source, tmp_path / "pdf").read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == 1 + 8  # the contents, then one page for each of KEC's 8 indicators
