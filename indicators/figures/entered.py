"""Directly entered figures (source ``results``, for indicators no activity sheet measures): their sums.

Totals are rows with no disaggregation; ``sex=Female`` typed in one cell is a category. A number adds up:
a quarter entered only by category gets the total of its first disaggregation, and a category shortfall
against the total goes to Unknown (a total entered without any category is all Unknown). A percentage is
the latest entry per period and category, never added up here: with its numerator and denominator when it
was entered with them (``Sums.parts``), so that a year or the life of project is recomputed from the summed
parts (``indicators.figures.measures.Entered``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, null, select
from sqlalchemy.orm import Session

from indicators.figures.categories import canonical, disaggregation_name
from indicators.figures.measure_sql import first, first_occurrence, norm, summed
from indicators.figures.measures import TOTAL, UNKNOWN, Key, Sums
from indicators.store.models import ResultValue


def sums(
    session: Session, source, quarters: Sequence[str], disaggregations: Sequence[str]
) -> dict[Key, Sums]:
    """The entered values of ``source`` (an ``indicators.figures.sums.Source``) for ``quarters`` (quarter, year or
    LOP codes), keyed as every indicator's sums are."""
    as_entered = source.measure.percent
    table = ResultValue.__table__
    where = [table.c.indicator_id == source.indicator_id, table.c.quarter.in_(list(quarters))]
    dis, cat = norm(table.c.disaggregation), norm(table.c.category)
    statement: Select[Any, Any, Any, Any, Any, Any]  # quarter, dis, cat, value, numerator, denominator
    if as_entered:
        # the latest entry per period and category, as entered: the first occurrence, newest first
        latest = first_occurrence(
            [
                table.c.quarter,
                table.c.disaggregation.label("dis"),
                table.c.category.label("cat"),
                table.c.value,
                table.c.numerator,
                table.c.denominator,
            ],
            partition_by=(table.c.quarter, dis, cat),
            order_by=(table.c.id.desc(),),
            where=where,
        ).subquery()
        statement = select(
            latest.c.quarter,
            latest.c.dis,
            latest.c.cat,
            latest.c.value,
            latest.c.numerator,
            latest.c.denominator,
        ).where(first(latest))
    else:
        statement = (
            select(
                table.c.quarter,
                func.min(table.c.disaggregation),
                func.min(table.c.category),
                summed(table.c.value),
                null(),
                null(),
            )
            .where(*where)
            .group_by(table.c.quarter, dis, cat)
        )
    totals: dict[str, float] = {}
    by_category: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    parts: dict[tuple[str, str, str], tuple[float, float]] = {}
    for quarter, raw_dis, raw_cat, value, top, base in session.execute(statement):
        name, category = disaggregation_name(raw_dis), raw_cat
        if "=" in name and not (raw_cat or "").strip():  # "sex=Female" typed in one cell
            raw_name, _, category = (raw_dis or "").partition("=")
            name = disaggregation_name(raw_name)
        if base:
            key = (quarter, name, TOTAL if name == TOTAL else canonical(name, category))
            parts[key] = (float(top or 0), float(base))
        if name == TOTAL:
            totals[quarter] = totals.get(quarter, 0.0) + float(value or 0)
        elif name in disaggregations:
            by_category[(quarter, name)][canonical(name, category)] += float(value or 0)
    out: dict[Key, Sums] = {}
    for quarter in {q for q, _ in by_category} - set(totals):
        leading = next((d for d in disaggregations if (quarter, d) in by_category), None)
        if leading is not None and not as_entered:
            totals[quarter] = sum(by_category[(quarter, leading)].values())
    for quarter, total in totals.items():
        out[(quarter, TOTAL, TOTAL)] = Sums(total, parts=parts.get((quarter, TOTAL, TOTAL)))
    for (quarter, name), categories in by_category.items():
        shortfall = totals.get(quarter, 0.0) - sum(categories.values())
        if not as_entered and shortfall > 1e-9:
            categories[UNKNOWN] += shortfall
        for category, value in categories.items():
            out[(quarter, name, category)] = Sums(value, parts=parts.get((quarter, name, category)))
    if not as_entered:
        for quarter, total in totals.items():  # a total entered without any category: all Unknown
            for name in disaggregations:
                if (quarter, name) not in by_category and total:
                    out[(quarter, name, UNKNOWN)] = Sums(total)
    return out
