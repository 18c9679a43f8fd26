"""What changed since a quarter's report was sent: every figure that now differs from the latest version kept
(``indicators.reporting.versions``), with what explains it.

A figure's explanation is what was written after that version was signed off and touches its indicator and
the quarters it covers (the report quarter; the year to date: the year's quarters through it; the life of
project to date: every quarter through it): uploads storing records of the indicator's sheet kind in those
quarters, corrections of such records, and, for a target, the edits of that target. Each explanation is a
``Message``: English as text (``ctmonitor changes``), in the reader's language on the Reports page. Read only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from indicators import periods
from indicators.figures import signoff
from indicators.figures.figures import FiguresError, ProgrammeFigures, figures
from indicators.i18n import N_, Message
from indicators.report import Report
from indicators.reporting import versions
from indicators.reporting.cover import build_cover
from indicators.reporting.reporting import disaggregation_rows, group_results
from indicators.store import kinds, records
from indicators.store.models import (
    RESTORE,
    VOID,
    Indicator,
    IndicatorChange,
    Programme,
    RecordCorrection,
    ResultValue,
    SignOff,
    Upload,
)


@dataclass(frozen=True)
class Explained:
    """A difference and what explains it, newest first."""

    difference: versions.Difference
    explained_by: tuple[Message, ...] = ()


@dataclass(frozen=True)
class Comparison:
    """The latest kept version of a programme's quarter against the figures now."""

    programme: str
    period: str
    version: int
    signed_by: str
    signed_at: datetime
    in_force: bool
    reopened_by: str | None
    reopened_at: datetime | None
    reopen_reason: str | None
    figures_kept: bool  # False for a sign-off made before figures were kept: nothing can be compared
    differences: tuple[Explained, ...] = field(default_factory=tuple)

    @property
    def indicators(self) -> tuple[str, ...]:
        return versions.changed_indicators([e.difference for e in self.differences])


def current_rows(pf: ProgrammeFigures) -> list[tuple[str, ...]]:
    """The quarter's results rows now, from its figures (the rows a sign-off now would keep)."""
    report = Report(
        build_cover(pf, prepared=datetime(2000, 1, 1)),
        group_results(pf, {pf.period.code: pf}),
        tuple(disaggregation_rows(pf)),
        (),
        (),
    )
    return versions.figure_rows(report)


def compare(
    session: Session, programme_code: str, period, *, pf: ProgrammeFigures | None = None, explain: bool = True
) -> Comparison | None:
    """The latest version kept of the quarter against its figures now (``pf`` if the caller has them), or None
    when no version is kept. ``FiguresError`` for an unknown programme or period."""
    code = str(programme_code or "").strip().upper()
    programme = session.scalar(select(Programme).where(Programme.code == code))
    if programme is None:
        raise FiguresError(f"no programme {programme_code!r}")
    quarter = periods.parse(period, programme.calendar) if isinstance(period, str) else period
    record = signoff.latest(session, programme.id, quarter.code)  # one small query on a page's every visit
    if record is None:
        return None
    differences: list[Explained] = []
    if record.figures:
        pf = (
            pf
            if pf is not None and pf.period.code == quarter.code
            else figures(session, programme.code, quarter)
        )
        found = versions.compare(record.figures, current_rows(pf))
        cause = _Causes(session, programme, quarter, record) if explain else None
        differences = [Explained(d, cause.of(d) if cause else ()) for d in found]
    return Comparison(
        programme.code,
        quarter.code,
        record.version,
        record.signed_by,
        record.signed_at,
        record.in_force,
        record.reopened_by,
        record.reopened_at,
        record.reopen_reason,
        bool(record.figures),
        tuple(differences),
    )


# what a correction did, by the field it changed (any other field: a value corrected)
_DONE = {
    VOID: N_("{record} voided by {who} on {when} UTC ({why})"),
    RESTORE: N_("{record} restored by {who} on {when} UTC ({why})"),
}


def _why(reason: str, comment: str | None) -> Message:
    """A change's reason (one of a marked list, said in the reader's language) and its comment, if any."""
    if comment:
        return Message(N_("{reason}: {comment}"), reason=Message(reason), comment=comment)
    return Message(reason)


class _Causes:
    """What was written since a sign-off, per indicator and span of quarters (each looked up once)."""

    def __init__(self, session: Session, programme: Programme, quarter, record: SignOff):
        self.session, self.programme, self.quarter, self.since = session, programme, quarter, record.signed_at
        self.indicators = {i.code: i for i in programme.indicators}
        self.found: dict[tuple, tuple[Message, ...]] = {}

    def of(self, difference: versions.Difference) -> tuple[Message, ...]:
        key = (difference.indicator, difference.period, difference.field)
        if key not in self.found:
            indicator = self.indicators.get(difference.indicator)
            if indicator is None:
                self.found[key] = (Message(N_("the indicator is no longer in the logframe")),)
            elif difference.field == "target":
                self.found[key] = self._targets(indicator, difference.period)
            else:
                quarters = self._quarters(difference.period)
                self.found[key] = self._corrections(indicator, quarters) + self._uploads(indicator, quarters)
        return self.found[key]

    def _quarters(self, period: str) -> list[str]:
        every = periods.quarters_between(self.programme.start_date, self.quarter.end, self.programme.calendar)
        if period == "LOP":
            return [q.code for q in every]
        if period == self.quarter.code:
            return [period]
        return [q.code for q in every if q.fiscal_year == self.quarter.fiscal_year]

    def _targets(self, indicator: Indicator, period: str) -> tuple[Message, ...]:
        found = self.session.scalars(
            select(IndicatorChange)
            .where(
                IndicatorChange.indicator_id == indicator.id,
                IndicatorChange.field == "target",
                IndicatorChange.period == period,
                IndicatorChange.changed_at > self.since,
            )
            .order_by(IndicatorChange.changed_at.desc(), IndicatorChange.id.desc())
        )
        return tuple(  # the edit as ``history.describe`` says it, then who, when and why
            Message(
                N_("{period} target: {before} → {after}, edited by {who} on {when} UTC ({why})"),
                period=c.period,
                before=c.old_value or "–",
                after=c.new_value or "–",
                who=c.changed_by,
                when=signoff.moment_text(c.changed_at),
                why=_why(c.reason, c.comment),
            )
            for c in found
        )

    def _corrections(self, indicator: Indicator, quarters: list[str]) -> tuple[Message, ...]:
        found = self.session.scalars(
            select(RecordCorrection)
            .where(
                RecordCorrection.programme_id == self.programme.id,
                RecordCorrection.kind == indicator.source_kind,
                RecordCorrection.quarter.in_(quarters),
                RecordCorrection.corrected_at > self.since,
            )
            .order_by(RecordCorrection.corrected_at.desc(), RecordCorrection.id.desc())
        )
        out = []
        for c in found:
            said = {
                "record": self._record(c),
                "who": c.corrected_by,
                "when": signoff.moment_text(c.corrected_at),
                "why": _why(c.reason, c.comment),
            }
            if c.field in _DONE:
                out.append(Message(_DONE[c.field], **said))
                continue
            template = N_("{record} corrected ({field} {before} → {after}) by {who} on {when} UTC ({why})")
            field, before, after = c.field.replace("_", " "), c.old_value or "–", c.new_value or "–"
            out.append(Message(template, field=field, before=before, after=after, **said))
        return tuple(out)

    def _record(self, c: RecordCorrection) -> str:
        """The record a correction concerns, as ``records.correction_name`` names it (``Training KEC-TR-021``),
        its kind said in the reader's language where a reference names it."""
        if c.reference and kinds.known(c.kind):
            return Message(
                "{kind} {reference}", kind=Message(kinds.kind(c.kind).label), reference=c.reference
            )
        return records.correction_name(self.session, c)

    def _uploads(self, indicator: Indicator, quarters: list[str]) -> tuple[Message, ...]:
        if not kinds.known(indicator.source_kind):
            return ()
        spec = kinds.kind(indicator.source_kind)
        table = spec.table
        column = table.c.quarter
        for name, date_field in spec.extra_quarters:  # cases counted by referral date: their referral quarter
            if indicator.date_field == date_field:
                column = table.c[name]
        where = [table.c.programme_id == self.programme.id, column.in_(quarters)]
        if spec.model is ResultValue:
            where.append(table.c.indicator_id == indicator.id)
        stored = (
            select(Upload)
            .where(Upload.uploaded_at > self.since, Upload.id.in_(select(table.c.upload_id).where(*where)))
            .order_by(Upload.uploaded_at.desc(), Upload.id.desc())
        )
        return tuple(
            Message(
                N_("upload {file} by {who} on {when} UTC (SHA-256 {digest}…)"),
                file=u.filename,
                who=u.uploaded_by,
                when=signoff.moment_text(u.uploaded_at),
                digest=u.sha256[:12],
            )
            for u in self.session.scalars(stored)
        )
