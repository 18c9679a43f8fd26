"""Per-quarter sums behind every indicator: the one module that reads the activity tables for figures.

An indicator's source (sheet kind and filter), measure, attribution date and disaggregations become one
SQL statement, grouped by quarter and by every disaggregation column at once, that returns a numerator
and, for ratios, a denominator; the total and each disaggregation's categories are margins of that one
result, so categories add up to the total by construction:

- ``count``: rows; ``sum``: the sum of the measure's columns (NULL counts as 0);
- ``stage``: distinct instruments (or titles), each counted once, in the quarter of the first row at the
  measure's stage or beyond (stage order from ``vocabulary``); names match case- and space-insensitively,
  so a later row re-stating the stage never counts again;
- ``ratio``: sum(numerator columns) and sum(denominator columns), kept apart so every period's ratio is
  recomputed from its own sums and never averaged;
- direct entry (``results``): the sum of the values entered; a percent is taken as entered.

These sums add up across quarters and across categories, which is what lets a later issue answer
``quarter_sums`` from per-quarter aggregate tables maintained on import without touching ``figures``.

Filters: ``{"col": value}`` (text compared trimmed and case-insensitively), ``{"col": [values]}``
(membership), ``{"col": {"not_null": true}}``. Disaggregation ``sex`` of a female/male sum splits the
columns (Female = the female column); elsewhere a disaggregation groups the column of that name; a row
with no value (NULL, blank, or a sheet without the column) falls in ``Unknown``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import (
    case,
    JSON,
    Float,
    String,
    Text,
    and_,
    cast,
    func,
    literal,
    null,
    or_,
    select,
)
from sqlalchemy.orm import Session

from indicators import kinds, vocabulary
from indicators.models import Indicator, ResultValue, Upload

TOTAL = ""  # the disaggregation and category of a total
UNKNOWN = "Unknown"
RESULTS = "results"

# Closed lists, in the order reports show them; other disaggregations (nationality) are open.
CLOSED_LISTS: dict[str, tuple[str, ...]] = {
    "sex": vocabulary.SEXES,
    "target_group": vocabulary.TARGET_GROUPS,
    "setting": vocabulary.SETTINGS,
    "camp": tuple(vocabulary.CAMPS),
    "age_group": vocabulary.AGE_GROUPS,
    "instrument_type": vocabulary.INSTRUMENT_TYPES,
    "district": vocabulary.DISTRICTS,
}
# Female/male count columns split by sex instead of grouping a sex column.
SEX_COLUMNS = {"female": "Female", "male": "Male"}
_SPACES = (" ", "\t", "\n", "\r", "\u00a0")


class MeasureError(ValueError):
    """An indicator definition that names a column, stage or attribution date its sheet does not have."""


@dataclass(frozen=True)
class Sums:
    """What one quarter and category add: the count or sum, and for a ratio its denominator."""

    numerator: float
    denominator: float | None = None

    def __add__(self, other: "Sums") -> "Sums":
        den = None if self.denominator is None and other.denominator is None else \
            (self.denominator or 0.0) + (other.denominator or 0.0)
        return Sums(self.numerator + other.numerator, den)


# (quarter code, disaggregation or TOTAL, category or TOTAL) -> Sums
Key = tuple[str, str, str]


@dataclass(frozen=True)
class Source:
    """What an indicator counts, in the terms the SQL needs (built from an ``Indicator`` row)."""

    indicator_id: int
    code: str
    programme_id: int
    kind: str
    filter: dict
    measure: dict
    date_field: str | None
    disaggregations: tuple[str, ...]
    unit: str

    @classmethod
    def of(cls, indicator: Indicator) -> "Source":
        return cls(indicator.id, indicator.code, indicator.programme_id, indicator.source_kind,
                   dict(indicator.source_filter or {}), dict(indicator.measure or {}), indicator.date_field,
                   tuple(indicator.disaggregations or ()), indicator.unit)

    @property
    def is_ratio(self) -> bool:
        return self.kind != RESULTS and self.measure.get("type") == "ratio"

    @property
    def as_entered(self) -> bool:
        """A directly entered percentage: taken as entered, never added up."""
        return self.kind == RESULTS and self.unit == "percent"


# --- categories ----------------------------------------------------------------------------------------


def canonical(disaggregation: str, raw: str | None) -> str:
    """The category a stored value falls in: the closed list's spelling, the value itself, or Unknown."""
    text = (raw or "").strip()
    if not text:
        return UNKNOWN
    for value in CLOSED_LISTS.get(disaggregation, ()):
        if value.casefold() == text.casefold():
            return value
    return UNKNOWN if text.casefold() == UNKNOWN.casefold() else text


def order_categories(disaggregation: str, categories: Iterable[str]) -> list[str]:
    """Closed lists in vocabulary order, other values alphabetically after them, Unknown last."""
    order = {value: i for i, value in enumerate(CLOSED_LISTS.get(disaggregation, ()))}
    return sorted(set(categories), key=lambda c: (c == UNKNOWN, order.get(c, len(order)), c.casefold()))


# --- per-quarter sums ---------------------------------------------------------------------------------


def quarter_sums(session: Session, source: Source, quarters: Sequence[str], disaggregate: bool = True
                 ) -> dict[Key, Sums]:
    """Sums per quarter and category for the given quarter codes, read from the per-quarter sums the store
    keeps up to date (``indicators.aggregates``); direct entries are read as entered."""
    if source.kind == RESULTS or not quarters:
        return compute_quarter_sums(session, source, quarters, disaggregate)
    from indicators.aggregates import stored_sums

    check(source)
    return stored_sums(session, source, quarters, disaggregate)


def check(source: Source) -> None:
    """Raise ``MeasureError`` if the indicator names a column, stage or date its sheet does not have
    (the statement is built, not run)."""
    if source.kind == RESULTS:
        return
    _grouped_statement(source, _table(source), ["-"], source.disaggregations)


def compute_quarter_sums(session: Session, source: Source, quarters: Sequence[str], disaggregate: bool = True
                         ) -> dict[Key, Sums]:
    """Sums per quarter and category for the given quarter codes, in one statement over the activity rows.

    Totals are keyed ``(quarter, "", "")``; categories ``(quarter, "sex", "Female")``. A quarter or
    category with no rows is absent. For a directly entered percent, ``quarters`` may also hold year or
    ``LOP`` codes, whose entered values come back under those codes.
    """
    if not quarters:
        return {}
    disaggregations = source.disaggregations if disaggregate else ()
    if source.kind == RESULTS:
        return _entered_sums(session, source, quarters, disaggregations)
    table = _table(source)
    statement, grouped, split = _grouped_statement(source, table, quarters, disaggregations)
    empty = Sums(0.0, 0.0 if source.is_ratio else None)
    sums: dict[Key, Sums] = defaultdict(lambda: empty)
    # Each row is one quarter × combination of categories; totals and each disaggregation's categories
    # are its margins, so they add up to the same total by construction.
    for row in session.execute(statement):
        quarter, raws = row[0], row[1:1 + len(grouped)]
        numerator, denominator, *parts = row[1 + len(grouped):]
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


def compute_kind_sums(session: Session, sources: Sequence[Source], quarters: Sequence[str]
                      ) -> dict[int, dict[Key, Sums]]:
    """The per-quarter sums of several count, sum or ratio indicators fed by one sheet kind of one
    programme, from one scan per attribution date instead of one per indicator (what an import refreshes).

    Each indicator's filter becomes a 0/1 grouping key; the group's count and column sums then give every
    indicator exactly what ``compute_quarter_sums`` gives it alone.
    """
    out: dict[int, dict[Key, Sums]] = {}
    if not sources or not quarters:
        return out
    table = _table(sources[0])
    by_date: dict[str, list[Source]] = defaultdict(list)
    for source in sources:
        by_date[quarter_column(source, table).name].append(source)
    for name, group in by_date.items():
        quarter = table.c[name]
        flags = {}
        keys = [quarter]
        for i, source in enumerate(group):
            conditions = _conditions(source, table)[1:]  # the first is the programme
            if conditions:
                flags[source.indicator_id] = len(keys)
                keys.append(case((and_(*conditions), 1), else_=0))
        splits = {s.indicator_id: _sex_split(s, table) if "sex" in s.disaggregations else None for s in group}
        grouped = sorted({d for s in group for d in s.disaggregations
                          if table.c.get(d) is not None and not (d == "sex" and splits[s.indicator_id])})
        position = {d: len(keys) + i for i, d in enumerate(grouped)}
        keys += [table.c[d] for d in grouped]
        measured = sorted({c for s in group for part in ("columns", "numerator", "denominator")
                           for c in s.measure.get(part, ())})
        for column in measured:
            _column(group[0], table, column, "measure column")
        first_sum = len(keys) + 1
        statement = (select(*keys, func.count(), *[func.sum(func.coalesce(table.c[c], 0)) for c in measured])
                     .where(table.c.programme_id == group[0].programme_id, quarter.in_(list(quarters)))
                     .group_by(*keys))
        for row in session.execute(statement):
            count = float(row[len(keys)])
            totals = {c: float(row[first_sum + i] or 0) for i, c in enumerate(measured)}
            for source in group:
                flag = flags.get(source.indicator_id)
                if flag is not None and not row[flag]:
                    continue
                kind = source.measure.get("type")
                if kind == "count":
                    value = Sums(count)
                elif kind == "sum":
                    value = Sums(sum(totals[c] for c in source.measure["columns"]))
                else:
                    value = Sums(sum(totals[c] for c in source.measure["numerator"]),
                                 sum(totals[c] for c in source.measure["denominator"]))
                sums = out.setdefault(source.indicator_id, defaultdict(
                    lambda ratio=source.is_ratio: Sums(0.0, 0.0 if ratio else None)))
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


def _table(source: Source):
    if not kinds.known(source.kind):
        raise MeasureError(f"indicator {source.code}: unknown source kind {source.kind!r}")
    return kinds.kind(source.kind).table


def _column(source: Source, table, name: str, what: str):
    column = table.c.get(name)
    if column is None:
        raise MeasureError(f"indicator {source.code}: {what} {name!r} is not a column of the "
                           f"{source.kind} sheet")
    return column


def _norm(column):
    return func.lower(func.trim(column))


def _shown(column):
    # one spelling per group of values equal but for case and spaces; canonical() maps it to the list's
    return cast(func.min(func.trim(column)), String(80))


def quarter_column(source: Source, table):
    """The stored quarter that attributes a row: ``quarter`` for the row's own date, else ``<x>_quarter``
    for ``date_field`` ``<x>_date`` (cases' ``referral_quarter`` for ``referral_date``)."""
    field = source.date_field
    if not field or field == kinds.kind(source.kind).date:
        return table.c.quarter
    name = field[:-5] + "_quarter" if field.endswith("_date") else field + "_quarter"
    column = table.c.get(name)
    if column is None:
        raise MeasureError(f"indicator {source.code}: the {source.kind} sheet keeps no quarter for "
                           f"date_field {field!r}")
    return column


def _conditions(source: Source, table) -> list:
    conditions = [table.c.programme_id == source.programme_id]
    for name, rule in source.filter.items():
        column = _column(source, table, name, "filter column")
        text = isinstance(column.type, (String, Text))
        if isinstance(column.type, JSON):
            # a list column (assistance, exploitation types): the value is one of the list's items
            values = rule if isinstance(rule, list) else [rule]
            conditions.append(or_(*[func.lower(cast(column, Text)).like(f'%"{str(v).strip().lower()}"%')
                                    for v in values]))
        elif isinstance(rule, dict):
            if set(rule) != {"not_null"}:
                raise MeasureError(f"indicator {source.code}: filter on {name!r} must be a value, a list "
                                   f'or {{"not_null": true}}; found {rule!r}')
            present = and_(column.isnot(None), func.trim(column) != "") if text else column.isnot(None)
            conditions.append(present if rule["not_null"] else ~present)
        elif isinstance(rule, list):
            conditions.append(_norm(column).in_([str(v).strip().lower() for v in rule]) if text
                              else column.in_(rule))
        else:
            conditions.append(_norm(column) == str(rule).strip().lower() if text else column == rule)
    return conditions


def _added(source: Source, table, names: Sequence[str]):
    columns = [func.coalesce(_column(source, table, n, "measure column"), 0) for n in names]
    expression = columns[0]
    for column in columns[1:]:
        expression = expression + column
    return expression


def _values(source: Source, table) -> tuple:
    """(numerator, denominator) aggregate expressions for a count, sum or ratio."""
    measure = source.measure
    kind = measure.get("type")
    if kind == "count":
        return cast(func.count(), Float), cast(null(), Float)
    if kind == "sum":
        return cast(func.sum(_added(source, table, measure["columns"])), Float), cast(null(), Float)
    if kind == "ratio":
        return (cast(func.sum(_added(source, table, measure["numerator"])), Float),
                cast(func.sum(_added(source, table, measure["denominator"])), Float))
    raise MeasureError(f"indicator {source.code}: unknown measure {kind!r}")


def _sex_split(source: Source, table) -> dict[str, list[str]] | None:
    """For ``sex`` on a sum of female/male columns where the sheet has no sex column: category -> columns."""
    if source.measure.get("type") != "sum" or table.c.get("sex") is not None:
        return None
    columns = source.measure.get("columns", [])
    if not any(c in SEX_COLUMNS for c in columns):
        return None
    split: dict[str, list[str]] = defaultdict(list)
    for column in columns:
        split[SEX_COLUMNS.get(column, UNKNOWN)].append(column)
    return dict(split)


def fixed_categories(source: Source, disaggregation: str) -> list[str]:
    """Categories listed even without rows: Female and Male for a female/male sum split by sex."""
    if disaggregation != "sex" or not kinds.known(source.kind) or source.kind == RESULTS:
        return []
    split = _sex_split(source, _table(source))
    return [c for c in split if c != UNKNOWN] if split else []


def _grouped_statement(source: Source, table, quarters: Sequence[str], disaggregations: Sequence[str]):
    """One SELECT grouped by quarter and the disaggregation columns: (quarter, one shown value per grouped
    column, numerator, denominator, one sum per sex-split category). Returns it with the grouped
    disaggregations and the sex split (category -> columns) it used."""
    split = _sex_split(source, table) if "sex" in disaggregations else None
    grouped = [d for d in disaggregations if table.c.get(d) is not None and not (d == "sex" and split)]
    if source.measure.get("type") == "stage":
        labels = [f"d{i}" for i in range(len(grouped))]
        labelled = [table.c[d].label(n) for d, n in zip(grouped, labels, strict=True)]
        first = _first_reached(source, table, labelled).cte("reached")
        columns = [first.c[n] for n in labels]
        quarter = first.c.quarter
        values = [cast(func.count(), Float), cast(null(), Float)]
        where = [first.c.nth == 1, quarter.in_(list(quarters))]
    else:
        columns = [table.c[d] for d in grouped]
        quarter = quarter_column(source, table)
        values = list(_values(source, table))
        values += [cast(func.sum(_added(source, table, names)), Float) for names in (split or {}).values()]
        where = [*_conditions(source, table), quarter.in_(list(quarters))]
    # Grouped by the stored values themselves (the importer stores the closed lists' own spellings);
    # canonical() folds any case or spacing variant into one category when the rows are added up.
    statement = (select(quarter, *columns, *values).where(*where).group_by(quarter, *columns))
    return statement, grouped, split


def _first_reached(source: Source, table, extra_columns: Sequence = ()):
    """Rows at the measure's stage or beyond, numbered per instrument by date: row 1 is where it first
    reached the stage. Numbered over the whole programme, so quarters outside the request still count."""
    measure = source.measure
    spec = kinds.kind(source.kind)
    stages = spec.stages.order if spec.stages else None
    wanted = str(measure.get("stage", "")).strip().lower()
    lowered = [s.lower() for s in stages or ()]
    if wanted not in lowered:
        raise MeasureError(f"indicator {source.code}: stage {measure.get('stage')!r} is not a stage of the "
                           f"{source.kind} sheet ({', '.join(stages or ())})")
    name = _column(source, table, measure.get("field") or "", "stage field")
    key = func.lower(name)
    for space in _SPACES:
        key = func.replace(key, space, "")
    day = table.c.get("date")
    order = (day, table.c.id) if day is not None else (table.c.quarter, table.c.id)
    numbered = func.row_number().over(partition_by=key, order_by=order)
    return (select(quarter_column(source, table).label("quarter"), *extra_columns, numbered.label("nth"))
            .where(*_conditions(source, table), _norm(_column(source, table, "stage", "column"))
                   .in_(lowered[lowered.index(wanted):])))


# --- direct entry ---------------------------------------------------------------------------------------


def disaggregation_name(text: str | None) -> str:
    """``Sex``, ``sex``, ``Target group``, ``target-group`` -> the disaggregation's name; blank -> total."""
    cleaned = re.sub(r"[\s\-]+", "_", (text or "").strip().lower())
    for name, label in vocabulary.DISAGGREGATIONS.items():
        if cleaned in (name, re.sub(r"\s+", "_", label.lower())):
            return name
    return cleaned


def _entered_sums(session: Session, source: Source, quarters: Sequence[str], disaggregations: Sequence[str]
                  ) -> dict[Key, Sums]:
    """Direct-entry values: totals are rows with no disaggregation. A quarter entered only by category gets
    the total of its first disaggregation; a category shortfall against the total goes to Unknown."""
    table = ResultValue.__table__
    where = [table.c.indicator_id == source.indicator_id, table.c.quarter.in_(list(quarters))]
    dis, cat = _norm(table.c.disaggregation), _norm(table.c.category)
    if source.as_entered:
        # the latest entry per period and category, as entered
        latest = func.row_number().over(partition_by=(table.c.quarter, dis, cat), order_by=table.c.id.desc())
        ranked = select(table.c.quarter, table.c.disaggregation.label("dis"), table.c.category.label("cat"),
                        table.c.value, latest.label("nth")).where(*where).subquery()
        statement = (select(ranked.c.quarter, ranked.c.dis, ranked.c.cat, ranked.c.value)
                     .where(ranked.c.nth == 1))
    else:
        statement = (select(table.c.quarter, func.min(table.c.disaggregation), func.min(table.c.category),
                            cast(func.sum(table.c.value), Float)).where(*where)
                     .group_by(table.c.quarter, dis, cat))
    totals: dict[str, float] = {}
    by_category: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for quarter, raw_dis, raw_cat, value in session.execute(statement):
        name, category = disaggregation_name(raw_dis), raw_cat
        if "=" in name and not (raw_cat or "").strip():  # "sex=Female" typed in one cell
            raw_name, _, category = (raw_dis or "").partition("=")
            name = disaggregation_name(raw_name)
        if name == TOTAL:
            totals[quarter] = totals.get(quarter, 0.0) + float(value or 0)
        elif name in disaggregations:
            by_category[(quarter, name)][canonical(name, category)] += float(value or 0)
    sums: dict[Key, Sums] = {}
    for quarter in {q for q, _ in by_category} - set(totals):
        first = next((d for d in disaggregations if (quarter, d) in by_category), None)
        if first is not None and not source.as_entered:
            totals[quarter] = sum(by_category[(quarter, first)].values())
    for quarter, total in totals.items():
        sums[(quarter, TOTAL, TOTAL)] = Sums(total)
    for (quarter, name), categories in by_category.items():
        shortfall = totals.get(quarter, 0.0) - sum(categories.values())
        if not source.as_entered and shortfall > 1e-9:
            categories[UNKNOWN] += shortfall
        for category, value in categories.items():
            sums[(quarter, name, category)] = Sums(value)
    if not source.as_entered:
        for quarter, total in totals.items():  # a total entered without any category: all Unknown
            for name in disaggregations:
                if (quarter, name) not in by_category and total:
                    sums[(quarter, name, UNKNOWN)] = Sums(total)
    return sums


# --- provenance ----------------------------------------------------------------------------------------


def feeding_rows(session: Session, source: Source, quarters: Sequence[str] | None, limit: int = 500
                 ) -> list[dict]:
    """The records an indicator counts (for a stage: the row where each instrument first reached it), in
    attribution order, each with ``counted_in`` (its quarter for this indicator), its contribution
    (``value``; ``numerator``/``denominator`` for a ratio) and its provenance (``upload_filename``,
    ``uploaded_at``, ``uploaded_by``, ``source_sheet``, ``source_row``)."""
    if source.kind == RESULTS:
        table = ResultValue.__table__
        counted_in = table.c.quarter
        conditions = [table.c.indicator_id == source.indicator_id]
        extra = [table.c.value.label("_value")]
        day = None
    else:
        table = _table(source)
        counted_in = quarter_column(source, table)
        measure = source.measure
        if measure.get("type") == "stage":
            first = _first_reached(source, table, [table.c.id.label("row_id")]).subquery()
            conditions = [table.c.id.in_(select(first.c.row_id).where(first.c.nth == 1))]
        else:
            conditions = _conditions(source, table)
        if measure.get("type") == "sum":
            extra = [_added(source, table, measure["columns"]).label("_value")]
        elif measure.get("type") == "ratio":
            extra = [_added(source, table, measure["numerator"]).label("_numerator"),
                     _added(source, table, measure["denominator"]).label("_denominator")]
        else:
            extra = [literal(1).label("_value")]
        day = source.date_field if source.date_field and source.date_field in table.c \
            else kinds.kind(source.kind).date
    if quarters is not None:
        conditions.append(counted_in.in_(list(quarters)))
    subject = select(table, counted_in.label("counted_in"), *extra).where(*conditions).subquery()
    order = [subject.c.counted_in]
    if day and day in subject.c:
        order.append(subject.c[day])
    statement = (select(subject, Upload.filename.label("upload_filename"),
                        Upload.uploaded_at.label("uploaded_at"), Upload.uploaded_by.label("uploaded_by"))
                 .outerjoin(Upload, Upload.id == subject.c.upload_id)
                 .order_by(*order, subject.c.id).limit(limit))
    out = []
    for row in session.execute(statement).mappings():
        record = {k: v for k, v in row.items() if k != "row_hash" and not k.startswith("_")}
        if "_value" in row:
            record["value"] = row["_value"]
        if "_numerator" in row:
            record["numerator"], record["denominator"] = row["_numerator"], row["_denominator"]
        out.append(record)
    return out
