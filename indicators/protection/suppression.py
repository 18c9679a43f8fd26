"""Cell suppression for linked tables of counts, checked by an auditor that reasons as an attacker would.

The tables are described by **variables** (counts no one publishes directly: victims identified in one quarter
and one category), **cells** (what a channel publishes: each a sum of variables, e.g. a fiscal year to date
for Female) and **relations** the attacker knows hold between variables (the categories of a disaggregation
add up to its total; the referred are among the identified). Every variable is a count, so at least 0.

A published cell is shown, or withheld with a label: ``primary`` ("<5": the attacker learns it is 1 to 4) or
``complementary`` ("*": withheld so that a primary cell cannot be worked out; the attacker learns nothing
from the label). The **auditor** gives, for each withheld cell, the interval an attacker can prove from the
shown cells, the labels and the relations, by linear programming (HiGHS, through its own Python interface ``highspy``):
the least and the greatest value the cell can take. The protection holds when

- a primary cell can still be anything its label allows: as low as 1 and as high as threshold − 1;
- a complementary cell stays uncertain by at least the threshold (its greatest minus its least), or may still
  be any small count (its interval holds 1 to threshold − 1: no more than a "<5" would say; this is what
  protects a small count labelled "*" because a "<5" would have told too much).

``protect`` withholds the primary cells (counts from 1 to threshold − 1), then, while the auditor finds a cell
whose interval is too narrow, withholds one more shown cell among those that bound it (the constraints whose
dual value is not zero in the attacker's program), the smallest first, until every withheld cell passes.
Withholding never narrows an interval (it only removes what the attacker knows), so the loop ends, at worst
with everything withheld. Zeros are shown unless a zero has to be withheld to protect another cell.

The linear relaxation is what the attacker is assumed to compute; the tables here (sums over quarters and
categories) are network-like, whose linear bounds are whole numbers, so integer reasoning gains nothing.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np

PRIMARY = "primary"
COMPLEMENTARY = "complementary"
_TOLERANCE = 1e-6
_INF = highspy.kHighsInf


@dataclass(frozen=True)
class Relation:
    """``Σ coefficient × variable`` is 0 (``eq``) or at most 0 (``le``)."""

    terms: tuple[tuple[int, float], ...]
    kind: str = "eq"


@dataclass
class Tables:
    """Variables with their exact values, the cells published over them, and the relations between them."""

    values: list[int] = field(default_factory=list)
    cells: list[tuple[int, ...]] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    # how much withholding a cell costs the reader, per person it counts (a total more than a category)
    weights: list[float] = field(default_factory=list)

    def variable(self, value: float) -> int:
        """A new variable holding ``value``, a count (a whole number of people, however it was summed)."""
        self.values.append(int(value))
        return len(self.values) - 1

    def cell(self, variables: Sequence[int], weight: float = 1.0) -> int:
        self.cells.append(tuple(sorted(set(variables))))
        self.weights.append(weight)
        return len(self.cells) - 1

    def value(self, cell: int) -> int:
        return sum(self.values[v] for v in self.cells[cell])

    def add_up(self, parts: Sequence[int], whole: Sequence[int]) -> None:
        """The variables ``parts`` add up to the variables ``whole`` (categories to their total)."""
        terms = _combine([(v, 1.0) for v in parts] + [(v, -1.0) for v in whole])
        if terms:
            self.relations.append(Relation(terms, "eq"))

    def at_most(self, smaller: Sequence[int], larger: Sequence[int]) -> None:
        """What ``smaller`` adds up to is at most what ``larger`` does (the referred among the identified)."""
        terms = _combine([(v, 1.0) for v in smaller] + [(v, -1.0) for v in larger])
        if terms:
            self.relations.append(Relation(terms, "le"))


@dataclass(frozen=True)
class Finding:
    """A withheld cell and the interval an attacker can prove for it."""

    cell: int
    label: str
    low: float
    high: float

    def narrower_than(self, threshold: int) -> bool:
        """Whether the attacker knows more than the rule allows: the cell is protected while it may still be
        any small count (its interval holds 1 to threshold − 1: all a "<5" says) or stays uncertain by at
        least the threshold."""
        any_small = self.low <= 1 + _TOLERANCE and self.high >= threshold - 1 - _TOLERANCE
        wide = self.high - self.low >= threshold - _TOLERANCE
        return not (any_small or wide)


def primary_cells(tables: Tables, threshold: int) -> dict[int, str]:
    """Cells counting from 1 to threshold − 1 people."""
    return {k: PRIMARY for k in range(len(tables.cells)) if 0 < tables.value(k) < threshold}


def protect(tables: Tables, threshold: int) -> dict[int, str]:
    """Which cells to withhold, and how each is labelled, so that the auditor finds nothing (see the module).

    For a withheld cell the attacker can narrow down, one linear program finds the cheapest way another table,
    consistent with everything else published, could hold it at the far end of what its label allows (1 and
    threshold − 1 for a small count; the threshold above its value for a "*"): the shown cells that table
    changes are withheld ("*"), so the attacker can no longer rule it out. Where a "<5" stands in the way (a
    small sum of small counts) that label becomes "*" instead, which costs no figure."""
    labels = primary_cells(tables, threshold)
    attacker = _Attacker(tables, threshold)
    pending = sorted(labels)
    while pending:
        cell = pending.pop(0)
        finding, shown, small = attacker.interval(cell, labels, want_bounds=True)
        if not finding.narrower_than(threshold):
            continue
        changed: set[int] = set()
        for targets in _targets(finding, tables.value(cell), threshold):
            # each way of widening it (lower, higher): the cheapest set of changes among the ends tried
            tried = (_perturbation(tables, labels, cell, t, threshold) for t in targets)
            found = [f for f in tried if f is not None]
            if found:
                changed |= min(found, key=lambda f: f[0])[1]
        changed -= {k for k, label in labels.items() if label == COMPLEMENTARY}
        if not changed:  # the programs found nothing to change: withhold what bounds it, the cheapest first
            changed = {_fallback(tables, labels, shown, small)}
        for k in changed:
            labels[k] = COMPLEMENTARY
            if k not in pending:
                pending.append(k)
        pending.append(cell)
    return labels


def _targets(finding: Finding, value: int, threshold: int) -> list[list[float]]:
    """What another table must be able to give the cell, each a list of alternatives: for a small count, 1 and
    threshold − 1 (the ends of what "<5" says); for another, a value the threshold away, below or above."""
    if 0 < value < threshold:
        return [
            [t]
            for t, reached in (
                (1.0, finding.low <= 1 + _TOLERANCE),
                (threshold - 1.0, finding.high >= threshold - 1 - _TOLERANCE),
            )
            if not reached
        ]
    below = [float(value - threshold)] if value >= threshold else []
    return [below + [float(value + threshold)]]


def _cost(tables: Tables, cell: int) -> float:
    """What withholding a shown cell costs the reader: its count (a zero as much as a small count: a "*" where
    nothing happened misleads), times its weight."""
    return tables.weights[cell] * (max(tables.value(cell), 4) + 1)


def _perturbation(
    tables: Tables, labels: Mapping[int, str], cell: int, target: float, threshold: int
) -> tuple[float, set[int]] | None:
    """The cells to withhold (shown ones, and "<5" labels in the way) so that some table consistent with the
    rest of what is published gives ``cell`` the value ``target``: the cheapest such change, by linear
    programming over the change ``y`` to each variable (a count stays at least 0; the relations hold; every
    other "<5" stays within its label unless relaxing it is the only way, at a price). With the cost; None when
    no table can."""
    n = len(tables.values)
    x = np.array(tables.values, dtype=float)
    model = _highs()
    model.addVars(n, -x, np.full(n, _INF))  # y_j >= -x_j: a count stays at least 0
    for relation in tables.relations:
        index = np.array([v for v, _ in relation.terms], dtype=np.int32)
        coefficients = np.array([c for _, c in relation.terms])
        slack = -float(coefficients @ x[index])  # what the change may add, for "at most"
        model.addRow(
            0.0 if relation.kind == "eq" else -_INF,
            0.0 if relation.kind == "eq" else slack,
            len(index),
            index,
            coefficients,
        )
    index = np.array(tables.cells[cell], dtype=np.int32)
    move = target - tables.value(cell)
    model.addRow(move, move, len(index), index, np.ones(len(index)))
    paid: dict[int, int] = {}  # extra column -> the cell it pays for
    for k, variables in enumerate(tables.cells):
        if k == cell or not variables or labels.get(k) == COMPLEMENTARY:
            continue
        cols = np.array(variables, dtype=np.int32)
        if k not in labels:  # shown: a change costs |change| × its price
            column = model.getNumCol()
            model.addVar(0.0, _INF)
            model.changeColCost(column, _cost(tables, k))
            paid[column] = k
            for sign in (1.0, -1.0):
                model.addRow(
                    0.0,
                    _INF,
                    len(cols) + 1,
                    np.append(cols, column),
                    np.append(np.full(len(cols), sign), 1.0),
                )
        else:  # a "<5": stays within 1 .. threshold − 1, or pays for its label becoming "*"
            value = tables.value(k)
            slack = model.getNumCol()
            model.addVars(2, np.zeros(2), np.full(2, _INF))
            # a "*" for a "<5" loses a label, not a figure, but says less than donors are owed where another
            # figure could be withheld instead: four times what withholding a shown cell like it costs
            model.changeColsCost(
                2, np.array([slack, slack + 1], dtype=np.int32), np.full(2, 4 * _cost(tables, k))
            )
            paid[slack] = paid[slack + 1] = k
            model.addRow(
                1.0 - value,
                threshold - 1.0 - value,
                len(cols) + 2,
                np.append(cols, [slack, slack + 1]),
                np.append(np.ones(len(cols)), [-1.0, 1.0]),
            )
    model.run()
    if model.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    values = np.asarray(model.getSolution().col_value)
    return model.getInfo().objective_function_value, {
        k for column, k in paid.items() if values[column] > _TOLERANCE
    }


def _fallback(tables: Tables, labels: Mapping[int, str], shown: list[int], small: list[int]) -> int:
    """A cell to withhold when no program found one: the cheapest shown cell bounding it, else a "<5" bounding
    it (labelled "*"), else the cheapest shown cell of all."""
    if shown:
        return min(shown, key=lambda k: (_cost(tables, k), k))
    if small:
        return max(small, key=lambda k: (len(tables.cells[k]), tables.value(k), -k))
    rest = [k for k in range(len(tables.cells)) if k not in labels and tables.cells[k]]
    if not rest:
        raise AssertionError("nothing left to withhold")
    return min(rest, key=lambda k: (_cost(tables, k), k))


def audit(tables: Tables, labels: Mapping[int, str], threshold: int) -> list[Finding]:
    """The interval an attacker can prove for every withheld cell, narrower ones first flagged by
    ``Finding.narrower_than``."""
    attacker = _Attacker(tables, threshold)
    return [attacker.interval(cell, labels)[0] for cell in sorted(labels)]


def failures(tables: Tables, labels: Mapping[int, str], threshold: int) -> list[Finding]:
    """The withheld cells an attacker can pin more narrowly than the rule allows (none when protected)."""
    return [f for f in audit(tables, labels, threshold) if f.narrower_than(threshold)]


class _Attacker:
    """The linear programs an attacker solves: least and greatest value of a withheld cell given everything
    shown, the labels and the relations. One HiGHS model holds a row per relation and per cell; a label
    only changes its cell's row bounds (shown: its value; "<5": 1 to threshold − 1; "*": free), and each
    question only the objective, so every solve starts from the last one's basis."""

    def __init__(self, tables: Tables, threshold: int):
        self.tables, self.threshold = tables, threshold
        self.highs = _highs()
        n = len(tables.values)
        self.highs.addVars(n, np.zeros(n), np.full(n, _INF))
        for relation in tables.relations:
            index = np.array([v for v, _ in relation.terms], dtype=np.int32)
            values = np.array([c for _, c in relation.terms], dtype=float)
            self.highs.addRow(0.0 if relation.kind == "eq" else -_INF, 0.0, len(index), index, values)
        self.first_cell_row = len(tables.relations)
        for variables in tables.cells:
            index = np.array(variables, dtype=np.int32)
            self.highs.addRow(-_INF, _INF, len(index), index, np.ones(len(index)))
        self.state: dict[int, object] = {}
        self.objective: tuple[int, ...] = ()

    def _label(self, labels: Mapping[int, str]) -> None:
        for cell in range(len(self.tables.cells)):
            state = labels.get(cell, "shown")
            if self.state.get(cell) == state:
                continue
            if state == "shown":
                low = high = float(self.tables.value(cell))
            elif state == PRIMARY:
                low, high = 1.0, self.threshold - 1.0
            else:
                low, high = -_INF, _INF
            self.highs.changeRowBounds(self.first_cell_row + cell, low, high)
            self.state[cell] = state

    def _aim(self, cell: int) -> None:
        variables = self.tables.cells[cell]
        if self.objective:
            self.highs.changeColsCost(
                len(self.objective), np.array(self.objective, dtype=np.int32), np.zeros(len(self.objective))
            )
        self.highs.changeColsCost(
            len(variables), np.array(variables, dtype=np.int32), np.ones(len(variables))
        )
        self.objective = variables

    def interval(
        self, cell: int, labels: Mapping[int, str], want_bounds: bool = False
    ) -> tuple[Finding, list[int], list[int]]:
        """The cell's least and greatest provable value; with ``want_bounds``, the shown cells and the "<5"
        labels that bound it (rows whose dual value is not zero)."""
        self._label(labels)
        self._aim(cell)
        ends: list[float] = []
        bounding: set[int] = set()
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            self.highs.changeObjectiveSense(sense)
            self.highs.run()
            status = self.highs.getModelStatus()
            if status in (
                highspy.HighsModelStatus.kUnbounded,
                highspy.HighsModelStatus.kUnboundedOrInfeasible,
            ):
                ends.append(_INF)
                continue
            if status != highspy.HighsModelStatus.kOptimal:
                raise ValueError(
                    f"the attacker's program for cell {cell} failed: {self.highs.modelStatusToString(status)}"
                )
            ends.append(self.highs.getInfo().objective_function_value)
            if want_bounds:
                duals = np.asarray(self.highs.getSolution().row_dual)[self.first_cell_row :]
                bounding.update(int(k) for k in np.flatnonzero(np.abs(duals) > _TOLERANCE))
        bounding.discard(cell)
        shown = sorted(k for k in bounding if k not in labels)
        small = sorted(k for k in bounding if labels.get(k) == PRIMARY)
        return Finding(cell, labels.get(cell, PRIMARY), ends[0], ends[1]), shown, small


def _highs() -> highspy.Highs:
    """A silent HiGHS model. HiGHS prints its banner on standard output when the process makes its first
    model, before any option can be set: that one is made with the process's standard output closed, at import
    (before a server has threads that write there), so a command's output and a download stay clean."""
    model = highspy.Highs()
    model.setOptionValue("output_flag", False)
    return model


def _first_model_quietly() -> None:
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as sink:
            os.dup2(sink.fileno(), 1)
            _highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


_first_model_quietly()


def _combine(terms: Sequence[tuple[int, float]]) -> tuple[tuple[int, float], ...]:
    total: dict[int, float] = {}
    for v, c in terms:
        total[v] = total.get(v, 0.0) + c
    return tuple((v, c) for v, c in sorted(total.items()) if c)
