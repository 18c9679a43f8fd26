"""The Data quality outliers and the victims' counts the store keeps (``indicators.figures.cached``) are what the checks
find counted afresh, after an import and after a direct write followed by ``aggregates.refresh``, as every
writer of records does; the pages read the stored ones."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select

from importers.pipeline import import_file
from indicators.figures import aggregates, cached, places, quality, victims
from indicators.store.models import Case, CheckResult, Programme, Training

TRAININGS = (
    "Ref,Project,Start date,District,Target group,Topic,Female,Male,Passed post-test\n"
    "T-1,KEC,02/07/2019,Huye,Teachers,Referral,9,4,\n"
    "T-2,KEC,09/07/2019,Musanze,Media,Referral,3,5,8\n"
    "T-3,KEC,16/07/2019,Nyagatare,Police,Referral,12,10,\n"
    "T-4,KEC,18/07/2019,Nyagatare,Police,Referral,0,0,\n"
    "T-5,KEC,19/07/2019,Huye,Police,Referral,60,70,\n"
)
CASES = (
    "Case code,Project,Date identified,Sex,Nationality,Trafficking status,Exploitation type,Age group,"
    "Destination\n"
    "C-1,PVR,02/03/2019,F,BI,PVoT,Labour,18-24,Uganda\n"
    "C-2,PVR,05/03/2019,M,CD,VoT,Labour; Sexual,0-17,Kenya\n"
    "C-3,PVR,06/03/2019,F,BI,Not a victim,,25-35,\n"
)


def _programme(session, code: str) -> Programme:
    return session.scalar(select(Programme).where(Programme.code == code))


def _stored(session, programme: Programme, name: str):
    found = cached.load(session, programme.id, name)
    assert found is not None, f"nothing stored for {programme.code} {name}"
    return found


def assert_stored_equal_fresh(session, written: dict[str, tuple[str, ...]] | None = None) -> None:
    """What is stored for the kinds written (``{"KEC": ("trainings",)}``; every programme and kind when None)
    is what the checks count afresh, and what the pages read."""
    for programme in session.scalars(select(Programme)):
        kinds = (*quality._RULES, "cases") if written is None else written.get(programme.code, ())
        for kind, rule in quality._RULES.items():
            if kind in kinds:
                found, more = rule(session, programme)
                assert _stored(session, programme, f"outliers:{kind}") == {
                    "found": [o.__dict__ for o in found],
                    "more": more,
                }
        if "cases" in kinds:
            assert _stored(session, programme, victims.STORED) == victims.count_victims(session, programme.id)
        assert quality.stored_outliers(session, programme) == quality.record_outliers(session, programme)
        assert victims.victim_counts(session, programme.id) == victims.count_victims(session, programme.id)


def test_an_import_stores_what_the_checks_find(db, settings):
    for name, text in (("trainings.csv", TRAININGS), ("cases.csv", CASES)):
        report = import_file(db, text.encode(), name, settings=settings)
        assert report.ok, report.as_text()
    assert_stored_equal_fresh(db, {"KEC": ("trainings",), "PVR": ("cases",)})
    kec, pvr = _programme(db, "KEC"), _programme(db, "PVR")
    records = {o.record for o in quality.stored_outliers(db, kec)[0]}
    assert records == {"Training T-4", "Training T-5"}  # nobody; over 3× the median (13)
    total, breakdowns = victims.profile(db, pvr.id)
    assert total == 2 and breakdowns[0].known == 2
    assert victims.programmes_with_cases(db, ["GIFT", "KEC", "PVR"]) == ["PVR"]


def test_a_direct_write_is_seen_once_refreshed(db):
    kec, pvr = _programme(db, "KEC"), _programme(db, "PVR")
    aggregates.rebuild(db)
    assert quality.stored_outliers(db, kec) == ([], 0)
    db.add(
        Training(
            programme_id=kec.id,
            reference="D-1",
            quarter="FY2019Q3",
            start_date=date(2019, 5, 2),
            district="Huye",
            target_group="Police",
            female=0,
            male=0,
            source_sheet="Trainings",
            source_row=2,
            row_hash="d1",
        )
    )
    db.add(
        Case(
            programme_id=pvr.id,
            reference="V-1",
            quarter="FY2019Q3",
            date_identified=date(2019, 5, 2),
            sex="Female",
            age_group="18-24",
            nationality="Burundi",
            status="Actual victim",
            location="Mahama",
            exploitation_types=["Labour"],
            source_sheet="Cases",
            source_row=2,
            row_hash="v1",
        )
    )
    db.flush()
    assert quality.stored_outliers(db, kec) == ([], 0)  # the page reads what the last refresh stored
    aggregates.refresh(db, kec.id, "trainings", {"FY2019Q3"})
    aggregates.refresh(db, pvr.id, "cases", {"FY2019Q3"})
    assert_stored_equal_fresh(db)
    assert [o.record for o in quality.stored_outliers(db, kec)[0]] == ["Training D-1"]
    assert victims.profile(db, pvr.id)[0] == 1
    found, unknown = places.victims_by_district(db, "PVR")
    assert {d: p.value for d, p in found.items()} == {"Kirehe": 1} and unknown == 0


def test_init_stores_the_checks_of_a_store_from_before_they_were_kept(db):
    aggregates.rebuild(db)
    db.execute(delete(CheckResult))
    kec = _programme(db, "KEC")
    assert cached.load(db, kec.id, victims.STORED) is None
    assert victims.victim_counts(db, kec.id) == victims.count_victims(db, kec.id)  # counted now meanwhile
    aggregates.sync_definitions(db)
    assert_stored_equal_fresh(db)
