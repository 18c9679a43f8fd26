"""How an indicator measures its records (DOMAIN §6): one object per measure, owning its SQL, how its sums
cumulate over periods, how its categories add up, and how it is described.

- ``count``: rows. ``sum``: the sum of its columns (NULL counts as 0). Both add up over quarters.
- ``stage``: distinct instruments (or titles), each counted once, in the quarter of the first row at the
  measure's stage or beyond (stage order from the kind's spec); names match case- and space-insensitively,
  so a later row re-stating the stage never counts again. A milestone: judged against its full target, and
  its sums depend on history, so they are always recomputed over all of a programme's quarters.
- ``ratio``: sum(numerator columns) and sum(denominator columns), kept apart so every period's ratio is
  recomputed from its own sums (× 100) and never averaged across quarters or categories.
- direct entry (source ``results``): the values entered; a number adds up like a sum. A percentage entered
  with its numerator and denominator (33 of 40) is a ratio: a year or the life of project is Σ numerators ÷
  Σ denominators × 100 of its quarters (33 of 40 and 10 of 20: 43 of 60, 71.7%), never an average or the
  latest quarter. A percentage entered as a value alone (before parts were asked) is taken as entered: the
  period's own entry, else, unless every quarter of the span has its parts, the latest quarter's.

Categories: a disaggregation groups the column of that name, so each category holds its rows' share of the
measure and the categories add up to the total; ``sex`` of a sum of female/male columns (on a sheet without
a sex column) splits the columns instead, Female and Male always listed.

The SQL runs on a *scan* (``indicators.figures.sums.Scan``): the indicator's table with its filter, attribution
quarter and the column lookups that name the indicator in an error. A measure unknown to ``MEASURES`` is
refused when the programme file is loaded (``indicators.programmes.definitions``).

Each measure also says how it is calculated, in words (``calculation``, for the reference sheets): the columns
named as the sheet's users know them (``KindSpec.header``: "Female participants", not ``female``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import Float, cast, func, literal, null, select

from indicators.numbers import exact

if TYPE_CHECKING:  # the sheet kind a calculation names its columns by
    from indicators.store.models.kind import KindSpec

TOTAL = ""  # the disaggregation and category of a total
UNKNOWN = "Unknown"
RESULTS = "results"  # the kind of directly entered figures
# Female/male count columns split by sex instead of grouping a sex column.
SEX_COLUMNS = {"female": "Female", "male": "Male"}
_SPACES = (" ", "\t", "\n", "\r", "\u00a0")


class MeasureError(ValueError):
    """An indicator definition that names a column, stage or attribution date its sheet does not have, or a
    measure no one knows."""


@dataclass(frozen=True)
class Sums:
    """What one quarter and category add: the count or sum, and for a ratio its denominator. A percentage
    entered directly keeps its value as ``numerator`` and, when it was entered with them, its ``parts``
    (numerator, denominator: 33 of 40)."""

    numerator: float
    denominator: float | None = None
    parts: tuple[float, float] | None = None

    def __add__(self, other: Sums) -> Sums:
        den = (
            None
            if self.denominator is None and other.denominator is None
            else (self.denominator or 0.0) + (other.denominator or 0.0)
        )
        return Sums(self.numerator + other.numerator, den)


# (quarter code, disaggregation or TOTAL, category or TOTAL) -> Sums
Key = tuple[str, str, str]
# (actual, numerator, denominator) of one period: exact actual; sums only for a ratio
PeriodActual = tuple[Fraction | None, float | None, float | None]


def norm(column):
    """A text column compared trimmed and case-insensitively."""
    return func.lower(func.trim(column))


class Measure:
    """What every measure answers; the four kinds below fill it in."""

    name: ClassVar[str] = ""
    needs: ClassVar[tuple[str, ...]] = ()  # the definition's keys it cannot do without
    ratio: ClassVar[bool] = False  # keeps a denominator; each period's actual is recomputed from sums
    milestone: ClassVar[bool] = False  # counted once when reached: judged against its full target
    from_history: ClassVar[bool] = False  # a quarter's sums depend on earlier quarters' rows
    entered: ClassVar[bool] = False  # figures entered directly (results), not counted from records
    whole: ClassVar[bool] = False  # counts whole things (trainings, people): a target to date is shown whole

    @classmethod
    def check(cls, definition: dict) -> None:
        """Raise ``ValueError`` saying what a definition of this measure lacks (for the programme file)."""
        if not all(definition.get(key) for key in cls.needs):
            raise ValueError(f"a {cls.name} measure needs {' and '.join(repr(k) for k in cls.needs)}")

    @classmethod
    def of(cls, definition: dict) -> Measure:
        return cls()

    def describe(self) -> str:
        raise NotImplementedError

    def calculation(self, sheet: KindSpec) -> str:
        """How the period's figure is calculated, in words, naming the columns as ``sheet`` (the indicator's
        sheet kind) heads them. Every measure writes its own: a new one cannot fall back on its key."""
        raise NotImplementedError(f"the {self.name} measure does not say how it is calculated")

    # --- sums ---------------------------------------------------------------------------------------------

    def empty(self) -> Sums:
        return Sums(0.0, 0.0 if self.ratio else None)

    def stored(self, numerator: float, denominator: float | None) -> Sums:
        return Sums(numerator, denominator if self.ratio else None)

    @property
    def columns(self) -> tuple[str, ...]:
        """The record columns it adds up."""
        return ()

    @property
    def counted_columns(self) -> tuple[str, ...]:
        """Columns whose absence from a sheet would silently count 0 (the importer refuses such a sheet)."""
        return ()

    def aggregates(self, scan) -> tuple:
        """(numerator, denominator) aggregate expressions over the scan's grouped rows."""
        raise NotImplementedError

    def from_totals(self, count: float, totals: dict[str, float]) -> Sums:
        """Its sums from a group's row count and column sums (one scan serving several indicators)."""
        raise NotImplementedError

    def contribution(self, scan) -> list:
        """Labelled columns saying what one record adds (``_value``; ``_numerator``/``_denominator``)."""
        return [literal(1).label("_value")]

    def counted(self, scan) -> list:
        """Conditions on the scan's table selecting the records it counts."""
        return scan.conditions()

    def statement(self, scan, grouped: Sequence[str], split: dict | None, quarters: Sequence[str]):
        """One SELECT grouped by quarter and the ``grouped`` disaggregation columns: (quarter, one value per
        grouped column, numerator, denominator, one sum per sex-split category)."""
        table = scan.table
        columns = [table.c[d] for d in grouped]
        quarter = scan.quarter()
        values = list(self.aggregates(scan))
        values += [cast(func.sum(scan.added(names)), Float) for names in (split or {}).values()]
        where = [*scan.conditions(), quarter.in_(list(quarters))]
        return select(quarter, *columns, *values).where(*where).group_by(quarter, *columns)

    # --- categories -----------------------------------------------------------------------------------------

    def sex_split(self, scan) -> dict[str, list[str]] | None:
        """For ``sex``: category -> the columns whose sum it is, when the columns split by sex; else None."""
        return None

    def fixed_categories(self, scan, disaggregation: str) -> list[str]:
        """Categories listed even without rows: Female and Male for a female/male sum split by sex."""
        if disaggregation != "sex":
            return []
        split = self.sex_split(scan)
        return [c for c in split if c != UNKNOWN] if split else []

    # --- periods --------------------------------------------------------------------------------------------

    def cumulate(self, by_quarter: dict[str, Sums], quarters: Iterable, code: str) -> PeriodActual:
        """(actual, numerator, denominator) of one period (code ``code``) from its quarters' sums: they add up."""
        counted = [by_quarter[q.code] for q in quarters if q.code in by_quarter]
        return sum((exact(s.numerator) for s in counted), Fraction(0)), None, None


@dataclass(frozen=True)
class Count(Measure):
    name: ClassVar[str] = "count"
    whole: ClassVar[bool] = True

    def describe(self) -> str:
        return "Number of records"

    def calculation(self, sheet: KindSpec) -> str:
        return f"Number of rows of the {sheet.sheet} sheet in the period, one per {_row(sheet)}"

    def aggregates(self, scan) -> tuple:
        return cast(func.count(), Float), cast(null(), Float)

    def from_totals(self, count: float, totals: dict[str, float]) -> Sums:
        return Sums(count)


@dataclass(frozen=True)
class Sum(Measure):
    added: tuple[str, ...] = ()
    name: ClassVar[str] = "sum"
    whole: ClassVar[bool] = True
    needs: ClassVar[tuple[str, ...]] = ("columns",)

    @classmethod
    def of(cls, definition: dict) -> Sum:
        return cls(tuple(definition.get("columns") or ()))

    def describe(self) -> str:
        return "Sum of " + " + ".join(self.added)

    def calculation(self, sheet: KindSpec) -> str:
        return f"{_headers(sheet, self.added)}, added up over the period's rows of the {sheet.sheet} sheet"

    @property
    def columns(self) -> tuple[str, ...]:
        return self.added

    @property
    def counted_columns(self) -> tuple[str, ...]:
        return self.added

    def aggregates(self, scan) -> tuple:
        return cast(func.sum(scan.added(self.added)), Float), cast(null(), Float)

    def from_totals(self, count: float, totals: dict[str, float]) -> Sums:
        return Sums(sum(totals[c] for c in self.added))

    def contribution(self, scan) -> list:
        return [scan.added(self.added).label("_value")]

    def sex_split(self, scan) -> dict[str, list[str]] | None:
        if scan.table.c.get("sex") is not None or not any(c in SEX_COLUMNS for c in self.added):
            return None
        split: dict[str, list[str]] = defaultdict(list)
        for column in self.added:
            split[SEX_COLUMNS.get(column, UNKNOWN)].append(column)
        return dict(split)


@dataclass(frozen=True)
class Ratio(Measure):
    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()
    name: ClassVar[str] = "ratio"
    needs: ClassVar[tuple[str, ...]] = ("numerator", "denominator")
    ratio: ClassVar[bool] = True

    @classmethod
    def of(cls, definition: dict) -> Ratio:
        return cls(tuple(definition.get("numerator") or ()), tuple(definition.get("denominator") or ()))

    def describe(self) -> str:
        return (
            f"Σ {' + '.join(self.numerator)} ÷ Σ {' + '.join(self.denominator)}, recomputed for each period"
        )

    def calculation(self, sheet: KindSpec) -> str:
        return (
            f"({_headers(sheet, self.numerator)}) ÷ ({_headers(sheet, self.denominator)}) × 100, each side "
            f"added up over the period's rows of the {sheet.sheet} sheet; recomputed for every period from its "
            "own sums, never averaged"
        )

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.numerator + self.denominator))

    def aggregates(self, scan) -> tuple:
        return (
            cast(func.sum(scan.added(self.numerator)), Float),
            cast(func.sum(scan.added(self.denominator)), Float),
        )

    def from_totals(self, count: float, totals: dict[str, float]) -> Sums:
        return Sums(sum(totals[c] for c in self.numerator), sum(totals[c] for c in self.denominator))

    def contribution(self, scan) -> list:
        return [
            scan.added(self.numerator).label("_numerator"),
            scan.added(self.denominator).label("_denominator"),
        ]

    def cumulate(self, by_quarter: dict[str, Sums], quarters: Iterable, code: str) -> PeriodActual:
        counted = [by_quarter[q.code] for q in quarters if q.code in by_quarter]
        numerator = sum((exact(s.numerator) for s in counted), Fraction(0))
        denominator = sum((exact(s.denominator or 0) for s in counted), Fraction(0))
        actual = None if denominator == 0 else numerator * 100 / denominator
        return actual, float(numerator), float(denominator)


@dataclass(frozen=True)
class Stage(Measure):
    field: str = ""  # the column naming the item: instrument, title
    stage: str = ""
    name: ClassVar[str] = "stage"
    needs: ClassVar[tuple[str, ...]] = ("field", "stage")
    milestone: ClassVar[bool] = True
    whole: ClassVar[bool] = True
    from_history: ClassVar[bool] = True

    @classmethod
    def of(cls, definition: dict) -> Stage:
        return cls(definition.get("field") or "", definition.get("stage", ""))

    def describe(self) -> str:
        return f"Distinct {self.field or 'items'}s reaching {self.stage}, counted once"

    def calculation(self, sheet: KindSpec) -> str:
        stage = sheet.header(sheet.stages.stage if sheet.stages else "stage")
        return (
            f"Number of distinct {sheet.header(self.field)} values of the {sheet.sheet} sheet whose {stage} "
            f"reaches {self.stage} or a later stage, each counted once, in the quarter it first does (names "
            "compared ignoring case and spaces)"
        )

    def aggregates(self, scan) -> tuple:
        return cast(func.count(), Float), cast(null(), Float)

    def first_reached(self, scan, extra_columns: Sequence = ()):
        """Rows at the stage or beyond, numbered per item by date: row 1 is where it first reached the stage.
        Numbered over the whole programme, so quarters outside a request still count."""
        stages = scan.stages
        wanted = str(self.stage).strip().lower()
        lowered = [s.lower() for s in stages or ()]
        if wanted not in lowered:
            raise MeasureError(
                f"indicator {scan.code}: stage {self.stage!r} is not a stage of the "
                f"{scan.kind} sheet ({', '.join(stages or ())})"
            )
        key = func.lower(scan.column(self.field or "", "stage field"))
        for space in _SPACES:
            key = func.replace(key, space, "")
        table = scan.table
        day = table.c.get("date")
        order = (day, table.c.id) if day is not None else (table.c.quarter, table.c.id)
        numbered = func.row_number().over(partition_by=key, order_by=order)
        return select(scan.quarter().label("quarter"), *extra_columns, numbered.label("nth")).where(
            *scan.conditions(), norm(scan.column("stage", "column")).in_(lowered[lowered.index(wanted) :])
        )

    def counted(self, scan) -> list:
        first = self.first_reached(scan, [scan.table.c.id.label("row_id")]).subquery()
        return [scan.table.c.id.in_(select(first.c.row_id).where(first.c.nth == 1))]

    def statement(self, scan, grouped: Sequence[str], split: dict | None, quarters: Sequence[str]):
        labels = [f"d{i}" for i in range(len(grouped))]
        labelled = [scan.table.c[d].label(n) for d, n in zip(grouped, labels, strict=True)]
        first = self.first_reached(scan, labelled).cte("reached")
        columns = [first.c[n] for n in labels]
        quarter = first.c.quarter
        return (
            select(quarter, *columns, *self.aggregates(scan))
            .where(first.c.nth == 1, quarter.in_(list(quarters)))
            .group_by(quarter, *columns)
        )


@dataclass(frozen=True)
class Entered(Measure):
    """Figures entered directly: a number adds up over quarters; a percentage with its parts is recomputed from
    the summed parts, one without them is taken as entered (see the module's rules)."""

    declared: Measure = field(default_factory=Count)  # what the programme file says, for its description
    percent: bool = False
    name: ClassVar[str] = "entered"
    entered: ClassVar[bool] = True

    def describe(self) -> str:
        return self.declared.describe()

    def calculation(self, sheet: KindSpec) -> str:
        if self.percent:
            return (
                f"The percentage entered in {sheet.header('value')} on the {sheet.sheet} sheet: the period's "
                "own entry, else the latest quarter's (never recomputed or averaged)"
            )
        return (
            f"{sheet.header('value')} entered on the {sheet.sheet} sheet for each quarter, added up over the "
            "period's quarters"
        )

    @property
    def counted_columns(self) -> tuple[str, ...]:
        return self.declared.counted_columns

    def cumulate(self, by_quarter: dict[str, Sums], quarters: Iterable, code: str) -> PeriodActual:
        if not self.percent:
            return super().cumulate(by_quarter, quarters, code)
        if code in by_quarter:
            return _entered_percent([by_quarter[code]])
        counted = [by_quarter[q.code] for q in quarters if q.code in by_quarter]
        if not counted:
            return None, None, None
        return _entered_percent(counted if all(s.parts for s in counted) else counted[-1:])


def _entered_percent(counted: list[Sums]) -> PeriodActual:
    """Entered percentages: recomputed from their summed parts when each has them, else the last one's value."""
    if not all(s.parts for s in counted):
        return exact(counted[-1].numerator), None, None
    numerator = sum((exact(s.parts[0]) for s in counted), Fraction(0))
    denominator = sum((exact(s.parts[1]) for s in counted), Fraction(0))
    actual = None if denominator == 0 else numerator * 100 / denominator
    return actual, float(numerator), float(denominator)


def _headers(sheet: KindSpec, columns: Iterable[str]) -> str:
    return " + ".join(sheet.header(column) for column in columns)


def _row(sheet: KindSpec) -> str:
    """What one row of the sheet is, without the template's reminders in brackets: "person identified"."""
    return sheet.one_row_per.split(" (")[0]


MEASURES: dict[str, type[Measure]] = {"count": Count, "sum": Sum, "stage": Stage, "ratio": Ratio}


def measure(definition: dict | None, *, kind: str = "", unit: str = "number", code: str = "") -> Measure:
    """The measure an indicator's definition names (``{"type": "sum", "columns": [...]}``); a directly
    entered source (``results``) is measured as entered whatever it declares. ``MeasureError`` for a measure
    no one knows."""
    definition = dict(definition or {})
    name = definition.get("type")
    if name not in MEASURES:
        raise MeasureError(f"indicator {code}: unknown measure {name!r}; known: {', '.join(MEASURES)}")
    built = MEASURES[name].of(definition)
    if kind == RESULTS:
        return Entered(built, unit == "percent")
    return built
