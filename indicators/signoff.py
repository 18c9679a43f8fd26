"""Quarter sign-off: a manager closes a programme's quarter once its report was sent.

A signed-off quarter closes itself and every earlier quarter of the programme, because their records
feed its year-to-date and life-of-project figures: an upload touching any of them is refused with the
sign-off named. The report as sent is kept and served again byte for byte, under the name its format gives
it (``exports.formats``; the caller makes the file and names it).
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


class MissingNarratives(SignOffError):
    """Indicators more than 15% off their target to date have no deviation narrative, and the sign-off did
    not acknowledge going ahead without them."""

    def __init__(self, programme: str, quarter: str, codes: list[str]):
        self.codes = codes
        super().__init__(
            f"{', '.join(codes)} {'is' if len(codes) == 1 else 'are'} more than 15% off the target to date "
            f"with no deviation narrative for {programme} {quarter}: write {'it' if len(codes) == 1 else 'them'}, "
            "or acknowledge signing off without")


def missing_narratives(session: Session, programme_code: str, period: str) -> list[str]:
    """The indicators of a programme's quarter that are off target by more than 15% without a narrative."""
    from indicators.figures import figures

    return [line.indicator.code for line in figures(session, programme_code, period).indicators
            if line.needs_narrative]


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
             report_filename: str, note: str | None = None, acknowledged=()) -> SignOff:
    """Close a programme's quarter, keeping the report as sent. Indicators off target without a narrative
    must be named in ``acknowledged`` (the manager saw them and signs off anyway), else
    ``MissingNarratives``; the acknowledgement goes into the audit trail."""
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
    missing = missing_narratives(session, programme.code, quarter.code)
    unacknowledged = [code for code in missing if code not in set(acknowledged or ())]
    if unacknowledged:
        raise MissingNarratives(programme.code, quarter.code, unacknowledged)
    record = SignOff(programme_id=programme.id, period=quarter.code, signed_by=username, report=report,
                     report_format=report_format, report_filename=report_filename,
                     report_sha256=hashlib.sha256(report).hexdigest(), note=note)
    session.add(record)
    session.flush()
    audit.record(session, username, "sign-off", f"{programme.code} {quarter.code}", format=report_format,
                 sha256=record.report_sha256, signed_off_without_narratives=missing or None)
    return record


def signed_in(session: Session, programme_id: int) -> list[SignOff]:
    """A programme's sign-offs, oldest quarter first."""
    rows = session.execute(select(SignOff, Programme.calendar).join(Programme, Programme.id == SignOff.programme_id)
                           .where(SignOff.programme_id == programme_id)).all()
    return [record for record, _ in sorted(rows, key=lambda row: periods.parse(row[0].period, row[1]))]


def signed_report(session: Session, programme_code: str, period: str) -> SignOff | None:
    return session.scalar(select(SignOff).join(Programme).where(Programme.code == programme_code,
                                                                SignOff.period == period))


def closures(session: Session, programme_id: int, quarters) -> dict[str, Closure]:
    """For each of ``quarters`` closed by a sign-off, the sign-off that closes it (the earliest at or after it).

    A year is closed when its first quarter is, ``LOP`` as soon as anything is signed off; codes that are
    no period of the programme's calendar are left out."""
    wanted = {q for q in quarters if isinstance(q, str) and q.strip()}
    rows = session.execute(
        select(SignOff.period, SignOff.signed_by, SignOff.signed_at, Programme.calendar)
        .join(Programme).where(SignOff.programme_id == programme_id)).all() if wanted else []
    if not rows:
        return {}
    calendar = rows[0].calendar
    signed = sorted(((periods.parse(r.period, calendar), r) for r in rows), key=lambda pair: pair[0])
    out: dict[str, Closure] = {}
    for code in wanted:
        start = _first_quarter(code, calendar)
        if start is None:
            continue
        closing = next((row for quarter, row in signed if start is _LOP or quarter >= start), None)
        if closing is not None:
            out[code] = Closure(code, closing.period, closing.signed_by, f"{closing.signed_at:%Y-%m-%d %H:%M} UTC")
    return out


_LOP = object()


def _first_quarter(code: str, calendar: str):
    """The first quarter a period code covers (``_LOP`` for the life of project), or None if it is no period."""
    try:
        period = periods.parse(code, calendar)
    except periods.PeriodError:
        return None
    if period.kind == "lop":
        return _LOP
    return period.quarters()[0]


def check_rows(session: Session, programme_id: int, quarters) -> list[str]:
    """Why an import may not write records of ``programme_id`` in ``quarters``: one message per closed quarter.

    ``quarters`` holds every quarter code the import would touch for that programme: the quarter of each new
    or updated record *and* the quarter an updated record had before (moving a record out of a closed quarter
    changes that quarter too). ``None`` and blank codes are ignored. A quarter is closed when it is at or
    before a signed-off quarter of the programme. The answer is ``[]`` when the import may go ahead, else
    the messages in quarter order, each naming the programme, the quarter and the sign-off (who, when):
    ``KEC FY2019Q1 is closed: FY2019Q3 was signed off by claire on 2026-01-05 09:00 UTC; ...``.
    It only reads (two small queries); the importer refuses the whole workbook when the list is not empty.
    """
    closed = closures(session, programme_id, quarters)
    if not closed:
        return []
    code, calendar = session.execute(select(Programme.code, Programme.calendar)
                                     .where(Programme.id == programme_id)).one()

    def order(closure: Closure):
        start = _first_quarter(closure.quarter, calendar)
        return (0, 0, 0, closure.quarter) if start is _LOP else (1, start.year, start.quarter, closure.quarter)

    return [f"{code} {closure.message()}" for closure in sorted(closed.values(), key=order)]
