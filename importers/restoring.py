"""Bringing a voided record back, by the importer's own rules (the other half of ``importers.corrections``).

A void keeps everything the record held (its values as last corrected, its reference, the upload, sheet and
row it came from, the hash of the row as uploaded). Restoring checks those values as an upload of the record
would be checked today, against the store as it is now (a stage since reached by another row of the
instrument, a reference taken, a quarter signed off since: each refused with the importer's message), then
stores the record again with its provenance, under its former id when no other record has taken it. The void
is then superseded (no re-upload will report it any more), a ``restore`` entry joins the record's
corrections with who, when and why, the indicator sums of its quarters are refreshed in the same
transaction, and the audit trail records it ("Record restored"). Cases are never voided or restored here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from importers.columns import Layout
from importers.corrections import GENERAL, NotCorrectable, Outcome, editable, layout, verdict
from indicators.access import audit
from indicators.figures import aggregates, signoff
from indicators.i18n import N_
from indicators.periods import quarter_of
from indicators.store.models import RESTORE, VOID, ActivityRecord, Programme, RecordCorrection, utcnow
from indicators.store.records import correction_name
from indicators.store.settings import Settings

# stored as they are; the page shows them translated
REASONS = (N_("Voided by mistake"), N_("It did take place"), N_("Not a duplicate"), N_("Other"))


def void_entry(session: Session, entry_id) -> RecordCorrection:
    """The void in force with this id; ``NotCorrectable`` for anything else."""
    try:
        entry = session.get(RecordCorrection, int(entry_id))
    except (TypeError, ValueError):
        entry = None
    if entry is None or entry.field != VOID:
        raise NotCorrectable("no voided record has that number")
    if entry.superseded_at is not None:
        how = "restored" if entry.superseded_upload_id is None else "stored again by an upload"
        raise NotCorrectable(f"the record is no longer voided: it was {how} by {entry.superseded_by}")
    layout(entry.kind)  # never a case
    return entry


def restore(
    session: Session, entry_id, *, by: str, reason: str | None, comment: str | None, settings: Settings
) -> Outcome:
    """Store a voided record again as the void kept it, when the importer accepts it today; else the problems
    (per field of the kept values, ``reason``, ``comment``, ``GENERAL``) and nothing changes."""
    entry = void_entry(session, entry_id)
    found = layout(entry.kind)
    problems = _why_not(session, entry, reason, comment)
    columns = editable(entry.kind)
    kept = entry.snapshot or {}
    batch, checked, counts = verdict(
        session,
        found,
        entry.programme_id,
        entry.reference,
        columns,
        {c.field: kept.get(c.field) for c in columns},
        settings,
        file_values=True,
    )
    if checked:  # the values are not in the form: every problem is said at once, naming its field
        said = [
            f"{found.column_label(name)}: {message}" if name else message for name, message in checked.items()
        ]
        problems[GENERAL] = "; ".join(filter(None, [problems.get(GENERAL), *said]))
    if not problems and counts.get("new") != 1:
        problems[GENERAL] = (
            "a record stored since holds the same "
            + ("reference" if entry.reference else "values")
            + ": correct that one instead"
        )
    if problems:
        return Outcome(False, problems)
    record = found.model(**{c.field: batch.columns[c.field][0] for c in columns})
    _place(session, record, entry, found)
    session.add(record)
    session.flush()
    if record.id != entry.record_id:  # another record took its number meanwhile: its history follows it
        _follow_history(session, entry, record.id)
    now = utcnow()
    entry.superseded_at, entry.superseded_by = now, by
    name = correction_name(session, entry)
    comment = (comment or "").strip()  # _why_not required one
    session.add(_restore_entry(entry, record, by=by, reason=reason, comment=comment, now=now))
    session.flush()
    quarters = sorted(
        {entry.quarter, *(getattr(record, q) for q in found.spec.quarter_columns() if getattr(record, q))}
    )
    aggregates.refresh(session, record.programme_id, entry.kind, quarters)
    event = audit.record(
        session,
        by,
        "record-restored",
        name,
        reason=reason,
        comment=comment,
        quarter=record.quarter,
        record=f"{entry.kind}:{record.id}",
        restored=kept,
        voided_by=entry.corrected_by,
        void_reason=entry.reason,
    )
    return Outcome(True, changes=[("Record", "voided", "restored")], event=event.id)


def _follow_history(session: Session, entry: RecordCorrection, record_id: int) -> None:
    """The corrections of the voided record, up to its void, move to the number it is stored under now."""
    session.execute(
        update(RecordCorrection)
        .where(
            RecordCorrection.kind == entry.kind,
            RecordCorrection.record_id == entry.record_id,
            RecordCorrection.programme_id == entry.programme_id,
            RecordCorrection.id <= entry.id,
        )
        .values(record_id=record_id)
    )


def _restore_entry(
    entry: RecordCorrection,
    record: ActivityRecord,
    *,
    by: str,
    reason: str | None,
    comment: str,
    now: datetime,
) -> RecordCorrection:
    """The ``restore`` line of the record's corrections: the void's provenance, who, when and why."""
    return RecordCorrection(
        programme_id=entry.programme_id,
        kind=entry.kind,
        record_id=record.id,
        reference=entry.reference,
        original_hash=entry.original_hash,
        upload_id=entry.upload_id,
        source_sheet=entry.source_sheet,
        source_row=entry.source_row,
        quarter=record.quarter,
        field=RESTORE,
        old_value="voided",
        new_value=entry.old_value,
        reason=reason,
        comment=comment,
        corrected_by=by or "unknown",
        corrected_at=now,
    )


def _why_not(session: Session, entry: RecordCorrection, reason, comment) -> dict[str, str]:
    problems = {}
    if reason not in REASONS:
        problems["reason"] = f"a reason: {', '.join(REASONS)}"
    if not (comment or "").strip():
        problems["comment"] = "a comment saying why the record counts after all (kept with the record)"
    closed = signoff.check_rows(session, entry.programme_id, [entry.quarter])
    if closed:
        problems[GENERAL] = f"{closed[0]}; ask a manager to reopen it"
    return problems


def _place(session: Session, record: ActivityRecord, entry: RecordCorrection, found: Layout) -> None:
    """The record's key, quarters and provenance as they were before the void (its former id when free)."""
    calendar = session.execute(
        select(Programme.calendar).where(Programme.id == entry.programme_id)
    ).scalar_one()
    assert found.date_field is not None  # layout() refuses a kind without one
    record.programme_id, record.reference = entry.programme_id, entry.reference
    record.row_hash, record.upload_id = entry.original_hash, entry.upload_id
    record.source_sheet, record.source_row = entry.source_sheet, entry.source_row
    record.quarter = quarter_of(getattr(record, found.date_field), calendar).code
    for name, source in found.extra_quarters:
        when = getattr(record, source)
        setattr(record, name, quarter_of(when, calendar).code if when else None)
    if session.get(found.model, entry.record_id) is None:
        record.id = entry.record_id
