"""Performance Indicator Reference Sheets (USAID ADS 201): one per indicator of a programme, as plain data for the
``pirs`` export. Everything comes from the programme's definition in the store (its programme file, and the
changes made since) and the indicator's change log; no figure is computed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from indicators import history, vocabulary
from indicators.figures import FiguresError
from indicators.models import Indicator, IndicatorChange, Programme, Result

MEASURES = {
    "count": "Number of records",
    "sum": "Sum of {columns}",
    "stage": "Distinct {field}s reaching {stage}, each counted once, in the quarter it first reaches the stage",
    "ratio": "Σ {numerator} ÷ Σ {denominator} × 100, recomputed from the period's sums (never averaged)",
}


@dataclass(frozen=True)
class Change:
    when: datetime
    who: str
    what: str  # "FY2019 target: 400 → 450"
    reason: str
    comment: str | None


@dataclass(frozen=True)
class ReferenceSheet:
    code: str
    name: str
    result: str  # "Output 4: Government officials, ..."
    standard_indicator: str | None
    definition: str | None
    unit: str  # Number | Percentage
    disaggregation: str  # "Sex, Target group" or "None"
    calculation: str
    rationale: str | None
    data_source: str | None
    collection_method: str | None
    frequency: str | None
    responsible: str | None
    last_assessment: date | None
    limitations: str | None
    mitigation: str | None
    baseline: float | None
    baseline_date: date | None
    unit_key: str  # number | percent: how the values are written
    targets: tuple[tuple[str, float], ...]  # (FY2019 / 2012 / LOP, value), years first
    target_rationale: str | None
    changes: tuple[Change, ...]  # oldest first


@dataclass(frozen=True)
class ReferenceSheets:
    programme_code: str
    programme_title: str
    donor: str
    award_number: str | None
    prepared: datetime
    sheets: tuple[ReferenceSheet, ...]


def calculation(measure: dict) -> str:
    kind = (measure or {}).get("type", "")
    words = {key: " + ".join(value) if isinstance(value, list) else value for key, value in (measure or {}).items()}
    return MEASURES.get(kind, kind).format(**{k: words.get(k, "") for k in ("columns", "field", "stage", "numerator",
                                                                          "denominator")})


def build(session: Session, programme_code: str, prepared: datetime | None = None) -> ReferenceSheets:
    """Every indicator's reference sheet, in logframe order; ``FiguresError`` for an unknown programme."""
    code = (programme_code or "").strip().upper()
    programme = session.scalar(select(Programme).where(Programme.code == code).options(
        selectinload(Programme.indicators).selectinload(Indicator.targets),
        selectinload(Programme.indicators).joinedload(Indicator.result)))
    if programme is None:
        raise FiguresError(f"unknown programme {programme_code!r}")
    ids = [i.id for i in programme.indicators]
    logged: dict[int, list[IndicatorChange]] = {}
    # The sheet's change log: its targets, baseline and definition (the reference sheet's own wording is the
    # sheet itself; its edits stay in the indicator's history).
    for change in session.scalars(select(IndicatorChange).where(IndicatorChange.indicator_id.in_(ids),
                                                                IndicatorChange.field.not_like("reference_sheet.%"))
                                  .order_by(IndicatorChange.changed_at, IndicatorChange.id)):
        logged.setdefault(change.indicator_id, []).append(change)
    sheets = [_sheet(indicator, logged.get(indicator.id, [])) for indicator in
              sorted(programme.indicators, key=lambda i: i.sort_order)]
    return ReferenceSheets(programme.code, programme.title, programme.donor, programme.award_number,
                           prepared or datetime.now(UTC).replace(tzinfo=None, microsecond=0), tuple(sheets))


def _sheet(indicator: Indicator, changes: list[IndicatorChange]) -> ReferenceSheet:
    sheet = dict(indicator.reference_sheet or {})
    quality = sheet.get("data_quality") or {}
    result: Result = indicator.result
    level = {"goal": "Goal", "outcome": "Outcome", "output": "Output"}.get(result.level, result.level.title())
    targets = sorted(((t.period, t.value) for t in indicator.targets), key=lambda pair: (pair[0] == "LOP", pair[0]))
    return ReferenceSheet(
        code=indicator.code, name=indicator.name, result=f"{level} {result.code}: {result.statement}",
        standard_indicator=indicator.standard_indicator, definition=indicator.definition,
        unit="Percentage" if indicator.unit == "percent" else "Number",
        disaggregation=", ".join(vocabulary.DISAGGREGATIONS.get(d, d) for d in indicator.disaggregations or ())
        or "None", calculation=calculation(indicator.measure),
        rationale=sheet.get("rationale"), data_source=indicator.data_source,
        collection_method=sheet.get("collection_method"), frequency=sheet.get("frequency"),
        responsible=sheet.get("responsible"), last_assessment=_date(quality.get("last_assessment")),
        limitations=quality.get("limitations"), mitigation=quality.get("mitigation"),
        baseline=indicator.baseline, baseline_date=_date(sheet.get("baseline_date")), unit_key=indicator.unit,
        targets=tuple(targets), target_rationale=sheet.get("target_rationale"),
        changes=tuple(Change(c.changed_at, c.changed_by, history.describe(c), c.reason, c.comment) for c in changes),
    )


def _date(value) -> date | None:
    if not value:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))
