"""One record corrected or voided in place, by the importer's own rules: figures follow at once, the record keeps
its upload and adds the correction, a signed-off quarter refuses, and a re-upload of the original workbook
reports the conflict per row and keeps the correction unless the file's value is chosen."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from importers import corrections
from indicators.figures import signoff
from indicators.store.models import (
    AuditEvent,
    Indicator,
    IndicatorSums,
    PolicyStep,
    RecordCorrection,
    Training,
)
from tests.importers.conftest import count

HEADER = "Reference,Project,Start date,District,Target group,Topic,Female,Male\n"
ROWS = (
    ",KEC,02/07/2019,Huye,Media,Reporting,3,5",
    ",KEC,03/07/2019,Musanze,Media,Radio,2,2",
    "T-9,KEC,10/07/2019,Rubavu,Teachers,Child trafficking,6,4",
)


def _csv(*rows: str) -> bytes:
    return (HEADER + "".join(row + "\n" for row in rows)).encode()


def trained(db, quarter: str) -> float:
    """KEC-4.2 (people trained) for one quarter, as the store's sums hold it."""
    return (
        db.scalar(
            select(IndicatorSums.numerator)
            .join(Indicator, Indicator.id == IndicatorSums.indicator_id)
            .where(
                Indicator.code == "KEC-4.2",
                IndicatorSums.quarter == quarter,
                IndicatorSums.disaggregation == "",
                IndicatorSums.category == "",
            )
        )
        or 0
    )


def training(db, district: str) -> Training:
    return db.scalar(select(Training).where(Training.district == district))


def fix(
    db, settings, record, by="amina", reason="Typing error", comment="attendance sheet says 30", **values
):
    return corrections.correct(
        db, "trainings", record.id, values, by=by, reason=reason, comment=comment, settings=settings
    )


@pytest.fixture
def stored(load, db):
    report = load("trainings.csv", _csv(*ROWS))
    assert report.ok, report.as_text()
    return report


def test_a_corrected_count_changes_the_figures_and_keeps_the_upload_and_the_change(db, settings, stored):
    record = training(db, "Huye")
    assert trained(db, "FY2019Q4") == 8 + 4 + 10
    done = fix(db, settings, record, female="30")
    assert done.ok and done.changes == [("Female participants", "3", "30")]
    assert trained(db, "FY2019Q4") == 35 + 4 + 10
    assert (record.female, record.upload_id, record.source_row) == (30, stored.upload_id, 2)
    kept = db.scalars(select(RecordCorrection).where(RecordCorrection.record_id == record.id)).one()
    assert (kept.field, kept.old_value, kept.new_value, kept.corrected_by, kept.reason, kept.upload_id) == (
        "female",
        "3",
        "30",
        "amina",
        "Typing error",
        stored.upload_id,
    )
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "record-corrected")).all()[-1]
    assert event.username == "amina" and event.detail["changes"] == {"Female participants": ["3", "30"]}


def test_a_new_date_moves_the_record_and_both_quarters_are_refreshed(db, settings, stored):
    record = training(db, "Huye")
    assert fix(db, settings, record, start_date="02/10/2019").ok
    assert record.quarter == "FY2020Q1"
    assert (trained(db, "FY2019Q4"), trained(db, "FY2020Q1")) == (4 + 10, 8)


def test_a_wrong_value_gets_the_importers_message_next_to_its_field_and_nothing_changes(db, settings, stored):
    record = training(db, "Huye")
    done = fix(db, settings, record, district="Huyee", female="three", reason=None, comment=" ")
    assert not done.ok and set(done.problems) == {"district", "female", "reason", "comment"}
    assert "did you mean Huye?" in done.problems["district"] and "Huyee" in done.problems["district"]
    assert "whole number" in done.problems["female"]
    assert (record.district, record.female) == ("Huye", 3) and trained(db, "FY2019Q4") == 22
    assert db.scalar(select(RecordCorrection.id)) is None


def test_a_date_outside_the_project_is_refused_as_the_importer_refuses_it(db, settings, stored):
    done = fix(db, settings, training(db, "Huye"), start_date="02/07/2030")
    assert not done.ok and "start_date" in done.problems


def test_a_signed_off_quarter_refuses_a_correction_naming_the_sign_off(db, settings, stored):
    signoff.sign_off(
        db,
        "KEC",
        "FY2019Q4",
        "claire",
        b"kept",
        "iptt",
        "x.xlsx",
        acknowledged=signoff.missing_narratives(db, "KEC", "FY2019Q4"),
    )
    record = training(db, "Huye")
    done = fix(db, settings, record, female="30")
    assert not done.ok and "signed off by claire" in done.general and "FY2019Q4" in done.general
    assert record.female == 3
    voiding = corrections.void(
        db, "trainings", record.id, by="amina", reason="Duplicate record", comment="twice"
    )
    assert not voiding.ok and "signed off by claire" in voiding.general and count(db, "trainings") == 3


def test_moving_a_record_into_a_signed_off_quarter_is_refused(db, settings, load):
    load("t.csv", _csv(",KEC,02/10/2019,Huye,Media,Reporting,3,5"))
    signoff.sign_off(
        db,
        "KEC",
        "FY2019Q4",
        "claire",
        b"kept",
        "iptt",
        "x.xlsx",
        acknowledged=signoff.missing_narratives(db, "KEC", "FY2019Q4"),
    )
    done = fix(db, settings, training(db, "Huye"), start_date="02/07/2019")
    assert not done.ok and "FY2019Q4" in done.general and "signed off" in done.general


def test_a_voided_record_leaves_the_figures_and_its_values_stay_on_record(db, settings, stored):
    record = training(db, "Musanze")
    done = corrections.void(
        db, "trainings", record.id, by="amina", reason="Duplicate record", comment="entered twice"
    )
    assert done.ok and count(db, "trainings") == 2 and trained(db, "FY2019Q4") == 8 + 10
    kept = db.scalars(select(RecordCorrection)).one()
    assert kept.field == "void" and kept.snapshot["district"] == "Musanze" and kept.snapshot["male"] == "2"


def test_a_stage_out_of_order_is_refused_with_the_importers_message(db, settings, load):
    header = "Reference,Project,Instrument,Instrument type,Stage,Date\n"
    load(
        "p.csv",
        (
            header + ",KEC,Anti-trafficking law,Law,Drafted,02/07/2018\n"
            ",KEC,Anti-trafficking law,Law,Validated,02/09/2018\n"
        ).encode(),
    )
    drafted = db.scalar(select(PolicyStep).where(PolicyStep.stage == "Drafted"))
    done = corrections.correct(
        db,
        "policies",
        drafted.id,
        {"date": "01/10/2018"},
        by="amina",
        reason="Wrong date, place or group",
        comment="minutes",
        settings=settings,
    )
    assert not done.ok and "a date on or before the Validated stage" in done.problems["date"]
    assert drafted.date == date(2018, 7, 2)


def test_re_uploading_the_original_reports_the_conflict_and_keeps_the_correction(db, settings, stored, load):
    assert fix(db, settings, training(db, "Huye"), female="30").ok
    assert fix(db, settings, training(db, "Rubavu"), male="5").ok
    again = load("trainings.csv", _csv(*ROWS))
    assert again.ok and [(c.row, c.reference, c.kept) for c in again.conflicts] == [
        (2, None, True),
        (4, "T-9", True),
    ]
    assert "Female participants: the file has 3, corrected to 30" in str(again.conflicts[0])
    assert "by amina" in str(again.conflicts[0]) and "the correction is kept" in str(again.conflicts[0])
    assert again.counts["trainings"] == {"new": 0, "updated": 0, "unchanged": 1, "skipped": 2}
    assert (training(db, "Huye").female, training(db, "Rubavu").male, count(db, "trainings")) == (30, 5, 3)
    assert "corrected in the browser" in again.as_text()


def test_the_files_value_is_taken_for_the_rows_the_officer_chooses(db, settings, stored, load):
    assert fix(db, settings, training(db, "Huye"), female="30").ok
    assert fix(db, settings, training(db, "Rubavu"), male="5").ok
    again = load("trainings.csv", _csv(*ROWS), file_values={"trainings!4"}, uploaded_by="jean")
    assert [(c.row, c.kept) for c in again.conflicts] == [(2, True), (4, False)]
    assert (training(db, "Huye").female, training(db, "Rubavu").male, count(db, "trainings")) == (30, 4, 3)
    assert trained(db, "FY2019Q4") == 35 + 4 + 10
    superseded = db.scalars(select(RecordCorrection).where(RecordCorrection.superseded_at.is_not(None))).one()
    assert (superseded.field, superseded.superseded_by, superseded.superseded_upload_id) == (
        "male",
        "jean",
        again.upload_id,
    )
    third = load("trainings.csv", _csv(*ROWS))  # once the file's value is chosen, it is no conflict any more
    assert [c.row for c in third.conflicts] == [2]


def test_a_voided_record_is_not_brought_back_by_a_re_upload_unless_chosen(db, settings, stored, load):
    for district in ("Musanze", "Rubavu"):
        assert corrections.void(
            db,
            "trainings",
            training(db, district).id,
            by="amina",
            reason="Did not take place",
            comment="cancelled",
        ).ok
    again = load("trainings.csv", _csv(*ROWS))
    assert [(c.row, c.kept) for c in again.conflicts] == [(3, True), (4, True)]
    assert "voided" in again.conflicts[0].what and "it stays voided" in str(again.conflicts[0])
    assert count(db, "trainings") == 1
    chosen = load("trainings.csv", _csv(*ROWS), file_values=True)
    assert [(c.row, c.kept) for c in chosen.conflicts] == [(3, False), (4, False)]
    assert count(db, "trainings") == 3 and trained(db, "FY2019Q4") == 22


def test_cases_and_direct_results_are_not_corrected_here(db, settings):
    for kind in ("cases", "results"):
        with pytest.raises(corrections.NotCorrectable):
            corrections.editable(kind)
