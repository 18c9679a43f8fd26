"""Validation: every error class reported with its cell, value and expectation; all or nothing; dry runs."""

from datetime import date

import pytest
from sqlalchemy import select

from importers.report import Problem
from indicators.store.models import Upload
from tests.importers.conftest import count, uploads

# (cell, value found, part of what was expected) for each error planted in tests/data/errors.xlsx
EXPECTED = [
    ("Trainings!H3", "abc", "a whole number ≥ 0"),
    ("Trainings!C4", "31/02/2019", "a date (dd/mm/yyyy)"),
    ("Trainings!C5", "01/12/2016", "a date within KEC's period (01/01/2017 – 30/06/2020)"),
    ("Trainings!C6", "01/01/2099", "a date not in the future"),
    ("Trainings!D7", "01/03/2019", "a date on or after the start date (05/03/2019)"),
    ("Trainings!J8", "21", "female + male = 20"),
    ("Trainings!K9", "25", "at most the participants (20)"),
    ("Trainings!E10", "Gasabbo", "one of Rwanda's 30 districts (did you mean Gasabo?)"),
    ("Trainings!F11", "Astronauts", "one of Law enforcement, Immigration officers"),
    ("Trainings!B12", "XYZ", "a project code (GIFT, KEC, PVR)"),
    ("Trainings!A13", "T-1", "a reference used once in the file and project (also Trainings!A2)"),
    ("Trainings!H14", "-3", "a whole number ≥ 0"),
    ("Awareness!F3", "", "the refugee camp (the setting is Refugee camp)"),
    ("Awareness!D4", "Karongi", "Kirehe (Mahama camp is in Kirehe district)"),
    ("Awareness!J5", "100", "at most the people reached (90)"),
    ("Awareness!C6", "15/01/2018", "a date within PVR's period (01/02/2018 – 30/06/2020)"),
    (
        "Policies!F3",
        "01/03/2018",
        ("a date on or after the Drafted stage (01/05/2018, Policies!F2): stages only move forward"),
    ),
    ("Policies!E4", "Drafted", "each stage once per instrument (Drafted is also Policies!E2)"),
    ("Policies!D5", "Treaty", "one of Law, Policy, National action plan"),
]


def test_every_error_is_reported_with_its_cell(load):
    report = load("errors.xlsx")
    assert not report.ok and report.outcome == "refused"
    found = [(e.where, e.value, e.expected) for e in report.errors]
    assert len(found) == len(EXPECTED), report.as_text()
    for (where, value, expected), (cell, shown, text) in zip(EXPECTED, found):
        assert (cell, shown) == (where, value)
        assert expected in text, (where, text)


def test_problem_reads_as_one_line():
    problem = Problem("Trainings", "H14", "abc", "a whole number ≥ 0")
    assert str(problem) == "Trainings!H14: found 'abc'; expected a whole number ≥ 0"
    assert problem.where == "Trainings!H14"
    assert (
        str(Problem("Awareness", "F3", "", "the refugee camp"))
        == "Awareness!F3: found a blank cell; expected the refugee camp"
    )


def test_one_bad_row_among_many_good_ones_stores_nothing(load, db):
    report = load("errors.xlsx")
    assert not report.ok
    for kind in ("trainings", "awareness", "policies"):
        assert count(db, kind) == 0
    assert report.counts == {
        k: {"new": 0, "updated": 0, "unchanged": 0, "skipped": 0}
        for k in ("trainings", "awareness", "policies")
    }


def test_a_refused_file_leaves_only_its_upload_row_with_the_errors(load, db, settings):
    report = load("errors.xlsx", uploaded_by="officer")
    [upload] = uploads(db)
    assert upload.id == report.upload_id
    assert (upload.outcome, upload.uploaded_by, upload.kept_path) == ("refused", "officer", None)
    assert upload.errors == [str(e) for e in report.errors]
    assert not (settings.upload_dir / f"{report.sha256}.xlsx").exists()


def test_dry_run_reports_without_storing_anything(load, db):
    report = load("activities_messy.xlsx", dry_run=True)
    assert report.ok and report.outcome == "dry-run" and report.upload_id is None
    assert report.counts["trainings"]["new"] == 4
    assert count(db, "trainings") == 0 and uploads(db) == []
    refused = load("errors.xlsx", dry_run=True)
    assert refused.outcome == "refused" and len(refused.errors) == len(EXPECTED)
    assert uploads(db) == []


def test_a_row_project_must_match_the_project_named(load, db):
    report = load("activities_messy.xlsx", programme="KEC")
    assert not report.ok
    assert [e.where for e in report.errors] == ["Q3 FY2019 trainings!C9", "Outreach!B4", "Outreach!B5"]
    assert all(e.expected == "KEC, the project named for this upload" for e in report.errors)


def test_unknown_programme_named_is_refused_in_one_line(load, db):
    report = load("activities_messy.xlsx", programme="ZZZ")
    assert not report.ok and len(report.errors) == 1
    assert str(report.errors[0]) == "unknown project code 'ZZZ'; known: GIFT, KEC, PVR"


def test_results_sheet_errors(load, db):
    report = load("results_errors.xlsx")
    found = [(e.where, e.value) for e in report.errors]
    assert found == [
        ("Results!B2", "KEC-9.9"),
        ("Results!B3", "PVR-3.1"),
        ("Results!C4", "FY2025Q1"),
        ("Results!C5", "FY2019"),
        ("Results!D6", "many"),
        ("Results!E7", "nationality=Burundi"),
    ]
    assert "belongs to PVR" in report.errors[1].expected
    assert report.errors[2].expected == "a reporting quarter of KEC, FY2017Q2 to FY2020Q3"
    assert count(db, "results") == 0


def test_missing_required_column_is_named(db, settings):
    from importers.pipeline import import_file

    text = "Reference,Project,Start date,Target group,Female,Male\nX-1,KEC,02/07/2019,Media,1,2\n"
    report = import_file(db, text.encode(), "no_district.csv", settings=settings)
    assert [str(e) for e in report.errors] == [
        (
            "no_district!1: found nothing; expected a column headed 'District' (or 'Location', 'Venue district') "
            "in the header row"
        )
    ]


def test_every_error_of_a_big_sheet_is_collected(db, settings):
    from importers.pipeline import import_file

    rows = "".join(f"R-{n},KEC,02/07/2019,Huye,Media,x{n},1\n" for n in range(250))
    report = import_file(
        db,
        ("Reference,Project,Date,District,Target group,Female,Male\n" + rows).encode(),
        "many.csv",
        settings=settings,
    )
    assert len(report.errors) == 250
    assert report.errors[0].where == "many!F2" and report.errors[-1].where == "many!F251"
    assert "… and 50 more" in report.as_text()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("02/07/2019", date(2019, 7, 2)),
        ("2/7/2019", date(2019, 7, 2)),
        ("2019-07-02", date(2019, 7, 2)),
        ("02.07.2019", date(2019, 7, 2)),
        ("2 July 2019", date(2019, 7, 2)),
        ("02/07/19", date(2019, 7, 2)),
    ],
)
def test_dates_as_people_type_them_day_first(db, settings, text, expected):
    from importers.pipeline import import_file
    from indicators.store.models import Training

    report = import_file(
        db,
        f"Project,Date,District,Target group,Female\nKEC,{text},Huye,Media,4\n".encode(),
        "d.csv",
        settings=settings,
    )
    assert report.ok, report.as_text()
    assert db.execute(select(Training.start_date)).scalar_one() == expected


def test_refused_upload_is_counted_as_refused_in_history(load, db):
    load("errors.xlsx")
    load("activities_messy.xlsx")
    outcomes = db.execute(select(Upload.outcome).order_by(Upload.id)).scalars().all()
    assert outcomes == ["refused", "stored"]
