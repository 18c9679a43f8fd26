"""Small reads the pages share that are not figures: programmes, their quarters, uploads.

Figures (actuals, targets, status) always come from ``indicators.figures.figures``; nothing here computes one.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from indicators import periods
from indicators.figures.figures import programme_quarters
from indicators.figures.queries import latest_complete_quarter
from indicators.periods import Period
from indicators.store.models import Indicator, Programme, Upload


def programmes(session: Session, codes: list[str] | None = None) -> list[Programme]:
    query = select(Programme).order_by(Programme.start_date.desc(), Programme.code)
    if codes is not None:
        query = query.where(Programme.code.in_(codes))
    return list(session.scalars(query))


def first_programme(session: Session, codes: list[str]) -> str:
    """The programme a page shows when the link names none: the first on the Portfolio."""
    found = programmes(session, codes)
    return found[0].code if found else ""


def programme(session: Session, code: str | None, *, full: bool = False) -> Programme | None:
    if not code or not isinstance(code, str):
        return None
    query = select(Programme).where(Programme.code == code.strip().upper())
    if full:
        query = query.options(
            selectinload(Programme.results),
            selectinload(Programme.phases),
            selectinload(Programme.indicators).selectinload(Indicator.targets),
        )
    return session.scalars(query).first()


def indicator(session: Session, code: str | None) -> Indicator | None:
    if not code or not isinstance(code, str):
        return None
    return session.scalars(
        select(Indicator)
        .where(Indicator.code == code.strip().upper())
        .options(
            selectinload(Indicator.targets), selectinload(Indicator.result), selectinload(Indicator.programme)
        )
    ).first()


def quarters(prog: Programme) -> list[Period]:
    return programme_quarters(prog)


def quarter_options(prog: Programme, *, upto: Period | None = None) -> list[dict]:
    """The programme's quarters for a dropdown, newest first, labelled in words."""
    options = [{"label": q.label(), "value": q.code} for q in quarters(prog) if upto is None or q <= upto]
    return options[::-1]


def parse_quarter(prog: Programme, text) -> Period | None:
    """The quarter a URL names, if it is one of the programme's; else None."""
    if not text or not isinstance(text, str):
        return None
    try:
        period = periods.parse(text, prog.calendar)
    except periods.PeriodError:
        return None
    return period if period in quarters(prog) else None


def default_quarter(prog: Programme, today: date | None = None) -> Period:
    """The last complete quarter as of today, clipped to the programme (the figures module decides)."""
    return latest_complete_quarter(prog, today or date.today())


def uploads(session: Session, limit: int = 200) -> list[Upload]:
    return list(
        session.scalars(
            select(Upload)
            .where(Upload.outcome != "dry-run")
            .order_by(Upload.uploaded_at.desc(), Upload.id.desc())
            .limit(limit)
        )
    )


def counts_text(counts: dict | None) -> str:
    """``{"trainings": {"new": 3, ...}}`` in words: ``trainings: 3 new, 1 updated``."""
    parts = []
    for kind, numbers in (counts or {}).items():
        if isinstance(numbers, dict):
            shown = ", ".join(f"{v} {k}" for k, v in numbers.items() if v)
            parts.append(f"{kind}: {shown or 'nothing'}")
        else:
            parts.append(f"{kind}: {numbers}")
    return "; ".join(parts)
