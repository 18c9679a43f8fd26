"""What the report reads from the store besides the figures: the quarter's activities, case counts, sources.

Cases never leave the store as rows: the report gets two counts. Sources are the uploads whose stored rows
feed the programme's figures up to the report quarter (a row belongs to the quarter it is attributed to;
a case also to its referral quarter).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, literal, or_, select
from sqlalchemy.orm import Session

from indicators import periods
from indicators.models import (
    Awareness,
    Case,
    Meeting,
    PolicyStep,
    Programme,
    ResearchStep,
    ResultValue,
    Training,
    Upload,
)
from indicators.periods import Period

ACTIVITY_KINDS = ("Training", "Awareness event", "Meeting", "Policy step", "Research step")
# A quarter with more activity records than this is summarised (by kind, place and group) rather than
# listed: a donor reads an annex of a few hundred lines, and the dashboard lists and exports every record.
LIST_LIMIT = 1000
SOURCE_MODELS = {
    "trainings": Training,
    "awareness": Awareness,
    "policies": PolicyStep,
    "meetings": Meeting,
    "research": ResearchStep,
    "cases": Case,
    "results": ResultValue,
}


@dataclass(frozen=True)
class ActivityRow:
    kind: str  # one of ACTIVITY_KINDS
    reference: str | None
    date: date
    end_date: date | None = None
    location: str | None = None
    description: str | None = None
    group: str | None = None  # target group, setting or instrument type
    stage: str | None = None
    female: int | None = None
    male: int | None = None
    total: int | None = None
    notes: str | None = None
    source: str | None = None  # file, sheet and row the record came from


@dataclass(frozen=True)
class ActivitySummary:
    """Activities of one kind in one place and group, for a quarter too large to list one by one."""

    kind: str  # one of ACTIVITY_KINDS
    location: str | None  # district (trainings, awareness) or body (meetings)
    group: str | None  # target group, setting, instrument type; stage for policy and research steps
    activities: int
    female: int | None = None
    male: int | None = None
    total: int | None = None


@dataclass(frozen=True)
class CaseCounts:
    """Counts only: individual case records never leave the store."""

    identified: int
    referred: int


@dataclass(frozen=True)
class SourceRow:
    filename: str
    sha256: str
    uploaded_by: str
    uploaded_at: datetime
    rows: int  # stored rows from this upload that feed the figures up to the report quarter
    kinds: tuple[str, ...]


def activity_rows(session: Session, programme: Programme, period: Period) -> list[ActivityRow]:
    """The report quarter's trainings, awareness events, meetings, policy and research steps, by date."""
    uploads = _upload_names(session, programme, period)

    def stored(model):
        return session.scalars(
            select(model).where(model.programme_id == programme.id, model.quarter == period.code)
        )

    rows: list[ActivityRow] = []
    for t in stored(Training):
        passed = f"Passed post-test: {t.passed_post_test}" if t.passed_post_test is not None else None
        rows.append(
            ActivityRow(
                "Training",
                t.reference,
                t.start_date,
                end_date=t.end_date,
                location=t.district,
                description=t.topic,
                group=t.target_group,
                female=t.female,
                male=t.male,
                total=(t.female or 0) + (t.male or 0),
                notes=_join([passed, t.partner and f"Organised with: {t.partner}"]),
                source=_source(t, uploads),
            )
        )
    for a in stored(Awareness):
        rows.append(
            ActivityRow(
                "Awareness event",
                a.reference,
                a.date,
                location=f"{a.district} ({a.camp} camp)" if a.camp else a.district,
                description=a.activity,
                group=a.setting,
                female=a.female,
                male=a.male,
                total=(a.female or 0) + (a.male or 0),
                notes=f"Of whom under 18: {a.under_18}" if a.under_18 is not None else None,
                source=_source(a, uploads),
            )
        )
    for m in stored(Meeting):
        rows.append(
            ActivityRow(
                "Meeting",
                m.reference,
                m.date,
                description=m.body,
                total=m.participants,
                notes=_join(
                    [
                        f"Institutions represented: {m.institutions}",
                        m.decisions and f"Decisions: {m.decisions}",
                    ]
                ),
                source=_source(m, uploads),
            )
        )
    for p in stored(PolicyStep):
        rows.append(
            ActivityRow(
                "Policy step",
                p.reference,
                p.date,
                description=p.instrument,
                group=p.instrument_type,
                stage=p.stage,
                notes=p.lead_institution and f"Lead institution: {p.lead_institution}",
                source=_source(p, uploads),
            )
        )
    for r in stored(ResearchStep):
        rows.append(
            ActivityRow(
                "Research step",
                r.reference,
                r.date,
                description=r.title,
                stage=r.stage,
                source=_source(r, uploads),
            )
        )
    rows.sort(key=lambda r: (r.date, ACTIVITY_KINDS.index(r.kind), r.reference or "", r.description or ""))
    return rows


def activity_count(session: Session, programme: Programme, period: Period) -> int:
    """How many activity records (cases aside) the quarter holds."""
    return sum(
        session.scalar(
            select(func.count()).select_from(model).where(model.programme_id == programme.id,
                                                          model.quarter == period.code)
        ) or 0
        for model in (Training, Awareness, Meeting, PolicyStep, ResearchStep)
    )


def activity_summary(session: Session, programme: Programme, period: Period) -> list[ActivitySummary]:
    """The quarter's activities counted by kind, place and group, with the people they reached."""
    out: list[ActivitySummary] = []

    def grouped(model, kind, place, group, people=True, attended=None):
        columns = [place if place is not None else literal(None), group if group is not None else literal(None),
                   func.count()]
        if people:
            columns += [func.sum(model.female), func.sum(model.male)]
        elif attended is not None:
            columns += [func.sum(attended)]
        query = (select(*columns).where(model.programme_id == programme.id, model.quarter == period.code)
                 .group_by(*[c for c in (place, group) if c is not None]).order_by(*[c for c in (place, group)
                                                                                    if c is not None]))
        for row in session.execute(query):
            where, what, n = row[0], row[1], row[2]
            if people:
                female, male = int(row[3] or 0), int(row[4] or 0)
                out.append(ActivitySummary(kind, where, what, n, female, male, female + male))
            elif attended is not None:
                out.append(ActivitySummary(kind, where, what, n, total=int(row[3] or 0)))
            else:
                out.append(ActivitySummary(kind, where, what, n))

    grouped(Training, "Training", Training.district, Training.target_group)
    grouped(Awareness, "Awareness event", Awareness.district, Awareness.setting)
    grouped(Meeting, "Meeting", Meeting.body, None, people=False, attended=Meeting.participants)
    grouped(PolicyStep, "Policy step", PolicyStep.instrument_type, PolicyStep.stage, people=False)
    grouped(ResearchStep, "Research step", None, ResearchStep.stage, people=False)
    return out


def case_counts(session: Session, programme: Programme, period: Period) -> CaseCounts:
    """Cases identified, and cases referred, in the quarter."""

    def count(*where):
        return session.scalar(
            select(func.count()).select_from(Case).where(Case.programme_id == programme.id, *where)
        )

    return CaseCounts(
        identified=count(Case.quarter == period.code) or 0,
        referred=count(Case.referral_quarter == period.code) or 0,
    )


def source_rows(session: Session, programme: Programme, period: Period) -> tuple[list[SourceRow], int]:
    """Every upload with stored rows of this programme attributed to a quarter up to the report quarter,
    oldest first, with how many of its rows feed the figures; plus the count of such rows with no upload."""
    codes = [q.code for q in periods.quarters_between(programme.start_date, period.end, programme.calendar)]
    counts: dict[int, int] = {}
    kinds: dict[int, set[str]] = {}
    unsourced = 0
    for kind, model in SOURCE_MODELS.items():
        in_period = model.quarter.in_(codes)
        if model is Case:
            in_period = or_(in_period, Case.referral_quarter.in_(codes))
        query = (
            select(model.upload_id, func.count())
            .where(model.programme_id == programme.id, in_period)
            .group_by(model.upload_id)
        )
        for upload_id, n in session.execute(query):
            if upload_id is None:
                unsourced += n
            else:
                counts[upload_id] = counts.get(upload_id, 0) + n
                kinds.setdefault(upload_id, set()).add(kind)
    if not counts:
        return [], unsourced
    uploads = session.scalars(
        select(Upload).where(Upload.id.in_(counts)).order_by(Upload.uploaded_at, Upload.id)
    )
    rows = [
        SourceRow(
            u.filename,
            u.sha256,
            u.uploaded_by,
            u.uploaded_at,
            counts[u.id],
            tuple(k for k in SOURCE_MODELS if k in kinds[u.id]),
        )
        for u in uploads
    ]
    return rows, unsourced


def _upload_names(session: Session, programme: Programme, period: Period) -> dict[int, str]:
    ids: set[int] = set()
    for model in (Training, Awareness, Meeting, PolicyStep, ResearchStep):
        ids.update(
            session.scalars(
                select(model.upload_id).where(
                    model.programme_id == programme.id,
                    model.quarter == period.code,
                    model.upload_id.is_not(None),
                )
            )
        )
    if not ids:
        return {}
    return dict(session.execute(select(Upload.id, Upload.filename).where(Upload.id.in_(ids))).all())


def _source(record, uploads: dict[int, str]) -> str | None:
    name = uploads.get(record.upload_id)
    if name is None:
        return None
    where = _join(
        [
            record.source_sheet and f"sheet {record.source_sheet}",
            record.source_row and f"row {record.source_row}",
        ],
        ", ",
    )
    return f"{name} ({where})" if where else name


def _join(parts: list[str | None], separator: str = "; ") -> str | None:
    return separator.join(p for p in parts if p) or None
