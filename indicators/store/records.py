"""Stored records read through the kind registry: the Activities page's listing (with its search and its
voided records), how a record is named, the latest upload feeding a programme, the latest quarter with data.

Every kind is read the same way, so a new kind needs nothing here: the listing lays out each record's one
projection (``KindSpec.line``), which the report's annex (``indicators.reporting.annex``) lays out too; the latest
upload reads every kind's records. Cases are never listed, searched or named one by one: people are shown
as aggregates.

A record is named by its reference ("Training KEC-TR-021"), or, without one, by its kind, date and district
("Training of 2 July 2019 in Huye"): panels, banners, the audit trail and "what changed since it was sent"
all say it so (``record_name``), never by the store's row number.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, String, Table, Text, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from indicators import periods
from indicators.periods import Period
from indicators.store import kinds
from indicators.store.kinds import KindSpec, Line
from indicators.store.models import (
    RESTORE,
    VOID,
    Indicator,
    Programme,
    QuarterTally,
    RecordCorrection,
    ResultValue,
    Upload,
)
from indicators.store.models.activity import ActivityRecord


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
    voided: RecordCorrection | None = (
        None  # a voided record: the correction that voided it (``id`` is its id)
    )

    @property
    def name(self) -> str:
        return record_name(self.kind.label, self.reference, self.line.date, self.line.district)


# --- naming a record --------------------------------------------------------------------------------------


def record_name(
    label: str, reference: str | None, day: date | None = None, district: str | None = None
) -> str:
    """``Training KEC-TR-021``; without a reference ``Training of 2 July 2019 in Huye``."""
    if reference:
        return f"{label} {reference}"
    parts = [label, day and f"of {day.day} {day:%B %Y}", district and f"in {district}"]
    return " ".join(p for p in parts if p)


def name_of(spec: KindSpec, record: Any) -> str:
    """How a stored record is named (see ``record_name``)."""
    line = spec.line_of(record)
    return record_name(spec.label, record.reference, line.date, line.district)


def correction_name(session: Session, entry: RecordCorrection) -> str:
    """The name of the record a correction concerns: its reference, else its date and district as the voided
    snapshot holds them or as the record (still the same row as uploaded) holds them."""
    spec = kinds.kind(entry.kind)
    if entry.reference:
        return record_name(spec.label, entry.reference)
    if entry.snapshot:
        return record_name(
            spec.label, None, _day(entry.snapshot.get(spec.date or "")), entry.snapshot.get("district")
        )
    record = session.get(spec.model, entry.record_id)
    as_uploaded = (entry.upload_id, entry.source_row)
    if isinstance(record, ActivityRecord) and (record.upload_id, record.source_row) == as_uploaded:
        return name_of(spec, record)
    return f"{spec.label} #{entry.record_id}"


def _day(text: object) -> date | None:
    """A date as a correction's log keeps it (dd/mm/yyyy)."""
    try:
        return datetime.strptime(str(text), "%d/%m/%Y").date()
    except ValueError:
        return None


# --- the Activities page ----------------------------------------------------------------------------------


def listing(
    session: Session,
    programme_codes: list[str],
    *,
    kind: str | None = None,
    quarter: str | None = None,
    district: str | None = None,
    search: str | None = None,
    limit: int | None = 2000,
) -> tuple[list[ListedRecord], int]:
    """Records of the listed kinds (or of one) matching the filters, at most ``limit`` (None: all), and how many
    matched in all. A district filter leaves out kinds without a district; ``search`` keeps the records each of
    whose words is in one of its text fields (reference, district, topic, partner, ...; a direct entry's
    indicator code), case-insensitively. Per kind, the latest quarter comes
    first and, within a quarter, the latest upload: with a limit they are read through the index on
    (programme, quarter, upload), a quarter at a time, so a million records are never sorted to show the
    newest thousand."""
    programmes = session.execute(
        select(
            Programme.id, Programme.code, Programme.start_date, Programme.end_date, Programme.calendar
        ).where(Programme.code.in_(programme_codes))
    ).all()
    progs = {p.id: p.code for p in programmes}
    if not progs:
        return [], 0
    if quarter:
        quarters = [quarter]
    else:
        quarters = sorted(
            {
                q.code
                for p in programmes
                for q in periods.quarters_between(p.start_date, p.end_date, p.calendar)
            },
            reverse=True,
        )
    shown = [s for s in kinds.listed() if kind is None or s.key == kind] or list(kinds.listed())
    out: list[ListedRecord] = []
    total = 0
    for spec in shown:
        table = spec.table
        if district and "district" not in table.c:
            continue
        conditions = _filters(table, progs, quarter, district, search)
        total += _count(session, spec, conditions, progs, quarter, district, search)
        room = None if limit is None else limit - len(out)
        if room is not None and room <= 0:
            continue
        corrected = corrected_ids(session, list(progs), spec.key)
        for batch in _batches(session, table, conditions, quarters, room):
            out.extend(_listed(spec, record, progs, corrected) for record in batch)
    return out, total


def _count(
    session: Session,
    spec: KindSpec,
    conditions: list[ColumnElement[bool]],
    progs: Mapping[int, str],
    quarter: str | None,
    district: str | None,
    search: str | None,
) -> int:
    """How many records match: from the per-quarter tallies (``QuarterTally``) unless a search needs the
    records' text, so a count does not read a million records."""
    if (search and search.strip()) or "indicator_id" in spec.table.c:  # direct entries are not tallied
        return session.scalar(select(func.count()).select_from(spec.table).where(*conditions)) or 0
    tally = QuarterTally.__table__
    where = [tally.c.programme_id.in_(progs), tally.c.kind == spec.key]
    where += [tally.c.quarter == quarter] if quarter else []
    where += [tally.c.district == district] if district else []
    return int(session.scalar(select(func.coalesce(func.sum(tally.c.records), 0)).where(*where)) or 0)


def _filters(
    table: Table, progs: Mapping[int, str], quarter: str | None, district: str | None, search: str | None
) -> list[ColumnElement[bool]]:
    """The conditions of the listing's filters on one kind's table."""
    conditions: list[ColumnElement[bool]] = [table.c.programme_id.in_(progs)]
    if quarter:
        conditions.append(table.c.quarter == quarter)
    if district:
        conditions.append(table.c.district == district)
    if search and search.strip():
        conditions.append(_matches(table, search))
    return conditions


def _batches(
    session: Session,
    table: Table,
    conditions: list[ColumnElement[bool]],
    quarters: list[str],
    room: int | None,
) -> Iterable[Iterable[Row[Any]]]:
    """The matching records with their upload (and a direct entry's indicator code), newest first: all at once
    without a limit, else quarter by quarter until ``room`` are read."""
    query = select(
        table, Upload.filename.label("upload_filename"), Upload.uploaded_at.label("uploaded_at")
    ).outerjoin(Upload, Upload.id == table.c.upload_id)
    if "indicator_id" in table.c:  # a direct entry is shown with its indicator's code
        query = query.add_columns(Indicator.code.label("indicator_code")).outerjoin(
            Indicator, Indicator.id == table.c.indicator_id
        )
    if room is None:
        return [session.execute(query.where(*conditions).order_by(table.c.quarter.desc(), *_newest(table)))]
    return _quarter_by_quarter(session, query, table, conditions, quarters, room)


def _listed(spec: KindSpec, record: Row[Any], progs: Mapping[int, str], corrected: set[int]) -> ListedRecord:
    return ListedRecord(
        spec,
        record.id,
        progs[record.programme_id],
        record.reference,
        record.quarter,
        spec.line_of(record),
        record.upload_filename,
        record.uploaded_at,
        record.source_sheet,
        record.source_row,
        record.id in corrected,
    )


def _matches(table: Table, search: str) -> ColumnElement[bool]:
    """Every word of ``search`` in some text field of the record (``%`` and ``_`` taken literally)."""
    fields = [c for c in table.c if isinstance(c.type, (String, Text)) and c.name not in _NOT_SEARCHED]
    words = []
    for word in search.split()[:8]:
        found = [c.icontains(word, autoescape=True) for c in fields]
        if "indicator_id" in table.c:
            found.append(
                table.c.indicator_id.in_(
                    select(Indicator.id).where(Indicator.code.icontains(word, autoescape=True))
                )
            )
        words.append(or_(*found))
    return and_(*words)


_NOT_SEARCHED = {"row_hash", "quarter", "referral_quarter", "source_sheet"}


def _newest(table: Table) -> tuple[ColumnElement[Any], ...]:
    """Within a quarter: the latest upload first, and within an upload the last row stored first."""
    return table.c.upload_id.desc(), table.c.id.desc()


def _quarter_by_quarter(
    session: Session,
    query: Select[Any],
    table: Table,
    conditions: list[ColumnElement[bool]],
    quarters: list[str],
    room: int,
) -> Iterator[Sequence[Row[Any]]]:
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


def voided_listing(
    session: Session,
    programme_codes: list[str],
    *,
    kind: str | None = None,
    quarter: str | None = None,
    district: str | None = None,
    search: str | None = None,
    limit: int | None = 2000,
) -> tuple[list[ListedRecord], int]:
    """The voided records of the listed kinds (never cases), newest void first, as the Activities page lists
    them with "Show voided": each from the values the void kept, and the void itself (``voided``). The same
    filters as ``listing``; ``search`` over the reference and every value kept."""
    progs = dict(
        session.execute(select(Programme.id, Programme.code).where(Programme.code.in_(programme_codes))).all()
    )
    shown = {s.key: s for s in kinds.listed() if kind is None or s.key == kind}
    if not progs or not shown:
        return [], 0
    conditions = [
        RecordCorrection.programme_id.in_(progs),
        RecordCorrection.kind.in_(shown),
        RecordCorrection.field == VOID,
        RecordCorrection.superseded_at.is_(None),
    ]
    if quarter:
        conditions.append(RecordCorrection.quarter == quarter)
    query = (
        select(RecordCorrection, Upload.filename, Upload.uploaded_at)
        .outerjoin(Upload, Upload.id == RecordCorrection.upload_id)
        .where(*conditions)
        .order_by(RecordCorrection.corrected_at.desc(), RecordCorrection.id.desc())
    )
    words = [w.lower() for w in (search or "").split()]
    out: list[ListedRecord] = []
    for entry, filename, uploaded_at in session.execute(query):
        kept = {k: v for k, v in (entry.snapshot or {}).items() if v}
        if district and kept.get("district") != district:
            continue
        text = " ".join([entry.reference or "", *map(str, kept.values())]).lower()
        if not all(w in text for w in words):
            continue
        out.append(
            ListedRecord(
                shown[entry.kind],
                entry.record_id,
                progs[entry.programme_id],
                entry.reference,
                entry.quarter,
                _voided_line(shown[entry.kind], entry, kept),
                filename,
                uploaded_at,
                entry.source_sheet,
                entry.source_row,
                voided=entry,
            )
        )
    return (out if limit is None else out[:limit]), len(out)


def _voided_line(spec: KindSpec, entry: RecordCorrection, kept: Mapping[str, Any]) -> Line:
    female, male = (_whole(kept.get(k)) for k in ("female", "male"))
    total = None if female is None and male is None else (female or 0) + (male or 0)
    when = f"{entry.corrected_at.day} {entry.corrected_at:%b %Y}" if entry.corrected_at else ""
    return Line(
        _day(kept.get(spec.date or "")),
        entry.old_value,
        district=kept.get("district"),
        female=female,
        male=male,
        total=total,
        detail=f"Voided by {entry.corrected_by} on {when}: {entry.reason}"
        + (f" — {entry.comment}" if entry.comment else ""),
    )


def _whole(text: object) -> int | None:
    try:
        return int(str(text).replace(",", ""))
    except ValueError:
        return None


# --- provenance -------------------------------------------------------------------------------------------


def corrected_ids(session: Session, programme_ids: list[int], kind: str) -> set[int]:
    """The records of a kind with a browser correction in force."""
    return set(
        session.scalars(
            select(RecordCorrection.record_id).where(
                RecordCorrection.programme_id.in_(programme_ids),
                RecordCorrection.kind == kind,
                RecordCorrection.field.not_in((VOID, RESTORE)),
                RecordCorrection.superseded_at.is_(None),
            )
        )
    )


def corrections_of(session: Session, kind: str, record_id: int) -> list[RecordCorrection]:
    """A record's corrections, oldest first (in force or superseded by a later upload's value)."""
    return list(
        session.scalars(
            select(RecordCorrection)
            .where(RecordCorrection.kind == kind, RecordCorrection.record_id == record_id)
            .order_by(RecordCorrection.id)
        )
    )


def latest_upload(
    session: Session, programme_id: int, quarters: Iterable[str] | None = None
) -> Upload | None:
    """The latest upload that still feeds one of the programme's records; with ``quarters`` (codes), only
    records of those quarters count (a report's data are as of the latest upload it used).

    Read from the quarter tallies, which count every kind's records per upload but the results entered by
    hand (read from their own small table): asking the records whether a large upload feeds a programme
    read all that upload's records when it fed only another programme."""
    tally = QuarterTally.__table__
    results = ResultValue.__table__
    tallied = select(tally.c.upload_id).where(tally.c.programme_id == programme_id, tally.c.records > 0)
    entered = select(results.c.upload_id).where(results.c.programme_id == programme_id)
    if quarters is not None:
        codes = list(quarters)
        tallied = tallied.where(tally.c.quarter.in_(codes))
        entered = entered.where(results.c.quarter.in_(codes))
    return session.scalars(
        select(Upload)
        .where(or_(Upload.id.in_(tallied), Upload.id.in_(entered)))
        .order_by(Upload.uploaded_at.desc(), Upload.id.desc())
        .limit(1)
    ).first()


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
