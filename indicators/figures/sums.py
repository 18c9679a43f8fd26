"""Per-quarter sums behind every indicator: the one module that reads activity records for figures.

An indicator's source (sheet kind and filter), measure (``indicators.figures.measures``), attribution date and
disaggregations become one SQL statement, grouped by quarter and by every disaggregation column at once,
that returns a numerator and, for ratios, a denominator; the total and each disaggregation's categories are
margins of that one result, so categories add up to the total by construction. These sums add up across
quarters and categories, which is what lets the store keep them per quarter (``indicators.figures.aggregates``) and
``quarter_sums`` read them from there.

Filters: ``{"col": value}`` (text compared trimmed and case-insensitively), ``{"col": [values]}``
(membership), ``{"col": {"not_null": true}}``; on a list column (assistance, exploitation types) the value
is one of the list's items. A row with no value in a disaggregation's column (NULL, blank, or a sheet
without the column) falls in ``Unknown``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, ColumnElement, String, Text, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session

from indicators.figures import entered, measures
from indicators.figures.categories import canonical
from indicators.figures.measures import TOTAL, Key, Measure, MeasureError, Sums, measure, norm
from indicators.store import kinds
from indicators.store.models import Indicator, IndicatorSums


@dataclass(frozen=True)
class Source:
    """What an indicator counts, in the terms the SQL needs (built from an ``Indicator`` row)."""

    indicator_id: int
    code: str
    programme_id: int
    kind: str
    filter: dict
    measure: Measure
    date_field: str | None
    disaggregations: tuple[str, ...]
    unit: str

    @classmethod
    def of(cls, indicator: Indicator) -> Source:
        """``MeasureError`` for a measure no one knows."""
        return cls(
            indicator.id,
            indicator.code,
            indicator.programme_id,
            indicator.source_kind,
            dict(indicator.source_filter or {}),
            measure(indicator.measure, kind=indicator.source_kind, unit=indicator.unit, code=indicator.code),
            indicator.date_field,
            tuple(indicator.disaggregations or ()),
            indicator.unit,
        )

    @property
    def is_ratio(self) -> bool:
        return self.measure.ratio

    @property
    def as_entered(self) -> bool:
        """A directly entered percentage: taken as entered, never added up."""
        return isinstance(self.measure, measures.Entered) and self.measure.percent


class Scan:
    """An indicator's sheet table as its measure's SQL sees it: columns looked up in the indicator's name,
    its programme and filter, and the quarter that attributes a row to it."""

    def __init__(self, source: Source):
        if not kinds.known(source.kind):
            raise MeasureError(f"indicator {source.code}: unknown source kind {source.kind!r}")
        self.source = source
        self.spec = kinds.kind(source.kind)
        self.table = self.spec.table
        self.code, self.kind = source.code, source.kind

    @property
    def stages(self) -> tuple[str, ...] | None:
        return self.spec.stages.order if self.spec.stages else None

    def column(self, name: str, what: str):
        column = self.table.c.get(name)
        if column is None:
            raise MeasureError(
                f"indicator {self.code}: {what} {name!r} is not a column of the {self.kind} sheet"
            )
        return column

    def added(self, names: Sequence[str]):
        columns = [func.coalesce(self.column(n, "measure column"), 0) for n in names]
        expression: ColumnElement[Any] = columns[0]
        for column in columns[1:]:
            expression = expression + column
        return expression

    def quarter(self):
        """The stored quarter that attributes a row: ``quarter`` for the row's own date, else ``<x>_quarter``
        for ``date_field`` ``<x>_date`` (cases' ``referral_quarter`` for ``referral_date``)."""
        field = self.source.date_field
        if not field or field == self.spec.date:
            return self.table.c.quarter
        name = field[:-5] + "_quarter" if field.endswith("_date") else field + "_quarter"
        column = self.table.c.get(name)
        if column is None:
            raise MeasureError(
                f"indicator {self.code}: the {self.kind} sheet keeps no quarter for date_field {field!r}"
            )
        return column

    @property
    def day(self) -> str | None:
        """The date the records it counts are ordered by: the attribution date, if it is a column."""
        field = self.source.date_field
        return field if field and field in self.table.c else self.spec.date

    def conditions(self) -> list:
        conditions = [self.table.c.programme_id == self.source.programme_id]
        for name, rule in self.source.filter.items():
            column = self.column(name, "filter column")
            text = isinstance(column.type, (String, Text))
            if isinstance(column.type, JSON):
                # a list column: the value is one of the list's items
                values = rule if isinstance(rule, list) else [rule]
                conditions.append(
                    or_(
                        *[
                            func.lower(cast(column, Text)).like(f'%"{str(v).strip().lower()}"%')
                            for v in values
                        ]
                    )
                )
            elif isinstance(rule, dict):
                if set(rule) != {"not_null"}:
                    raise MeasureError(
                        f"indicator {self.code}: filter on {name!r} must be a value, a list "
                        f'or {{"not_null": true}}; found {rule!r}'
                    )
                present = and_(column.isnot(None), func.trim(column) != "") if text else column.isnot(None)
                conditions.append(present if rule["not_null"] else ~present)
            elif isinstance(rule, list):
                conditions.append(
                    norm(column).in_([str(v).strip().lower() for v in rule]) if text else column.in_(rule)
                )
            else:
                conditions.append(norm(column) == str(rule).strip().lower() if text else column == rule)
        return conditions


# --- categories ----------------------------------------------------------------------------------------


def fixed_categories(source: Source, disaggregation: str) -> list[str]:
    """Categories listed even without rows: Female and Male for a female/male sum split by sex."""
    if source.measure.entered or not kinds.known(source.kind):
        return []
    return source.measure.fixed_categories(Scan(source), disaggregation)


# --- per-quarter sums ---------------------------------------------------------------------------------


def quarter_sums(
    session: Session, source: Source, quarters: Sequence[str], disaggregate: bool = True
) -> dict[Key, Sums]:
    """Sums per quarter and category for the given quarter codes, read from the per-quarter sums the store
    keeps up to date (``indicators.figures.aggregates``); direct entries are read as entered."""
    if source.measure.entered or not quarters:
        return compute_quarter_sums(session, source, quarters, disaggregate)
    check(source)
    table = IndicatorSums.__table__
    statement = select(
        table.c.quarter, table.c.disaggregation, table.c.category, table.c.numerator, table.c.denominator
    ).where(table.c.indicator_id == source.indicator_id, table.c.quarter.in_(list(quarters)))
    if not disaggregate:
        statement = statement.where(table.c.disaggregation == TOTAL)
    return {(q, d, c): source.measure.stored(n, den) for q, d, c, n, den in session.execute(statement)}


def check(source: Source) -> None:
    """Raise ``MeasureError`` if the indicator names a column, stage or date its sheet does not have
    (the statement is built, not run)."""
    if source.measure.entered:
        return
    _grouped(source, Scan(source), ["-"], source.disaggregations)


def _grouped(source: Source, scan: Scan, quarters: Sequence[str], disaggregations: Sequence[str]):
    """The measure's grouped statement, with the disaggregations it groups by and the sex split it used."""
    split = source.measure.sex_split(scan) if "sex" in disaggregations else None
    grouped = [d for d in disaggregations if scan.table.c.get(d) is not None and not (d == "sex" and split)]
    # Grouped by the stored values themselves (the importer stores the closed lists' own spellings);
    # canonical() folds any case or spacing variant into one category when the rows are added up.
    return source.measure.statement(scan, grouped, split, quarters), grouped, split


def compute_quarter_sums(
    session: Session, source: Source, quarters: Sequence[str], disaggregate: bool = True
) -> dict[Key, Sums]:
    """Sums per quarter and category for the given quarter codes, in one statement over the records.

    Totals are keyed ``(quarter, "", "")``; categories ``(quarter, "sex", "Female")``. A quarter or
    category with no rows is absent. For a directly entered percent, ``quarters`` may also hold year or
    ``LOP`` codes, whose entered values come back under those codes.
    """
    if not quarters:
        return {}
    disaggregations = source.disaggregations if disaggregate else ()
    if source.measure.entered:
        return entered.sums(session, source, quarters, disaggregations)
    statement, grouped, split = _grouped(source, Scan(source), quarters, disaggregations)
    sums: dict[Key, Sums] = defaultdict(source.measure.empty)
    # Each row is one quarter × combination of categories; totals and each disaggregation's categories
    # are its margins, so they add up to the same total by construction.
    for row in session.execute(statement):
        quarter, raws = row[0], row[1 : 1 + len(grouped)]
        numerator, denominator, *parts = row[1 + len(grouped) :]
        value = Sums(float(numerator or 0), float(denominator or 0) if source.is_ratio else None)
        sums[(quarter, TOTAL, TOTAL)] += value
        shown = dict(zip(grouped, raws, strict=True))
        for disaggregation in disaggregations:
            if disaggregation == "sex" and split:
                for category, part in zip(split, parts, strict=True):
                    sums[(quarter, disaggregation, category)] += Sums(float(part or 0))
            else:
                sums[(quarter, disaggregation, canonical(disaggregation, shown.get(disaggregation)))] += value
    return dict(sums)


def compute_kind_sums(
    session: Session, sources: Sequence[Source], quarters: Sequence[str], scan: bool = False
) -> dict[int, dict[Key, Sums]]:
    """The per-quarter sums of several indicators measured row by row (not from history) fed by one sheet
    kind of one programme, from one scan per attribution date instead of one per indicator (what an import
    refreshes).

    Each indicator's filter becomes a 0/1 grouping key; the group's count and column sums then give every
    indicator exactly what ``compute_quarter_sums`` gives it alone.
    """
    out: dict[int, dict[Key, Sums]] = {}
    if not sources or not quarters:
        return out
    scans = {s.indicator_id: Scan(s) for s in sources}
    table = scans[sources[0].indicator_id].table
    by_date: dict[str, list[Source]] = defaultdict(list)
    for source in sources:
        by_date[scans[source.indicator_id].quarter().name].append(source)
    # ``scan``: the rows asked for are a large share of the table, cheaper read from end to end than through
    # the programme's index, a look-up per row (an expression on the column keeps SQLite from taking it)
    programme = table.c.programme_id + 0 if scan else table.c.programme_id
    for name, group in by_date.items():
        quarter = table.c[name]
        flags = {}
        keys: list[ColumnElement[Any]] = [quarter]
        for source in group:
            conditions = scans[source.indicator_id].conditions()[1:]  # the first is the programme
            if conditions:
                flags[source.indicator_id] = len(keys)
                keys.append(case((and_(*conditions), 1), else_=0))
        splits = {
            s.indicator_id: s.measure.sex_split(scans[s.indicator_id]) if "sex" in s.disaggregations else None
            for s in group
        }
        grouped = sorted(
            {
                d
                for s in group
                for d in s.disaggregations
                if table.c.get(d) is not None and not (d == "sex" and splits[s.indicator_id])
            }
        )
        position = {d: len(keys) + i for i, d in enumerate(grouped)}
        keys += [table.c[d] for d in grouped]
        measured = sorted({c for s in group for c in s.measure.columns})
        for column in measured:
            scans[group[0].indicator_id].column(column, "measure column")
        first_sum = len(keys) + 1
        statement = (
            select(*keys, func.count(), *[func.sum(func.coalesce(table.c[c], 0)) for c in measured])
            .where(programme == group[0].programme_id, quarter.in_(list(quarters)))
            .group_by(*keys)
        )
        for row in session.execute(statement):
            count = float(row[len(keys)])
            totals = {c: float(row[first_sum + i] or 0) for i, c in enumerate(measured)}
            for source in group:
                flag = flags.get(source.indicator_id)
                if flag is not None and not row[flag]:
                    continue
                value = source.measure.from_totals(count, totals)
                sums = out.setdefault(source.indicator_id, defaultdict(source.measure.empty))
                sums[(row[0], TOTAL, TOTAL)] += value
                split = splits[source.indicator_id]
                for disaggregation in source.disaggregations:
                    if disaggregation == "sex" and split:
                        for category, columns in split.items():
                            sums[(row[0], disaggregation, category)] += Sums(sum(totals[c] for c in columns))
                    else:
                        raw = row[position[disaggregation]] if disaggregation in position else None
                        sums[(row[0], disaggregation, canonical(disaggregation, raw))] += value
    return {indicator_id: dict(sums) for indicator_id, sums in out.items()}
