"""A store of one million activity records over KEC, PVR and GIFT, made quickly with Core bulk inserts.

The rows are generated (random.Random(42)), not imported, so building the store takes seconds; they
have the shapes the importers store (quarter codes, canonical categories, provenance columns).
The file is cached under benchmarks/.cache and rebuilt when this module or the schema changes.
"""

from __future__ import annotations

import hashlib
import random
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select

from indicators import periods, vocabulary
from indicators.programmes import definitions
from indicators.store import migrate
from indicators.store.db import Store
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
from indicators.store.settings import Settings

CACHE = Path(__file__).resolve().parent / ".cache"
REPO = Path(__file__).resolve().parent.parent
# records per kind (1,000,000 in all)
SHARES = {
    "trainings": 450_000,
    "awareness": 450_000,
    "meetings": 40_000,
    "cases": 50_000,
    "policies": 5_000,
    "research": 5_000,
}
BATCH = 20_000


def _fingerprint() -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in sorted((REPO / "indicators" / "store" / "migrations" / "versions").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def big_store(refresh: bool = False, total: int = 1_000_000) -> Settings:
    """Settings for the cached store of ``total`` records (a million unless said: bench g grows it, each kind
    in its share), building it first when missing or stale."""
    folder = CACHE / (f"bigstore-{_fingerprint()}" + ("" if total == 1_000_000 else f"-{total}"))
    settings = Settings.for_tests(folder, database_url=f"sqlite:///{folder / 'big.sqlite'}")
    done = folder / "complete"
    if done.exists() and not refresh:
        return settings
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("big.sqlite*"):
        stale.unlink()
    store = Store(settings)
    migrate.upgrade(store.engine)
    with store.begin() as session:
        definitions.load_directory(session, REPO / "programmes")
    _fill(store, total)
    _after_fill(store)
    store.dispose()
    done.write_text("ok")
    return settings


def _after_fill(store: Store) -> None:
    """Bring the per-quarter indicator sums up to date: the records were written behind the importer's back."""
    from indicators.figures import aggregates

    with store.begin() as session:
        aggregates.rebuild(session)


def _fill(store: Store, total_records: int = 1_000_000) -> None:
    rng = random.Random(42)
    with store.begin() as session:
        programmes = list(
            session.execute(
                select(
                    Programme.id, Programme.code, Programme.start_date, Programme.end_date, Programme.calendar
                )
            )
        )
        upload_id = session.execute(
            insert(Upload)
            .values(
                filename="benchmark.xlsx",
                sha256="0" * 64,
                size=0,
                uploaded_by="bench",
                programme_code=None,
                kinds=[],
                counts={},
                outcome="stored",
                warnings=[],
                errors=[],
            )
            .returning(Upload.id)
        ).scalar_one()
    weights = [4 if p.code == "KEC" else 3 if p.code == "PVR" else 1 for p in programmes]
    makers = {
        "trainings": (Training, _training),
        "awareness": (Awareness, _awareness),
        "meetings": (Meeting, _meeting),
        "cases": (Case, _case),
        "policies": (PolicyStep, _policy),
        "research": (ResearchStep, _research),
    }
    serial = 0
    for kind, share in SHARES.items():
        model, make = makers[kind]
        total = share * total_records // 1_000_000
        for start in range(0, total, BATCH):
            rows = []
            for _ in range(min(BATCH, total - start)):
                serial += 1
                programme = rng.choices(programmes, weights)[0]
                if kind == "cases" and programme.code != "PVR":
                    programme = next(p for p in programmes if p.code == "PVR")
                day = programme.start_date + timedelta(
                    days=rng.randrange((programme.end_date - programme.start_date).days + 1)
                )
                row = make(rng, day, serial)
                row.update(
                    programme_id=programme.id,
                    quarter=periods.quarter_of(day, programme.calendar).code,
                    upload_id=upload_id,
                    source_sheet=kind.title(),
                    source_row=serial,
                    reference=f"B{serial}",
                    row_hash=hashlib.sha256(str(serial).encode()).hexdigest(),
                )
                if kind == "cases" and row.get("referral_date"):
                    row["referral_quarter"] = periods.quarter_of(
                        row["referral_date"], programme.calendar
                    ).code
                rows.append(row)
            with store.begin() as session:
                session.execute(insert(model), rows)


def _training(rng, day, serial):
    female, male = rng.randint(5, 30), rng.randint(5, 30)
    return {
        "start_date": day,
        "end_date": day + timedelta(days=rng.randint(0, 3)),
        "district": rng.choice(vocabulary.DISTRICTS),
        "target_group": rng.choice(vocabulary.TARGET_GROUPS),
        "topic": "Identification of victims",
        "female": female,
        "male": male,
        "passed_post_test": rng.randint(0, female + male) if rng.random() < 0.6 else None,
        "partner": "MINIJUST",
    }


def _awareness(rng, day, serial):
    setting = rng.choice(vocabulary.SETTINGS)
    camp = rng.choice(list(vocabulary.CAMPS)) if setting == "Refugee camp" else None
    district = vocabulary.CAMPS[camp] if camp else rng.choice(vocabulary.DISTRICTS)
    female, male = rng.randint(10, 200), rng.randint(10, 200)
    return {
        "date": day,
        "district": district,
        "setting": setting,
        "camp": camp,
        "activity": "Community dialogue",
        "female": female,
        "male": male,
        "under_18": rng.randint(0, 10),
    }


def _meeting(rng, day, serial):
    return {
        "date": day,
        "body": rng.choice(["Technical Committee", "District working group"]),
        "participants": rng.randint(8, 30),
        "institutions": rng.randint(4, 15),
        "decisions": "Work plan reviewed",
    }


def _case(rng, day, serial):
    referred = rng.random() < 0.8
    age = rng.randint(8, 45)
    return {
        "date_identified": day,
        "sex": rng.choices(["Female", "Male", "Unknown"], [77, 22, 1])[0],
        "age": age,
        "age_group": vocabulary.age_group(age),
        "nationality": rng.choices(
            ["Burundi", "DR Congo", "Rwanda", "Uganda", "Tanzania"], [63, 15, 14, 5, 3]
        )[0],
        "location": "Mahama",
        "status": rng.choice(["Possible victim", "Actual victim", "Not a victim"]),
        "exploitation_types": ["Labour"],
        "destination_region": rng.choice(vocabulary.DESTINATION_REGIONS),
        "referred_to": "Isange One Stop Centre" if referred else None,
        "referral_date": day + timedelta(days=rng.randint(0, 20)) if referred else None,
        "assistance": ["Medical"],
    }


def _policy(rng, day, serial):
    return {
        "instrument": f"Instrument {serial // 3}",
        "instrument_type": rng.choice(vocabulary.INSTRUMENT_TYPES),
        "stage": vocabulary.POLICY_STAGES[serial % 3],
        "date": day,
        "lead_institution": "MINIJUST",
    }


def _research(rng, day, serial):
    return {"title": f"Study {serial // 4}", "stage": vocabulary.RESEARCH_STAGES[serial % 4], "date": day}
