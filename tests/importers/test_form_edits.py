"""KoboToolbox and ODK Central exports re-exported after submissions were edited: each submission stays one case,
one training; the edit's values win; nothing is refused for the columns real exports carry."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from importers.pipeline import import_file
from indicators.figures.figures import figures
from indicators.store.models import Awareness, Case, Meeting, Training
from tests.importers import form_exports as fx
from tests.importers.conftest import count

KOBO = {
    "kobo-xlsx": (fx.kobo_xlsx, {}),
    "kobo-csv": (fx.kobo_csv, {}),
    "kobo-xlsx-without-instanceID": (fx.kobo_xlsx, {"instance_id": False}),
    "kobo-csv-without-instanceID": (fx.kobo_csv, {"instance_id": False}),
}
ODK = {
    "odk-csv": (fx.odk_csv, {}),
    "odk-xlsx": (fx.odk_xlsx, {}),
    "odk-csv-with-deprecatedID": (fx.odk_csv, {"deprecated_column": True}),
}
EXPORTS = {**KOBO, **ODK}


def _export(name: str, form: fx.Form, subs) -> tuple[bytes, str]:
    write, options = EXPORTS[name]
    extension = "csv" if write in (fx.kobo_csv, fx.odk_csv) else "xlsx"
    return write(form, subs, **options), f"{name}.{extension}"


def _import(db, settings, data: bytes, filename: str, programme: str):
    report = import_file(db, data, filename, settings=settings, programme=programme, uploaded_by="officer")
    assert report.ok, report.as_text()
    return report


def _actual(db, programme: str, code: str, quarter: str = "FY2019Q3"):
    """An indicator's figures for a quarter, as the report gives them."""
    return next(line for line in figures(db, programme, quarter).indicators if line.indicator.code == code)


@pytest.mark.parametrize("export", EXPORTS)
def test_a_case_form_re_exported_after_two_edits_counts_each_person_once(db, settings, export):
    subs = fx.submissions(fx.PEOPLE, seed="cases")
    data, name = _export(export, fx.CASE_FORM, subs)
    first = _import(db, settings, data, name, "PVR")
    assert first.counts["cases"] == {"new": 4, "updated": 0, "unchanged": 0, "skipped": 0}
    assert first.warnings == []  # every metadata column of a real export goes unmentioned
    assert "metadata column" in first.sheets[0].note
    victims = _actual(db, "PVR", "PVR-3.1").lop_to_date.actual
    assert victims == 4

    # the caseworker edits two submissions: a status settled, a referral date added with another exploitation
    edited = list(subs)
    edited[1] = subs[1].edited(**{"case/vic_TraffickingStatus": "actual_victim_of_trafficking"})
    edited[3] = subs[3].edited(
        **{
            "case/cas_OutgoingReferralDate": "2019-05-24",
            "case/vic_TypeOfExploitation": "servitude forced_labour",
        }
    )
    data, name = _export(export, fx.CASE_FORM, edited)
    again = _import(db, settings, data, name, "PVR")
    assert again.counts["cases"] == {"new": 0, "updated": 2, "unchanged": 2, "skipped": 0}
    assert count(db, "cases") == 4 and _actual(db, "PVR", "PVR-3.1").lop_to_date.actual == victims
    patrick = db.scalar(select(Case).where(Case.date_identified == date(2019, 4, 11)))
    divine = db.scalar(select(Case).where(Case.date_identified == date(2019, 5, 20)))
    assert patrick.status == "Actual victim"
    assert (divine.referral_date, divine.exploitation_types) == (
        date(2019, 5, 24),
        ["Servitude", "Forced labour"],
    )
    # the same export once more changes nothing
    data, name = _export(export, fx.CASE_FORM, edited)
    assert _import(db, settings, data, name, "PVR").counts["cases"]["unchanged"] == 4


@pytest.mark.parametrize("export", EXPORTS)
def test_a_training_form_re_exported_after_two_edits_keeps_its_participants(db, settings, export):
    subs = fx.submissions(fx.TRAININGS, seed="trainings")
    data, name = _export(export, fx.TRAINING_FORM, subs)
    first = _import(db, settings, data, name, "KEC")
    assert first.counts["trainings"]["new"] == 3 and first.warnings == []
    before = _actual(db, "KEC", "KEC-4.2").quarter.actual
    assert before == 12 + 8 + 6 + 15 + 21 + 9

    edited = list(subs)
    edited[0] = subs[0].edited(**{"training/female": 14})  # two women more on the attendance sheet
    edited[2] = subs[2].edited(**{"training/district": "nyanza", "training/male": 11})
    data, name = _export(export, fx.TRAINING_FORM, edited)
    again = _import(db, settings, data, name, "KEC")
    assert again.counts["trainings"] == {"new": 0, "updated": 2, "unchanged": 1, "skipped": 0}
    assert count(db, "trainings") == 3
    assert db.scalar(select(func.sum(Training.female + Training.male))) == before + 2 + 2
    assert _actual(db, "KEC", "KEC-4.2").quarter.actual == before + 4
    assert {t.district for t in db.scalars(select(Training))} == {"Gasabo", "Rubavu", "Nyanza"}


@pytest.mark.parametrize("export", ["kobo-xlsx", "kobo-csv", "odk-csv"])
def test_awareness_and_meeting_forms_re_exported_after_an_edit_add_nothing(db, settings, export):
    events, meetings = (
        fx.submissions(fx.AWARENESS, seed="events"),
        fx.submissions(fx.MEETINGS, seed="meetings"),
    )
    for form, subs in ((fx.AWARENESS_FORM, events), (fx.MEETING_FORM, meetings)):
        _import(db, settings, *_export(export, form, subs), "KEC")
    reached = _actual(db, "KEC", "KEC-5.1").quarter.actual
    held = _actual(db, "KEC", "KEC-3.1").quarter.actual
    assert (reached, held) == (64 + 41 + 120 + 95, 2)
    again = _import(
        db,
        settings,
        *_export(export, fx.AWARENESS_FORM, [events[0].edited(**{"event/female": 70}), events[1]]),
        "KEC",
    )
    assert again.counts["awareness"] == {"new": 0, "updated": 1, "unchanged": 1, "skipped": 0}
    again = _import(
        db,
        settings,
        *_export(export, fx.MEETING_FORM, [meetings[0], meetings[1].edited(**{"meeting/participants": 16})]),
        "KEC",
    )
    assert again.counts["meetings"] == {"new": 0, "updated": 1, "unchanged": 1, "skipped": 0}
    assert (count(db, "awareness"), count(db, "meetings")) == (2, 2)
    assert _actual(db, "KEC", "KEC-5.1").quarter.actual == reached + 6
    assert _actual(db, "KEC", "KEC-3.1").quarter.actual == held
    assert sorted(m.participants for m in db.scalars(select(Meeting))) == [16, 18]
    assert sorted(a.female for a in db.scalars(select(Awareness))) == [70, 120]


def test_the_full_kobo_column_set_is_read_without_a_word(db, settings):
    """meta/instanceID, meta/rootUuid and _uuid side by side (as every recent Kobo export has them): no
    "one column for _uuid", no warning; the submission keys the case."""
    subs = fx.submissions(fx.PEOPLE[:1], seed="full")
    header = fx.kobo_header(fx.CASE_FORM)
    assert {"meta/instanceID", "meta/rootUuid", "_uuid", "_id", "__version__", "_index"} <= set(header)
    report = _import(db, settings, fx.kobo_xlsx(fx.CASE_FORM, subs), "kobo.xlsx", "PVR")
    assert report.errors == [] and report.warnings == []
    [case] = db.scalars(select(Case)).all()
    assert subs[0].root in case.reference and "Aline" not in report.as_text()


def _chain():
    subs = fx.submissions(fx.TRAININGS[:2], seed="chain")
    once = subs[0].edited(**{"training/female": 13})
    twice = once.edited(**{"training/female": 15})
    return subs, fx.odk_csv(fx.TRAINING_FORM, [subs[0], subs[1], once, twice], deprecated_column=True)


def test_an_export_holding_an_edit_and_what_it_replaced_counts_the_edit_once(db, settings):
    """An export holding every version of a submission (ODK Briefcase, Aggregate): the chain of deprecatedID
    leads each version to the first, and only the last version is read."""
    _subs, data = _chain()
    report = _import(db, settings, data, "briefcase.csv", "KEC")
    assert report.counts["trainings"]["new"] == 2
    assert "2 submissions left out: an edit later in the export replaces them" in report.sheets[0].note
    assert sorted(t.female for t in db.scalars(select(Training))) == [6, 15]


def test_a_chain_of_edits_updates_the_submission_first_exported(db, settings):
    subs, data = _chain()
    first = _import(
        db, settings, fx.odk_csv(fx.TRAINING_FORM, subs, deprecated_column=True), "odk.csv", "KEC"
    )
    assert first.counts["trainings"]["new"] == 2
    report = _import(db, settings, data, "briefcase.csv", "KEC")
    assert report.counts["trainings"] == {"new": 0, "updated": 1, "unchanged": 1, "skipped": 0}
    assert sorted(t.female for t in db.scalars(select(Training))) == [6, 15]


def test_trainings_stored_before_submissions_keyed_them_are_recognised(db, settings):
    """A Kobo training export stored when its rows were keyed by nothing (their identical content only): its
    next export keys the same rows by their submissions instead of adding them again."""
    subs = fx.submissions(fx.TRAININGS, seed="before")
    unkeyed = fx.kobo_csv(fx.TRAINING_FORM, subs, instance_id=False, root_uuid=False).replace(
        b'"_uuid"', b'"_uuid_unread"'
    )
    first = _import(db, settings, unkeyed, "old.csv", "KEC")
    assert first.counts["trainings"]["new"] == 3
    assert {t.reference for t in db.scalars(select(Training))} == {None}
    edited = [subs[0].edited(**{"training/female": 14}), *subs[1:]]
    again = _import(db, settings, fx.kobo_csv(fx.TRAINING_FORM, edited), "new.csv", "KEC")
    # the two unedited rows are now keyed by their submissions; the edited one differs from every stored row
    assert again.counts["trainings"] == {"new": 1, "updated": 2, "unchanged": 0, "skipped": 0}
    assert count(db, "trainings") == 4
    assert {t.reference for t in db.scalars(select(Training))} == {None, *(f"uuid:{s.root}" for s in subs)}
