"""Quarter sign-off: a manager closes a programme's quarter once its report was sent; a manager or an
administrator may reopen it, with a reason, and signing off again keeps a new version.

A signed-off quarter closes itself and every earlier quarter of the programme, because their records
feed its year-to-date and life-of-project figures: an upload touching any of them is refused with the
sign-off named. Only sign-offs *in force* close anything: a reopened one is kept (the report as sent and the
figures it was made from, byte for byte, as version N) but closes nothing. The report as sent is kept and
served again byte for byte, under the name its format gives it (``exports.formats``; the caller makes the
file and names it).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from indicators import periods
from indicators.access import audit
from indicators.i18n import N_, Message, format_decimal
from indicators.store.models import Programme, SignOff, utcnow

REOPENERS = ("admin", "manager")  # who may reopen a signed-off quarter
REASON_LIMIT = 2000


class SignOffError(ValueError):
    """A sign-off that cannot be made as asked. Its message is a ``Message``: English where it is kept (the
    command line, logs), in the reader's language where a page shows it."""


class Count(Message):
    """A number inside a ``Message``: grouped the English way where the message is kept (2,000), the reader's
    way where it is shown (2 000 in French)."""

    value: int

    def __new__(cls, value: int):
        text = Message.__new__(cls, f"{value:,}")
        text.value = value
        return text

    def __reduce__(self):
        return (Count, (self.value,))

    def translated(self) -> str:
        return format_decimal(self.value, "#,##0")


def moment_text(moment) -> str:
    """A moment as refusals name it (UTC): ``2026-01-05 09:00``."""
    return f"{moment:%Y-%m-%d %H:%M}"


class MissingNarratives(SignOffError):
    """Indicators more than 15% off their target to date have no deviation narrative, and the sign-off did
    not acknowledge going ahead without them."""

    def __init__(self, programme: str, quarter: str, codes: list[str]):
        self.codes = codes
        template = (
            N_(
                "{codes} is more than 15% off the target to date with no deviation narrative for {programme} "
                "{quarter}: write it, or acknowledge signing off without"
            )
            if len(codes) == 1
            else N_(
                "{codes} are more than 15% off the target to date with no deviation narrative for {programme} "
                "{quarter}: write them, or acknowledge signing off without"
            )
        )
        super().__init__(Message(template, codes=", ".join(codes), programme=programme, quarter=quarter))


def missing_narratives(session: Session, programme_code: str, period: str) -> list[str]:
    """The indicators of a programme's quarter that are off target by more than 15% without a narrative."""
    from indicators.figures.figures import figures

    return [
        line.indicator.code
        for line in figures(session, programme_code, period).indicators
        if line.needs_narrative
    ]


@dataclass(frozen=True)
class Closure:
    """Why a quarter is closed: the sign-off that closes it."""

    quarter: str
    signed_period: str
    signed_by: str
    signed_at: str

    def message(self, programme: str | None = None) -> Message:
        """``FY2019Q1 is closed: FY2019Q3 was signed off by …`` (``KEC FY2019Q1 …`` given the programme)."""
        return Message(
            N_(
                "{quarter} is closed: {period} was signed off by {who} on {when}; a signed-off quarter and the "
                "quarters before it cannot change"
            ),
            quarter=f"{programme} {self.quarter}" if programme else self.quarter,
            period=self.signed_period,
            who=self.signed_by,
            when=self.signed_at,
        )


def sign_off(
    session: Session,
    programme_code: str,
    period: str,
    username: str,
    report: bytes,
    report_format: str,
    report_filename: str,
    note: str | None = None,
    acknowledged=(),
    figures: dict | None = None,
    changed=None,
) -> SignOff:
    """Close a programme's quarter, keeping the report as sent as its next version, with ``figures``, the
    quarter's results rows it was made from (``indicators.reporting.versions.kept_figures``), and ``changed``, the
    indicators whose figures differ from the version it replaces. Indicators off target without a narrative
    must be named in ``acknowledged`` (the manager saw them and signs off anyway), else ``MissingNarratives``;
    the acknowledgement goes into the audit trail."""
    programme, quarter = _programme_quarter(session, programme_code, period)
    existing = in_force(session, programme.id, quarter.code)
    if existing is not None:
        raise SignOffError(
            Message(
                N_(
                    "{programme} {quarter} was already signed off by {who} on {when} (version {version}); "
                    "reopen it first to sign off a corrected report"
                ),
                programme=programme.code,
                quarter=quarter.code,
                who=existing.signed_by,
                when=moment_text(existing.signed_at),
                version=existing.version,
            )
        )
    missing = missing_narratives(session, programme.code, quarter.code)
    unacknowledged = [code for code in missing if code not in set(acknowledged or ())]
    if unacknowledged:
        raise MissingNarratives(programme.code, quarter.code, unacknowledged)
    version = (
        session.scalar(
            select(func.max(SignOff.version)).where(
                SignOff.programme_id == programme.id, SignOff.period == quarter.code
            )
        )
        or 0
    ) + 1
    record = SignOff(
        programme_id=programme.id,
        period=quarter.code,
        version=version,
        signed_by=username,
        report=report,
        report_format=report_format,
        report_filename=report_filename,
        report_sha256=hashlib.sha256(report).hexdigest(),
        note=note,
        figures=figures,
        changed=list(changed) if changed is not None else None,
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        username,
        "sign-off",
        f"{programme.code} {quarter.code}",
        format=report_format,
        sha256=record.report_sha256,
        version=version,
        changed=record.changed or None,
        signed_off_without_narratives=missing or None,
    )
    return record


def reopen(session: Session, programme_code: str, period: str, username: str, reason: str) -> SignOff:
    """Reopen a signed-off quarter: its sign-off stops closing anything (the report as sent stays kept as its
    version), so the quarter and the earlier ones it closed take uploads and corrections again, unless a later
    sign-off still closes the quarter (then it is refused: reopen that one first). The reason is required and
    goes with the who and when into the sign-off and the audit trail. The caller checks the role
    (``REOPENERS``)."""
    programme, quarter = _programme_quarter(session, programme_code, period)
    reason = (reason or "").strip()
    if not reason:
        raise SignOffError(
            Message(N_("a reason is required to reopen a signed-off quarter (e.g. the donor's request)"))
        )
    if len(reason) > REASON_LIMIT:
        raise SignOffError(
            Message(
                N_("the reason is at most {limit} characters (found {count})"),
                limit=Count(REASON_LIMIT),
                count=Count(len(reason)),
            )
        )
    record = in_force(session, programme.id, quarter.code)
    if record is None:
        kept = latest(session, programme.id, quarter.code)
        raise SignOffError(_not_signed_off(programme.code, quarter.code, kept))
    later = [
        s for s in signed_in(session, programme.id) if periods.parse(s.period, programme.calendar) > quarter
    ]
    if later:
        raise SignOffError(_still_closed(programme.code, quarter.code, later))
    record.reopened_at, record.reopened_by, record.reopen_reason = utcnow(), username, reason
    session.flush()
    audit.record(
        session,
        username,
        "sign-off-reopened",
        f"{programme.code} {quarter.code}",
        version=record.version,
        reason=reason,
        sha256=record.report_sha256,
        signed_by=record.signed_by,
    )
    return record


def _not_signed_off(programme: str, quarter: str, kept: SignOff | None) -> Message:
    """Why a quarter cannot be reopened when no sign-off of it is in force (naming the last reopen, if any)."""
    if kept is None:
        return Message(N_("{programme} {quarter} is not signed off"), programme=programme, quarter=quarter)
    return Message(
        N_("{programme} {quarter} is not signed off (version {version} was reopened by {who} on {when})"),
        programme=programme,
        quarter=quarter,
        version=kept.version,
        who=kept.reopened_by,
        when=moment_text(kept.reopened_at),
    )


def _still_closed(programme: str, quarter: str, later: list[SignOff]) -> Message:
    """A quarter a later sign-off keeps closed: reopen the later ones first, latest first."""
    order = [s.period for s in reversed(later)]
    listed: str = order[0]
    for period in order[1:]:
        listed = Message(N_("{first} then {next}"), first=listed, next=period)
    return Message(
        N_(
            "{programme} {quarter} would stay closed by {period}, signed off by {who} on {when}: reopen "
            "{periods} first"
        ),
        programme=programme,
        quarter=quarter,
        period=later[0].period,
        who=later[0].signed_by,
        when=moment_text(later[0].signed_at),
        periods=listed,
    )


def _programme_quarter(session: Session, programme_code: str, period: str):
    code = (programme_code or "").strip().upper()
    programme = session.scalar(select(Programme).where(Programme.code == code))
    if programme is None:
        raise SignOffError(Message(N_("no programme {code!r}"), code=programme_code))
    quarter = periods.parse(period, programme.calendar)
    if quarter.kind != "quarter":
        raise SignOffError(
            Message(N_("{period!r} is not a quarter; a sign-off is for one report quarter"), period=period)
        )
    if quarter.code not in {
        q.code for q in periods.quarters_between(programme.start_date, programme.end_date, programme.calendar)
    }:
        raise SignOffError(
            Message(
                N_("{quarter} is not a reporting quarter of {programme}"),
                quarter=quarter.code,
                programme=programme.code,
            )
        )
    return programme, quarter


def in_force(session: Session, programme_id: int, period: str) -> SignOff | None:
    """The sign-off of a programme's quarter that is in force (not reopened), if any."""
    return session.scalar(
        select(SignOff).where(
            SignOff.programme_id == programme_id, SignOff.period == period, SignOff.reopened_at.is_(None)
        )
    )


def latest(session: Session, programme_id: int, period: str) -> SignOff | None:
    """The latest version kept of a programme's quarter (in force or reopened), if any (its file is read only
    when asked for: pages compare figures on every visit)."""
    return session.scalar(
        select(SignOff)
        .where(SignOff.programme_id == programme_id, SignOff.period == period)
        .options(defer(SignOff.report))
        .order_by(SignOff.version.desc())
        .limit(1)
    )


def versions(session: Session, programme_code: str, period: str) -> list[SignOff]:
    """Every version kept of a programme's quarter, oldest first (each file read when asked for)."""
    return list(
        session.scalars(
            select(SignOff)
            .join(Programme)
            .where(Programme.code == programme_code, SignOff.period == period)
            .options(defer(SignOff.report))
            .order_by(SignOff.version)
        )
    )


def signed_in(session: Session, programme_id: int) -> list[SignOff]:
    """A programme's sign-offs in force, oldest quarter first."""
    rows = session.execute(
        select(SignOff, Programme.calendar)
        .join(Programme, Programme.id == SignOff.programme_id)
        .where(SignOff.programme_id == programme_id, SignOff.reopened_at.is_(None))
    ).all()
    return [record for record, _ in sorted(rows, key=lambda row: periods.parse(row[0].period, row[1]))]


def signed_report(session: Session, programme_code: str, period: str) -> SignOff | None:
    """The sign-off in force of a programme's quarter (its report as sent), if any."""
    return session.scalar(
        select(SignOff)
        .join(Programme)
        .where(Programme.code == programme_code, SignOff.period == period, SignOff.reopened_at.is_(None))
    )


def closures(session: Session, programme_id: int, quarters) -> dict[str, Closure]:
    """For each of ``quarters`` closed by a sign-off, the sign-off that closes it (the earliest at or after it).

    A year is closed when its first quarter is, ``LOP`` as soon as anything is signed off; codes that are
    no period of the programme's calendar are left out."""
    wanted = {q for q in quarters if isinstance(q, str) and q.strip()}
    rows = (
        session.execute(
            select(SignOff.period, SignOff.signed_by, SignOff.signed_at, Programme.calendar)
            .join(Programme)
            .where(SignOff.programme_id == programme_id, SignOff.reopened_at.is_(None))
        ).all()
        if wanted
        else []
    )
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
            out[code] = Closure(
                code, closing.period, closing.signed_by, f"{closing.signed_at:%Y-%m-%d %H:%M} UTC"
            )
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


def check_rows(session: Session, programme_id: int, quarters) -> list[Message]:
    """Why an import may not write records of ``programme_id`` in ``quarters``: one message per closed quarter.

    ``quarters`` holds every quarter code the import would touch for that programme: the quarter of each new
    or updated record *and* the quarter an updated record had before (moving a record out of a closed quarter
    changes that quarter too). ``None`` and blank codes are ignored. A quarter is closed when it is at or
    before a signed-off quarter of the programme. The answer is ``[]`` when the import may go ahead, else
    the messages in quarter order, each naming the programme, the quarter and the sign-off (who, when):
    ``KEC FY2019Q1 is closed: FY2019Q3 was signed off by claire on 2026-01-05 09:00 UTC; ...`` (each a
    ``Message``: English as text, in the reader's language where a page shows it).
    It only reads (two small queries); the importer refuses the whole workbook when the list is not empty.
    """
    closed = closures(session, programme_id, quarters)
    if not closed:
        return []
    code, calendar = session.execute(
        select(Programme.code, Programme.calendar).where(Programme.id == programme_id)
    ).one()

    def order(closure: Closure):
        start = _first_quarter(closure.quarter, calendar)
        return (
            (0, 0, 0, closure.quarter) if start is _LOP else (1, start.year, start.quarter, closure.quarter)
        )

    return [closure.message(code) for closure in sorted(closed.values(), key=order)]
