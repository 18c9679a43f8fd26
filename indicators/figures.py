"""The one figures function that the dashboard and every export call.

Rules (DOMAIN §6):
- ``count`` counts rows, ``sum`` adds count columns, ``stage`` counts distinct instruments/titles in the
  period they *first* reach the stage, ``ratio`` is sum(numerator) / sum(denominator) × 100 recomputed
  from the period's sums, never averaged across quarters or categories.
- A quarter's actual is its own; fiscal year to date adds the year's quarters up to the report quarter;
  life of project to date adds every quarter from the programme start up to the report quarter.
- Percent of target = actual / target (the full target of the period). Status compares the actual with
  the target pro-rated by the share of the period elapsed at the end of the report quarter (percent
  indicators are not pro-rated): the percentage is rounded once to a whole number, then banded —
  within ±15 On track, above Ahead, below Behind. No target, no status.
- Disaggregation categories add up to the total; rows lacking the value fall in ``Unknown``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from indicators.periods import Period

AHEAD, ON_TRACK, BEHIND = "Ahead", "On track", "Behind"
STATUSES = (AHEAD, ON_TRACK, BEHIND)


class FiguresError(ValueError):
    """An unknown programme or period, or a period outside the programme."""


@dataclass(frozen=True)
class Figure:
    """One actual against one target for one period."""

    actual: float | None  # None only for a ratio with nothing to divide by
    target: float | None
    percent_of_target: float | None  # actual / full target × 100, rounded to a whole number
    status: str | None  # Ahead | On track | Behind | None (no target)
    # For ratios: the sums the actual was recomputed from, so callers never average percentages.
    numerator: float | None = None
    denominator: float | None = None


@dataclass(frozen=True)
class CategoryFigures:
    """One disaggregation category (e.g. sex = Female) for the report quarter, FY to date and LOP to date."""

    disaggregation: str  # sex, target_group, ...
    category: str  # Female, Law enforcement, ..., Unknown
    quarter: Figure
    year_to_date: Figure
    lop_to_date: Figure


@dataclass(frozen=True)
class IndicatorInfo:
    code: str
    name: str
    definition: str | None
    unit: str  # number | percent
    category: str
    result_code: str
    result_statement: str
    result_level: str
    standard_indicator: str | None
    baseline: float | None
    measure: dict
    source_kind: str
    source_filter: dict
    date_field: str | None
    disaggregations: list[str]
    data_source: str | None
    targets: dict[str, float]  # FY2019 / 2012 / LOP -> value


@dataclass(frozen=True)
class IndicatorFigures:
    indicator: IndicatorInfo
    quarter: Figure  # the report quarter (target: none; quarters have no targets of their own)
    year_to_date: Figure  # fiscal (or calendar) year through the report quarter vs the year's target
    lop_to_date: Figure  # programme start through the report quarter vs the LOP target
    # Actual per quarter of the report year, keyed Q1..Q4 codes in order; None for quarters after the
    # report quarter or outside the programme.
    year_quarters: dict[str, float | None]
    disaggregations: list[CategoryFigures] = field(default_factory=list)
    narrative: str | None = None

    @property
    def status(self) -> str | None:
        """The row's status: against the year's target where there is one, else against the LOP target."""
        return self.year_to_date.status if self.year_to_date.target is not None else self.lop_to_date.status

    @property
    def needs_narrative(self) -> bool:
        """Off the pro-rated target by more than 15% with no narrative written."""
        return self.status in (AHEAD, BEHIND) and not (self.narrative or "").strip()


@dataclass(frozen=True)
class ProgrammeInfo:
    code: str
    title: str
    short_title: str | None
    donor: str
    award_number: str | None
    partners: list[str]
    government_lead: str | None
    start_date: date
    end_date: date
    calendar: str


@dataclass(frozen=True)
class ProgrammeFigures:
    programme: ProgrammeInfo
    period: Period  # the report quarter
    year: Period  # the year it belongs to
    indicators: list[IndicatorFigures]
    data_as_of: datetime | None  # the latest stored upload that feeds these figures


def figures(session: Session, programme: str, period: str | Period) -> ProgrammeFigures:
    """Every indicator of a programme for one report quarter: quarter, year to date and LOP to date,
    with their disaggregations and narratives. Raises ``FiguresError`` for an unknown programme, an
    unreadable period, or a quarter outside the programme."""
    raise NotImplementedError
