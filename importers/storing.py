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

from importers import alike, matchers
from importers.conflicts import Corrections
from importers.kinds import Layout
from importers.matching import matchable
from importers.report import Conflict, empty_counts
from importers.rules import day
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
    pairs: list[tuple] = field(
        default_factory=list
    )  # (programme id, sheet, row, stored case): possible duplicates

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
    quarter_cache: dict = {}
    parts = [_part(batch, layout, quarter_cache) for batch in batches]
    if not any(part.indices for part in parts):
        return
    stored = _stored(session, layout, parts)
    quarter_names = ["quarter"] + [name for name, _ in layout.extra_quarters]
    matching = _matching(session, kind_plan, parts, stored, corrections)
    for part in parts:
        if (
            len(parts) == 1
            and not stored
            and not layout.natural_key
            and not corrections
            and _distinct_references(part)
        ):
            # Nothing stored to compare with and no reference repeated: every row is new.
            positions = list(range(len(part.indices)))
        else:
            positions = _plan_part(matching, kind_plan, part, quarter_names)
        kind_plan.counts["new"] += len(positions)
        kind_plan.inserts.append((part, positions))
        _touch(kind_plan, part, positions, quarter_names)
    if layout.sequence is not None:
        _check_sequence(layout, parts, stored)


def _stored(session, layout: Layout, parts: list[Part]) -> list:
    """What is stored of the kind for the programmes of the file: id, reference, row hash and lookup fields."""
    model = layout.model
    programme_ids = sorted({pid for part in parts for pid in set(part.columns["programme_id"])})
    extra = [getattr(model, f) for f in _stored_lookup_fields(layout)]
    return session.execute(
        select(model.id, model.programme_id, model.reference, model.row_hash, *extra).where(
            model.programme_id.in_(programme_ids)
        )
    ).all()


def _matching(
    session, kind_plan: KindPlan, parts: list[Part], stored: list, corrections: Corrections
) -> matchers.Matching:
    layout = kind_plan.layout
    by_natural: dict = {}
    for s in stored if layout.natural_key else ():
        by_natural.setdefault(
            (s.programme_id, tuple(matchable(getattr(s, f)) for f in layout.natural_key)), s
        )
    hashes = Counter((s.programme_id, s.row_hash) for s in stored)
    programme_ids = sorted({pid for part in parts for pid in set(part.columns["programme_id"])})
    merged = alike.Merged(session, layout.kind, programme_ids, stored, parts)
    hashes.update(merged.hashes)
    return matchers.Matching(
        by_reference={(s.programme_id, s.reference): s for s in stored if s.reference is not None},
        by_natural=by_natural,
        hashes=hashes,
        corrections=corrections,
        merged=merged,
        stored=stored,
        natural_column=_natural_column(layout),
        duplicate_natural=lambda part, j, where: _duplicatenatural(layout, part, j, where),
        by_id={s.id: s for s in stored} if corrections.by_hash else {},
        kind_plan=kind_plan,
    )


def _plan_part(m: matchers.Matching, kind_plan: KindPlan, part: Part, quarter_names: list[str]) -> list[int]:
    """Decide each row of a part; the positions of the new rows."""
    columns = part.columns
    natural_key = kind_plan.layout.natural_key
    naturals = list(zip(*(map(matchable, columns[f]) for f in natural_key))) if natural_key else None
    positions = []
    counts = kind_plan.counts
    for j, (pid, reference, digest) in enumerate(
        zip(columns["programme_id"], columns["reference"], columns["row_hash"])
    ):
        row = matchers.Row(j, pid, reference, digest, naturals[j] if naturals is not None else None)
        decision = matchers.decide(m, part, row)
        if decision.outcome == matchers.REFUSE:
            part.rejected.add(j)
        elif decision.outcome == matchers.SKIP:
            counts["skipped"] += 1
        elif decision.outcome == matchers.MATCH:
            _apply_match(m, kind_plan, part, row, decision, quarter_names)
        else:
            positions.append(j)
    return positions


def _apply_match(
    m: matchers.Matching,
    kind_plan: KindPlan,
    part: Part,
    row: matchers.Row,
    decision: matchers.Decision,
    quarter_names: list[str],
) -> None:
    """A row matched a stored one: kept as corrected in the browser, unchanged, or an update."""
    target, j, counts = decision.target, row.j, kind_plan.counts
    disagree = m.corrections.disagree(kind_plan, part, j, target.id)
    part.targets[j] = target.id
    m.hashes[(row.pid, target.row_hash)] -= 1
    same = target.row_hash == row.digest and (
        row.reference is None or decision.aliased or target.reference == row.reference
    )
    if disagree is False or (same and not disagree):  # False: the browser's correction is kept as stored
        counts["unchanged" if row.reference is not None else "skipped"] += 1
        return
    record = part.record(j)
    if row.reference is None or decision.aliased:
        record["reference"] = target.reference
    record["id"] = target.id
    kind_plan.updates.append(record)
    counts["updated"] += 1
    kind_plan.touched[row.pid].update(
        q for name in quarter_names for q in (record[name], getattr(target, name)) if q
    )


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
    if seq is None:  # only the kinds with stages are called here
        return
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
                (
                    rank.get(getattr(s, seq.stage), -1),
                    getattr(s, seq.date),
                    None,
                    getattr(s, same) if same else None,
                )
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
        found = {step[3] for step in steps if step[3]}
        if same and len(found) > 1:
            part, j = next(step[2] for step in steps if step[2] is not None)
            part.batch.warn(
                part.batch.cell(same, part.indices[j]),
                part.columns[same][j],
                f"the same {layout.column_label(same).lower()} on every stage of {_a(seq.item)} "
                f"(found {', '.join(sorted(found))})",
            )


def _a(item: str) -> str:
    words = item.replace("_", " ")
    return f"{'an' if words[:1] in 'aeiou' else 'a'} {words}"
