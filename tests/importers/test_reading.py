"""Reading messy workbooks: title rows, synonyms, mixed dates, numbers as text, blank, number-only and Total
rows, several kinds per workbook, instruction and list sheets, and every supported format."""

from datetime import date

import pytest
from sqlalchemy import select

from importers.kinds import KINDS
from importers.pipeline import import_file
from indicators.store.models import (
    Awareness,
    Meeting,
    PolicyStep,
    ResearchStep,
    ResultValue,
    Training,
    Upload,
)
from tests.importers.conftest import DATA, count


def _trainings(session):
    return {t.reference or t.topic: t for t in session.execute(select(Training)).scalars()}


def test_kinds_are_the_seven_sheet_kinds():
    assert KINDS == ("trainings", "awareness", "policies", "meetings", "research", "cases", "results")


def test_messy_workbook_is_read_as_an_officer_wrote_it(load, db):
    report = load("activities_messy.xlsx")
    assert report.ok and report.outcome == "stored", report.as_text()
    assert report.kinds == ["trainings", "awareness"]
    assert report.counts["trainings"] == {"new": 4, "updated": 0, "unchanged": 0, "skipped": 0}
    assert report.counts["awareness"]["new"] == 5
    notes = {s.name: (s.kind, s.note) for s in report.sheets}
    assert notes["Read me"] == (None, "ignored: instructions or lists")
    assert notes["Lists"][0] is None  # the hidden drop-down list sheet
    assert notes["Q3 FY2019 trainings"] == ("trainings", "4 rows, header in row 4")
    assert notes["Outreach"] == ("awareness", "5 rows, header in row 2")

    rows = _trainings(db)
    first = rows["KEC-T-101"]
    assert (first.start_date, first.end_date) == (
        date(2019, 4, 3),
        date(2019, 4, 4),
    )  # Excel date, dd/mm/yyyy
    assert (first.district, first.target_group) == ("Gasabo", "Law enforcement")  # trailing space, "Police"
    assert (first.female, first.male, first.passed_post_test) == (12, 8, 15)  # " 12 " and "8.0" as text
    assert (first.topic, first.partner) == ("Victim identification", "UNICEF")
    assert first.quarter == "FY2019Q3"
    second = rows["KEC-T-102"]
    assert (second.start_date, second.district, second.target_group) == (
        date(2019, 4, 15),
        "Rusizi",
        "Immigration officers",
    )
    assert second.end_date is None and second.passed_post_test is None  # blank post-test: no test given
    # A row without a reference; ISO dates; text starting with "=" is kept as typed, never a formula.
    third = rows["=Prosecuting TIP cases"]
    assert third.reference is None
    assert (third.start_date, third.end_date, third.target_group) == (
        date(2019, 5, 2),
        date(2019, 5, 3),
        "Prosecutors and judges",
    )
    pvr = rows["PVR-T-201"]
    assert pvr.start_date == date(2019, 5, 20) and pvr.target_group == "Humanitarian and camp staff"
    programmes = {t.programme_id for t in rows.values()}
    assert len(programmes) == 2  # "KEC ", "kec" and "PVR": project codes trimmed, any case

    provenance = db.execute(
        select(Training.source_sheet, Training.source_row, Training.upload_id).order_by(Training.source_row)
    ).all()
    assert [(s, r) for s, r, _ in provenance] == [
        ("Q3 FY2019 trainings", 5),
        ("Q3 FY2019 trainings", 6),
        ("Q3 FY2019 trainings", 7),
        ("Q3 FY2019 trainings", 9),
    ]
    assert {u for _, _, u in provenance} == {report.upload_id}


def test_warnings_name_the_ignored_column_and_the_skipped_total_row(load):
    report = load("activities_messy.xlsx")
    texts = [str(w) for w in report.warnings]
    assert texts == [
        "Q3 FY2019 trainings!N4: found 'Venue'; expected a column of the Trainings sheet; this column is ignored",
        "Q3 FY2019 trainings!A12: found 'Total'; expected activity rows only; this Total row is skipped",
    ]


def test_awareness_synonyms_camps_and_settings(load, db):
    load("activities_messy.xlsx")
    events = {a.reference: a for a in db.execute(select(Awareness)).scalars()}
    assert (events["AW-1"].setting, events["AW-1"].camp, events["AW-1"].under_18) == ("Community", None, 30)
    assert (events["AW-2"].district, events["AW-2"].setting, events["AW-2"].camp) == (
        "Kirehe",
        "Refugee camp",
        "Mahama",
    )
    assert (events["AW-2"].female, events["AW-2"].male, events["AW-2"].date) == (210, 180, date(2019, 6, 14))
    assert (events["AW-3"].camp, events["AW-3"].setting) == (
        "Kiziba",
        "Refugee camp",
    )  # "kiziba camp", "Camp"
    assert events["AW-4"].setting == "School" and events["AW-5"].setting == "Border area"
    assert events["AW-5"].under_18 is None


def test_sheet_kinds_come_from_headers_not_names(load, db):
    report = load("stages_no_reference.xlsx", programme="KEC")
    assert report.ok, report.as_text()
    assert [(s.name, s.kind) for s in report.sheets] == [
        ("Legal framework", "policies"),
        ("Studies", "research"),
        ("Coordination", "meetings"),
    ]
    steps = db.execute(select(PolicyStep.stage, PolicyStep.instrument_type).order_by(PolicyStep.date)).all()
    assert steps == [("Drafted", "Law"), ("Validated", "Law"), ("Drafted", "National action plan")]
    assert db.execute(select(ResearchStep.stage).order_by(ResearchStep.date)).scalars().all() == [
        "Inception",
        "Data collection",
    ]
    meetings = db.execute(select(Meeting).order_by(Meeting.date)).scalars().all()
    assert [(m.participants, m.institutions) for m in meetings] == [(18, 11), (21, 12)]
    assert meetings[1].decisions == "=Reviewed the draft law"


def test_csv_with_a_byte_order_mark(load, db):
    report = load("trainings_bom.csv")
    assert report.ok and report.counts["trainings"]["new"] == 3, report.as_text()
    assert report.sheets[0].kind == "trainings"
    rows = _trainings(db)
    assert rows["CSV-1"].female == 9 and rows["CSV-1"].district == "Huye"
    assert rows["CSV-1"].target_group == "School leaders and teachers"
    assert rows["CSV-2"].start_date == date(2019, 7, 9) and rows["CSV-2"].passed_post_test == 8
    assert rows["CSV-3"].target_group == "Local government officials"


def test_ods_workbook(load, db):
    report = load("awareness.ods")
    assert report.ok and report.counts["awareness"]["new"] == 2, report.as_text()
    camps = db.execute(select(Awareness.camp, Awareness.district).order_by(Awareness.date)).all()
    assert camps == [("Mugombwa", "Gisagara"), ("Kigeme", "Nyamagabe")]


def test_xls_workbook_without_a_project_column(load, db):
    report = load("meetings.xls", programme="KEC")
    assert report.ok and report.counts["meetings"]["new"] == 2, report.as_text()
    assert db.execute(select(Meeting.quarter).order_by(Meeting.date)).scalars().all() == [
        "FY2020Q1",
        "FY2020Q2",
    ]


def test_without_project_column_the_upload_must_name_the_project(load, db):
    report = load("meetings.xls")
    assert not report.ok
    assert [str(e) for e in report.errors] == [
        "Meetings!1: found nothing; expected a Project column, or the project named for the upload (GIFT, KEC, PVR)"
    ]
    assert count(db, "meetings") == 0


def test_xlsm_workbook_reads_like_xlsx_and_macros_never_run(load, db):
    report = load("activities_messy.xlsm")
    assert report.ok and report.counts["trainings"]["new"] == 4 and report.counts["awareness"]["new"] == 5


def test_results_sheet_direct_entry(load, db):
    report = load("results.xlsx")
    assert report.ok, report.as_text()
    values = db.execute(
        select(
            ResultValue.quarter, ResultValue.value, ResultValue.disaggregation, ResultValue.category
        ).order_by(ResultValue.id)
    ).all()
    assert values == [
        ("FY2019Q3", 3.0, "", ""),
        ("FY2019Q3", 2.0, "target_group", "Law enforcement"),
        ("FY2019Q2", 12.0, "sex", "Female"),
    ]


def test_stored_upload_records_provenance_and_keeps_the_file(load, db, settings):
    report = load("activities_messy.xlsx", uploaded_by="claudine")
    upload = db.get(Upload, report.upload_id)
    assert (upload.filename, upload.uploaded_by, upload.outcome) == (
        "activities_messy.xlsx",
        "claudine",
        "stored",
    )
    assert upload.sha256 == report.sha256 and upload.size == (DATA / "activities_messy.xlsx").stat().st_size
    assert upload.kinds == ["trainings", "awareness"] and upload.counts == report.counts
    assert len(upload.warnings) == 2 and upload.errors == []
    kept = settings.upload_dir / f"{report.sha256}.xlsx"
    assert (
        upload.kept_path == str(kept) and kept.read_bytes() == (DATA / "activities_messy.xlsx").read_bytes()
    )


def test_progress_is_reported_from_reading_to_storing(load):
    seen = []
    load("activities_messy.xlsx", progress=lambda fraction, message: seen.append((fraction, message)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] < 0.1 and fractions[-1] == 1.0
    messages = " ".join(m for _, m in seen)
    assert "reading" in messages and "checking" in messages and "storing" in messages


@pytest.mark.parametrize(
    "header",
    [
        "FEMALE PARTICIPANTS",
        "female_participants",
        "Female-participants ",
        "Participants (F)",
        "Femále participants",
    ],
)
def test_header_matching_ignores_case_spacing_punctuation_and_accents(db, settings, header):
    text = f"Project,Start date,District,Target group,{header},Male\nKEC,02/07/2019,Huye,Media,4,5\n"
    report = import_file(db, text.encode(), "t.csv", settings=settings)
    assert report.ok, report.as_text()
    assert db.execute(select(Training.female)).scalar_one() == 4


def test_header_beyond_the_tenth_row_is_not_found(db, settings):
    text = "\n" * 0 + "".join(f"title line {n}\n" for n in range(10)) + "Project,Date,District,Target group\n"
    report = import_file(db, text.encode(), "late.csv", settings=settings)
    assert not report.ok and "no sheet of a known kind" in str(report.errors[0])


@pytest.mark.parametrize("label", ["Total", "TOTAL:", "Grand total", "Total participants Q3", "Totals"])
def test_a_trailing_total_row_is_skipped_with_a_warning(db, settings, label):
    text = (
        "Project,Date,District,Target group,Female,Male\n"
        "KEC,02/07/2019,Huye,Media,4,5\n"
        "KEC,03/07/2019,Huye,Media,1,1\n"
        f"{label},,,,5,6\n"
        "Prepared by the M&E unit\n"
    )
    report = import_file(db, text.encode(), "t.csv", settings=settings)
    assert report.ok and report.counts["trainings"]["new"] == 2, report.as_text()
    assert [w.where for w in report.warnings] == ["t!A4"]


def test_the_garbage_collector_pauses_for_an_import_and_resumes_after_the_last(db, settings):
    """Two imports at once (one inside the other's progress): the collector stays paused until both end."""
    import gc

    data = (DATA / "activities_messy.xlsx").read_bytes()
    seen = []

    def inner(fraction, message):
        seen.append(("inner", gc.isenabled()))

    def outer(fraction, message):
        seen.append(("outer", gc.isenabled()))
        if fraction == 1.0:
            import_file(db, data, "again.xlsx", settings=settings, dry_run=True, progress=inner)
            seen.append(("outer after inner", gc.isenabled()))

    assert gc.isenabled()
    report = import_file(db, data, "messy.xlsx", settings=settings, progress=outer)
    assert report.outcome == "stored" and gc.isenabled()
    assert {who for who, _ in seen} == {"outer", "inner", "outer after inner"}
    assert not any(enabled for _, enabled in seen)
