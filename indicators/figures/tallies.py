"""Per-quarter tallies of the records of each kind (``QuarterTally``): what the report reads besides the
figures, so a report of one quarter reads a few hundred small rows however many records the store holds.

A tally row counts the records of one programme, kind and quarter that share an upload, a place and a group
(the annex's summary columns, ``KindSpec.summary``), a district and, for a case, a referral quarter, with the
people they reached. The map's value of an indicator per district reads them too, for the measures they hold.
They are kept exact by the same calls that keep the indicator sums
(``indicators.figures.aggregates.refresh`` and ``rebuild``), in the writer's transaction.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Integer, String, cast, delete, func, insert, literal, null, select
from sqlalchemy.orm import Session

from indicators.figures.categories import canonical
from indicators.figures.measures import RESULTS, Count, Sum
from indicators.figures.sums import Source
from indicators.store import kinds
from indicators.store.kinds import KindSpec
from indicators.store.models import QuarterTally

TALLY = QuarterTally.__table__
# the kinds tallied: not the results entered by hand, a few rows a quarter, which go with their indicator
TALLIED = tuple(key for key in kinds.KEYS if key != RESULTS)


def refresh(session: Session, programme_id: int, kind: str, quarters: Iterable[str] | None = None) -> None:
    """Tally anew the programme's records of ``kind`` attributed first to ``quarters`` (all when None)."""
    if not kinds.known(kind) or kind == RESULTS:
        return
    spec = kinds.kind(kind)
    where = [TALLY.c.programme_id == programme_id, TALLY.c.kind == spec.key]
    codes = None if quarters is None else sorted(set(quarters))
    if codes is not None:
        where.append(TALLY.c.quarter.in_(codes))
    session.execute(delete(TALLY).where(*where))
    session.execute(insert(TALLY).from_select(_COLUMNS, _tally_query(spec, programme_id, codes)))


def add_inserted(
    session: Session, kind: str, columns: Sequence[Mapping[str, Sequence[Any]]], upload_id: int
) -> None:
    """Tally records that one upload has just inserted, from their values as the writer holds them (``columns``:
    a dict of equal-length value lists per part, with their ``programme_id``). Their tally rows are new rows,
    since a tally row's key holds its upload, so the records stored before keep theirs: for a writer that
    inserted and changed nothing else, this is what ``refresh`` would give, without grouping the records again
    in the database. What ``refresh`` writes from SQL's ``GROUP BY`` and ``SUM`` is written here alike: rows
    equal value for value are one group, and a sum of only blanks is blank."""
    if not kinds.known(kind) or kind == RESULTS:
        return
    keys, sums = _names(kinds.kind(kind))
    records: Counter[tuple] = Counter()
    totals: list[dict[tuple, Any]] = [{}, {}, {}]  # female, male, attended per group; absent: only blanks
    for part in columns:
        # a column the writer did not write is blank in the table, as here
        blanks = [None] * len(part["programme_id"])
        grouped = list(zip(part["programme_id"], *(part.get(name or "", blanks) for name in keys)))
        records.update(grouped)
        for name, total in zip(sums, totals):
            if name is not None and name in part:
                for group, value in zip(grouped, part[name]):
                    if value is not None:
                        total[group] = total.get(group, 0) + value
    rows = [
        dict(
            zip(
                _COLUMNS,
                (
                    programme_id,
                    kind,
                    quarter,
                    other,
                    upload_id,
                    place,
                    grp,
                    district,
                    count,
                    *(None if group not in total else int(total[group]) for total in totals),
                ),
                strict=True,
            )
        )
        for group, count in records.items()
        for programme_id, quarter, other, place, grp, district in [group]
    ]
    if rows:
        session.execute(insert(TALLY), rows)


def _names(spec: KindSpec) -> tuple[list[str | None], list[str | None]]:
    """The record columns behind a tally row's keys (quarter, other quarter, place, group, district) and sums
    (female, male, attended): None where the kind has no such column."""
    table = spec.table
    summary = spec.summary
    others = [name for name in spec.quarter_columns() if name != "quarter"]
    if len(others) > 1:  # a tally row keeps one more quarter; a kind with two more needs another column
        raise ValueError(f"kind {spec.key} is attributed to more than two quarters")
    keys = [
        "quarter",
        others[0] if others else None,
        summary.place if summary else None,
        summary.group if summary else None,
        "district",
    ]
    sums = ["female", "male", summary.attended if summary else None]
    present = [name if name is not None and name in table.c else None for name in keys]
    return present, [name if name is not None and name in table.c else None for name in sums]


def by_district(session: Session, source: Source, codes: Sequence[str]) -> dict[str, float] | None:
    """An unfiltered count or sum of people (female, male) per district over the quarters ``codes``, from the
    tallies (the same figures the records give: a count adds the records, a sum their columns, a blank
    counting as 0); None for any other measure, filter or attribution, which the records must answer."""
    spec = kinds.kind(source.kind) if kinds.known(source.kind) else None
    if spec is None or "district" not in spec.table.c or source.filter:
        return None
    if source.date_field and source.date_field != spec.date:  # attributed by another date than the row's own
        return None
    measure = source.measure
    if type(measure) is Count:
        parts = [func.sum(TALLY.c.records)]
    elif type(measure) is Sum and measure.added and set(measure.added) <= {"female", "male"}:
        parts = [func.sum(TALLY.c[name]) for name in measure.added]
    else:
        return None
    query = (
        select(TALLY.c.district, *parts)
        .where(
            TALLY.c.programme_id == source.programme_id,
            TALLY.c.kind == spec.key,
            TALLY.c.quarter.in_(list(codes)),
        )
        .group_by(TALLY.c.district)
    )
    totals: defaultdict[str, float] = defaultdict(float)
    for district, *values in session.execute(query):
        totals[canonical("district", district)] += sum(float(value or 0) for value in values)
    return dict(totals)


def rebuild(session: Session, programme_id: int) -> None:
    """Tally every record of the programme anew."""
    for key in TALLIED:
        refresh(session, programme_id, key)


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
    (quarter, other, place, group, district), sum_names = _names(spec)
    present = [quarter, other, "upload_id", place, group, district]
    keys = [cast(null(), String) if name is None else table.c[name] for name in present]
    sums = [cast(null(), Integer) if name is None else func.sum(table.c[name]) for name in sum_names]
    where = [table.c.programme_id == programme_id]
    if codes is not None:
        where.append(table.c.quarter.in_(codes))
    return (
        select(
            cast(literal(programme_id), Integer),
            cast(literal(spec.key), String(20)),
            *keys,
            func.count(),
            *sums,
        )
        .where(*where)
        .group_by(*(table.c[name] for name in present if name is not None))
    )
