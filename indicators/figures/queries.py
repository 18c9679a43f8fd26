"""Read functions beside ``figures`` for the dashboard: an indicator's quarterly series, the records it
counts with their provenance, and the latest complete quarter of a programme.

They apply the same rules as ``indicators.figures.figures`` (the same sums from ``indicators.figures.sums``; a ratio
recomputed from cumulated sums, never averaged), so a chart and a report cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from indicators.figures.figures import (
    FiguresError,
    by_category,
    load_programme,
    period_actual,
    programme_quarters,
    report_quarter,
)
from indicators.figures.measures import TOTAL, MeasureError
from indicators.figures.sums import Scan, Source, quarter_sums
from indicators.periods import LOP, Period
from indicators.store.models import Indicator, ResultValue, Upload


@dataclass(frozen=True)
class SeriesPoint:
    """One quarter of an indicator's life: its own actual, and year and LOP to date through it."""

    quarter: str  # FY2019Q3 / 2012Q1
    year: str  # FY2019 / 2012
    actual: float | None  # the quarter's own (None: a ratio with nothing to divide by, or no entry)
    year_to_date: float | None
    lop_to_date: float | None  # programme start through this quarter; a ratio recomputed from the sums
    year_target: float | None
    lop_target: float | None
    # ratios: the quarter's sums and the LOP-to-date sums the ratios were computed from
    numerator: float | None = None
    denominator: float | None = None
    lop_numerator: float | None = None
    lop_denominator: float | None = None
    # figures withheld from this reader (``indicators.protection.disclosure``): field name -> what it reads instead
    withheld: dict = field(default_factory=dict)


def load_indicator(session: Session, indicator_code: str) -> Indicator:
    """The indicator (with programme, result and targets), or ``FiguresError`` naming the code."""
    code = (indicator_code or "").strip().upper()
    indicator = session.scalar(
        select(Indicator)
        .where(Indicator.code == code)
        .options(
            joinedload(Indicator.programme), joinedload(Indicator.result), selectinload(Indicator.targets)
        )
    )
    if indicator is None:
        raise FiguresError(f"unknown indicator {indicator_code!r}")
    return indicator


def indicator_series(
    session: Session, indicator_code: str, through: str | Period | None = None
) -> list[SeriesPoint]:
    """Per-quarter rows over the whole programme (or through the quarter ``through``), from one query."""
    indicator = load_indicator(session, indicator_code)
    programme = indicator.programme
    quarters = programme_quarters(programme)
    if through is not None:
        last = report_quarter(programme, through)
        quarters = [q for q in quarters if q <= last]
    try:
        source = Source.of(indicator)
    except MeasureError as exc:
        raise FiguresError(str(exc)) from None
    years = sorted({q.fiscal_year.code for q in quarters})
    codes = [q.code for q in quarters] + (years + [LOP.code] if source.as_entered else [])
    try:
        total = by_category(quarter_sums(session, source, codes, disaggregate=False)).get((TOTAL, TOTAL), {})
    except MeasureError as exc:
        raise FiguresError(str(exc)) from None
    lop_target = indicator.target_for(LOP.code)
    points = []
    for i, quarter in enumerate(quarters):
        so_far = quarters[: i + 1]
        actual, num, den = period_actual(source, total, [quarter], quarter.code)
        in_year = period_actual(
            source,
            total,
            [q for q in so_far if q.fiscal_year == quarter.fiscal_year],
            quarter.fiscal_year.code,
        )[0]
        to_date, lop_num, lop_den = period_actual(source, total, so_far, LOP.code)
        points.append(
            SeriesPoint(
                quarter.code,
                quarter.fiscal_year.code,
                _float(actual),
                _float(in_year),
                _float(to_date),
                indicator.target_for(quarter.fiscal_year.code),
                lop_target,
                num,
                den,
                lop_num,
                lop_den,
            )
        )
    return points


def feeding_records(
    session: Session, indicator_code: str, quarter: str | Period | None = None, limit: int = 500
) -> list[dict]:
    """The records an indicator counts, for one quarter of its programme or all of them: every column of
    the record plus ``counted_in`` (the quarter it counts in for this indicator), ``value`` (its
    contribution; ``numerator``/``denominator`` for a ratio) and its provenance (``upload_filename``,
    ``uploaded_at``, ``uploaded_by``, ``source_sheet``, ``source_row``). For a stage measure, the record
    where each instrument or title first reached the stage. At most ``limit`` rows, in attribution order."""
    indicator = load_indicator(session, indicator_code)
    quarters = None if quarter is None else [report_quarter(indicator.programme, quarter).code]
    try:
        return _feeding_rows(session, Source.of(indicator), quarters, limit)
    except MeasureError as exc:
        raise FiguresError(str(exc)) from None


def latest_complete_quarter(programme, today: date, session: Session | None = None) -> Period:
    """The last quarter of the programme that has ended by ``today`` (its last day is before today),
    clipped to the programme's last quarter; its first quarter while none has ended yet.

    ``programme`` is a ``ProgrammeInfo`` or ``Programme`` row, or a programme code with ``session``."""
    if isinstance(programme, str):
        if session is None:
            raise TypeError("latest_complete_quarter needs a session to look up a programme code")
        programme = load_programme(session, programme)
    quarters = programme_quarters(programme)
    ended = [q for q in quarters if q.end < today]
    return ended[-1] if ended else quarters[0]


def _float(value) -> float | None:
    return None if value is None else float(value)


def _feeding_rows(session: Session, source: Source, quarters: list[str] | None, limit: int) -> list[dict]:
    """The records an indicator counts (its measure says which: for a stage, the row where each item first
    reached it), in attribution order, with what each adds and its provenance."""
    if source.measure.entered:
        table = ResultValue.__table__
        counted_in = table.c.quarter
        conditions = [table.c.indicator_id == source.indicator_id]
        extra = [table.c.value.label("_value")]
        day = None
    else:
        scan = Scan(source)
        table = scan.table
        counted_in = scan.quarter()
        conditions = source.measure.counted(scan)
        extra = source.measure.contribution(scan)
        day = scan.day
    if quarters is not None:
        conditions.append(counted_in.in_(list(quarters)))
    subject = select(table, counted_in.label("counted_in"), *extra).where(*conditions).subquery()
    order = [subject.c.counted_in]
    if day and day in subject.c:
        order.append(subject.c[day])
    statement = (
        select(
            subject,
            Upload.filename.label("upload_filename"),
            Upload.uploaded_at.label("uploaded_at"),
            Upload.uploaded_by.label("uploaded_by"),
        )
        .outerjoin(Upload, Upload.id == subject.c.upload_id)
        .order_by(*order, subject.c.id)
        .limit(limit)
    )
    out = []
    for row in session.execute(statement).mappings():
        record = {k: v for k, v in row.items() if k != "row_hash" and not k.startswith("_")}
        if "_value" in row:
            record["value"] = row["_value"]
        if "_numerator" in row:
            record["numerator"], record["denominator"] = row["_numerator"], row["_denominator"]
        out.append(record)
    return out
