"""Re-upload matching, one matcher per way of recognising a stored row, from a table of cases: what is stored,
what the file showed before, the row, and the decision (with the refusal's words where there is one)."""

from __future__ import annotations

from collections import Counter, namedtuple
from dataclasses import dataclass, field
from typing import ClassVar

import pytest

from importers import matchers
from importers.matchers import MATCH, NEW, REFUSE, SKIP, Matching, Row, decide
from importers.people import PSEUDONYM_PREFIX

Stored = namedtuple("Stored", "id programme_id reference row_hash quarter")
STORED = [
    Stored(1, 7, "TR-1", "h1", "FY2019Q3"),
    Stored(2, 7, None, "h2", "FY2019Q3"),
    Stored(3, 7, None, "h3", "FY2019Q3"),
    Stored(4, 7, "ST-9", "h4", "FY2019Q3"),
]
NATURAL = {(7, ("pre-test",)): STORED[2], (7, ("post-test",)): STORED[3]}
PSEUDONYM = PSEUDONYM_PREFIX + "a" * 43  # a case's key, as importers.people writes it


@dataclass
class Batch:
    sheet: str = "Trainings"
    rows: list = field(default_factory=lambda: list(range(2, 40)))


@dataclass
class Part:
    batch: Batch = field(default_factory=Batch)
    indices: list = field(default_factory=lambda: list(range(30)))
    errors: list = field(default_factory=list)

    def error(self, name, j, value, expected):
        self.errors.append((name, value, expected))

    def cell(self, name, position):
        return f"{self.batch.sheet}!B{self.batch.rows[self.indices[position]]}"


@dataclass
class Corrections:
    """A record corrected in the browser (uploaded as ``h2``: record 2) and a voided one (reference VOID-1)."""

    by_hash: dict = field(default_factory=lambda: {(7, "h2"): [2]})
    absorbed: list = field(default_factory=list)

    def __bool__(self):
        return True

    def absorbing(self, pid, digest, ids):
        waiting = self.by_hash.get((pid, digest), [])
        return next((i for i in waiting if i in ids and i not in self.absorbed), None)

    def voided(self, kind_plan, part, j, pid, reference, natural, digest):
        return False if reference == "VOID-1" or digest == "hv" else None


class Merged:
    """Case MERGED-1 was merged into stored case TR-1; MERGED-2 into a case whose own row is in the upload."""

    def __bool__(self):
        return True

    def target(self, pid, reference):
        return {"MERGED-1": (STORED[0], False), "MERGED-2": (None, True)}.get(reference, (None, False))


def matching(corrections=None, merged=False, natural=False) -> Matching:
    def duplicate_natural(part, j, where):
        part.error("stage", j, "?", f"each stage once per instrument (also {where})")

    return Matching(
        by_reference={(s.programme_id, s.reference): s for s in STORED if s.reference},
        by_natural=NATURAL if natural else {},
        hashes=Counter((s.programme_id, s.row_hash) for s in STORED),
        corrections=corrections or NoCorrections(),
        merged=Merged() if merged else None,
        stored=STORED,
        natural_column="stage",
        duplicate_natural=duplicate_natural,
        by_id={s.id: s for s in STORED},
    )


class NoCorrections:
    by_hash: ClassVar[dict] = {}

    def __bool__(self):
        return False


CASES = [
    # name, earlier rows of the file, the row, options, (outcome, stored id matched, words of the refusal)
    ("a new reference is new", [], Row(0, 7, "TR-2", "hx"), {}, (NEW, None, None)),
    ("a stored reference matches its row", [], Row(0, 7, "TR-1", "hx"), {}, (MATCH, 1, None)),
    ("a reference of another programme is new", [], Row(0, 8, "TR-1", "h1"), {}, (NEW, None, None)),
    (
        "a reference used twice in the file is refused",
        [Row(0, 7, "TR-5", "ha")],
        Row(1, 7, "TR-5", "hb"),
        {},
        (REFUSE, None, "a reference used once in the file and project (also Trainings!B2)"),
    ),
    (
        "a pseudonym twice is one person twice",
        [Row(0, 7, PSEUDONYM, "ha")],
        Row(1, 7, PSEUDONYM, "hb"),
        {},
        (REFUSE, None, "one row per person"),
    ),
    (
        "a merged case's key names the case kept",
        [],
        Row(0, 7, "MERGED-1", "hx"),
        {"merged": True},
        (MATCH, 1, None),
    ),
    (
        "a merged case's key is skipped beside its case's own row",
        [],
        Row(0, 7, "MERGED-2", "hx"),
        {"merged": True},
        (SKIP, None, None),
    ),
    (
        "a submission key takes the identical row stored without a reference",
        [],
        Row(0, 7, "uuid:5f2c", "h3"),
        {},
        (MATCH, 3, None),
    ),
    (
        "a submission key with no identical row is new",
        [],
        Row(0, 7, "uuid:5f2c", "hz"),
        {},
        (NEW, None, None),
    ),
    (
        "a stored natural key matches its row",
        [],
        Row(0, 7, None, "hx", ("pre-test",)),
        {"natural": True},
        (MATCH, 3, None),
    ),
    (
        "a natural key twice in the file is refused",
        [Row(0, 7, None, "ha", ("mid",))],
        Row(1, 7, None, "hb", ("mid",)),
        {"natural": True},
        (REFUSE, None, "also Trainings!B2"),
    ),
    (
        "a natural key stored under another reference is refused",
        [],
        Row(0, 7, "ST-10", "hx", ("post-test",)),
        {"natural": True},
        (REFUSE, None, "already stored under reference ST-9"),
    ),
    (
        "a reference match still refuses its natural key twice",
        [Row(0, 7, None, "ha", ("mid",))],
        Row(1, 7, "TR-1", "hb", ("mid",)),
        {"natural": True},
        (REFUSE, None, "also Trainings!B2"),
    ),
    (
        "a row as a corrected record was uploaded is that record",
        [],
        Row(0, 7, None, "h2"),
        {"corrections": Corrections()},
        (MATCH, 2, None),
    ),
    ("an identical row without a reference is skipped", [], Row(0, 7, None, "h3"), {}, (SKIP, None, None)),
    ("a row without reference like no stored row is new", [], Row(0, 7, None, "hz"), {}, (NEW, None, None)),
    (
        "a voided record's reference is skipped",
        [],
        Row(0, 7, "VOID-1", "hz"),
        {"corrections": Corrections()},
        (SKIP, None, None),
    ),
    (
        "a voided record's row is skipped",
        [],
        Row(0, 7, None, "hv"),
        {"corrections": Corrections()},
        (SKIP, None, None),
    ),
]


@pytest.mark.parametrize(
    ("earlier", "row", "options", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_a_row_is_recognised_as_the_table_says(earlier, row, options, expected):
    m, part = matching(**options), Part()
    for before in earlier:
        assert decide(m, part, before).outcome in (NEW, MATCH)
    decision = decide(m, part, row)
    outcome, target, words = expected
    assert (decision.outcome, decision.target.id if decision.target is not None else None) == (
        outcome,
        target,
    )
    if words is None:
        assert part.errors == []
    else:
        assert len(part.errors) == 1 and words in part.errors[0][2]


def test_each_stored_row_absorbs_one_identical_file_row():
    m, part = matching(), Part()
    assert [decide(m, part, Row(j, 7, None, "h2")).outcome for j in range(3)] == [SKIP, NEW, NEW]


def test_every_strategy_has_its_matcher_in_order():
    assert [f.__name__ for f in matchers.MATCHERS] == [
        "by_reference",
        "by_merged_case",
        "by_submission",
        "by_natural_key",
        "by_correction",
        "by_row_hash",
        "by_void",
    ]
