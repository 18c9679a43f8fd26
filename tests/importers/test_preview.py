"""The dry run's account of each sheet: header row, row count, the first rows as understood, and every header
and value read through a synonym; shown even when the workbook has errors, and never a case's identifier."""

from __future__ import annotations

import pytest

from tests.importers.htcds_filled import VARIANTS, fill, identifiers, people


def _sheet(report, kind):
    return next(s for s in report.sheets if s.kind == kind)


def test_a_messy_workbook_is_shown_as_understood(load):
    report = load("activities_messy.xlsx", dry_run=True)
    trainings = _sheet(report, "trainings").preview
    assert (trainings.header_row, trainings.rows) == (4, 4)
    assert trainings.columns[:6] == [
        "Reference",
        "Project",
        "Start date",
        "End date",
        "District",
        "Target group",
    ]
    assert trainings.first_rows[0][:6] == [
        "KEC-T-101",
        "KEC",
        "3 April 2019",
        "4 April 2019",
        "Gasabo",
        "Law enforcement",
    ]
    assert trainings.row_numbers[0] == 5
    assert "'Audience' (G4) → Target group" in trainings.headers
    assert "'Women' (I4) → Female participants" in trainings.headers
    assert "Target group: Police → Law enforcement" in trainings.values
    assert "Target group: NPPA → Prosecutors and judges" in trainings.values
    awareness = _sheet(report, "awareness").preview
    assert (
        "Setting: Camp → Refugee camp" in awareness.values
        and "Refugee camp: kiziba camp → Kiziba" in awareness.values
    )


def test_the_header_row_and_counts_are_shown_even_with_errors(load):
    report = load("errors.xlsx", programme="KEC", dry_run=True)
    assert report.errors
    preview = _sheet(report, "trainings").preview
    assert preview.header_row and preview.rows > 0 and preview.first_rows
    # a cell that could not be read says so in its place
    assert any(cell == "✗ not understood" for row in preview.first_rows for cell in row)


def test_dates_written_as_text_are_shown_in_words(load):
    data = (
        b"Reference,Project,Start date,District,Target group,Topic,Female participants,Male participants\n"
        b"CSV-1,KEC,08/07/2019,gasabo,Teachers,Referral,4,5\n"
    )
    report = load("trainings.csv", data=data, dry_run=True)
    preview = _sheet(report, "trainings").preview
    assert "Start date: 08/07/2019 → 8 July 2019" in preview.values
    assert "Target group: Teachers → School leaders and teachers" in preview.values
    assert preview.first_rows[0][2:5] == ["8 July 2019", "Gasabo", "School leaders and teachers"]


@pytest.mark.parametrize("variant", VARIANTS, ids=["with-validation", "plain"])
def test_a_case_sheet_is_previewed_without_anyone_in_it(load, variant):
    rows = people(12)
    report = load("htcds.xlsx", data=fill(variant, rows), programme="PVR", dry_run=True)
    preview = _sheet(report, "cases").preview
    assert preview.rows == 12 and {"Sex", "Nationality", "Trafficking status"} <= set(preview.columns)
    shown = repr((preview.columns, preview.first_rows, preview.headers, preview.values))
    for identifier in identifiers(rows):
        assert identifier not in shown, identifier
    assert "Congo, Democratic Republic of the" not in [c for row in preview.first_rows for c in row]
