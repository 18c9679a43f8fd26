"""Blank templates: header row, drop-down lists fed from a hidden Lists sheet, instructions, frozen header;
and a filled template imports cleanly."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from importers.kinds import BY_KIND, KINDS
from importers.templates import template, template_columns

FILLED = {
    "trainings": {
        "Reference": "TPL-1",
        "Project": "KEC",
        "Start date": date(2019, 3, 4),
        "End date": date(2019, 3, 5),
        "District": "Nyarugenge",
        "Target group": "Prosecutors and judges",
        "Topic": "Prosecuting TIP",
        "Female participants": 9,
        "Male participants": 11,
        "Total participants": 20,
        "Passed post-test": 17,
        "Organised with": "NPPA",
    },
    "awareness": {
        "Reference": "TPL-2",
        "Project": "PVR",
        "Date": date(2019, 3, 4),
        "District": "Gicumbi",
        "Setting": "Refugee camp",
        "Refugee camp": "Gihembe",
        "Activity": "Drama",
        "Female reached": 80,
        "Male reached": 60,
        "Total reached": 140,
        "Of whom under 18": 40,
    },
    "policies": {
        "Reference": "TPL-3",
        "Project": "KEC",
        "Instrument": "Ministerial order on shelters",
        "Type": "Regulation",
        "Stage": "Drafted",
        "Date": date(2019, 3, 4),
        "Lead institution": "MINIJUST",
    },
    "meetings": {
        "Reference": "TPL-4",
        "Project": "KEC",
        "Date": date(2019, 3, 4),
        "Body": "Technical Committee",
        "Participants": 21,
        "Institutions represented": 12,
        "Decisions": "Work plan adopted",
    },
    "research": {
        "Reference": "TPL-5",
        "Project": "KEC",
        "Title": "Baseline study",
        "Stage": "Inception",
        "Date": date(2019, 3, 4),
    },
    "cases": {
        "Case code": "TPL-6",
        "Project": "PVR",
        "Date identified": date(2019, 3, 4),
        "Sex": "Female",
        "Nationality": "Burundi",
        "Trafficking status": "Possible victim",
        "Exploitation type": "Servitude",
        "Destination region": "Middle East",
        "Referred to": "Isange One Stop Centre",
        "Referral date": date(2019, 3, 6),
        "Age": 17,
        "Age group": "Child",
        "Location": "Mahama",
        "Assistance": "Shelter; Psychosocial",
    },
    "results": {
        "Reference": "TPL-7",
        "Project": "KEC",
        "Indicator": "KEC-4.1",
        "Period": "FY2019Q3",
        "Value": 4,
        "Disaggregation": "target_group=Media",
        "Comment": "Entered from the register",
    },
}


def _open(data: bytes):
    return load_workbook(io.BytesIO(data))


@pytest.mark.parametrize("kind", KINDS)
def test_template_layout(kind):
    layout = BY_KIND[kind]
    book = _open(template(kind, programmes=["GIFT", "KEC", "PVR"]))
    assert book.sheetnames == [layout.title, "Instructions", "Lists"]
    sheet, lists = book[layout.title], book["Lists"]
    assert lists.sheet_state == "hidden"
    assert sheet.freeze_panes == "A2"
    headers = [cell.value for cell in sheet[1]]
    assert headers == [c.label for c in template_columns(layout)]
    assert all(sheet.column_dimensions[cell.column_letter].width >= 7 for cell in sheet[1])
    lists_by_header = {lists.cell(row=1, column=n).value: n for n in range(1, lists.max_column + 1)}
    validations = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    for index, column in enumerate(template_columns(layout), start=1):
        cell = sheet.cell(row=1, column=index)
        choices = column.type.choices or (("GIFT", "KEC", "PVR") if column.field == "project" else ())
        if choices:
            validation = validations[f"{cell.column_letter}2"]
            assert validation.type == "list" and validation.formula1.startswith("Lists!$")
            n = lists_by_header[column.label]
            listed = [lists.cell(row=r, column=n).value for r in range(2, len(choices) + 2)]
            assert listed == list(choices)
    instructions = [row[0] for row in book["Instructions"].iter_rows(values_only=True)]
    assert all(c.label in instructions for c in template_columns(layout))


def test_templates_hold_no_identifier_columns():
    headers = [cell.value for cell in _open(template("cases"))["Cases"][1]]
    assert not {"Name", "Phone number", "Date of birth", "Passport number"} & set(headers)


def test_unknown_kind():
    with pytest.raises(ValueError, match="unknown kind"):
        template("budgets")


@pytest.mark.parametrize("kind", KINDS)
def test_a_filled_template_imports_cleanly(load, kind):
    book = _open(template(kind, programmes=["GIFT", "KEC", "PVR"]))
    sheet = book[BY_KIND[kind].title]
    for index, header in enumerate((cell.value for cell in sheet[1]), start=1):
        sheet.cell(row=2, column=index, value=FILLED[kind].get(header))
    buffer = io.BytesIO()
    book.save(buffer)
    report = load(f"{kind}.xlsx", buffer.getvalue())
    assert report.ok and report.outcome == "stored", report.as_text()
    assert report.counts[kind]["new"] == 1 and report.warnings == []
    assert [(s.kind, s.note.split(":")[0].split(";")[0]) for s in report.sheets] == [
        (kind, "1 row, header in row 1"),
        (None, "ignored"),
        (None, "ignored"),
    ]
