"""What every measure is (``indicators.figures.measures`` holds the measures themselves): the sums a quarter and
category add, the ``Measure`` base class a measure fills in, its definition's schema, and the registry.

A measure is one class with its definition's schema (``MeasureDefinition``: exactly its fields, ``type`` typed
``Literal[<its name>]``), its words, its flags and its SQL, ``@register``-ed. The registry (``MEASURES``) is the
only place a measure's key is looked up: programme files are validated by the union of the registered schemas
(``definition_schema``, chosen by ``type``, built anew when a measure is registered), and everything else asks
the measure (``measure_type(definition).milestone``, ``.mappable``, ``describe``, ``calculation``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, TypeVar, Union, get_args

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, SerializeAsAny, TypeAdapter, create_model
from sqlalchemy import Float, cast, func, literal, select

from indicators.numbers import exact

if TYPE_CHECKING:  # the sheet kind a calculation names its columns by
    from indicators.store.models.kind import KindSpec

TOTAL = ""  # the disaggregation and category of a total
UNKNOWN = "Unknown"
RESULTS = "results"  # the kind of directly entered figures
# Female/male count columns split by sex instead of grouping a sex column.
SEX_COLUMNS = {"female": "Female", "male": "Male"}


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


class MeasureDefinition(BaseModel):
    """A measure as a programme file writes it; each measure's own subclass holds exactly its fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: str


Columns = Annotated[list[str], Field(min_length=1)]


class Measure:
    """What every measure answers; each measure (``indicators.figures.measures``, or a module of its own) fills
    it in and is ``register``-ed."""

    name: ClassVar[str] = ""
    schema: ClassVar[type[MeasureDefinition]] = MeasureDefinition  # its definition in a programme file
    example: ClassVar[dict[str, Any]] = {}  # a valid definition of it, on ``example_kind``'s sheet (tested)
    example_kind: ClassVar[str] = ""
    ratio: ClassVar[bool] = False  # keeps a denominator; each period's actual is recomputed from sums
    milestone: ClassVar[bool] = False  # counted once when reached: judged against its full target
    mappable: ClassVar[bool] = False  # adds up rows: a district's value is its rows' share (the maps)
    from_history: ClassVar[bool] = False  # a quarter's sums depend on earlier quarters' rows
    entered: ClassVar[bool] = False  # figures entered directly (results), not counted from records
    whole: ClassVar[bool] = False  # counts whole things (trainings, people): a target to date is shown whole

    @classmethod
    def of(cls, definition: MeasureDefinition) -> Measure:
        """The measure a (validated) definition describes."""
        return cls()

    def describe(self) -> str:
        """How it is measured, in a few words (the indicator page). Every measure writes its own."""
        raise NotImplementedError(f"the {self.name} measure does not say how it is measured")

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


M = TypeVar("M", bound=type[Measure])
MEASURES: dict[str, type[Measure]] = {}


def register(cls: M) -> M:
    """Add a measure to the registry: programme files may name it (its ``schema`` joins the union), and every
    reference sheet, report and map asks it what it is. Its ``schema`` must be typed ``Literal[<its name>]``."""
    if get_args(cls.schema.model_fields["type"].annotation) != (cls.name,):
        raise TypeError(f"the {cls.__name__} measure's schema must be typed Literal[{cls.name!r}]")
    if MEASURES.get(cls.name, cls) is not cls:
        raise ValueError(f"a measure named {cls.name!r} is registered already")
    MEASURES[cls.name] = cls
    return cls


def definition_schema() -> TypeAdapter[Any]:
    """The union of every registered measure's definition, chosen by ``type``."""
    return _union(tuple(MEASURES.values()))


@lru_cache(maxsize=16)
def _union(measures: tuple[type[Measure], ...]) -> TypeAdapter[Any]:
    members: tuple[Any, ...] = tuple(m.schema for m in measures)
    if len(members) == 1:
        return TypeAdapter(members[0])
    union: Any = Annotated[Union[members], Field(discriminator="type")]  # noqa: UP007 (built at run time)
    return TypeAdapter(union)


@lru_cache(maxsize=16)
def _type_only(names: tuple[str, ...]) -> type[BaseModel]:
    """A model checking ``type`` alone, so an unknown measure is reported at its key with the known ones."""
    known: Any = Literal[names]
    return create_model("MeasureType", __config__=ConfigDict(extra="allow"), type=(known, ...))


def parse_definition(value: object) -> MeasureDefinition:
    """A measure's definition (a mapping as a programme file writes it), validated by its own schema; raises
    ``ValidationError`` located at the offending key (``type``, ``columns``, …)."""
    if isinstance(value, MeasureDefinition):
        return value
    if isinstance(value, Mapping) and not (isinstance(value.get("type"), str) and value["type"] in MEASURES):
        _type_only(tuple(MEASURES)).model_validate(value)
    return definition_schema().validate_python(value)


# The type of a measure field in a programme file's model: validated by the union of the registered measures
# when the file is read (so a measure registered later is taken in), written back with all its fields.
MeasureField = Annotated[SerializeAsAny[MeasureDefinition], PlainValidator(parse_definition)]


def measure_type(definition: Mapping[str, Any] | MeasureDefinition | None) -> type[Measure] | None:
    """The registered measure a definition names; None for none or one no one knows."""
    name = definition.type if isinstance(definition, MeasureDefinition) else (definition or {}).get("type")
    return MEASURES.get(name) if isinstance(name, str) else None
