"""How a measure's figure is judged against its target: the target to date (pro-rated by days, or whole for a
percentage or a milestone), the percentage of it, rounded half up once, and the status band (the rules are
``indicators.figures.figures``'s). A milestone is the measure's to say (``Measure.milestone``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from fractions import Fraction
from typing import Any

from indicators import periods
from indicators.figures.measures import measure_type
from indicators.numbers import exact, whole
from indicators.periods import Period
from indicators.report import Figure
from indicators.status import AHEAD, BEHIND, ON_TRACK


def elapsed_share(period: Period, report: Period | date, start: date, end: date) -> Fraction:
    """Share of a year or LOP (clipped to the programme's [start, end]) elapsed at the end of the report
    quarter (or of a day), by days; 0 before the period starts."""
    first, last = periods.bounds(period, start, end)
    through = min(report.end if isinstance(report, Period) else report, last)
    return Fraction(max((through - first).days + 1, 0), (last - first).days + 1)


def is_milestone(definition: Mapping[str, Any] | None) -> bool:
    """Whether a measure (as a programme file writes it) counts a milestone: once, when reached. The measure
    says so itself (``Measure.milestone``); one no one knows is not."""
    kind = measure_type(definition)
    return kind is not None and kind.milestone


def target_to_date(
    target: float | None, share: Fraction | float = 1, *, milestone: bool = False
) -> Fraction | None:
    """The target a status is judged against: the target times the share elapsed (1 for percentages and
    milestones, which pass ``share=1`` or ``milestone=True``)."""
    if target is None:
        return None
    return exact(target) * (1 if milestone else exact(share))


def status(
    actual,
    target: float | None,
    share: Fraction | float = 1,
    *,
    milestone: bool = False,
    period_over: bool = True,
) -> str | None:
    """Ahead / On track / Behind of an actual against the target to date; None with no target or no actual.
    A milestone short of its target is On track until ``period_over``."""
    return _judge(actual, target_to_date(target, share, milestone=milestone), milestone, period_over)[1]


def _judge(
    actual, expected: Fraction | None, milestone: bool, period_over: bool
) -> tuple[int | None, str | None]:
    """(whole percentage of the target to date, status)."""
    if expected is None or actual is None:
        return None, None
    if expected == 0:
        return None, (AHEAD if actual > 0 else ON_TRACK)
    percent = _whole(exact(actual) * 100 / expected)
    if abs(percent - 100) <= 15:
        band = ON_TRACK
    else:
        band = AHEAD if percent > 100 else BEHIND
    if band == BEHIND and milestone and not period_over:
        band = ON_TRACK
    return percent, band


def make_figure(
    actual,
    target: float | None = None,
    share: Fraction | float = 1,
    numerator: float | None = None,
    denominator: float | None = None,
    *,
    milestone: bool = False,
    period_over: bool = True,
    whole_things: bool = False,
) -> Figure:
    """A ``Figure`` from an actual (exact or float) and the full target; ``share`` pro-rates the target to
    date (see the module's rules). ``whole_things``: the indicator counts trainings or people, so its target
    to date is a whole number (299, not 299.2 people), and the status is judged against it as shown."""
    percent = None if actual is None or not target else whole(exact(actual) * 100 / exact(target))
    expected = target_to_date(target, share, milestone=milestone)
    if expected is not None and whole_things:
        expected = Fraction(_whole(expected))
    judged, band = _judge(actual, expected, milestone, period_over)
    shown = None if expected is None else (int(expected) if whole_things else float(expected))
    return Figure(
        None if actual is None else float(actual),
        target,
        percent,
        band,
        numerator,
        denominator,
        shown,
        judged,
    )


def quarter_target(
    year_target: float | None, quarter: Period, start: date, end: date, unit: str, measure: dict | None
) -> float | None:
    """A quarter's own share of its year's target, by the same days as the status's pro-rating (the year
    clipped to the programme); a percentage's is the year's; a milestone has none of its own."""
    if year_target is None or is_milestone(measure):
        return None
    if unit == "percent":
        return float(year_target)
    first, last = periods.bounds(quarter.fiscal_year, start, end)
    q_first, q_last = max(quarter.start, first), min(quarter.end, last)
    days = max((q_last - q_first).days + 1, 0)
    return float(exact(year_target) * Fraction(days, (last - first).days + 1))


def _whole(value: Fraction) -> int:
    """Half up to a whole number (a value is never None here)."""
    return math.floor(value + Fraction(1, 2))
