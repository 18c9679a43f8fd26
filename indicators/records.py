"""Stored records read through the kind registry: the Activities page's listing, the latest upload feeding a
programme, the latest quarter with data.

Every kind is read the same way, so a new kind needs nothing here: the listing lays out each record's one
projection (``KindSpec.line``), which the report's annex (``indicators.annex``) lays out too; the latest
upload reads every kind's records. Cases are never listed: people are shown as aggregates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from indicators import kinds, periods
from indicators.kinds import KindSpec, Line
from indicators.models import VOID, Indicator, Programme, RecordCorrection, Upload
from indicators.periods import Period


@dataclass(frozen=True)
class ListedRecord:
    """One record as the Activities page lists it: its kind, programme and provenance, its line, and whether
    a correction made in the browser is in force on it."""

    kind: KindSpec
    id: int
    programme: str
    reference: str | None
    quarter: str
    line: Line
    upload: str | None
    uploaded_at: datetime | None
    sheet: str | None
    row: int | None
    corrected: bool = False


# --- the Activities page ----------------------------------------------------------------------------------


def listing(session: Session, programme_codes: list[str], *, kind: str | None = None, quarter: str | None = None,
            district: str | None = None, limit: int | None = 2000) -> tuple[list[ListedRecord], int]:
    """Records of the listed kinds (or of one) matching the filters, at most ``limit`` (None: all), and how many
    matched in all. A district filter leaves out kinds without a district. Per kind, the latest quarter comes
    first and, within a quarter, the latest upload: with a limit they are read through the index on
    (programme, quarter, upload), a quarter at a time, so a million records are never sorted to show the
    newest thousand."""
    programmes = session.execute(select(Programme.id, Programme.code, Programme.start_date, Programme.end_date,
                                        Programme.calendar).where(Programme.code.in_(programme_codes))).all()
    progs = {p.id: p.code for p in programmes}
    if not progs:
        return [], 0
    if quarter:
        quarters = [quarter]
    else:
        quarters = sorted({q.code for p in programmes
                           for q in periods.quarters_between(p.start_date, p.end_date, p.calendar)}, reverse=True)
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
        query = (select(table, Upload.filename.label("upload_filename"), Upload.uploaded_at.label("uploaded_at"))
                 .outerjoin(Upload, Upload.id == table.c.upload_id))
        if "indicator_id" in table.c:  # a direct entry is shown with its indicator's code
            query = query.add_columns(Indicator.code.label("indicator_code")).outerjoin(
                Indicator, Indicator.id == table.c.indicator_id)
        corrected = corrected_ids(session, list(progs), spec.key)
        if room is None:
            batches = [session.execute(query.where(*conditions).order_by(table.c.quarter.desc(), *_newest(table)))]
        else:
            batches = _quarter_by_quarter(session, query, table, conditions, quarters, room)
        for batch in batches:
            for record in batch:
                out.append(ListedRecord(spec, record.id, progs[record.programme_id], record.reference,
                                        record.quarter, spec.line(record), record.upload_filename,
                                        record.uploaded_at, record.source_sheet, record.source_row,
                                        record.id in corrected))
    return out, total


def _newest(table) -> tuple:
    """Within a quarter: the latest upload first, and within an upload the last row stored first."""
    return table.c.upload_id.desc(), table.c.id.desc()


def _quarter_by_quarter(session: Session, query, table, conditions: list, quarters: list[str], room: int):
    """The query's rows, latest quarter first and, within a quarter, latest upload first, until ``room`` rows
    are read. Each quarter's ids come from the (programme, quarter, upload) index alone, in its own order; only
    the rows shown are then read from the table (sorting a quarter's rows by date read all of them)."""
    order = _newest(table)
    for code in quarters:
        ids = select(table.c.id).where(*conditions, table.c.quarter == code).order_by(*order).limit(room)
        rows = session.execute(query.where(table.c.id.in_(ids.scalar_subquery())).order_by(*order)).all()
        yield rows
        room -= len(rows)
        if room <= 0:
            return


# --- provenance -------------------------------------------------------------------------------------------


def corrected_ids(session: Session, programme_ids: list[int], kind: str) -> set[int]:
    """The records of a kind with a browser correction in force."""
    return set(session.scalars(select(RecordCorrection.record_id).where(
        RecordCorrection.programme_id.in_(programme_ids), RecordCorrection.kind == kind,
        RecordCorrection.field != VOID, RecordCorrection.superseded_at.is_(None))))


def corrections_of(session: Session, kind: str, record_id: int) -> list[RecordCorrection]:
    """A record's corrections, oldest first (in force or superseded by a later upload's value)."""
    return list(session.scalars(select(RecordCorrection).where(
        RecordCorrection.kind == kind, RecordCorrection.record_id == record_id).order_by(RecordCorrection.id)))


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
