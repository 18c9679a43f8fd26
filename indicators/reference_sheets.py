"""The Performance Indicator Reference Sheets as plain data (built by ``indicators.reporting.pirs``); the
``pirs`` writer in ``exports`` only lays them out, so it needs nothing but this module's dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Change:
    when: datetime
    who: str
    what: str  # "FY2019 target: 400 → 450"
    reason: str
    comment: str | None


@dataclass(frozen=True)
class Value:
    """One row of the values table: a year (``FY2019``, ``2012``) or ``LOP``."""

    period: str
    target: float | None
    actual: float | None  # None: no figure (a ratio with nothing to divide by), withheld, or no data yet
    withheld: str | None  # what the actual reads instead for this reader: "<5" or "*"
    through: (
        str | None
    )  # the last quarter the actual counts ("FY2020 Q3"); None: the data have not reached it
    complete: bool  # the data reach the period's last quarter: the actual is the period's, not to date
    narratives: tuple[str, ...] = ()  # the period's deviation narratives, "FY2019 Q3: …", oldest first


@dataclass(frozen=True)
class ReferenceSheet:
    code: str
    name: str
    result: str  # "Output 4: Government officials, ..."
    indicator_type: str | None  # Output | Outcome | Impact
    standard_indicator: str | None
    ppr_indicator: bool | None
    definition: str | None
    unit: str  # Number | Percentage
    calculation: str
    disaggregation: str | None  # "Sex, Target group"; None when not disaggregated
    direction_of_change: str | None
    rationale: str | None
    data_source: str | None
    collection_method: str | None
    frequency: str | None
    responsible: str | None
    data_storage: str | None
    last_assessment: date | None
    next_assessment: date | None
    reviewer: str | None
    limitations: str | None
    mitigation: str | None
    baseline: float | None
    baseline_date: date | None
    unit_key: str  # number | percent: how the values are written
    target_rationale: str | None
    values: tuple[Value, ...]  # years in order, then LOP
    changes: tuple[Change, ...]  # oldest first
    notes: str | None
    last_updated: date | None


@dataclass(frozen=True)
class ReferenceSheets:
    programme_code: str
    programme_title: str
    donor: str
    award_number: str | None
    prepared: datetime
    sheets: tuple[ReferenceSheet, ...]
    data_through: str | None = None  # the latest quarter with data ("FY2020 Q3"); None: no data yet
    small_cell: int | None = None  # victim counts below it are withheld from this reader (a donor's download)
