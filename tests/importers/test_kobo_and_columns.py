"""KoboToolbox and ODK exports (XLSX and CSV) of case and activity forms; and a sheet recognised as a kind but
lacking every column an indicator adds up is refused, naming the columns."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from sqlalchemy import select

from importers.pipeline import import_file
from indicators.store.models import Case, Training
from tests.importers.conftest import count

KOBO_CASE_HEADERS = [
    "start",
    "end",
    "today",
    "deviceid",
    "case/prs_FirstName",
    "case/prs_SecondName",
    "case/prs_Gender",
    "case/prs_Citizenship",
    "case/vic_TraffickingStatus",
    "case/vic_TypeOfExploitation",
    "case/vic_TypeOfExploitation/forced_labour",
    "case/vic_TypeOfExploitation/sexual_exploitation",
    "case/vic_LocationOfExploitation",
    "case/cas_IncomingReferralDate",
    "case/cas_OutgoingReferralDate",
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_notes",
    "_status",
    "_submitted_by",
    "__version__",
    "_tags",
    "_index",
]


def _kobo_cases(status: str = "possible_victim_of_trafficking") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "HTCDS case form"
    sheet.append(KOBO_CASE_HEADERS)
    rows = [
        (
            "Aline",
            "Niyonsaba",
            "feminine",
            "CD",
            status,
            "forced_labour sexual_exploitation",
            1,
            1,
            "Riyadh",
            "2019-03-04",
            "2019-03-06",
            "a3d2c1b0-0000-4e4e-8a8a-000000000001",
        ),
        (
            "Patrick",
            "Mugisha",
            "masculine",
            "bdi",
            "actual_victim_of_trafficking",
            "forced_labour",
            1,
            0,
            "Kampala, Uganda",
            "2019-04-11",
            "",
            "a3d2c1b0-0000-4e4e-8a8a-000000000002",
        ),
    ]
    for n, (
        first,
        second,
        gender,
        country,
        state,
        types,
        labour,
        sexual,
        place,
        found,
        referred,
        uuid,
    ) in enumerate(rows, start=1):
        sheet.append(
            [
                "2019-03-04T09:00:00",
                "2019-03-04T09:20:00",
                "2019-03-04",
                "collect:abc",
                first,
                second,
                gender,
                country,
                state,
                types,
                labour,
                sexual,
                place,
                found,
                referred,
                1000 + n,
                uuid,
                "2019-03-04T09:21:00",
                "",
                "",
                "submitted_via_web",
                "officer_kobo",
                "vXYZ",
                "",
                n,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_kobo_case_export_is_read_and_its_uuid_keys_the_case(db, settings):
    report = import_file(db, _kobo_cases(), "kobo.xlsx", settings=settings, programme="PVR")
    assert report.ok, report.as_text()
    assert report.warnings == []  # metadata and select-multiple option columns go unmentioned
    note = report.sheets[0].note
    assert "IOM HTCDS v2.0 layout" in note and "KoboToolbox/ODK metadata columns ignored" in note
    aline, patrick = db.scalars(select(Case).order_by(Case.date_identified)).all()
    assert (
        aline.sex,
        aline.nationality,
        aline.status,
        aline.exploitation_types,
        aline.destination_region,
    ) == ("Female", "DR Congo", "Possible victim", ["Forced labour", "Sexual exploitation"], "Middle East")
    assert (aline.date_identified, aline.referral_date) == (date(2019, 3, 4), date(2019, 3, 6))
    assert aline.reference == "uuid:a3d2c1b0-0000-4e4e-8a8a-000000000001"
    assert (patrick.nationality, patrick.status, patrick.destination_region) == (
        "Burundi",
        "Actual victim",
        "East Africa",
    )
    again = import_file(
        db, _kobo_cases("actual_victim_of_trafficking"), "kobo (2).xlsx", settings=settings, programme="PVR"
    )
    assert again.counts["cases"] == {"new": 0, "updated": 1, "unchanged": 1, "skipped": 0}
    assert count(db, "cases") == 2


def test_an_odk_central_csv_export(db, settings):
    text = (
        "SubmissionDate,case-prs_Gender,case-prs_Citizenship,case-vic_TraffickingStatus,"
        "case-cas_IncomingReferralDate,meta-instanceID,KEY,SubmitterID,SubmitterName,Status,ReviewState\n"
        "2019-05-02T10:00:00Z,Feminine,RW,Possible victim of trafficking,2019-05-01,uuid:0b9c-11,uuid:0b9c-11,7,"
        "Odette Uwera,,approved\n"
    )
    report = import_file(db, text.encode(), "odk.csv", settings=settings, programme="PVR")
    assert report.ok and report.warnings == [], report.as_text()
    [case] = db.scalars(select(Case)).all()
    assert (case.reference, case.nationality, case.status) == ("uuid:0b9c-11", "Rwanda", "Possible victim")
    assert "Odette" not in report.as_text()


def test_a_kobo_activity_export_with_semicolons(db, settings):
    text = (
        "start;end;today;training/date;training/district;training/target_group;training/female;training/male;"
        "_uuid;_submission_time;_index\n"
        "2019-08-01T08:00:00;2019-08-01T08:05:00;2019-08-01;2019-04-03;gasabo;police;12;8;u-1;"
        "2019-08-01T08:06:00;1\n"
    )
    report = import_file(db, text.encode(), "kobo.csv", settings=settings, programme="KEC")
    assert report.ok and report.warnings == [], report.as_text()
    [training] = db.scalars(select(Training)).all()
    # "start" and "end" are the form's own timestamps in an export, not the training's dates
    assert (training.start_date, training.end_date, training.district) == (date(2019, 4, 3), None, "Gasabo")
    assert (training.target_group, training.female, training.male) == ("Law enforcement", 12, 8)


def test_a_sheet_lacking_every_counted_column_is_refused_naming_them(db, settings):
    text = (
        "Ref,Project,Date,District,Target group,Topic,Ladies,Gents\nT-1,KEC,03/04/2019,Huye,Police,ID,5,7\n"
    )
    report = import_file(db, text.encode(), "trainings.csv", settings=settings)
    assert not report.ok and count(db, "trainings") == 0
    [error] = report.errors
    assert error.where == "trainings!1" and "'Female participants' or 'Male participants'" in error.expected
    assert "KEC-4.2 adds up" in error.expected
    assert [w.value for w in report.warnings] == ["Ladies", "Gents"]  # the columns no synonym knows


def test_a_blank_cell_in_a_present_count_column_is_still_0(db, settings):
    text = "Ref,Project,Date,District,Target group,Female\nT-1,KEC,03/04/2019,Huye,Police,\n"
    report = import_file(db, text.encode(), "trainings.csv", settings=settings)
    assert report.ok, report.as_text()
    [training] = db.scalars(select(Training)).all()
    assert (training.female, training.male) == (0, 0)


def test_a_slash_or_dash_in_an_ordinary_header_is_not_a_group_path(db, settings):
    text = (
        "Ref,Project,Date,District,Target group,Female,Male,Participants M/F,Sub-total\n"
        "T-1,KEC,03/04/2019,Huye,Police,5,7,5/7,12\n"
    )
    report = import_file(db, text.encode(), "trainings.csv", settings=settings)
    assert report.ok, report.as_text()
    assert [w.value for w in report.warnings] == ["Participants M/F", "Sub-total"]  # ignored, said so
