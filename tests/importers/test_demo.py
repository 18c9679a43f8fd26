"""The demo data set: deterministic, over the programmes' whole periods, near the logframe targets, stored
through the importer's own checks and storing code."""

from collections import Counter
from datetime import date

from sqlalchemy import select

from importers import demo
from indicators.programmes.providers import SHIPPED
from indicators.store.models import (
    Awareness,
    Case,
    Meeting,
    PolicyStep,
    Programme,
    ResearchStep,
    Training,
    Upload,
)
from indicators.vocabulary import CAMPS
from tests.importers.conftest import uploads


def _programme_id(session, code):
    return session.execute(select(Programme.id).where(Programme.code == code)).scalar_one()


def test_demo_is_stored_through_the_importer_as_one_upload(db, settings):
    assert not demo.has_activity(db)
    report = demo.load(db, settings)
    assert report.ok and report.outcome == "stored", report.as_text()
    assert report.kinds == ["trainings", "awareness", "policies", "meetings", "research", "cases"]
    [upload] = uploads(db)
    assert (upload.filename, upload.uploaded_by, upload.outcome, upload.kept_path) == (
        "demo data",
        "demo",
        "stored",
        None,
    )
    assert db.execute(select(Training.upload_id).distinct()).scalars().all() == [upload.id]
    assert demo.has_activity(db)
    again = demo.load(db, settings)
    assert again.outcome == "unchanged"


def test_demo_is_deterministic(db):
    from importers.batch_checks import programmes_context

    programmes = programmes_context(db, None).programmes
    assert demo.build(programmes) == demo.build(programmes)


def test_demo_policies_research_and_meetings(db, settings):
    demo.load(db, settings)
    kec, pvr = _programme_id(db, "KEC"), _programme_id(db, "PVR")
    adopted = db.execute(
        select(PolicyStep.programme_id, PolicyStep.instrument_type, PolicyStep.date, PolicyStep.quarter)
        .where(PolicyStep.stage == "Adopted")
        .order_by(PolicyStep.date)
    ).all()
    assert (kec, "Law", date(2018, 8, 13), "FY2018Q4") in adopted
    assert any(p == kec and t == "National action plan" for p, t, _, _ in adopted)
    assert any(
        p == pvr and t == "Standard operating procedures" and q.startswith("FY2019") for p, t, _, q in adopted
    )
    law = (
        db.execute(
            select(PolicyStep.stage)
            .where(PolicyStep.instrument.like("Law N° 51/2018%"))
            .order_by(PolicyStep.date)
        )
        .scalars()
        .all()
    )
    assert law == ["Drafted", "Validated", "Adopted"]
    nar = db.execute(
        select(ResearchStep.stage, ResearchStep.quarter)
        .where(ResearchStep.title.like("%(NAR)"))
        .order_by(ResearchStep.date)
    ).all()
    assert [s for s, _ in nar] == ["Inception", "Data collection", "Validated", "Published"]
    assert nar[-1][1].startswith("FY2019")
    committee = (
        db.execute(select(Meeting.quarter).where(Meeting.body == "Technical Committee")).scalars().all()
    )
    assert 12 <= len(committee) <= 14 and len(set(committee)) >= 11


def test_demo_activities_land_near_the_targets(db, settings):
    demo.load(db, settings)
    kec = _programme_id(db, "KEC")
    per_year = Counter(
        q[:6] for q in db.execute(select(Training.quarter).where(Training.programme_id == kec)).scalars()
    )
    for year, target in {"FY2017": 4, "FY2018": 10, "FY2019": 10, "FY2020": 6}.items():
        assert abs(per_year[year] - target) <= max(2, target * 0.3), (year, per_year)
    people = sum(
        f + m
        for f, m in db.execute(select(Training.female, Training.male).where(Training.programme_id == kec))
    )
    assert 900 <= people <= 1350  # LOP target 1,120
    tested = db.execute(
        select(Training.passed_post_test, Training.female + Training.male).where(
            Training.passed_post_test.is_not(None)
        )
    ).all()
    assert tested and 0.65 <= sum(p for p, _ in tested) / sum(n for _, n in tested) <= 0.9
    reached = sum(
        f + m
        for f, m in db.execute(select(Awareness.female, Awareness.male).where(Awareness.programme_id == kec))
    )
    assert 20_000 <= reached <= 30_000  # LOP target 25,000
    settings_seen = set(db.execute(select(Awareness.setting).where(Awareness.programme_id == kec)).scalars())
    assert {"Community", "School", "Border area"} <= settings_seen
    camps = db.execute(
        select(Awareness.camp, Awareness.district).where(Awareness.setting == "Refugee camp")
    ).all()
    assert {c for c, _ in camps} == set(CAMPS) and all(CAMPS[c] == d for c, d in camps)
    gift = _programme_id(db, "GIFT")
    quarters = set(db.execute(select(Training.quarter).where(Training.programme_id == gift)).scalars())
    assert quarters <= {"2011Q4", "2012Q1", "2012Q2", "2012Q3", "2012Q4", "2013Q1"} and "2011Q4" in quarters


def test_demo_cases_follow_the_research_findings(db, settings):
    demo.load(db, settings)
    cases = db.execute(select(Case)).scalars().all()
    assert 70 <= len(cases) <= 90
    nationalities = Counter(c.nationality for c in cases)
    assert 0.5 <= nationalities["Burundi"] / len(cases) <= 0.75
    assert nationalities["DR Congo"] > nationalities["Uganda"] and nationalities["Rwanda"] > 5
    assert 0.68 <= sum(c.sex == "Female" for c in cases) / len(cases) <= 0.88
    known = [c.destination_region for c in cases if c.destination_region != "Unknown"]
    top = Counter(known).most_common(2)
    assert {region for region, _ in top} == {"Middle East", "East Africa"}
    victims = [c for c in cases if c.status != "Not a victim"]
    assert sum(c.referral_date is not None for c in victims) / len(victims) >= 0.75
    assert all(c.referral_quarter for c in victims if c.referral_date)
    # their codes (PVR-2019-001, ...) are kept as keyed pseudonyms, and every referral as a known provider
    assert all(c.reference and c.reference.startswith("code:") for c in cases)
    assert {c.referred_to for c in cases} - {None} <= set(SHIPPED)
    assert db.execute(select(Upload.kept_path)).scalars().all() == [None]
