"""Stored records read through the kind registry: listings, the report's annex, sources and provenance.

Every kind is read the same way, so a new kind needs nothing here: the Activities page's listing and the
report's Activities annex both lay out each record's one projection (``KindSpec.line``); sources and the
latest upload read every kind's quarters. Cases never leave the store as rows: they are not listed, and the
report gets two counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, func, literal, or_, select
from sqlalchemy.orm import Session

from indicators import kinds, periods
from indicators.kinds import KindSpec, Line
from indicators.models import Case, Indicator, Programme, Upload
from indicators.periods import Period

# A quarter with more activity records than this is summarised (by kind, place and group) rather than
# listed: a donor reads an annex of a few hundred lines, and the dashboard lists and exports every record.
LIST_LIMIT = 1000


@dataclass(frozen=True)
class ListedRecord:
    """One record as the Activities page lists it: its kind, programme and provenance, and its line."""

    kind: KindSpec
    programme: str
    reference: str | None
    quarter: str
    line: Line
    upload: str | None
    uploaded_at: datetime | None
    sheet: str | None
    row: int | None


@dataclass(frozen=True)
class ActivityRow:
    kind: str  # the kind's report label: Training, Awareness event, ...
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

    kind: str  # the kind's report label
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


# --- the Activities page ----------------------------------------------------------------------------------


def listing(session: Session, programme_codes: list[str], *, kind: str | None = None, quarter: str | None = None,
            district: str | None = None, limit: int | None = 5000) -> tuple[list[ListedRecord], int]:
    """Records of the listed kinds (or of one) matching the filters, newest first per kind, at most ``limit``
    (None: all), and how many matched in all. A district filter leaves out kinds without a district."""
    progs = dict(session.execute(select(Programme.id, Programme.code).where(Programme.code.in_(programme_codes))).all())
    if not progs:
        return [], 0
    shown = [s for s in kinds.listed() if kind is None or s.key == kind] or list(kinds.listed())
    out: list[ListedRecord] = []
    total = 0
    for spec in shown:
        table = spec.table
        conditions = [table.c.programme_id.in_(progs)]
        if quarter:
            conditions.append(table.c.quarter == quarter)
        if district:
            if "district" not in table.c:
                continue
            conditions.append(table.c.district == district)
        total += session.scalar(select(func.count()).select_from(table).where(*conditions)) or 0
        room = None if limit is None else limit - len(out)
        if room is not None and room <= 0:
            continue
        newest = table.c[spec.date] if spec.date else table.c.id
        query = (select(table, Upload.filename.label("upload_filename"), Upload.uploaded_at.label("uploaded_at"))
                 .outerjoin(Upload, Upload.id == table.c.upload_id))
        if "indicator_id" in table.c:  # a direct entry is shown with its indicator's code
            query = query.add_columns(Indicator.code.label("indicator_code")).outerjoin(
                Indicator, Indicator.id == table.c.indicator_id)
        query = query.where(*conditions).order_by(table.c.quarter.desc(), newest.desc(), table.c.id.desc()).limit(room)
        for record in session.execute(query):
            out.append(ListedRecord(spec, progs[record.programme_id], record.reference, record.quarter,
                                    spec.line(record), record.upload_filename, record.uploaded_at,
                                    record.source_sheet, record.source_row))
    return out, total


# --- the report's annex -------------------------------------------------------------------------------------


def _in_quarter(spec: KindSpec, programme: Programme, period: Period) -> list:
    table = spec.table
    return [table.c.programme_id == programme.id, table.c.quarter == period.code]


def activity_rows(session: Session, programme: Programme, period: Period) -> list[ActivityRow]:
    """The report quarter's activities (the kinds the annex lists), by date."""
    uploads = _upload_names(session, programme, period)
    rows: list[ActivityRow] = []
    order = {spec.report_label: n for n, spec in enumerate(kinds.in_report())}
    for spec in kinds.in_report():
        for record in session.execute(select(spec.table).where(*_in_quarter(spec, programme, period))):
            line = spec.line(record)
            rows.append(ActivityRow(spec.report_label, record.reference, line.date, end_date=line.end_date,
                                    location=line.location, description=line.description, group=line.group,
                                    stage=line.stage, female=line.female, male=line.male, total=line.total,
                                    notes=line.notes, source=_source(record, uploads)))
    rows.sort(key=lambda r: (r.date, order[r.kind], r.reference or "", r.description or ""))
    return rows


def activity_count(session: Session, programme: Programme, period: Period) -> int:
    """How many records of the annex's kinds the quarter holds."""
    return sum(session.scalar(select(func.count()).select_from(spec.table)
                              .where(*_in_quarter(spec, programme, period))) or 0
               for spec in kinds.in_report())


def activity_summary(session: Session, programme: Programme, period: Period) -> list[ActivitySummary]:
    """The quarter's activities counted by kind, place and group, with the people they reached."""
    out: list[ActivitySummary] = []
    for spec in kinds.in_report():
        summary, table = spec.summary, spec.table
        keys = [table.c[name] for name in (summary.place, summary.group) if name is not None]
        columns = [table.c[summary.place] if summary.place else literal(None),
                   table.c[summary.group] if summary.group else literal(None), func.count()]
        if summary.people:
            columns += [func.sum(table.c.female), func.sum(table.c.male)]
        elif summary.attended is not None:
            columns += [func.sum(table.c[summary.attended])]
        query = (select(*columns).where(*_in_quarter(spec, programme, period)).group_by(*keys).order_by(*keys))
        for row in session.execute(query):
            where, what, n = row[0], row[1], row[2]
            if summary.people:
                female, male = int(row[3] or 0), int(row[4] or 0)
                out.append(ActivitySummary(spec.report_label, where, what, n, female, male, female + male))
            elif summary.attended is not None:
                out.append(ActivitySummary(spec.report_label, where, what, n, total=int(row[3] or 0)))
            else:
                out.append(ActivitySummary(spec.report_label, where, what, n))
    return out


def case_counts(session: Session, programme: Programme, period: Period) -> CaseCounts:
    """Cases identified, and cases referred, in the quarter."""

    def count(*where):
        return session.scalar(select(func.count()).select_from(Case).where(Case.programme_id == programme.id, *where))

    return CaseCounts(identified=count(Case.quarter == period.code) or 0,
                      referred=count(Case.referral_quarter == period.code) or 0)


def _upload_names(session: Session, programme: Programme, period: Period) -> dict[int, str]:
    ids: set[int] = set()
    for spec in kinds.in_report():
        table = spec.table
        ids.update(session.scalars(select(table.c.upload_id).where(*_in_quarter(spec, programme, period),
                                                                   table.c.upload_id.is_not(None))))
    if not ids:
        return {}
    return dict(session.execute(select(Upload.id, Upload.filename).where(Upload.id.in_(ids))).all())


def _source(record, uploads: dict[int, str]) -> str | None:
    name = uploads.get(record.upload_id)
    if name is None:
        return None
    where = ", ".join(p for p in (record.source_sheet and f"sheet {record.source_sheet}",
                                  record.source_row and f"row {record.source_row}") if p)
    return f"{name} ({where})" if where else name


# --- provenance -------------------------------------------------------------------------------------------


def source_rows(session: Session, programme: Programme, period: Period) -> tuple[list[SourceRow], int]:
    """Every upload with stored rows of this programme attributed to a quarter up to the report quarter
    (a case also by its referral quarter), oldest first, with how many of its rows feed the figures; plus
    the count of such rows with no upload."""
    codes = [q.code for q in periods.quarters_between(programme.start_date, period.end, programme.calendar)]
    counts: dict[int, int] = {}
    fed: dict[int, set[str]] = {}
    unsourced = 0
    for spec in kinds.KINDS:
        table = spec.table
        in_period = or_(*[table.c[name].in_(codes) for name in spec.quarter_columns()])
        query = (select(table.c.upload_id, func.count()).where(table.c.programme_id == programme.id, in_period)
                 .group_by(table.c.upload_id))
        for upload_id, n in session.execute(query):
            if upload_id is None:
                unsourced += n
            else:
                counts[upload_id] = counts.get(upload_id, 0) + n
                fed.setdefault(upload_id, set()).add(spec.key)
    if not counts:
        return [], unsourced
    uploads = session.scalars(select(Upload).where(Upload.id.in_(counts)).order_by(Upload.uploaded_at, Upload.id))
    rows = [SourceRow(u.filename, u.sha256, u.uploaded_by, u.uploaded_at, counts[u.id],
                      tuple(k for k in kinds.KEYS if k in fed[u.id])) for u in uploads]
    return rows, unsourced


def latest_upload(session: Session, programme_id: int, quarters=None) -> Upload | None:
    """The latest upload that still feeds one of the programme's records; with ``quarters`` (codes), only
    records of those quarters count (a report's data are as of the latest upload it used)."""
    feeds = []
    for spec in kinds.KINDS:
        table = spec.table
        conditions = [table.c.upload_id == Upload.id, table.c.programme_id == programme_id]
        if quarters is not None:
            conditions.append(table.c.quarter.in_(list(quarters)))
        feeds.append(exists().where(*conditions))
    return session.scalars(select(Upload).where(or_(*feeds))
                           .order_by(Upload.uploaded_at.desc(), Upload.id.desc()).limit(1)).first()


def last_quarter_with_data(session: Session, programme: Programme) -> Period | None:
    """The latest quarter any of the programme's records falls in."""
    found: list[Period] = []
    for spec in kinds.KINDS:
        table = spec.table
        code = session.scalar(select(func.max(table.c.quarter)).where(table.c.programme_id == programme.id))
        if code:
            try:
                found.append(periods.parse(code, programme.calendar))
            except periods.PeriodError:
                continue
    return max(found) if found else None


def has_records(session: Session) -> bool:
    """Whether any record of any kind is stored."""
    return any(session.execute(select(exists().select_from(spec.table))).scalar() for spec in kinds.KINDS)
