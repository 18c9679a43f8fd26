"""Checking batches against each other and the store, then writing them: the import transaction.

Per kind, one query reads what is stored for the programmes concerned (id, reference, row hash and the
fields that identify a row without a reference); every decision is then made in Python:

- a row with a Reference updates the stored row with that reference (``updated``), or leaves it alone when
  its content hash is the same (``unchanged``); references must be unique within the file and project;
- a row without one that matches a stored row on the kind's natural key (an instrument's stage, a study's
  stage, a result's indicator/period/category) updates it, or is ``skipped`` when identical;
- any other row without a reference that is identical to a stored row (same programme and ``row_hash`` of
  its normalised values) is ``skipped``: each stored row absorbs one identical file row, so a re-upload of
  the same file adds nothing while a group of genuinely identical rows (several people identified the same
  day) is still stored;
- an instrument's or a study's stages are each reached once and only move forward, file and store together;
- a row recognised as a record corrected in the browser (by the same reference, natural key or uploaded row
  hash), whose values differ from the correction, is a ``Conflict``: the correction is kept unless the file's
  value was chosen for that row; a row recognised as a voided record is not brought back unless chosen.
- a row keyed by its KoboToolbox/ODK submission that no stored row has takes the identical stored row without
  a reference (stored before submissions keyed rows); the key of a case merged into another names the case
  kept (skipped when that case's own row is in the upload), and its row hash absorbs an identical row;
- a new case alike to a stored one is stored with a warning and kept as a possible duplicate (``alike``).

Nothing is written unless no batch has a problem; then ``importers.writing`` adds one ``Upload`` row and
inserts and updates the rows in bulk with their provenance.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

from sqlalchemy import select
from sqlalchemy.orm import Session

from importers import alike
from importers.conflicts import Corrections
from importers.kinds import Layout
from importers.matching import matchable
from importers.people import is_pseudonym
from importers.report import Conflict, empty_counts
from importers.rules import day
from importers.submissions import Unkeyed, is_submission
from importers.table import Bad, Batch
from indicators.periods import quarter_of


@dataclass
class KindPlan:
    kind: str
    layout: Layout
    inserts: list[tuple[Part, list[int]]] = field(default_factory=list)  # (part, positions) to insert
    updates: list[dict] = field(default_factory=list)  # full records with the stored row's id
    counts: dict[str, int] = field(default_factory=empty_counts)
    # programme id -> quarters whose indicator sums the writes change (new and former quarters)
    touched: dict[int, set] = field(default_factory=lambda: defaultdict(set))
    conflicts: list[Conflict] = field(default_factory=list)
    superseded: list[int] = field(default_factory=list)  # corrections the file's values replace
    pairs: list[tuple] = field(default_factory=list)  # (programme id, sheet, row, stored case): possible duplicates

    @property
    def insert_count(self) -> int:
        return sum(len(positions) for _, positions in self.inserts)


# -- across batches and the store ----------------------------------------------------------------------------


def _normalised(value) -> str:
    if value is None:
        return ""
    if value.__class__ is str:
        return value
    if value.__class__ is list:
        return ";".join(value)
    if isinstance(value, date):
        return value.isoformat()
    if value.__class__ is float:
        return repr(value)
    return str(value)


def _normalised_column(values: list) -> list[str]:
    """``_normalised`` over a column, by the column's one type; repeated values (dates, groups) done once."""
    types = set(map(type, values))
    if types == {str}:
        return values
    types.discard(type(None))
    if not types:
        return [""] * len(values)
    if types == {int} and len(types) == len(set(map(type, values))):
        return list(map(str, values))
    if types <= {str, int, date, list, float} and types != {list}:
        if list in types:
            return list(map(_normalised, values))
        once = {value: _normalised(value) for value in set(values)}
        return list(map(once.__getitem__, values))
    return list(map(_normalised, values))


def row_hash(values) -> str:
    """The SHA-256 of a row's normalised stored values (provenance and reference left out)."""
    return hashlib.sha256("\x1f".join(map(_normalised, values)).encode()).hexdigest()


def _row_hashes(columns: list[list]) -> list[str]:
    if not columns or not columns[0]:
        return []
    sha = hashlib.sha256
    return [
        sha(text.encode()).hexdigest() for text in map("\x1f".join, zip(*map(_normalised_column, columns)))
    ]


def _valid_rows(batch: Batch, fields: tuple[str, ...]) -> list[int]:
    if not batch.problems:
        return list(range(len(batch)))
    bad = set()
    for name in fields:
        for i, value in enumerate(batch.columns[name]):
            if value.__class__ is Bad:
                bad.add(i)
    return [i for i in range(len(batch)) if i not in bad]


def plan(session: Session, batches: list[Batch], file_values=()) -> dict[str, KindPlan]:
    """What storing the batches would do, per kind. Problems only the store or the whole file can show
    (repeated references, stages out of order) are added to the batches they concern. ``file_values``: the
    rows (``Sheet!row``) whose values replace a browser correction, or True for every such row."""
    by_kind: dict[str, list[Batch]] = defaultdict(list)
    for batch in batches:
        by_kind[batch.layout.kind].append(batch)
    plans = {}
    for kind, kind_batches in by_kind.items():
        kind_plan = KindPlan(kind, kind_batches[0].layout)
        _plan_kind(session, kind_plan, kind_batches, Corrections(session, kind_batches, file_values))
        if kind_plan.layout.sensitive and not any(batch.problems for batch in kind_batches):
            alike.find(session, kind_plan)
        plans[kind] = kind_plan
    return plans


@dataclass
class Part:
    """One batch's valid rows, column by column: stored fields, quarters and provenance."""

    batch: Batch
    indices: list[int]  # the batch row of each position
    columns: dict[str, list]
    targets: dict[int, int] = field(default_factory=dict)  # position -> id of the stored row it updates
    rejected: set[int] = field(default_factory=set)  # positions refused as repeats (reference, stage)

    def record(self, position: int) -> dict:
        record = {name: column[position] for name, column in self.columns.items()}
        record["source_sheet"] = self.batch.sheet
        return record

    def error(self, name: str, position: int, value, expected: str) -> None:
        self.batch.error(name, self.indices[position], value, expected)

    def cell(self, name: str, position: int) -> str:
        return f"{self.batch.sheet}!{self.batch.cell(name, self.indices[position])}"


def _part(batch: Batch, layout: Layout, quarter_cache: dict) -> Part:
    fields = layout.stored_fields
    given_quarter = layout.date_field is None  # results carry their quarter (the Period column)
    needed = fields + ("programme", "reference") + (("quarter",) if given_quarter else ())
    indices = _valid_rows(batch, needed)
    if len(indices) == len(batch):

        def take(column):
            return column
    else:

        def take(column):
            return [column[i] for i in indices]

    columns = {name: take(batch.columns[name]) for name in fields}
    programmes = take(batch.columns["programme"])
    columns["programme_id"] = [p.id for p in programmes]
    columns["reference"] = take(batch.columns["reference"])
    sources = ([("quarter", layout.date_field)] if layout.date_field else []) + list(layout.extra_quarters)
    calendars = [p.calendar for p in programmes]
    for name, source in sources:
        # Dates repeat: each (date, calendar) pair is turned into its quarter code once.
        pairs = list(zip(take(batch.columns[source]), calendars))
        for pair in set(pairs) - quarter_cache.keys():
            quarter_cache[pair] = None if pair[0] is None else quarter_of(pair[0], pair[1]).code
        columns[name] = list(map(quarter_cache.__getitem__, pairs))
    hashed = fields + (("quarter",) if given_quarter else ())
    if given_quarter:
        columns["quarter"] = take(batch.columns["quarter"])
    columns["row_hash"] = _row_hashes([columns[name] for name in hashed])
    columns["source_row"] = take(batch.rows)
    return Part(batch, indices, columns)


def _plan_kind(session, kind_plan: KindPlan, batches: list[Batch], corrections: Corrections) -> None:
    layout = kind_plan.layout
    model = layout.model
    quarter_cache: dict = {}
    parts = [_part(batch, layout, quarter_cache) for batch in batches]
    if not any(part.indices for part in parts):
        return
    programme_ids = sorted({pid for part in parts for pid in set(part.columns["programme_id"])})
    extra = [getattr(model, f) for f in _stored_lookup_fields(layout)]
    stored = session.execute(
        select(model.id, model.programme_id, model.reference, model.row_hash, *extra).where(
            model.programme_id.in_(programme_ids)
        )
    ).all()
    by_reference = {(s.programme_id, s.reference): s for s in stored if s.reference is not None}
    by_natural = {}
    if layout.natural_key:
        for s in stored:
            by_natural.setdefault(
                (s.programme_id, tuple(matchable(getattr(s, f)) for f in layout.natural_key)), s
            )
    hashes = Counter((s.programme_id, s.row_hash) for s in stored)
    merged = alike.Merged(session, layout.kind, programme_ids, stored, parts)
    hashes.update(merged.hashes)
    by_id = {s.id: s for s in stored} if corrections.by_hash else {}
    quarter_names = ["quarter"] + [name for name, _ in layout.extra_quarters]
    unkeyed = None
    seen_references: dict[tuple, tuple[Part, int]] = {}
    seen_natural: dict[tuple, tuple[Part, int]] = {}
    counts = kind_plan.counts
    for part in parts:
        columns = part.columns
        if len(parts) == 1 and not stored and not layout.natural_key and not corrections and \
                _distinct_references(part):
            # Nothing stored to compare with and no reference repeated: every row is new.
            positions = list(range(len(part.indices)))
            counts["new"] += len(positions)
            kind_plan.inserts.append((part, positions))
            _touch(kind_plan, part, positions, quarter_names)
            continue
        naturals = (
            list(zip(*(map(matchable, columns[f]) for f in layout.natural_key)))
            if layout.natural_key
            else None
        )
        positions = []
        for j, (pid, reference, digest) in enumerate(
            zip(columns["programme_id"], columns["reference"], columns["row_hash"])
        ):
            target, aliased = None, False
            if reference is not None:
                first = seen_references.get((pid, reference))
                if first is not None:
                    other, position = first
                    part.error(
                        "reference",
                        j,
                        reference,
                        f"one row per person (the same names, birth date, sex and citizenship are also on row "
                        f"{other.batch.rows[other.indices[position]]} of {other.batch.sheet})"
                        if is_pseudonym(reference)
                        else f"a reference used once in the file and project (also "
                        f"{other.cell('reference', position)})",
                    )
                    part.rejected.add(j)
                    continue
                seen_references[(pid, reference)] = (part, j)
                target = by_reference.get((pid, reference))
                if target is None and merged:  # the key of a case merged into another
                    target, skip = merged.target(pid, reference)
                    if skip:
                        counts["skipped"] += 1
                        continue
                    aliased = target is not None
                if target is None and is_submission(reference):  # stored before submissions were keys
                    unkeyed = unkeyed or Unkeyed(stored)
                    target = unkeyed.take(pid, digest)
            if naturals is not None:
                natural = naturals[j]
                first = seen_natural.get((pid, natural))
                if first is not None:
                    _duplicatenatural(
                        layout, part, j, where=first[0].cell(_natural_column(layout), first[1])
                    )
                    part.rejected.add(j)
                    continue
                seen_natural[(pid, natural)] = (part, j)
                if target is None:
                    candidate = by_natural.get((pid, natural))
                    if candidate is not None and reference is not None and candidate.reference is not None:
                        _duplicatenatural(
                            layout, part, j, where=f"already stored under reference {candidate.reference}"
                        )
                        part.rejected.add(j)
                        continue
                    target = candidate
            if target is None and reference is None and corrections.by_hash and hashes[(pid, digest)] > 0:
                record_id = corrections.absorbing(pid, digest, by_id.keys())
                target = by_id[record_id] if record_id is not None else None
            disagree = corrections.disagree(kind_plan, part, j, target.id) if target is not None else None
            if disagree is False:  # the browser's correction is kept: the row is left as stored
                part.targets[j] = target.id
                hashes[(pid, target.row_hash)] -= 1
                counts["unchanged" if reference is not None else "skipped"] += 1
                continue
            if target is not None:
                part.targets[j] = target.id
                hashes[(pid, target.row_hash)] -= 1
                if target.row_hash == digest and (reference is None or aliased or target.reference == reference) \
                        and not disagree:
                    counts["unchanged" if reference is not None else "skipped"] += 1
                else:
                    record = part.record(j)
                    if reference is None or aliased:
                        record["reference"] = target.reference
                    record["id"] = target.id
                    kind_plan.updates.append(record)
                    counts["updated"] += 1
                    kind_plan.touched[pid].update(
                        q for name in quarter_names for q in (record[name], getattr(target, name)) if q
                    )
                continue
            if reference is None and hashes[(pid, digest)] > 0:
                hashes[(pid, digest)] -= 1
                counts["skipped"] += 1
                continue
            if corrections and corrections.voided(kind_plan, part, j, pid, reference,
                                                  naturals[j] if naturals is not None else None, digest) is False:
                counts["skipped"] += 1
                continue
            positions.append(j)
        counts["new"] += len(positions)
        kind_plan.inserts.append((part, positions))
        _touch(kind_plan, part, positions, quarter_names)
    if layout.sequence is not None:
        _check_sequence(layout, parts, stored)


def _touch(kind_plan: KindPlan, part: Part, positions: list[int], quarter_names: list[str]) -> None:
    """Note the (programme, quarter) pairs the inserts of a part feed."""
    every = len(positions) == len(part.indices)
    pids = part.columns["programme_id"]
    for name in quarter_names:
        quarters = part.columns[name]
        pairs = set(zip(pids, quarters)) if every else {(pids[j], quarters[j]) for j in positions}
        for pid, quarter in pairs:
            if quarter:
                kind_plan.touched[pid].add(quarter)


def _distinct_references(part: Part) -> bool:
    """True when no reference repeats within the part (the only one of its kind)."""
    keys = [
        (pid, ref)
        for pid, ref in zip(part.columns["programme_id"], part.columns["reference"])
        if ref is not None
    ]
    return len(set(keys)) == len(keys)


def _natural_column(layout: Layout) -> str:
    """The column a repeated natural key is reported on: the stage of a step, the indicator of a result."""
    return layout.sequence.stage if layout.sequence is not None else "indicator"


def _stored_lookup_fields(layout: Layout) -> list[str]:
    names = ["quarter", *(name for name, _ in layout.extra_quarters), *layout.natural_key]
    if layout.sequence is not None:
        names += [layout.sequence.date] + ([layout.sequence.same] if layout.sequence.same else [])
    return list(dict.fromkeys(names))


def _duplicatenatural(layout: Layout, part: Part, j: int, where: str) -> None:
    if layout.sequence is not None:
        seq = layout.sequence
        stage = part.columns[seq.stage][j]
        part.error(
            seq.stage, j, stage, f"each stage once per {seq.item.replace('_', ' ')} ({stage} is also {where})"
        )
    else:  # results: one value per indicator, period and disaggregation
        part.error(
            "indicator",
            j,
            part.batch.columns["indicator"][part.indices[j]],
            f"one value per indicator, period and disaggregation (also {where})",
        )


def _check_sequence(layout: Layout, parts: list[Part], stored) -> None:
    """Stages of one item reached in order: the stage order and the date order must agree."""
    seq = layout.sequence
    rank = {stage: n for n, stage in enumerate(seq.order)}
    replaced = {target for part in parts for target in part.targets.values()}
    same = seq.same  # a column every step of an item should share (an instrument's type)
    groups: dict[tuple, list] = defaultdict(list)
    for part in parts:
        columns = part.columns
        types = columns[same] if same else [None] * len(part.indices)
        for j, (pid, item, stage, when, kind) in enumerate(
            zip(columns["programme_id"], columns[seq.item], columns[seq.stage], columns[seq.date], types)
        ):
            if j not in part.rejected:
                groups[(pid, matchable(item))].append((rank[stage], when, (part, j), kind))
    for s in stored:
        group = (s.programme_id, matchable(getattr(s, seq.item)))
        if group in groups and s.id not in replaced:
            groups[group].append(
                (rank.get(getattr(s, seq.stage), -1), getattr(s, seq.date), None, getattr(s, same) if same else None)
            )
    for steps in groups.values():
        steps.sort(key=lambda step: (step[0], step[1]))
        for earlier, later in pairwise(steps):
            if earlier[0] == later[0]:  # a stage reached twice: a reference moved onto a stored stage
                mine = later[2] or earlier[2]
                if mine is not None and (later[2] is None or earlier[2] is None):
                    part, j = mine
                    stage = seq.order[later[0]]
                    part.error(
                        seq.stage,
                        j,
                        stage,
                        f"each stage once per {seq.item.replace('_', ' ')} ({stage} is also already stored)",
                    )
                continue
            if later[1] >= earlier[1]:
                continue
            if later[2] is not None:
                (part, j), other = later[2], earlier
                side = "after"
            elif earlier[2] is not None:
                (part, j), other = earlier[2], later
                side = "before"
            else:
                continue
            where = other[2][0].cell(seq.date, other[2][1]) if other[2] is not None else "already stored"
            part.error(
                seq.date,
                j,
                part.columns[seq.date][j],
                f"a date on or {side} the {seq.order[other[0]]} stage ({day(other[1])}, {where}): "
                "stages only move forward",
            )
        types = {step[3] for step in steps if step[3]}
        if len(types) > 1:
            part, j = next(step[2] for step in steps if step[2] is not None)
            part.batch.warn(
                part.batch.cell(same, part.indices[j]),
                part.columns[same][j],
                f"the same {layout.column_label(same).lower()} on every stage of {_a(seq.item)} "
                f"(found {', '.join(sorted(types))})",
            )


def _a(item: str) -> str:
    words = item.replace("_", " ")
    return f"{'an' if words[:1] in 'aeiou' else 'a'} {words}"
