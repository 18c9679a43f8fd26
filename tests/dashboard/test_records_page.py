"""The Activities page's search and voided records, as its layout draws them from the URL, and an attacker who
tries to reach victims' cases one by one through them: the search, "Show voided" and a record's own link."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.dashboard.test_pages import find, texts


@pytest.fixture(scope="module")
def activities(demo_app):
    import importlib

    return importlib.import_module("dashboard.activities")


def test_a_search_by_reference_lists_that_record(activities, request_context, demo_store):
    from indicators.store.models import Training

    with demo_store.Session() as session:
        reference, district = session.execute(
            select(Training.reference, Training.district).where(Training.reference.is_not(None))
        ).first()
    with request_context(as_user="officer"):
        page = activities.layout(search=reference.lower())
        by_district = activities.layout(search=f" {district.upper()} ", kind="trainings")
    assert [r["reference"] for r in find(page, "activities-grid").rowData] == [reference]
    assert f"1 record matching “{reference.lower()}”." in texts(page)
    rows = find(by_district, "activities-grid").rowData
    assert rows and all(r["district"] == district for r in rows)


def test_no_case_is_listed_found_or_opened_one_by_one(activities, request_context, demo_store):
    from importers import corrections
    from indicators.store.models import Case, Programme, RecordCorrection

    with demo_store.Session() as session:
        cases = session.execute(select(Case.id, Case.reference, Case.location, Case.nationality)).all()
        programme = session.scalar(select(Programme.id).where(Programme.code == "PVR"))
    assert cases
    with request_context(as_user="manager"):
        for case_id, code, location, nationality in cases[:10]:
            for words in (code, location, nationality, f"{code} {location}"):
                for voided in (None, "1"):
                    rows = find(activities.layout(search=words, voided=voided), "activities-grid").rowData
                    assert not any(r["kind"] == "Case" or r["reference"] == code for r in rows)
            opened = activities.layout(record=f"cases:{case_id}")
            assert code not in texts(opened) and "cannot be corrected" in texts(opened)
    with demo_store.begin() as session:  # even a void of a case written behind the page's back stays unlisted
        session.add(
            RecordCorrection(
                programme_id=programme,
                kind="cases",
                record_id=cases[0][0],
                reference=cases[0][1],
                original_hash="x",
                quarter="FY2019Q3",
                field="void",
                old_value="a person",
                snapshot={"location": cases[0][2]},
                reason="Other",
                corrected_by="someone",
            )
        )
    try:
        with demo_store.Session() as session:
            forged = session.scalar(select(RecordCorrection.id).where(RecordCorrection.kind == "cases"))
        with request_context(as_user="manager"):
            listed = find(activities.layout(voided="1"), "activities-grid").rowData
            opened = activities.layout(record=f"void:{forged}")
        assert not any(r["reference"] == cases[0][1] for r in listed)
        assert cases[0][1] not in texts(opened) and "cannot be restored" in texts(opened)
        with demo_store.Session() as session, pytest.raises(corrections.NotCorrectable):
            from importers import restoring

            restoring.void_entry(session, forged)
    finally:
        with demo_store.begin() as session:
            session.execute(RecordCorrection.__table__.delete().where(RecordCorrection.kind == "cases"))


def test_the_audit_trail_shows_a_correction_as_before_and_after(demo_app):
    from dashboard.audit import detail_text

    text = detail_text({"reason": "Typing error", "changes": {"Female participants": ["23", "25"]}})
    assert text == "reason: Typing error · changes: Female participants: 23 → 25"
