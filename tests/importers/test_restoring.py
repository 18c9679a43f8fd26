"""A voided record found again and restored with a reason, by the importer's rules: it counts again in the
figures, keeps its upload, row and history, is named by its reference (or kind, date and district) wherever
it is named, and a signed-off quarter, a missing reason or a record stored since in its place refuse it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from importers import corrections, restoring
from indicators.figures import signoff
from indicators.store import records
from indicators.store.models import AuditEvent, PolicyStep, RecordCorrection, Training
from tests.importers.conftest import count
from tests.importers.test_corrections import ROWS, _csv, trained, training


@pytest.fixture
def stored(load, db):
    report = load("trainings.csv", _csv(*ROWS))
    assert report.ok, report.as_text()
    return report


def void(db, record, reason="Duplicate record", comment="typed twice"):
    done = corrections.void(db, "trainings", record.id, by="amina", reason=reason, comment=comment)
    assert done.ok, done.problems
    return db.scalars(
        select(RecordCorrection).where(RecordCorrection.field == "void").order_by(RecordCorrection.id.desc())
    ).first()


def bring_back(
    db, settings, entry, reason="Voided by mistake", comment="the sign-in sheet shows it took place"
):
    return restoring.restore(db, entry.id, by="claire", reason=reason, comment=comment, settings=settings)


def test_a_restored_record_counts_again_with_its_upload_row_and_history(db, settings, stored):
    record = training(db, "Musanze")
    record_id, row, upload = record.id, record.source_row, record.upload_id
    assert corrections.correct(
        db,
        "trainings",
        record_id,
        {"female": "12"},
        by="amina",
        reason="Typing error",
        comment="sheet says 12",
        settings=settings,
    ).ok
    with_it = trained(db, "FY2019Q4")
    entry = void(db, record)
    assert trained(db, "FY2019Q4") == with_it - 14 and count(db, "trainings") == 2
    listed, total = records.voided_listing(db, ["KEC"])
    assert total == 1 and listed[0].voided.id == entry.id and listed[0].line.district == "Musanze"

    done = bring_back(db, settings, entry)
    assert done.ok, done.problems
    back = db.get(Training, record_id)
    assert (back.female, back.male, back.source_row, back.upload_id) == (12, 2, row, upload)
    assert trained(db, "FY2019Q4") == with_it and count(db, "trainings") == 3
    assert records.voided_listing(db, ["KEC"]) == ([], 0)
    fields = [c.field for c in records.corrections_of(db, "trainings", record_id)]
    assert fields == ["female", "void", "restore"]
    event = db.get(AuditEvent, done.event)
    assert (event.action, event.username, event.target) == (
        "record-restored",
        "claire",
        "Training of 3 July 2019 in Musanze",
    )
    assert event.detail["reason"] == "Voided by mistake" and event.detail["void_reason"] == "Duplicate record"
    with pytest.raises(corrections.NotCorrectable, match="no longer voided: it was restored by claire"):
        bring_back(db, settings, entry)


def test_a_restored_record_is_recognised_by_a_re_upload_of_its_workbook(db, settings, stored, load):
    entry = void(db, training(db, "Rubavu"))
    assert bring_back(db, settings, entry).ok
    again = load("trainings.csv", _csv(*ROWS))
    assert again.ok and again.conflicts == [] and again.counts["trainings"]["new"] == 0
    assert count(db, "trainings") == 3


def test_a_reason_and_a_comment_are_required_and_nothing_changes_without_them(db, settings, stored):
    entry = void(db, training(db, "Huye"))
    refused = bring_back(db, settings, entry, reason="Because", comment=" ")
    assert not refused.ok and set(refused.problems) == {"reason", "comment"}
    assert count(db, "trainings") == 2 and entry.superseded_at is None


def test_a_signed_off_quarter_refuses_the_restore_naming_the_sign_off(db, settings, stored):
    entry = void(db, training(db, "Huye"))
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
    refused = bring_back(db, settings, entry)
    assert not refused.ok and "signed off by claire" in refused.general
    assert count(db, "trainings") == 2


def test_a_record_an_upload_stored_again_is_no_longer_restorable(db, settings, stored, load):
    entry = void(db, db.scalar(select(Training).where(Training.reference == "T-9")))
    kept = load("more.csv", _csv("T-9,KEC,11/07/2019,Huye,Media,Another training,1,1"))
    assert kept.ok and kept.conflicts[0].voided and kept.conflicts[0].kept and count(db, "trainings") == 2
    chosen = load("more.csv", _csv("T-9,KEC,11/07/2019,Huye,Media,Another training,1,1"), file_values=True)
    assert chosen.ok and chosen.counts["trainings"]["new"] == 1
    assert records.voided_listing(db, ["KEC"]) == ([], 0)
    with pytest.raises(corrections.NotCorrectable, match="stored again by an upload"):
        bring_back(db, settings, entry)


def test_a_stage_reached_since_by_another_row_refuses_the_restore(db, settings, load):
    head = "Reference,Project,Instrument,Type,Stage,Date\n"
    assert load("p.csv", (head + ",KEC,Anti-trafficking law,Law,Drafted,02/07/2019\n").encode()).ok
    step = db.scalar(select(PolicyStep))
    assert corrections.void(db, "policies", step.id, by="amina", reason="Other", comment="wrong law").ok
    entry = db.scalars(select(RecordCorrection).where(RecordCorrection.field == "void")).one()
    assert load("q.csv", (head + "P-1,KEC,Anti-trafficking law,Law,Drafted,05/07/2019\n").encode()).ok
    refused = bring_back(db, settings, entry)
    assert not refused.ok and "holds the same values" in refused.general


def test_records_are_named_by_reference_else_kind_date_and_district(db, stored):
    named = {records.name_of(records.kinds.kind("trainings"), t) for t in db.scalars(select(Training))}
    assert named == {"Training T-9", "Training of 2 July 2019 in Huye", "Training of 3 July 2019 in Musanze"}
    assert records.record_name("Policy step", None, date(2019, 7, 2)) == "Policy step of 2 July 2019"


def test_the_audit_trail_names_a_correction_by_the_record(db, settings, stored):
    record = training(db, "Huye")
    done = corrections.correct(
        db,
        "trainings",
        record.id,
        {"male": "7"},
        by="amina",
        reason="Typing error",
        comment="sheet says 7",
        settings=settings,
    )
    event = db.get(AuditEvent, done.event)
    assert event.target == "Training of 2 July 2019 in Huye"
    assert event.detail["changes"] == {"Male participants": ["5", "7"]}


def test_a_correction_names_its_record_as_the_changes_panel_says_it(db, settings, stored):
    record = training(db, "Huye")
    assert corrections.correct(
        db,
        "trainings",
        record.id,
        {"male": "7"},
        by="amina",
        reason="Typing error",
        comment="sheet says 7",
        settings=settings,
    ).ok
    entry = db.scalars(select(RecordCorrection).where(RecordCorrection.record_id == record.id)).one()
    assert records.correction_name(db, entry) == "Training of 2 July 2019 in Huye"  # read from the record
    voided = void(db, record)
    assert records.correction_name(db, voided) == "Training of 2 July 2019 in Huye"  # from what the void kept
    with_reference = void(db, db.scalar(select(Training).where(Training.reference == "T-9")))
    assert records.correction_name(db, with_reference) == "Training T-9"
