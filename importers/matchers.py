"""Which stored row a file row is, on a re-upload: one small matcher per way of recognising it, each returning a
``Decision`` (or None: no opinion, the next matcher decides), tried in this order by ``decide``:

1. ``by_reference``: a reference used twice in the file and project is refused (a pseudonym's repeat is one
   person twice); else the stored row with that reference, if any.
2. ``by_merged_case``: the key of a case merged into another names the case kept (skipped when that case's own
   row is in the upload).
3. ``by_submission``: a KoboToolbox/ODK submission key no stored row has takes the identical stored row stored
   without a reference (before submissions keyed rows).
4. ``by_natural_key``: an instrument's or a study's stage, a result's indicator/period/category; repeated in the
   file, or stored under another reference, it is refused; else the stored row with that key.
5. ``by_correction``: a row without a reference identical to what a record corrected in the browser was
   uploaded as is that record.
6. ``by_row_hash``: any other row without a reference identical to a stored row is skipped, each stored row
   absorbing one identical file row.
7. ``by_void``: a row recognised as a voided record is skipped unless its file values were chosen.

What a match then does (kept as corrected, unchanged, updated) is ``importers.storing``'s.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from importers.people import is_pseudonym
from importers.submissions import Unkeyed, is_submission

MATCH, REFUSE, SKIP, NEW = "match", "refuse", "skip", "new"


@dataclass(frozen=True)
class Decision:
    outcome: str  # MATCH a stored row | REFUSE the row (its error is written) | SKIP it | NEW: store it
    target: Any = None  # the stored row matched
    aliased: bool = False  # matched through another key (a merged case's): the stored row keeps its reference


NEW_ROW = Decision(NEW)
SKIPPED = Decision(SKIP)
REFUSED = Decision(REFUSE)


@dataclass(frozen=True)
class Row:
    """One valid file row as the matchers see it: its position in its part and its keys."""

    j: int
    pid: int
    reference: str | None
    digest: str
    natural: tuple | None = None


@dataclass
class Matching:
    """What the matchers compare with: the stored rows of one kind, indexed, and what the file has shown so far."""

    by_reference: dict
    by_natural: dict
    hashes: Counter
    corrections: Any  # importers.conflicts.Corrections
    merged: Any  # importers.alike.Merged
    stored: list
    natural_column: str  # where a repeated natural key is reported
    duplicate_natural: Any  # (part, j, where) -> None: writes the natural key's refusal
    by_id: dict = field(default_factory=dict)
    kind_plan: Any = None
    seen_references: dict = field(default_factory=dict)
    seen_natural: dict = field(default_factory=dict)
    unkeyed: Unkeyed | None = None


def by_reference(m: Matching, part, row: Row, found: Decision | None) -> Decision | None:
    if row.reference is None:
        return None
    first = m.seen_references.get((row.pid, row.reference))
    if first is not None:
        other, position = first
        part.error(
            "reference",
            row.j,
            row.reference,
            f"one row per person (the same names, birth date, sex and citizenship are also on row "
            f"{other.batch.rows[other.indices[position]]} of {other.batch.sheet})"
            if is_pseudonym(row.reference)
            else f"a reference used once in the file and project (also {other.cell('reference', position)})",
        )
        return REFUSED
    m.seen_references[(row.pid, row.reference)] = (part, row.j)
    target = m.by_reference.get((row.pid, row.reference))
    return Decision(MATCH, target) if target is not None else None


def by_merged_case(m: Matching, part, row: Row, found: Decision | None) -> Decision | None:
    if found is not None or row.reference is None or not m.merged:
        return None
    target, skip = m.merged.target(row.pid, row.reference)
    if skip:
        return SKIPPED
    return Decision(MATCH, target, aliased=True) if target is not None else None


def by_submission(m: Matching, part, row: Row, found: Decision | None) -> Decision | None:
    if found is not None or row.reference is None or not is_submission(row.reference):
        return None
    m.unkeyed = m.unkeyed or Unkeyed(m.stored)
    target = m.unkeyed.take(row.pid, row.digest)
    return Decision(MATCH, target) if target is not None else None


def by_natural_key(m: Matching, part, row: Row, found: Decision | None) -> Decision | None:
    if row.natural is None:
        return None
    first = m.seen_natural.get((row.pid, row.natural))
    if first is not None:
        m.duplicate_natural(part, row.j, first[0].cell(m.natural_column, first[1]))
        return REFUSED
    m.seen_natural[(row.pid, row.natural)] = (part, row.j)
    if found is not None:
        return None
    candidate = m.by_natural.get((row.pid, row.natural))
    if candidate is None:
        return None
    if row.reference is not None and candidate.reference is not None:
        m.duplicate_natural(part, row.j, f"already stored under reference {candidate.reference}")
        return REFUSED
    return Decision(MATCH, candidate)


def by_correction(m: Matching, part, row: Row, found: Decision | None) -> Decision | None:
    if (
        found is not None
        or row.reference is not None
        or not m.corrections.by_hash
        or m.hashes[(row.pid, row.digest)] <= 0
    ):
        return None
    record_id = m.corrections.absorbing(row.pid, row.digest, m.by_id.keys())
    return Decision(MATCH, m.by_id[record_id]) if record_id is not None else None


def by_row_hash(m: Matching, part, row: Row, found: Decision | None) -> Decision | None:
    if found is not None or row.reference is not None or m.hashes[(row.pid, row.digest)] <= 0:
        return None
    m.hashes[(row.pid, row.digest)] -= 1
    return SKIPPED


def by_void(m: Matching, part, row: Row, found: Decision | None) -> Decision | None:
    if found is not None or not m.corrections:
        return None
    voided = m.corrections.voided(m.kind_plan, part, row.j, row.pid, row.reference, row.natural, row.digest)
    return SKIPPED if voided is False else None


MATCHERS = (by_reference, by_merged_case, by_submission, by_natural_key, by_correction, by_row_hash, by_void)


def decide(m: Matching, part, row: Row) -> Decision:
    """The first refusal or skip any matcher gives, else the stored row matched (a later matcher may only
    refuse it), else a new row."""
    found: Decision | None = None
    for matcher in MATCHERS:
        decision = matcher(m, part, row, found)
        if decision is None:
            continue
        if decision.outcome in (REFUSE, SKIP):
            return decision
        found = decision
    return found or NEW_ROW
