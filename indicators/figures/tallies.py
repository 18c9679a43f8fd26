"""Per-quarter tallies of the records of each kind (``QuarterTally``): what the report reads besides the
figures, so a report of one quarter reads a few hundred small rows however many records the store holds.

A tally row counts the records of one programme, kind and quarter that share an upload, a place and a group
(the annex's summary columns, ``KindSpec.summary``), a district and, for a case, a referral quarter, with the
people they reached. They are kept exact by the same calls that keep the indicator sums
(``indicators.figures.aggregates.refresh`` and ``rebuild``), in the writer's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Integer, String, cast, delete, func, insert, literal, null, select
from sqlalchemy.orm import Session

from indicators.store import kinds
from indicators.store.kinds import KindSpec
from indicators.store.models import QuarterTally

TALLY = QuarterTally.__table__


def refresh(session: Session, programme_id: int, kind: str, quarters: Iterable[str] | None = None) -> None:
    """Tally anew the programme's records of ``kind`` attributed first to ``quarters`` (all when None)."""
    if not kinds.known(kind):
        return
    spec = kinds.kind(kind)
    where = [TALLY.c.programme_id == programme_id, TALLY.c.kind == spec.key]
    codes = None if quarters is None else sorted(set(quarters))
    if codes is not None:
        where.append(TALLY.c.quarter.in_(codes))
    session.execute(delete(TALLY).where(*where))
    session.execute(insert(TALLY).from_select(_COLUMNS, _tally_query(spec, programme_id, codes)))


def rebuild(session: Session, programme_id: int) -> None:
    """Tally every record of the programme anew."""
    for spec in kinds.KINDS:
        refresh(session, programme_id, spec.key)


_COLUMNS = [
    "programme_id",
    "kind",
    "quarter",
    "other_quarter",
    "upload_id",
    "place",
    "grp",
    "district",
    "records",
    "female",
    "male",
    "attended",
]


def _tally_query(spec: KindSpec, programme_id: int, codes: list[str] | None) -> Any:
    """The records' tally rows, grouped in the database: one statement, no record leaves it."""
    table = spec.table
    summary = spec.summary
    others = [name for name in spec.quarter_columns() if name != "quarter"]
    if len(others) > 1:  # a tally row keeps one more quarter; a kind with two more needs another column
        raise ValueError(f"kind {spec.key} is attributed to more than two quarters")
    key_names = [
        "quarter",
        others[0] if others else None,
        "upload_id",
        summary.place if summary else None,
        summary.group if summary else None,
        "district",
    ]
    sum_names = ["female", "male", summary.attended if summary else None]
    present = [name if name is not None and name in table.c else None for name in key_names]
    keys = [cast(null(), String) if name is None else table.c[name] for name in present]
    sums = [
        func.sum(table.c[name]) if name is not None and name in table.c else cast(null(), Integer)
        for name in sum_names
    ]
    where = [table.c.programme_id == programme_id]
    if codes is not None:
        where.append(table.c.quarter.in_(codes))
    return (
        select(literal(programme_id), literal(spec.key), *keys, func.count(), *sums)
        .where(*where)
        .group_by(*(table.c[name] for name in present if name is not None))
    )
