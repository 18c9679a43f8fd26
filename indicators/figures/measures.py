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

Each measure owns everything about it: its definition in a programme file (``schema``, a pydantic model with
exactly its fields, ``type`` telling them apart; ``definition_schema`` is the union of every registered
measure's), how it is calculated in words (``describe`` in short, for the Indicator page, in the reader's
language; ``calculation`` for the PIRS, in English, naming the columns as the sheet's users know them,
``KindSpec.header``: "Female participants", not ``female``), whether it can be mapped
by district (``mappable``: it adds up rows, so a district's share is its rows' share) and whether it is a
milestone. A new measure is one class, ``@register``-ed: programme files, reference sheets, the report and the
maps follow it. The SQL pieces measures share are in ``indicators.figures.measure_sql``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, ValidationError
from sqlalchemy import select

from indicators.figures.measure_base import (
    MEASURES,
    RESULTS,
    SEX_COLUMNS,
    TOTAL,
    UNKNOWN,
    Columns,
    Key,
    Measure,
    MeasureDefinition,
    MeasureError,
    MeasureField,
    PeriodActual,
    Sums,
    definition_schema,
    measure_type,
    parse_definition,
    register,
)
from indicators.figures.measure_sql import (
    first,
    first_occurrence,
    no_denominator,
    norm,
    row_count,
    squeezed,
    summed,
)
from indicators.i18n import _
from indicators.numbers import exact

if TYPE_CHECKING:  # the sheet kind a calculation names its columns by
    from indicators.store.models.kind import KindSpec

# the base and the registry are importable from here too: this module is where a reader looks for a measure
__all__ = [
    "MEASURES",
    "RESULTS",
    "SEX_COLUMNS",
    "TOTAL",
    "UNKNOWN",
    "Columns",
    "Count",
    "Entered",
    "Key",
    "Measure",
    "MeasureDefinition",
    "MeasureError",
    "MeasureField",
    "PeriodActual",
    "Ratio",
    "Stage",
    "Sum",
    "Sums",
    "definition_schema",
    "measure",
    "measure_type",
    "norm",
    "parse_definition",
    "register",
]


class CountDefinition(MeasureDefinition):
    type: Literal["count"]


@dataclass(frozen=True)
class Count(Measure):
    name: ClassVar[str] = "count"
    schema: ClassVar[type[MeasureDefinition]] = CountDefinition
    example: ClassVar[dict[str, Any]] = {"type": "count"}
    example_kind: ClassVar[str] = "meetings"
    whole: ClassVar[bool] = True
    mappable: ClassVar[bool] = True

    def describe(self) -> str:
        return _("Number of records")

    def calculation(self, sheet: KindSpec) -> str:
        return f"Number of rows of the {sheet.sheet} sheet in the period, one per {_row(sheet)}"

    def aggregates(self, scan) -> tuple:
        return row_count(), no_denominator()

    def from_totals(self, count: float, totals: dict[str, float]) -> Sums:
        return Sums(count)


class SumDefinition(MeasureDefinition):
    type: Literal["sum"]
    columns: Columns  # the count columns added up


@dataclass(frozen=True)
class Sum(Measure):
    added: tuple[str, ...] = ()
    name: ClassVar[str] = "sum"
    schema: ClassVar[type[MeasureDefinition]] = SumDefinition
    example: ClassVar[dict[str, Any]] = {"type": "sum", "columns": ["female", "male"]}
    example_kind: ClassVar[str] = "awareness"
    whole: ClassVar[bool] = True
    mappable: ClassVar[bool] = True

    @classmethod
    def of(cls, definition: MeasureDefinition) -> Sum:
        assert isinstance(definition, SumDefinition)
        return cls(tuple(definition.columns))

    def describe(self) -> str:
        return _("Sum of {columns}").format(columns=" + ".join(self.added))

    def calculation(self, sheet: KindSpec) -> str:
        return f"{_headers(sheet, self.added)}, added up over the period's rows of the {sheet.sheet} sheet"

    @property
    def columns(self) -> tuple[str, ...]:
        return self.added

    @property
    def counted_columns(self) -> tuple[str, ...]:
        return self.added

    def aggregates(self, scan) -> tuple:
        return summed(scan.added(self.added)), no_denominator()

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


class RatioDefinition(MeasureDefinition):
    type: Literal["ratio"]
    numerator: Columns
    denominator: Columns


@dataclass(frozen=True)
class Ratio(Measure):
    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()
    name: ClassVar[str] = "ratio"
    schema: ClassVar[type[MeasureDefinition]] = RatioDefinition
    example: ClassVar[dict[str, Any]] = {
        "type": "ratio",
        "numerator": ["passed_post_test"],
        "denominator": ["female", "male"],
    }
    example_kind: ClassVar[str] = "trainings"
    ratio: ClassVar[bool] = True

    @classmethod
    def of(cls, definition: MeasureDefinition) -> Ratio:
        assert isinstance(definition, RatioDefinition)
        return cls(tuple(definition.numerator), tuple(definition.denominator))

    def describe(self) -> str:
        return _("Σ {numerator} ÷ Σ {denominator}, recomputed for each period").format(
            numerator=" + ".join(self.numerator), denominator=" + ".join(self.denominator)
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
        return summed(scan.added(self.numerator)), summed(scan.added(self.denominator))

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


class StageDefinition(MeasureDefinition):
    type: Literal["stage"]
    field: str = Field(min_length=1)  # the column naming the item: instrument, title
    stage: str = Field(min_length=1)


@dataclass(frozen=True)
class Stage(Measure):
    field: str = ""  # the column naming the item: instrument, title
    stage: str = ""
    name: ClassVar[str] = "stage"
    schema: ClassVar[type[MeasureDefinition]] = StageDefinition
    example: ClassVar[dict[str, Any]] = {"type": "stage", "field": "title", "stage": "Published"}
    example_kind: ClassVar[str] = "research"
    milestone: ClassVar[bool] = True
    whole: ClassVar[bool] = True
    from_history: ClassVar[bool] = True

    @classmethod
    def of(cls, definition: MeasureDefinition) -> Stage:
        assert isinstance(definition, StageDefinition)
        return cls(definition.field, definition.stage)

    def describe(self) -> str:
        return _("Distinct {field}s reaching {stage}, counted once").format(
            field=self.field or "item", stage=self.stage
        )

    def calculation(self, sheet: KindSpec) -> str:
        stage = sheet.header(sheet.stages.stage if sheet.stages else "stage")
        return (
            f"Number of distinct {sheet.header(self.field)} values of the {sheet.sheet} sheet whose {stage} "
            f"reaches {self.stage} or a later stage, each counted once, in the quarter it first does (names "
            "compared ignoring case and spaces)"
        )

    def aggregates(self, scan) -> tuple:
        return row_count(), no_denominator()

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
        table = scan.table
        day = table.c.get("date")
        return first_occurrence(
            [scan.quarter().label("quarter"), *extra_columns],
            partition_by=[squeezed(scan.column(self.field, "stage field"))],
            order_by=(day, table.c.id) if day is not None else (table.c.quarter, table.c.id),
            where=[
                *scan.conditions(),
                norm(scan.column("stage", "column")).in_(lowered[lowered.index(wanted) :]),
            ],
        )

    def counted(self, scan) -> list:
        reached = self.first_reached(scan, [scan.table.c.id.label("row_id")]).subquery()
        return [scan.table.c.id.in_(select(reached.c.row_id).where(first(reached)))]

    def statement(self, scan, grouped: Sequence[str], split: dict | None, quarters: Sequence[str]):
        labels = [f"d{i}" for i in range(len(grouped))]
        labelled = [scan.table.c[d].label(n) for d, n in zip(grouped, labels, strict=True)]
        reached = self.first_reached(scan, labelled).cte("reached")
        columns = [reached.c[n] for n in labels]
        quarter = reached.c.quarter
        return (
            select(quarter, *columns, *self.aggregates(scan))
            .where(first(reached), quarter.in_(list(quarters)))
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
    parts = [s.parts for s in counted if s.parts]
    if len(parts) < len(counted):
        return exact(counted[-1].numerator), None, None
    numerator = sum((exact(top) for top, _ in parts), Fraction(0))
    denominator = sum((exact(base) for _, base in parts), Fraction(0))
    actual = None if denominator == 0 else numerator * 100 / denominator
    return actual, float(numerator), float(denominator)


def _headers(sheet: KindSpec, columns: Iterable[str]) -> str:
    return " + ".join(sheet.header(column) for column in columns)


def _row(sheet: KindSpec) -> str:
    """What one row of the sheet is, without the template's reminders in brackets: "person identified"."""
    return sheet.one_row_per.split(" (")[0]


for _builtin in (Count, Sum, Stage, Ratio):
    register(_builtin)


def measure(
    definition: Mapping[str, Any] | MeasureDefinition | None,
    *,
    kind: str = "",
    unit: str = "number",
    code: str = "",
) -> Measure:
    """The measure an indicator's definition names (``{"type": "sum", "columns": [...]}``); a directly
    entered source (``results``) is measured as entered whatever it declares. ``MeasureError`` for a measure
    no one knows or a definition its schema refuses."""
    cls = measure_type(definition)
    if cls is None:
        name = (
            definition.type if isinstance(definition, MeasureDefinition) else (definition or {}).get("type")
        )
        raise MeasureError(f"indicator {code}: unknown measure {name!r}; known: {', '.join(MEASURES)}")
    try:
        built = cls.of(cls.schema.model_validate(definition))
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(step) for step in problem["loc"])
        raise MeasureError(f"indicator {code}: {cls.name} measure: {where}: {problem['msg']}") from None
    if kind == RESULTS:
        return Entered(built, unit == "percent")
    return built
