"""Correcting one stored record in the browser, or voiding it, by the importer's own rules.

A correction is checked as the record would be if it were uploaded again with the new values: the record is
turned into a one-row sheet of its kind (the kind's own column labels, its reference and project), read and
checked by the importer, and weighed against the store *without the record itself* (inside a savepoint that is
rolled back), so every message is the importer's (a district "did you mean", a stage out of order, a signed-off
quarter named with its sign-off). Only then is the record changed in place: its id and upload provenance stay,
each changed field is kept as a ``RecordCorrection`` (who, when, before → after, why), the indicator sums of
the quarters it left and entered are refreshed in the same transaction, and the audit trail records it.

The record's ``row_hash`` stays the hash of the row as uploaded: a later upload of the same workbook still
recognises the record, and the importer then reports the correction as a conflict instead of undoing it
(``importers.storing``). Cases are never corrected here (they are never shown one by one); direct results are
corrected on the Direct results page by entering them again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from importers import batch_checks, sheets
from importers.columns import DATA, PROJECT, REFERENCE, Column, Layout
from importers.kinds import BY_KIND
from importers.parse import to_batch
from importers.pipeline import store_batches
from importers.report import ImportReport
from importers.rules import shown as text
from indicators.access import audit
from indicators.figures import aggregates, signoff
from indicators.i18n import N_
from indicators.periods import quarter_of
from indicators.store.models import VOID, Programme, RecordCorrection
from indicators.store.records import name_of
from indicators.store.settings import Settings

# stored as they are; the page shows them translated
REASONS = (
    N_("Typing error"),
    N_("Wrong date, place or group"),
    N_("Duplicate record"),
    N_("Did not take place"),
    N_("Other"),
)
GENERAL = ""  # the key of problems that concern no single field


class NotCorrectable(ValueError):
    """A record this page may not correct: its kind, or it is no longer stored."""


@dataclass
class Outcome:
    """What a correction did, or why it did nothing: problems per field (``GENERAL`` for the rest)."""

    ok: bool
    problems: dict[str, str] = field(default_factory=dict)
    changes: list[tuple[str, str | None, str | None]] = field(default_factory=list)  # (label, before, after)
    event: int | None = None  # the audit entry of a saved correction

    @property
    def general(self) -> str | None:
        return self.problems.get(GENERAL)


def layout(kind: str) -> Layout:
    found = BY_KIND.get(kind)
    if found is None or found.sensitive or found.derived or found.date_field is None:
        raise NotCorrectable(
            "only activity records (trainings, awareness events, policy and research steps, "
            "meetings) are corrected here; direct results are corrected by entering them again"
        )
    return found


def editable(kind: str) -> tuple[Column, ...]:
    """The columns an officer may correct: every stored value of the kind (not its reference or project)."""
    return tuple(
        c for c in layout(kind).columns if c.role == DATA and c.stored and c not in (REFERENCE, PROJECT)
    )


def load(session: Session, kind: str, record_id: int):
    record = session.get(layout(kind).model, record_id)
    if record is None:
        raise NotCorrectable(
            'the record is no longer stored (voided: "Show voided" lists it; or replaced by an upload)'
        )
    return record


def form_values(record, kind: str) -> dict[str, str | None]:
    return {column.field: text(getattr(record, column.field)) for column in editable(kind)}


def correct(
    session: Session,
    kind: str,
    record_id: int,
    values: dict,
    *,
    by: str,
    reason: str | None,
    comment: str | None,
    settings: Settings,
) -> Outcome:
    """Check ``values`` (field -> text as typed; fields left out keep their value) as the importer would and,
    when nothing is wrong, change the record, log each change, refresh the sums and audit it."""
    found = layout(kind)
    record = load(session, kind, record_id)
    problems = _why_not(session, record, reason, comment)
    columns = editable(kind)
    given = {c.field: values[c.field] if c.field in values else getattr(record, c.field) for c in columns}
    batch, checked = _check(session, found, record, columns, given, settings)
    problems.update({k: v for k, v in checked.items() if k not in problems})
    if problems:
        return Outcome(False, problems)
    before = {c.field: getattr(record, c.field) for c in columns}
    changes = []
    quarters = _quarters(record, found)
    for column in columns:
        new = batch.columns[column.field][0]
        if text(new) != text(before[column.field]):
            setattr(record, column.field, new)
            changes.append((column, text(before[column.field]), text(new)))
    if not changes:
        return Outcome(False, {GENERAL: "nothing to save: every value is as stored"})
    calendar = session.execute(
        select(Programme.calendar).where(Programme.id == record.programme_id)
    ).scalar_one()
    assert found.date_field is not None  # layout() refuses a kind without one
    record.quarter = quarter_of(getattr(record, found.date_field), calendar).code
    for name, source in found.extra_quarters:
        when = getattr(record, source)
        setattr(record, name, quarter_of(when, calendar).code if when else None)
    for column, old, new in changes:
        session.add(
            _entry(record, kind, quarters[0], column.field, old, new, by=by, reason=reason, comment=comment)
        )
    session.flush()
    aggregates.refresh(session, record.programme_id, kind, quarters + _quarters(record, found))
    event = audit.record(
        session,
        by,
        "record-corrected",
        name_of(found.spec, record),
        reason=reason,
        comment=(comment or "").strip(),  # _why_not required one
        quarter=record.quarter,
        record=f"{kind}:{record.id}",
        changes={c.label: [old, new] for c, old, new in changes},
    )
    return Outcome(True, changes=[(c.label, old, new) for c, old, new in changes], event=event.id)


def void(
    session: Session, kind: str, record_id: int, *, by: str, reason: str | None, comment: str | None
) -> Outcome:
    """Remove a record from every figure, keeping all it held in the log (``snapshot``) with who and why."""
    found = layout(kind)
    record = load(session, kind, record_id)
    problems = _why_not(session, record, reason, comment)
    if problems:
        return Outcome(False, problems)
    quarters = _quarters(record, found)
    snapshot = {c.field: text(getattr(record, c.field)) for c in editable(kind)}
    line = found.spec.line
    summary = (line(record).description if line is not None else None) or found.spec.label
    name = name_of(found.spec, record)
    session.add(
        _entry(
            record,
            kind,
            quarters[0],
            VOID,
            summary,
            None,
            by=by,
            reason=reason,
            comment=comment,
            snapshot=snapshot,
        )
    )
    session.delete(record)
    session.flush()
    aggregates.refresh(session, record.programme_id, kind, quarters)
    event = audit.record(
        session,
        by,
        "record-corrected",
        name,
        reason=reason,
        comment=(comment or "").strip(),  # _why_not required one
        quarter=quarters[0],
        record=f"{kind}:{record_id}",
        voided=snapshot,
    )
    return Outcome(True, changes=[("Record", summary, "voided")], event=event.id)


def _why_not(session: Session, record, reason, comment) -> dict[str, str]:
    """A reason and a comment are required; a closed quarter refuses the record whatever the values."""
    problems = {}
    if reason not in REASONS:
        problems["reason"] = f"a reason: {', '.join(REASONS)}"
    if not (comment or "").strip():
        problems["comment"] = "a comment saying what was wrong (kept with the correction)"
    closed = signoff.check_rows(session, record.programme_id, [record.quarter])
    if closed:
        problems[GENERAL] = f"{closed[0]}; ask a manager to reopen it"
    return problems


def _check(session: Session, found: Layout, record, columns, given: dict, settings: Settings):
    """The importer's verdict on the record with the given values, weighed against the store without it."""
    batch, problems, _counts = verdict(
        session, found, record.programme_id, record.reference, columns, given, settings, without=record
    )
    return batch, problems


def verdict(
    session: Session,
    found: Layout,
    programme_id: int,
    reference,
    columns,
    given: dict,
    settings: Settings,
    *,
    without=None,
    file_values=(),
):
    """The importer's verdict on one row of the kind (``given``: field -> value, as typed or stored) of the
    programme: its typed batch, its problems per field (``GENERAL`` for the rest) and the counts a dry run of
    it gives (new, updated, ...), weighed against the store without the record ``without`` (inside a savepoint
    that is rolled back)."""
    stored = session.get(Programme, programme_id)
    if stored is None:
        raise NotCorrectable("the record's programme is no longer stored")
    programme = stored.code
    header = [REFERENCE.label, PROJECT.label] + [c.label for c in columns]
    row = [reference, programme] + [None if v == "" else v for v in given.values()]
    raw = sheets.RawSheet(found.title, [header, row])
    parsed = sheets.find_header(raw, (found,))
    assert parsed is not None  # the header row is the layout's own labels
    batch = to_batch(raw, parsed)
    report = ImportReport(ok=False, outcome="dry-run", filename="correction", sha256="", size=0)
    ctx = batch_checks.programmes_context(session, programme, settings=settings)
    with session.begin_nested() as savepoint:
        if without is not None:
            session.delete(without)
            session.flush()
        store_batches(
            session,
            report,
            ctx,
            [batch],
            settings=settings,
            uploaded_by="correction",
            dry_run=True,
            file_values=file_values,
        )
        savepoint.rollback()
    fields = {letter: name for name, letter in batch.letters.items()}
    problems: dict[str, str] = {}
    for problem in report.errors:
        name = fields.get(problem.cell.rstrip("0123456789")) if problem.cell else None
        if name is None:
            problems[GENERAL] = problems.get(GENERAL) or str(problem)
        else:
            problems.setdefault(
                name,
                f"found '{problem.value}'; expected {problem.expected}"
                if problem.value
                else f"expected {problem.expected}",
            )
    return batch, problems, report.counts.get(found.kind, {})


def _quarters(record, found: Layout) -> list[str]:
    return [q for q in [record.quarter, *(getattr(record, name) for name, _ in found.extra_quarters)] if q]


def _entry(record, kind: str, quarter: str, name: str, old, new, *, by, reason, comment, snapshot=None):
    return RecordCorrection(
        programme_id=record.programme_id,
        kind=kind,
        record_id=record.id,
        reference=record.reference,
        original_hash=record.row_hash,
        upload_id=record.upload_id,
        source_sheet=record.source_sheet,
        source_row=record.source_row,
        quarter=quarter,
        field=name,
        old_value=old,
        new_value=new,
        snapshot=snapshot,
        reason=reason,
        comment=(comment or "").strip() or None,
        corrected_by=by or "unknown",
    )
