"""Deviation narratives: the programme manager's explanation per indicator and report quarter.

A narrative belongs to one quarter of the indicator's own programme (stored under its normalised code,
``FY2019Q3`` or ``2012Q1``, whatever was typed); writing empty text deletes it. ``figures`` shows it as
``IndicatorFigures.narrative``. Every change is written to the audit trail (who, which indicator and
quarter, the text before and after), in the same transaction. The caller owns the transaction.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from indicators.access import audit
from indicators.figures.figures import FiguresError, load_programme, report_quarter
from indicators.periods import Period
from indicators.store.models import Indicator, Narrative, utcnow


class NarrativeError(FiguresError):
    """An unknown indicator or a period that is not a quarter of the indicator's programme."""


def _indicator_and_period(
    session: Session, indicator_code: str, period: str | Period, programme_code: str | None = None
) -> tuple[Indicator, Period]:
    code = (indicator_code or "").strip().upper()
    indicator = session.scalar(select(Indicator).where(Indicator.code == code))
    if programme_code is not None:
        try:
            programme = load_programme(session, programme_code)
        except FiguresError as exc:
            raise NarrativeError(str(exc)) from None
        if indicator is None or indicator.programme_id != programme.id:
            known = ", ".join(i.code for i in programme.indicators)
            raise NarrativeError(
                f"{programme.code} has no indicator {indicator_code!r}; its indicators: {known}"
            )
    if indicator is None:
        raise NarrativeError(f"unknown indicator {indicator_code!r}")
    try:
        quarter = report_quarter(indicator.programme, period)
    except FiguresError as exc:
        raise NarrativeError(str(exc)) from None
    return indicator, quarter


def set_narrative(
    session: Session,
    indicator_code: str,
    period: str | Period,
    text: str | None,
    user: str | None,
    programme_code: str | None = None,
) -> Narrative | None:
    """Write (or, with empty text, delete) the narrative of one indicator for one quarter of its programme.
    Returns the stored row, or None when deleted. ``programme_code``, when given, must own the indicator."""
    indicator, quarter = _indicator_and_period(session, indicator_code, period, programme_code)
    row = session.scalar(
        select(Narrative).where(Narrative.indicator_id == indicator.id, Narrative.period == quarter.code)
    )
    cleaned = (text or "").strip()
    before = row.text if row is not None else None
    if not cleaned:
        if row is not None:
            session.delete(row)
            session.flush()
            _audit(session, user, indicator, quarter, before, None)
        return None
    if row is None:
        row = Narrative(indicator_id=indicator.id, period=quarter.code, text=cleaned, updated_by=user)
        session.add(row)
    elif row.text != cleaned or row.updated_by != user:
        row.text, row.updated_by, row.updated_at = cleaned, user, utcnow()
    session.flush()
    if before != cleaned:
        _audit(session, user, indicator, quarter, before, cleaned)
    return row


def _audit(session: Session, user: str | None, indicator: Indicator, quarter: Period, before, after) -> None:
    change = "added" if before is None else ("deleted" if after is None else "changed")
    audit.record(
        session,
        user or "unknown",
        "narrative",
        f"{indicator.code} {quarter.code}",
        change=change,
        before=before,
        after=after,
    )


def get_narrative(session: Session, indicator_code: str, period: str | Period) -> str | None:
    """The narrative of one indicator for one quarter, or None."""
    indicator, quarter = _indicator_and_period(session, indicator_code, period)
    return session.scalar(
        select(Narrative.text).where(Narrative.indicator_id == indicator.id, Narrative.period == quarter.code)
    )


def narratives_for(session: Session, programme_code: str, period: str | Period) -> dict[str, Narrative]:
    """Every narrative of a programme's indicators for one quarter: indicator code -> row."""
    programme = load_programme(session, programme_code)
    quarter = report_quarter(programme, period)
    rows = session.execute(
        select(Indicator.code, Narrative)
        .join(Narrative, Narrative.indicator_id == Indicator.id)
        .where(Indicator.programme_id == programme.id, Narrative.period == quarter.code)
    ).all()
    return {code: row for code, row in rows}
