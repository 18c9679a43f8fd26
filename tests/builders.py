"""Deterministic builders for store rows in tests: activity records, direct entries, uploads, programmes.

Each activity builder takes the programme code, fills every required column with a plausible value,
computes ``quarter`` (and a case's ``referral_quarter``) from the attribution date in the programme's
calendar, as the importer does, flushes, and refreshes the stored per-quarter sums of the quarters it
wrote, as every writer of records must. Keywords override any column; a test that changes a record
afterwards calls ``refresh_sums`` for it (with the quarters it left, if it moved).
"""

from __future__ import annotations

import itertools
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from indicators import periods
from indicators.figures import aggregates
from indicators.programmes import definitions
from indicators.store.kinds import KINDS
from indicators.store.kinds import by_table as kind_of_table
from indicators.store.models import (
    Awareness,
    Case,
    CheckResult,
    Indicator,
    IndicatorSums,
    Meeting,
    Narrative,
    PolicyStep,
    Programme,
    QuarterTally,
    ResearchStep,
    ResultValue,
    Training,
    Upload,
)
from indicators.store.settings import Settings
from tests.stores import make_store, settings_for

_serial = itertools.count(1)


def programme(session: Session, code: str) -> Programme:
    found = session.scalar(select(Programme).where(Programme.code == code))
    assert found is not None, f"no programme {code} in the test store"
    return found


def quarter(session: Session, programme_code: str, day: date) -> str:
    return periods.quarter_of(day, programme(session, programme_code).calendar).code


def _store(session: Session, model, programme_code: str, day: date, values: dict):
    owner = programme(session, programme_code)
    number = next(_serial)
    row = model(
        programme_id=owner.id,
        quarter=periods.quarter_of(day, owner.calendar).code,
        row_hash=f"test-{number:06d}",
        source_sheet=values.pop("source_sheet", model.__tablename__.capitalize()),
        source_row=values.pop("source_row", number + 1),
    )
    for key, value in values.items():
        setattr(row, key, value)
    session.add(row)
    session.flush()
    refresh_sums(session, row)
    return row


def refresh_sums(session: Session, *rows) -> None:
    """Bring the stored per-quarter sums up to date for records just written through the ORM, as every writer
    of records must (the importer does it in its transaction)."""
    touched: dict[tuple[int, str], set[str]] = {}
    for row in rows:
        spec = kind_of_table(row.__tablename__)
        quarters = {getattr(row, name) for name in spec.quarter_columns()} - {None}
        touched.setdefault((row.programme_id, spec.key), set()).update(quarters)
    for (programme_id, key), quarters in touched.items():
        aggregates.refresh(session, programme_id, key, quarters)


def make_upload(
    session: Session,
    filename: str = "activities.xlsx",
    uploaded_at: datetime = datetime(2019, 7, 5, 9),
    uploaded_by: str = "mande.officer",
    programme_code: str | None = None,
    **kw,
) -> Upload:
    number = next(_serial)
    upload = Upload(
        filename=filename,
        sha256=f"{number:064x}",
        size=kw.pop("size", 4096),
        uploaded_by=uploaded_by,
        uploaded_at=uploaded_at,
        programme_code=programme_code,
        outcome=kw.pop("outcome", "stored"),
        **kw,
    )
    session.add(upload)
    session.flush()
    return upload


def make_training(
    session: Session, programme_code: str, *, start_date: date = date(2019, 4, 15), **kw
) -> Training:
    values = {
        "start_date": start_date,
        "district": "Gasabo",
        "target_group": "Law enforcement",
        "topic": "Identifying victims of trafficking",
        "female": 10,
        "male": 10,
    } | kw
    return _store(session, Training, programme_code, start_date, values)


def make_awareness(
    session: Session, programme_code: str, *, date: date = date(2019, 4, 15), **kw
) -> Awareness:
    values = {
        "date": date,
        "district": "Gasabo",
        "setting": "Community",
        "activity": "Community dialogue",
        "female": 50,
        "male": 50,
    } | kw
    return _store(session, Awareness, programme_code, date, values)


def make_policy_step(
    session: Session, programme_code: str, *, date: date = date(2019, 4, 15), **kw
) -> PolicyStep:
    values = {
        "date": date,
        "instrument": "Law on the prevention of trafficking in persons",
        "instrument_type": "Law",
        "stage": "Adopted",
        "lead_institution": "MINIJUST",
    } | kw
    return _store(session, PolicyStep, programme_code, date, values)


def make_meeting(session: Session, programme_code: str, *, date: date = date(2019, 4, 15), **kw) -> Meeting:
    values = {"date": date, "body": "Technical Committee", "participants": 14, "institutions": 9} | kw
    return _store(session, Meeting, programme_code, date, values)


def make_research_step(
    session: Session, programme_code: str, *, date: date = date(2019, 4, 15), **kw
) -> ResearchStep:
    values = {
        "date": date,
        "title": "Trafficking in persons in Rwanda: a baseline study",
        "stage": "Published",
    } | kw
    return _store(session, ResearchStep, programme_code, date, values)


def make_case(
    session: Session, programme_code: str, *, date_identified: date = date(2019, 4, 15), **kw
) -> Case:
    values = {
        "date_identified": date_identified,
        "reference": f"CASE-{next(_serial):05d}",
        "sex": "Female",
        "age_group": "Adult",
        "nationality": "Burundi",
        "location": "Mahama",
        "status": "Possible victim",
        "exploitation_types": ["Forced labour"],
        "destination_region": "Middle East",
        "assistance": [],
    } | kw
    referral = values.get("referral_date")
    if referral is not None and "referral_quarter" not in kw:
        values["referral_quarter"] = quarter(session, programme_code, referral)
    return _store(session, Case, programme_code, date_identified, values)


def make_result_value(
    session: Session,
    indicator_code: str,
    period: str,
    value: float,
    disaggregation: str = "",
    category: str = "",
    **kw,
) -> ResultValue:
    indicator = session.scalar(select(Indicator).where(Indicator.code == indicator_code))
    number = next(_serial)
    row = ResultValue(
        programme_id=indicator.programme_id,
        indicator_id=indicator.id,
        quarter=period,
        value=value,
        disaggregation=disaggregation,
        category=category,
        row_hash=f"test-{number:06d}",
        source_sheet=kw.pop("source_sheet", "Results"),
        source_row=kw.pop("source_row", number + 1),
        **kw,
    )
    session.add(row)
    session.flush()
    return row


TEST_PROGRAMME = {
    "code": "TST",
    "title": "Test programme with directly entered results",
    "donor": "USAID",
    "start_date": "2018-10-01",
    "end_date": "2020-09-30",
    "calendar": "fiscal",
    "results": [
        {
            "code": "1",
            "level": "outcome",
            "category": "Protection",
            "statement": "Victims are assisted.",
            "indicators": [
                {
                    "code": "TST-1.1",
                    "name": "Number of victims assisted by partners",
                    "unit": "number",
                    "source": {"kind": "results"},
                    "measure": {"type": "sum", "columns": ["value"]},
                    "disaggregations": ["sex"],
                    "targets": {"FY2019": 100, "FY2020": 100, "LOP": 200},
                },
                {
                    "code": "TST-1.2",
                    "name": "Percentage of victims satisfied with services",
                    "unit": "percent",
                    "source": {"kind": "results"},
                    "measure": {"type": "sum", "columns": ["value"]},
                    "targets": {"FY2019": 80, "FY2020": 80, "LOP": 80},
                },
            ],
        },
        {
            "code": "2",
            "level": "output",
            "category": "Capacity building",
            "statement": "Officers pass the post-training test.",
            "indicators": [
                {
                    "code": "TST-2.1",
                    "name": "Percentage of tested participants who passed",
                    "unit": "percent",
                    "source": {"kind": "trainings", "filter": {"passed_post_test": {"not_null": True}}},
                    "measure": {
                        "type": "ratio",
                        "numerator": ["passed_post_test"],
                        "denominator": ["female", "male"],
                    },
                    "disaggregations": ["target_group", "district"],
                    "targets": {"FY2019": 75, "LOP": 75},
                }
            ],
        },
        {
            "code": "3",
            "level": "output",
            "category": "Policy",
            "statement": "Procedures are validated.",
            "indicators": [
                {
                    "code": "TST-3.1",
                    "name": "Number of instruments validated",
                    "unit": "number",
                    "source": {"kind": "policies"},
                    "measure": {"type": "stage", "field": "instrument", "stage": "Validated"},
                    "disaggregations": ["instrument_type"],
                    "targets": {"LOP": 2},
                }
            ],
        },
    ],
}


def clear_records(session: Session) -> None:
    """Start a test from an empty set of records and narratives, and what was stored of them (rolled back with
    the test's session), so hand-computed figures hold whatever other suites left committed in the shared
    store."""
    for model in [*(spec.model for spec in KINDS), Narrative, IndicatorSums, QuarterTally, CheckResult]:
        session.execute(delete(model))
    session.flush()


def make_programme(session: Session, **overrides) -> Programme:
    """A programme loaded as a definition file would be (default: ``TEST_PROGRAMME``, fiscal FY2019–FY2020)."""
    definition = definitions.ProgrammeDef.model_validate(TEST_PROGRAMME | overrides)
    return definitions.upsert(session, definition)


def fresh_store(directory: Path) -> Settings:
    """Settings of a new SQLite store in ``directory``, migrated, with the suite's programmes loaded: for
    commands that open their own connection and so cannot see a test session's uncommitted rows."""
    settings = settings_for(directory, database_url=f"sqlite:///{directory / 'cli.sqlite'}")
    make_store(settings).dispose()
    return settings


def run_command(settings: Settings, *argv: str) -> int:
    """Run a ``ctmonitor`` command in-process with the given settings, parsed as the command line's entry
    parses it; returns its exit code."""
    from app import build_parser

    args = build_parser().parse_args(list(argv))
    return args.handler(args, settings)
