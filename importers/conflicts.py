"""Browser corrections as an import meets them (see ``importers.corrections``): a file row recognised as a
corrected record (same reference, natural key, or the hash of the row as first uploaded) that disagrees with
the correction, or recognised as a voided record, is a ``Conflict`` reported per row; the correction is kept
unless the officer chose the file's value for that row (``file_values``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from importers.matching import matchable
from importers.report import Conflict
from importers.rules import shown
from importers.table import Batch
from indicators.store.models import RESTORE, VOID, RecordCorrection

if TYPE_CHECKING:
    from importers.storing import KindPlan, Part


class Corrections:
    """The browser corrections in force for a kind's programmes, as the plan recognises file rows by them."""

    def __init__(self, session: Session, batches: list[Batch], file_values):
        layout = batches[0].layout
        programme_ids = {p.id for b in batches for p in b.columns.get("programme", ()) if hasattr(p, "id")}
        self.layout, self.file_values = layout, file_values
        self.fields: dict[int, dict[str, RecordCorrection]] = defaultdict(dict)  # record -> field -> latest
        self.voids_by_reference, self.voids_by_natural, self.voids_by_hash = {}, {}, defaultdict(list)
        self.by_hash: dict[tuple, list[int]] = defaultdict(list)
        if not programme_ids:
            return
        for entry in session.scalars(
            select(RecordCorrection)
            .where(
                RecordCorrection.programme_id.in_(programme_ids),
                RecordCorrection.kind == layout.kind,
                RecordCorrection.superseded_at.is_(None),
            )
            .order_by(RecordCorrection.id)
        ):
            pid = entry.programme_id
            if entry.field == RESTORE:  # the record is stored again as it was: nothing for a file row to undo
                continue
            if entry.field != VOID:
                self.fields[entry.record_id][entry.field] = entry
                if entry.record_id not in self.by_hash[(pid, entry.original_hash)]:
                    self.by_hash[(pid, entry.original_hash)].append(entry.record_id)
            elif entry.reference is not None:
                self.voids_by_reference[(pid, entry.reference)] = entry
            else:
                snapshot = entry.snapshot or {}
                if layout.natural_key:
                    natural = tuple(matchable(snapshot.get(f)) for f in layout.natural_key)
                    self.voids_by_natural[(pid, natural)] = entry
                self.voids_by_hash[(pid, entry.original_hash)].append(entry)

    def __bool__(self) -> bool:
        return bool(self.fields or self.voids_by_reference or self.voids_by_natural or self.voids_by_hash)

    def chosen(self, part: Part, j: int) -> bool:
        return self.file_values is True or f"{part.batch.sheet}!{part.batch.rows[part.indices[j]]}" in (
            self.file_values or ()
        )

    def absorbing(self, pid: int, digest: str, stored_ids: set[int]) -> int | None:
        """A corrected record uploaded as this reference-less row (same hash), not yet matched."""
        waiting = self.by_hash.get((pid, digest))
        while waiting:
            record_id = waiting.pop(0)
            if record_id in stored_ids:
                return record_id
        return None

    def disagree(self, kind_plan: KindPlan, part: Part, j: int, record_id: int) -> bool | None:
        """Whether a file row recognised as a corrected record undoes its corrections: None when it agrees
        with them, True when the file's values are taken (the corrections are superseded), False when the
        corrections are kept (the row is left alone)."""
        entries = self.fields.get(record_id)
        if not entries:
            return None
        differ = [
            (name, entry)
            for name, entry in entries.items()
            if name in part.columns and shown(part.columns[name][j]) != entry.new_value
        ]
        if not differ:
            return None
        take_file = self.chosen(part, j)
        what = "; ".join(
            f"{self.layout.column_label(name)}: the file has {shown(part.columns[name][j]) or 'blank'}, "
            f"corrected to {entry.new_value or 'blank'}"
            for name, entry in differ
        )
        last = max((entry for _, entry in differ), key=lambda e: e.id)
        self._conflict(kind_plan, part, j, what, last, kept=not take_file)
        if take_file:
            kind_plan.superseded.extend(entry.id for entry in entries.values())
        return take_file

    def voided(
        self, kind_plan: KindPlan, part: Part, j: int, pid: int, reference, natural, digest
    ) -> bool | None:
        """For a file row matching no stored record: None when it is no voided record; else whether it is
        stored again (the file's value chosen) or left out (the void is kept)."""
        entry = None
        if reference is not None:
            entry = self.voids_by_reference.pop((pid, reference), None)
        elif natural is not None:
            entry = self.voids_by_natural.pop((pid, natural), None)
        elif self.voids_by_hash.get((pid, digest)):
            entry = self.voids_by_hash[(pid, digest)].pop(0)
        if entry is None:
            return None
        take_file = self.chosen(part, j)
        self._conflict(
            kind_plan,
            part,
            j,
            f"the record was voided ({entry.old_value})",
            entry,
            kept=not take_file,
            voided=True,
        )
        if take_file:
            kind_plan.superseded.append(entry.id)
        return take_file

    def _conflict(self, kind_plan, part, j, what, entry, kept, voided=False):
        kind_plan.conflicts.append(
            Conflict(
                part.batch.sheet,
                part.batch.rows[part.indices[j]],
                part.columns["reference"][j],
                what,
                entry.corrected_by,
                entry.corrected_at,
                entry.reason,
                kept,
                voided,
            )
        )
