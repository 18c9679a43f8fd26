"""Performance Indicator Reference Sheets (USAID ADS 201maf): one per indicator of a programme, as plain data for
the ``pirs`` export.

- Description, data collection, data quality, notes and the change log come from the programme's definition in
  the store (its programme file and the browser's edits since) and the indicator's change log. A field the file
  leaves out is None, which the sheet writes "Not yet set", except for the defaults ``ReferenceSheetDef`` names:
  the indicator type from its result's level (a goal's indicator measures impact); the PPR flag yes for a
  standard ("F") indicator; the date last updated from the latest change in the change log, or the file's date
  when that is later.
- The calculation is the measure's own words (``indicators.figures.measures``), the columns named as the sheet heads
  them, followed by the rows the indicator's source counts and the date that places a row in its quarter.
- The values table: every year of the programme, then the life of project, each with its target and its actual
  from ``indicators.figures.figures``: a year through its last quarter, or to date through the latest quarter with data
  while the data have not reached its end; the life of project to date through that quarter; no actual for a
  year the data have not reached. The year's deviation narratives go beside it. With a disclosure ``plan`` (a
  donor's download), victim figures are as the plan lets that reader see them (``indicators.protection.disclosure``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, select
from sqlalchemy.orm import Session

from indicators import periods, vocabulary
from indicators.figures.figures import (
    FiguresError,
    IndicatorFigures,
    figures_by_quarter,
    load_programme,
    programme_quarters,
)
from indicators.figures.measures import MeasureError, measure
from indicators.periods import Period
from indicators.programmes import history
from indicators.reference_sheets import Change, ReferenceSheet, ReferenceSheets, Value
from indicators.store import kinds
from indicators.store.models import Indicator, IndicatorChange, Programme

if TYPE_CHECKING:  # a disclosure plan, applied as given (importing it would load the auditor's solver)
    from indicators.protection.disclosure import Plan

LEVEL_TYPES = {"goal": "impact", "outcome": "outcome", "output": "output"}  # the default indicator type


def build(
    session: Session, programme_code: str, prepared: datetime | None = None, *, plan: Plan | None = None
) -> ReferenceSheets:
    """Every indicator's reference sheet, in logframe order; with a disclosure ``plan``, victim figures as it
    lets the reader see them. ``FiguresError`` for an unknown programme."""
    record = load_programme(session, programme_code)
    logged: dict[int, list[IndicatorChange]] = {}
    for change in session.scalars(
        select(IndicatorChange)
        .where(IndicatorChange.indicator_id.in_([i.id for i in record.indicators]))
        .order_by(IndicatorChange.changed_at, IndicatorChange.id)
    ):
        logged.setdefault(change.indicator_id, []).append(change)
    latest = latest_quarter(session, record)
    values = _values(session, record, latest, plan)
    sheets = [
        _sheet(indicator, logged.get(indicator.id, []), values[indicator.code])
        for indicator in sorted(record.indicators, key=lambda i: i.sort_order)
    ]
    return ReferenceSheets(
        record.code,
        record.title,
        record.donor,
        record.award_number,
        prepared or datetime.now(UTC).replace(tzinfo=None, microsecond=0),
        tuple(sheets),
        latest.label(short=True) if latest else None,
        plan.threshold if plan else None,
    )


def _sheet(indicator: Indicator, changes: list[IndicatorChange], values: tuple[Value, ...]) -> ReferenceSheet:
    sheet = dict(indicator.reference_sheet or {})
    quality = sheet.get("data_quality") or {}
    result = indicator.result
    level = {"goal": "Goal", "outcome": "Outcome", "output": "Output"}.get(result.level, result.level.title())
    kind = sheet.get("indicator_type") or LEVEL_TYPES.get(result.level)
    ppr = sheet.get("ppr_indicator")
    if ppr is None and indicator.standard_indicator:
        ppr = True  # a standard ("F") indicator is reported in the Performance Plan and Report
    # The sheet's change log: its targets, baseline and definition (the reference sheet's own wording is the
    # sheet itself; its edits stay in the indicator's history, and count for the date it was last updated).
    shown = [c for c in changes if not c.field.startswith("reference_sheet.")]
    return ReferenceSheet(
        code=indicator.code,
        name=indicator.name,
        result=f"{level} {result.code}: {result.statement}",
        indicator_type=kind.title() if kind else None,
        standard_indicator=indicator.standard_indicator,
        ppr_indicator=None if ppr is None else bool(ppr),
        definition=indicator.definition,
        unit="Percentage" if indicator.unit == "percent" else "Number",
        calculation=calculation(indicator),
        disaggregation=", ".join(
            vocabulary.DISAGGREGATIONS.get(d, d) for d in indicator.disaggregations or ()
        )
        or None,
        direction_of_change=sheet.get("direction_of_change"),
        rationale=sheet.get("rationale"),
        data_source=indicator.data_source,
        collection_method=sheet.get("collection_method"),
        frequency=sheet.get("frequency"),
        responsible=sheet.get("responsible"),
        data_storage=sheet.get("data_storage"),
        last_assessment=_date(quality.get("last_assessment")),
        next_assessment=_date(quality.get("next_assessment")),
        reviewer=quality.get("reviewer"),
        limitations=quality.get("limitations"),
        mitigation=quality.get("mitigation"),
        baseline=indicator.baseline,
        baseline_date=_date(sheet.get("baseline_date")),
        unit_key=indicator.unit,
        target_rationale=sheet.get("target_rationale"),
        values=values,
        changes=tuple(
            Change(c.changed_at, c.changed_by, history.describe(c), c.reason, c.comment) for c in shown
        ),
        notes=sheet.get("notes"),
        last_updated=_last_updated(_date(sheet.get("last_updated")), changes),
    )


def _last_updated(stated: date | None, changes: list[IndicatorChange]) -> date | None:
    """The later of the file's date and the latest change logged (a change of the date itself aside: it is
    logged when loaded, not when the sheet was updated)."""
    dates = [c.changed_at.date() for c in changes if c.field != "reference_sheet.last_updated"]
    return max([*dates, *([stated] if stated else [])], default=None)


# --- the calculation ----------------------------------------------------------------------------------------


def calculation(indicator: Indicator) -> str:
    """How the indicator's figure is calculated, in words: its measure's own (``indicators.figures.measures``), the rows
    its source counts and the date that places a row in its quarter."""
    spec = kinds.kind(indicator.source_kind)
    try:
        words = measure(
            indicator.measure, kind=indicator.source_kind, unit=indicator.unit, code=indicator.code
        ).calculation(spec)
    except MeasureError as exc:  # refused when the programme file is loaded; a store edited by hand only
        raise FiguresError(str(exc)) from None
    conditions = [_condition(spec, column, rule) for column, rule in (indicator.source_filter or {}).items()]
    counted = f" Rows counted: those where {' and '.join(conditions)}." if conditions else ""
    dated = indicator.date_field or spec.date
    placed = f" A row counts in the quarter of its {spec.header(dated)}." if dated else ""
    return f"{words}.{counted}{placed}"


def _condition(spec: kinds.KindSpec, column: str, rule) -> str:
    """A source filter's condition on one column, in words: "Body is Technical Committee"."""
    name = spec.header(column)
    if isinstance(rule, dict):
        return f"{name} is filled in" if rule.get("not_null") else f"{name} is blank"
    choices = " or ".join(str(v) for v in rule) if isinstance(rule, list) else str(rule)
    listed = column in spec.table.c and isinstance(spec.table.c[column].type, JSON)
    return f"{name} {'includes' if listed else 'is'} {choices}"


# --- the values table ---------------------------------------------------------------------------------------


def latest_quarter(session: Session, record: Programme) -> Period | None:
    """The latest quarter of the programme that any of its records (or a case's referral) falls in; None when
    it has none."""
    quarters = programme_quarters(record)
    codes: set[str] = set()
    for spec in kinds.KINDS:
        for column in spec.quarter_columns():
            codes.update(
                session.scalars(
                    select(spec.table.c[column]).distinct().where(spec.table.c.programme_id == record.id)
                )
            )
    found = [q for q in quarters if q.code in codes]
    return found[-1] if found else None


def _values(
    session: Session, record: Programme, latest: Period | None, plan: Plan | None
) -> dict[str, tuple[Value, ...]]:
    """Each indicator's values table, from the figures of the quarters the years and LOP are counted through."""
    quarters = programme_quarters(record)
    seen = [q for q in quarters if latest is not None and q <= latest]
    spans = []  # (period code, its quarters the data reach, whether they reach its end, the figure)
    for year in periods.years_between(record.start_date, record.end_date, record.calendar):
        own = [q for q in quarters if q.fiscal_year == year]
        reached = [q for q in own if q in seen]
        spans.append((year.code, reached, bool(reached) and reached[-1] == own[-1], "year_to_date"))
    spans.append(("LOP", seen, bool(seen) and seen[-1] == quarters[-1], "lop_to_date"))
    exact = figures_by_quarter(session, record.code, latest) if latest is not None else {}
    lines = {code: {f.indicator.code: f for f in pf.indicators} for code, pf in exact.items()}
    # as this reader may see them, per quarter counted through
    shown: dict[str, dict[str, IndicatorFigures]] = {}
    for _code, reached, _complete, _span in spans:
        if reached and reached[-1].code not in shown:
            pf = exact[reached[-1].code]
            shown[reached[-1].code] = {
                f.indicator.code: f for f in (plan.figures(pf) if plan else pf).indicators
            }
    out = {}
    for indicator in record.indicators:
        rows = []
        for code, reached, complete, span in spans:
            target = indicator.target_for(code)
            if not reached:
                rows.append(Value(code, target, None, None, None, False))
                continue
            figure = getattr(shown[reached[-1].code][indicator.code], span)
            notes = (
                ()
                if code == "LOP"
                else tuple(
                    f"{q.label(short=True)}: {text}"
                    for q in reached
                    if (text := (lines[q.code][indicator.code].narrative or "").strip())
                )
            )
            rows.append(
                Value(
                    code,
                    target,
                    figure.actual,
                    figure.withheld,
                    reached[-1].label(short=True),
                    complete,
                    notes,
                )
            )
        out[indicator.code] = tuple(rows)
    return out


def _date(value) -> date | None:
    if not value:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))
