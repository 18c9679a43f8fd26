"""Realistic records for the dashboard tests, inserted through the models (random.Random(42), dates inside
each programme), with a few planted problems for the Data quality page (an implausible training, a refused
upload, cases with unknown values). Deterministic, so tests can name what they expect."""

from __future__ import annotations

import hashlib
import random
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from importers.report import Problem
from indicators import periods
from indicators.access import pseudonyms
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
from indicators.vocabulary import CAMPS, DISTRICTS, TARGET_GROUPS


def seed(session: Session, settings=None) -> None:
    """The records; with ``settings``, the cases as the importer keeps them: their codes as keyed pseudonyms
    under the store's pseudonym key, whose fingerprint the store keeps."""
    key = pseudonyms.for_cases(session, settings) if settings is not None else None
    build(session)
    if key is not None:
        for case in session.scalars(select(Case)):
            case.reference = pseudonyms.code_pseudonym(key, case.reference)
        pseudonyms.remember(session, key)
        session.flush()


def refresh_sums(session: Session) -> None:
    """The stored per-quarter sums the figures read, recomputed for everything just inserted."""
    from indicators.figures import aggregates

    aggregates.rebuild(session)


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def build(session: Session, seed_value: int = 42) -> None:
    rng = random.Random(seed_value)
    progs = {p.code: p for p in session.scalars(select(Programme))}
    last_day = {"KEC": date(2019, 9, 30), "PVR": date(2019, 9, 30), "GIFT": date(2013, 3, 31)}
    for code, prog in progs.items():
        end = min(prog.end_date, last_day.get(code, prog.end_date))
        upload = Upload(
            filename=f"{code.lower()}_activities_2019.xlsx",
            sha256=hashlib.sha256(code.encode()).hexdigest(),
            size=48213,
            uploaded_by="m.uwase",
            uploaded_at=datetime(2019, 10, 14, 9, 30),
            programme_code=code,
            kinds=["trainings", "awareness"],
            counts={"trainings": {"new": 20}},
            outcome="stored",
            warnings=[
                {
                    "sheet": "Trainings",
                    "cell": "A40",
                    "value": "Total",
                    "expected": "a data row (skipped the Total row)",
                }
            ],
            errors=[],
        )
        session.add(upload)
        session.flush()

        def add(model, sheet, row, day, prog=prog, code=code, upload=upload, **values):
            quarter = periods.quarter_of(day, prog.calendar).code
            digest = hashlib.sha256(f"{code}{sheet}{row}{values}".encode()).hexdigest()
            session.add(
                model(
                    programme_id=prog.id,
                    quarter=quarter,
                    upload_id=upload.id,
                    source_sheet=sheet,
                    source_row=row,
                    row_hash=digest,
                    **values,
                )
            )

        groups = (
            TARGET_GROUPS[:6]
            if code != "PVR"
            else (
                "Humanitarian and camp staff",
                "Refugee community leaders",
                "Law enforcement",
                "Social and health workers",
            )
        )
        for i in range(40 if code == "KEC" else 18):
            start = _day(rng, prog.start_date, end)
            female, male = rng.randint(8, 25), rng.randint(8, 25)
            if i == 7:
                female, male = 260, 240  # an implausible attendance for the quality page
            passed = rng.randint(int(0.6 * (female + male)), female + male) if rng.random() < 0.7 else None
            add(
                Training,
                "Trainings",
                5 + i,
                start,
                reference=f"{code}-T{i + 1:03d}",
                start_date=start,
                end_date=start + timedelta(days=2),
                district=rng.choice(DISTRICTS),
                target_group=rng.choice(groups),
                topic=rng.choice(
                    [
                        "Identification of victims of trafficking",
                        "Investigating trafficking cases",
                        "Referral mechanism and victim protection",
                        "Border management and trafficking",
                    ]
                ),
                female=female,
                male=male,
                passed_post_test=passed,
                partner=rng.choice(["RIB", "DGIE", None]),
            )
        for i in range(30 if code != "GIFT" else 10):
            day = _day(rng, prog.start_date, end)
            camp = rng.choice(list(CAMPS)) if code == "PVR" or rng.random() < 0.2 else None
            setting = "Refugee camp" if camp else rng.choice(["Community", "School", "Border area", "Media"])
            add(
                Awareness,
                "Awareness",
                4 + i,
                day,
                reference=f"{code}-A{i + 1:03d}",
                date=day,
                district=CAMPS[camp] if camp else rng.choice(DISTRICTS),
                setting=setting,
                camp=camp,
                activity=rng.choice(["Community dialogue", "Radio show", "Drama", "Campaign"]),
                female=rng.randint(40, 400),
                male=rng.randint(30, 300),
                under_18=None,
            )
        if code == "KEC":
            for i in range(12):
                day = _day(rng, prog.start_date, end)
                add(
                    Meeting,
                    "Meetings",
                    3 + i,
                    day,
                    reference=f"KEC-M{i + 1:02d}",
                    date=day,
                    body="Technical Committee",
                    participants=rng.randint(12, 30),
                    institutions=rng.randint(5, 12),
                    decisions="Work plan reviewed",
                )
            for i, (stage, day) in enumerate(
                [
                    ("Drafted", date(2017, 11, 3)),
                    ("Validated", date(2018, 3, 20)),
                    ("Adopted", date(2018, 8, 1)),
                ]
            ):
                add(
                    PolicyStep,
                    "Policies",
                    3 + i,
                    day,
                    reference=f"KEC-P{i + 1}",
                    date=day,
                    stage=stage,
                    instrument="National action plan against trafficking in persons",
                    instrument_type="National action plan",
                    lead_institution="MINIJUST",
                )
            for i, (stage, day) in enumerate(
                [("Inception", date(2018, 1, 15)), ("Published", date(2019, 5, 10))]
            ):
                add(
                    ResearchStep,
                    "Research",
                    3 + i,
                    day,
                    reference=f"KEC-R{i + 1}",
                    date=day,
                    stage=stage,
                    title="Trafficking in persons in Rwanda: a baseline study",
                )
        if code == "PVR":
            nationalities = (
                ["Burundi"] * 9
                + ["Congo, The Democratic Republic of the"] * 3
                + ["Rwanda"] * 2
                + ["Unknown", "Uganda"]
            )
            for i in range(60):
                day = _day(rng, prog.start_date, end)
                referral = day + timedelta(days=rng.randint(1, 20)) if rng.random() < 0.7 else None
                if referral and referral > end:
                    referral = None
                age = rng.choice([None, rng.randint(9, 17), rng.randint(18, 40)])
                add(
                    Case,
                    "Cases",
                    3 + i,
                    day,
                    reference=f"PVR-C{i + 1:03d}",
                    date_identified=day,
                    sex=rng.choices(["Female", "Male", "Unknown"], [7, 2, 1])[0],
                    age=age,
                    age_group="Unknown" if age is None else ("Child" if age < 18 else "Adult"),
                    nationality=rng.choice(nationalities),
                    location=rng.choice(list(CAMPS)),
                    status=rng.choice(["Possible victim", "Actual victim", "Actual victim", "Not a victim"]),
                    exploitation_types=rng.sample(
                        ["Labour", "Sexual", "Domestic servitude"], rng.randint(1, 2)
                    ),
                    destination_region=rng.choices(
                        ["Middle East", "East Africa", "Southern Africa", "Unknown"], [4, 4, 1, 2]
                    )[0],
                    referred_to="UNHCR protection" if referral else None,
                    referral_date=referral,
                    referral_quarter=periods.quarter_of(referral, prog.calendar).code if referral else None,
                    assistance=["Shelter", "Psychosocial"] if referral else [],
                )
    session.add(
        Upload(
            filename="trainings_march.xlsx",
            sha256="0" * 64,
            size=1200,
            uploaded_by="j.mugabo",
            uploaded_at=datetime(2019, 4, 2, 11, 0),
            programme_code="KEC",
            kinds=["trainings"],
            counts={},
            outcome="refused",
            warnings=[],
            # as the importer keeps them: the problems' text (ImportReport.stored_problems)
            errors=[str(Problem("Trainings", "H14", "twelve", "a whole number ≥ 0"))],
        )
    )
    session.flush()
    refresh_sums(session)
