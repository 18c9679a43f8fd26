"""Per-quarter indicator sums kept in the store, so figures read a few hundred small rows, not millions.

Every write path keeps them exact, inside the same transaction as the records, by saying so: nothing
listens to sessions behind its back.
- the import transaction (bulk Core inserts and updates) calls ``refresh`` for the programme, sheet kind
  and the quarters it touched (old and new quarters of an updated row);
- any other writer of records (a correction, a test's builders) calls ``refresh`` the same way, or
  ``rebuild`` after writing many;
- ``ctmonitor init`` calls ``sync_definitions``: an indicator whose source, filter, measure or
  disaggregations changed (or that never had sums) is recomputed whole.

The Data quality outliers and the Victims counts (``indicators.figures.quality``, ``indicators.figures.victims``) are stored
per programme the same way: ``refresh`` and ``rebuild`` store them anew for the kinds written, so every
writer keeps them exact without knowing about them; so are the per-quarter tallies of records the report reads
(``indicators.figures.tallies``).

A measure that depends on history (a stage: an instrument counts where it first reaches the stage) has its
sums recomputed over all the programme's quarters; they come from small tables.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, case, delete, func, insert, select, update
from sqlalchemy.orm import Session

from indicators import periods
from indicators.figures import tallies
from indicators.figures.measures import RESULTS, Key, Sums
from indicators.figures.sums import Source, compute_kind_sums, compute_quarter_sums
from indicators.store import kinds
from indicators.store.models import CheckResult, Indicator, IndicatorSums, Programme, QuarterTally

_INDICATOR = Indicator.__table__
TALLY = QuarterTally.__table__


def signature(indicator: Any) -> str:
    """What the sums of an indicator (an Indicator, or a row of its table) depend on in its definition."""
    text = json.dumps(
        [
            indicator.source_kind,
            indicator.source_filter,
            indicator.measure,
            indicator.date_field,
            indicator.disaggregations,
            indicator.unit,
        ],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def refresh(
    session: Session,
    programme_id: int,
    kind: str,
    quarters: Iterable[str] | None = None,
    tallied: bool = False,
) -> None:
    """Recompute the sums of the programme's indicators fed by ``kind`` for ``quarters`` (all when None), and
    the stored checks that read ``kind`` (over all the programme's records: a median moves with every row).
    ``tallied``: the writer has tallied its records itself (``tallies.add_inserted``)."""
    refresh_checks(session, programme_id, [kind])
    if not tallied:
        tallies.refresh(session, programme_id, kind, quarters)
    if kind == RESULTS:
        return
    indicators = _indicator_rows(
        session, _INDICATOR.c.programme_id == programme_id, _INDICATOR.c.source_kind == kind
    )
    if not indicators:
        return
    every = _programme_quarters(session, programme_id)
    wanted = every if quarters is None else sorted(set(quarters) & set(every))
    sources = [Source.of(indicator) for indicator in indicators]
    rows_measured = [s for s in sources if not s.measure.from_history]
    # one scan of the kind's records serves every indicator measured row by row
    computed = compute_kind_sums(
        session, rows_measured, wanted, _most_of(session, programme_id, kind, wanted)
    )
    for source in rows_measured:
        _write(session, source.indicator_id, wanted, computed.get(source.indicator_id, {}))
    for source in sources:
        if source.measure.from_history:
            _store(session, source, every)


def _most_of(session: Session, programme_id: int, kind: str, quarters: Sequence[str]) -> bool:
    """Whether SQLite should read the kind's whole table for these quarters' sums rather than go through the
    programme's index: when their records are a tenth of the table or more, by the tallies (through the index,
    each row is a look-up: refreshing every quarter of a programme with a million-record store took 0.66 s
    that way, 0.30 s reading the table). PostgreSQL's planner weighs this itself, from its statistics."""
    if not quarters or session.connection().dialect.name != "sqlite":
        return False
    wanted = and_(TALLY.c.programme_id == programme_id, TALLY.c.quarter.in_(list(quarters)))
    share, whole = session.execute(
        select(
            func.coalesce(func.sum(case((wanted, TALLY.c.records), else_=0)), 0),
            func.coalesce(func.sum(TALLY.c.records), 0),
        ).where(TALLY.c.kind == kind)
    ).one()
    return whole > 0 and share * 10 >= whole


def rebuild(session: Session, programme_id: int | None = None) -> int:
    """Recompute every indicator's sums (of one programme, or all); returns how many indicators."""
    where = [] if programme_id is None else [_INDICATOR.c.programme_id == programme_id]
    indicators = _indicator_rows(session, *where)
    for indicator in indicators:
        _recompute_whole(session, indicator)
    every = session.scalars(select(Programme.id)).all() if programme_id is None else [programme_id]
    for each in every:
        refresh_checks(session, each, kinds.KEYS)
        tallies.rebuild(session, each)
    return len(indicators)


def refresh_checks(session: Session, programme_id: int, kinds_written: Iterable[str]) -> None:
    """Store anew what the Data quality and Victims checks find in the programme's records of these kinds."""
    from indicators.figures import quality, victims  # they read figures; the sums do not

    for kind in kinds_written:
        quality.refresh_stored(session, programme_id, kind)
        victims.refresh_stored(session, programme_id, kind)


def sync_definitions(session: Session) -> list[str]:
    """Recompute the sums of indicators whose definition changed since their sums were made."""
    changed = []
    for indicator in _indicator_rows(session):
        if indicator.sums_signature != signature(indicator):
            _recompute_whole(session, indicator)
            changed.append(indicator.code)
    from indicators.figures import quality

    # a store from before the checks were stored (or their outliers kept as words), or a programme loaded
    # since: store them now
    stored = set(session.scalars(select(CheckResult.programme_id).distinct()))
    for programme_id in session.scalars(select(Programme.id)).all():
        if programme_id not in stored or quality.kept_as_words(session, programme_id):
            refresh_checks(session, programme_id, kinds.KEYS)
    return changed


def _indicator_rows(session: Session, *where: ColumnElement[bool]) -> Sequence[Any]:
    """Rows of the indicator table, not ORM objects: the sums signature is written back with a Core update,
    which would leave a loaded object stale. A row has every attribute ``Source.of`` reads of an Indicator
    (hence ``Any``: a Row of the table is typed column by column only as a tuple)."""
    return session.execute(select(_INDICATOR).where(*where)).all()


def _recompute_whole(session: Session, indicator: Any) -> None:
    """``indicator``: a row of ``_indicator_rows``."""
    if indicator.source_kind != RESULTS:
        _store(session, Source.of(indicator), _programme_quarters(session, indicator.programme_id))
    session.execute(
        update(_INDICATOR).where(_INDICATOR.c.id == indicator.id).values(sums_signature=signature(indicator))
    )


def _store(session: Session, source: Source, quarters: Sequence[str]) -> None:
    if quarters:
        _write(session, source.indicator_id, quarters, compute_quarter_sums(session, source, quarters))


def _write(session: Session, indicator_id: int, quarters: Sequence[str], sums: dict[Key, Sums]) -> None:
    """Replace the stored sums of an indicator for ``quarters`` with ``sums``."""
    if not quarters:
        return
    table = IndicatorSums.__table__
    session.execute(
        delete(table).where(table.c.indicator_id == indicator_id, table.c.quarter.in_(list(quarters)))
    )
    rows = [
        {
            "indicator_id": indicator_id,
            "quarter": q,
            "disaggregation": d,
            "category": c,
            "numerator": value.numerator,
            "denominator": value.denominator,
        }
        for (q, d, c), value in sums.items()
        if q in quarters
    ]
    if rows:
        session.execute(insert(table), rows)


def _programme_quarters(session: Session, programme_id: int) -> list[str]:
    start, end, calendar = session.execute(
        select(Programme.start_date, Programme.end_date, Programme.calendar).where(
            Programme.id == programme_id
        )
    ).one()
    return [q.code for q in periods.quarters_between(start, end, calendar)]
