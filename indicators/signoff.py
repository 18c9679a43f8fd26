"""Quarter sign-off: a manager closes a programme's quarter once its report was sent.

A signed-off quarter closes itself and every earlier quarter of the programme, because their records
feed its year-to-date and life-of-project figures: an upload touching any of them is refused with the
sign-off named. The report as sent is kept and served again byte for byte.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from indicators import audit, periods
from indicators.models import Programme, SignOff


class SignOffError(ValueError):
    """A sign-off that cannot be made as asked."""


@dataclass(frozen=True)
class Closure:
    """Why a quarter is closed: the sign-off that closes it."""

    quarter: str
    signed_period: str
    signed_by: str
    signed_at: str

    def message(self) -> str:
        return (f"{self.quarter} is closed: {self.signed_period} was signed off by {self.signed_by} on "
                f"{self.signed_at}; a signed-off quarter and the quarters before it cannot change")


def sign_off(session: Session, programme_code: str, period: str, username: str, report: bytes, report_format: str,
             report_filename: str, note: str | None = None) -> SignOff:
    programme = session.scalar(select(Programme).where(Programme.code == programme_code))
    if programme is None:
        raise SignOffError(f"no programme {programme_code!r}")
    quarter = periods.parse(period, programme.calendar)
    if quarter.kind != "quarter":
        raise SignOffError(f"{period!r} is not a quarter; a sign-off is for one report quarter")
    if quarter.code not in {q.code for q in periods.quarters_between(programme.start_date, programme.end_date,
                                                                        programme.calendar)}:
        raise SignOffError(f"{quarter.code} is not a reporting quarter of {programme.code}")
    existing = session.scalar(select(SignOff).where(SignOff.programme_id == programme.id,
                                                    SignOff.period == quarter.code))
    if existing is not None:
        raise SignOffError(f"{programme.code} {quarter.code} was already signed off by {existing.signed_by} "
                           f"on {existing.signed_at:%Y-%m-%d %H:%M}")
    record = SignOff(programme_id=programme.id, period=quarter.code, signed_by=username, report=report,
                     report_format=report_format, report_filename=report_filename,
                     report_sha256=hashlib.sha256(report).hexdigest(), note=note)
    session.add(record)
    session.flush()
    audit.record(session, username, "sign-off", f"{programme.code} {quarter.code}", format=report_format,
                 sha256=record.report_sha256)
    return record


def sign_offs(session: Session, programme_code: str) -> list[SignOff]:
    return list(session.scalars(
        select(SignOff).join(Programme).where(Programme.code == programme_code).order_by(SignOff.signed_at)))


def signed_report(session: Session, programme_code: str, period: str) -> SignOff | None:
    return session.scalar(select(SignOff).join(Programme).where(Programme.code == programme_code,
                                                                SignOff.period == period))


def closures(session: Session, programme_id: int, quarters: set[str]) -> dict[str, Closure]:
    """For each of ``quarters`` closed by a sign-off, the sign-off that closes it (the earliest one)."""
    signed = list(session.execute(
        select(SignOff.period, SignOff.signed_by, SignOff.signed_at, Programme.calendar)
        .join(Programme).where(SignOff.programme_id == programme_id)))
    if not signed or not quarters:
        return {}
    out: dict[str, Closure] = {}
    for code in quarters:
        try:
            quarter = periods.parse(code, signed[0].calendar)
        except periods.PeriodError:
            continue
        closing = [s for s in signed if periods.parse(s.period, s.calendar) >= quarter]
        if closing:
            first = min(closing, key=lambda s: periods.parse(s.period, s.calendar))
            out[code] = Closure(code, first.period, first.signed_by, f"{first.signed_at:%Y-%m-%d %H:%M} UTC")
    return out
