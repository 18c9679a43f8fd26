"""Each batch on its own, before batches are weighed against each other and the store: its rows' programme
(the Project cell or the project named for the upload), the counted columns and the kind's rules, with what
the checks need to know of the store (``programmes_context``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from importers import submissions
from importers.rules import SumColumns
from importers.table import Bad, Batch, Context, IndicatorRef, ProgrammeRef, ok
from indicators.access import pseudonyms
from indicators.figures.measures import MeasureError, measure
from indicators.programmes import providers
from indicators.store.models import Indicator, Programme
from indicators.store.settings import Settings


def resolve_programmes(batch: Batch, ctx: Context) -> None:
    """Each row's programme: its Project cell, else the programme named for the upload; they must agree."""
    named = ctx.programmes.get(ctx.programme) if ctx.programme else None
    present = "project" in batch.letters
    codes = batch.columns.get("project") or [None] * len(batch)
    known = ", ".join(sorted(ctx.programmes))
    fallback = _indicator_programme if "indicator" in batch.columns else None  # a direct entry's indicator
    refs: list = []
    cache: dict = {}
    for i, code in enumerate(codes):
        if code.__class__ is Bad:
            refs.append(code)
            continue
        if code is None:
            programme: ProgrammeRef | Bad | None = named or (fallback(batch, i, ctx) if fallback else None)
            if programme is None:
                if present:
                    batch.error("project", i, None, f"a project code ({known})")
                elif i == 0:
                    batch.sheet_error(
                        str(batch.header_row),
                        "",
                        f"a Project column, or the project named for the upload ({known})",
                    )
                programme = Bad("")
            refs.append(programme)
            continue
        try:
            refs.append(cache[code])
            if cache[code].__class__ is Bad:
                batch.error("project", i, code, cache[code].expected)
            continue
        except KeyError:
            pass
        programme = ctx.programmes.get(code)
        result: ProgrammeRef | Bad
        if programme is None:
            result = Bad(f"a project code ({known})")
        elif named is not None and programme is not named:
            result = Bad(f"{named.code}, the project named for this upload")
        else:
            result = programme
        cache[code] = result
        if result.__class__ is Bad:
            batch.error("project", i, code, result.expected)
        refs.append(result)
    batch.columns["programme"] = refs


def _indicator_programme(batch: Batch, i: int, ctx: Context) -> ProgrammeRef | None:
    code = batch.columns["indicator"][i]
    indicator = ctx.indicators.get(code) if ok(code) else None
    return ctx.programmes.get(indicator.programme) if indicator else None


_SUM_COLUMNS = SumColumns()


def check_batch(batch: Batch, ctx: Context) -> None:
    resolve_programmes(batch, ctx)
    submissions.fill_references(batch)
    _SUM_COLUMNS.check(batch, ctx)
    for rule in batch.layout.rules:
        rule.check(batch, ctx)


def programmes_context(
    session: Session, programme: str | None, today: date | None = None, settings: Settings | None = None
) -> Context:
    """What the checks need to know of the store; with ``settings``, case sheets can be read (their pseudonym
    key, checked against the store, is fetched when one is)."""
    programmes = {
        p.code: ProgrammeRef(p.id, p.code, p.start_date, p.end_date, p.calendar)
        for p in session.execute(select(Programme)).scalars()
    }
    indicators = {}
    for ind, code in session.execute(
        select(Indicator, Programme.code).join(Programme, Programme.id == Indicator.programme_id)
    ):
        try:
            sums = measure(ind.measure, kind=ind.source_kind, unit=ind.unit, code=ind.code).counted_columns
        except MeasureError:  # refused when the programme file is loaded: nothing to check against
            sums = ()
        indicators[ind.code.upper()] = IndicatorRef(
            ind.id, ind.code, code, tuple(ind.disaggregations or ()), ind.source_kind, sums, ind.unit
        )
    keys = (lambda: pseudonyms.for_cases(session, settings)) if settings is not None else None
    catalogue = providers.catalogue(session)
    return Context(programmes, indicators, programme, today or date.today(), keys, catalogue)
