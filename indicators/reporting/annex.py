"""What the report reads from the store besides the figures: the quarter's activities, case counts, sources.

The annex lists each record of the kinds it lists (``indicators.store.kinds.in_report``) by its one projection
(``KindSpec.line``), the same the Activities page lays out; a quarter too large to list is counted by kind,
place and group (``KindSpec.summary``). Cases never leave the store as rows: the report gets two counts.
Sources are the uploads whose stored rows feed the programme's figures up to the report quarter (a row
belongs to the quarter it is attributed to; a case also to its referral quarter).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, literal, or_, select
from sqlalchemy.orm import Session

from indicators import periods
from indicators.figures import tallies
from indicators.periods import Period
from indicators.report import ActivityRow, ActivitySummary, CaseCounts, SourceRow, day_in_words
from indicators.store import kinds
from indicators.store.kinds import KindSpec, Summary
from indicators.store.models import Case, Programme, QuarterTally, Upload

# A quarter with more activity records than this is summarised (by kind, place and group) rather than
# listed: a donor reads an annex of a few hundred lines, and the dashboard lists and exports every record.
LIST_LIMIT = 1000
TALLY = QuarterTally.__table__


def _in_quarter(spec: KindSpec, programme: Programme, period: Period) -> list[ColumnElement[bool]]:
    table = spec.table
    return [table.c.programme_id == programme.id, table.c.quarter == period.code]


def _labelled() -> list[tuple[str, KindSpec]]:
    """The annex's kinds, each with the label it gives their records (Training, Awareness event, ...)."""
    return [(spec.report_label, spec) for spec in kinds.in_report() if spec.report_label is not None]


def activity_rows(session: Session, programme: Programme, period: Period) -> list[ActivityRow]:
    """The report quarter's activities (the kinds the annex lists), by date."""
    uploads = _upload_names(session, programme, period)
    rows: list[ActivityRow] = []
    order = {report_label: n for n, (report_label, _) in enumerate(_labelled())}
    for report_label, spec in _labelled():
        for record in session.execute(select(spec.table).where(*_in_quarter(spec, programme, period))):
            line = spec.line_of(record)
            if line.date is None:  # each kind the annex lists dates its records in a NOT NULL column
                raise ValueError(f"{spec.key} record {record.id} has no date")
            rows.append(
                ActivityRow(
                    report_label,
                    record.reference,
                    line.date,
                    end_date=line.end_date,
                    location=line.location,
                    description=line.description,
                    group=line.group,
                    stage=line.stage,
                    female=line.female,
                    male=line.male,
                    total=None if line.total is None else int(line.total),  # people, never a fraction
                    notes=line.notes,
                    source=_source(record, uploads),
                )
            )
    rows.sort(key=lambda r: (r.date, order[r.kind], r.reference or "", r.description or ""))
    return rows


def activity_count(session: Session, programme: Programme, period: Period) -> int:
    """How many records of the annex's kinds the quarter holds (from the quarter's tallies)."""
    return int(
        session.scalar(
            select(func.coalesce(func.sum(TALLY.c.records), 0)).where(
                *_tallied(programme, [period.code]), TALLY.c.kind.in_([s.key for s in kinds.in_report()])
            )
        )
        or 0
    )


def activity_summary(session: Session, programme: Programme, period: Period) -> list[ActivitySummary]:
    """The quarter's activities counted by kind, place and group, with the people they reached (from the
    quarter's tallies: one row per upload, place, group and district, summed here)."""
    out: list[ActivitySummary] = []
    for report_label, spec in _labelled():
        summary = spec.summary or Summary(None, None)  # no summary: counted by kind alone
        keys = [TALLY.c[name] for name, used in (("place", summary.place), ("grp", summary.group)) if used]
        columns: list[ColumnElement[Any]] = [
            TALLY.c.place if summary.place else literal(None),
            TALLY.c.grp if summary.group else literal(None),
            func.coalesce(func.sum(TALLY.c.records), 0),
            func.sum(TALLY.c.female),
            func.sum(TALLY.c.male),
            func.sum(TALLY.c.attended),
        ]
        query = (
            select(*columns)
            .where(*_tallied(programme, [period.code]), TALLY.c.kind == spec.key)
            .group_by(*keys)
            .order_by(*keys)
        )
        for where, what, n, female, male, attended in session.execute(query):
            if summary.people:
                female, male = int(female or 0), int(male or 0)
                out.append(ActivitySummary(report_label, where, what, n, female, male, female + male))
            elif summary.attended is not None:
                out.append(ActivitySummary(report_label, where, what, n, total=int(attended or 0)))
            else:
                out.append(ActivitySummary(report_label, where, what, n))
    return out


def _tallied(programme: Programme, codes: list[str]) -> list[ColumnElement[bool]]:
    return [TALLY.c.programme_id == programme.id, TALLY.c.quarter.in_(codes)]


def case_counts(session: Session, programme: Programme, period: Period) -> CaseCounts:
    """Cases identified, and cases referred, in the quarter."""

    def count(*where: ColumnElement[bool]) -> int | None:
        return session.scalar(
            select(func.count()).select_from(Case).where(Case.programme_id == programme.id, *where)
        )

    return CaseCounts(
        identified=count(Case.quarter == period.code) or 0,
        referred=count(Case.referral_quarter == period.code) or 0,
    )


def _upload_names(session: Session, programme: Programme, period: Period) -> dict[int, str]:
    ids: set[int] = set()
    for spec in kinds.in_report():
        table = spec.table
        ids.update(
            session.scalars(
                select(table.c.upload_id).where(
                    *_in_quarter(spec, programme, period), table.c.upload_id.is_not(None)
                )
            )
        )
    if not ids:
        return {}
    return {
        upload_id: f"upload of {day_in_words(when.date())}"
        for upload_id, when in session.execute(
            select(Upload.id, Upload.uploaded_at).where(Upload.id.in_(ids))
        )
    }


def _source(record: Any, uploads: dict[int, str]) -> str | None:
    name = uploads.get(record.upload_id)
    if name is None:
        return None
    where = ", ".join(
        p
        for p in (
            record.source_sheet and f"sheet {record.source_sheet}",
            record.source_row and f"row {record.source_row}",
        )
        if p
    )
    return f"{name} ({where})" if where else name


def activity_districts(session: Session, programme: Programme, period: Period) -> list[str]:
    """The districts where the annex's kinds of activities took place, from the programme's start through the
    report quarter (cases are not activities: where victims were found is never published this way)."""
    codes = [q.code for q in periods.quarters_between(programme.start_date, period.end, programme.calendar)]
    with_district = [spec.key for spec in kinds.in_report() if "district" in spec.table.c]
    query = (
        select(TALLY.c.district)
        .distinct()
        .where(*_tallied(programme, codes), TALLY.c.kind.in_(with_district), TALLY.c.district.is_not(None))
    )
    return sorted(session.scalars(query))


# --- provenance -------------------------------------------------------------------------------------------


def source_rows(session: Session, programme: Programme, period: Period) -> tuple[list[SourceRow], int]:
    """Every upload with stored rows of this programme attributed to a quarter up to the report quarter
    (a case also by its referral quarter), oldest first, with how many of its rows feed the figures; plus
    the count of such rows with no upload. From the quarters' tallies (each keeps both a case's quarters), and
    the few results entered by hand from their own table."""
    codes = [q.code for q in periods.quarters_between(programme.start_date, period.end, programme.calendar)]
    counts: dict[int, int] = {}
    fed: dict[int, set[str]] = {}
    unsourced = 0
    tallied = (
        select(TALLY.c.upload_id, TALLY.c.kind, func.sum(TALLY.c.records))
        .where(
            TALLY.c.programme_id == programme.id,
            or_(TALLY.c.quarter.in_(codes), TALLY.c.other_quarter.in_(codes)),
        )
        .group_by(TALLY.c.upload_id, TALLY.c.kind)
    )
    found = [tuple(row) for row in session.execute(tallied)]
    for spec in kinds.KINDS:
        if spec.key in tallies.TALLIED:
            continue
        table = spec.table
        in_period = or_(*[table.c[name].in_(codes) for name in spec.quarter_columns()])
        query = (
            select(table.c.upload_id, func.count())
            .where(table.c.programme_id == programme.id, in_period)
            .group_by(table.c.upload_id)
        )
        found += [(upload_id, spec.key, n) for upload_id, n in session.execute(query)]
    for upload_id, kind, n in found:
        if upload_id is None:
            unsourced += n
        else:
            counts[upload_id] = counts.get(upload_id, 0) + n
            fed.setdefault(upload_id, set()).add(kind)
    if not counts:
        return [], unsourced
    uploads = session.scalars(
        select(Upload).where(Upload.id.in_(counts)).order_by(Upload.uploaded_at, Upload.id)
    )
    rows = [
        SourceRow(u.sha256, u.uploaded_at, counts[u.id], tuple(k for k in kinds.KEYS if k in fed[u.id]))
        for u in uploads
    ]
    return rows, unsourced
