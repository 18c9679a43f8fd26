"""Reporting periods: how they are named, bounded, parsed and listed.

US federal fiscal year N runs 1 October N-1 to 30 September N; Q1 is Oct–Dec, Q2 Jan–Mar, Q3 Apr–Jun,
Q4 Jul–Sep. Codes: ``FY2019Q3`` (a fiscal quarter), ``FY2019`` (a fiscal year), ``LOP`` (life of project).
Programmes on the calendar year use ``2012Q1`` and ``2012``. An activity belongs to the quarter of its
(start) date. ``LOP`` has no bounds of its own: ``bounds`` takes them from the programme.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from indicators.i18n import _, format_day

FISCAL = "fiscal"
CALENDAR = "calendar"

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class PeriodError(ValueError):
    """A period code that cannot be read, or that does not fit the programme."""


@dataclass(frozen=True, order=True)
class Period:
    calendar: str
    year: int | None  # fiscal or calendar year; None for LOP
    quarter: int | None  # 1..4; None for a year or LOP

    @property
    def kind(self) -> str:
        if self.year is None:
            return "lop"
        return "year" if self.quarter is None else "quarter"

    @property
    def code(self) -> str:
        if self.year is None:
            return "LOP"
        prefix = "FY" if self.calendar == FISCAL else ""
        suffix = f"Q{self.quarter}" if self.quarter else ""
        return f"{prefix}{self.year}{suffix}"

    def __str__(self) -> str:
        return self.code

    @property
    def start(self) -> date:
        if self.year is None:
            raise PeriodError("LOP has no bounds of its own; use bounds(period, start, end)")
        if self.calendar == FISCAL:
            first = date(self.year - 1, 10, 1)
            if self.quarter:
                return _add_months(first, 3 * (self.quarter - 1))
            return first
        return date(self.year, 3 * (self.quarter - 1) + 1 if self.quarter else 1, 1)

    @property
    def end(self) -> date:
        months = 3 if self.quarter else 12
        return _add_months(self.start, months) - timedelta(days=1)

    @property
    def fiscal_year(self) -> Period:
        """The year this quarter belongs to (``FY2019`` for ``FY2019Q3``)."""
        return Period(self.calendar, self.year, None)

    def quarters(self) -> list[Period]:
        """The four quarters of a year; a quarter is its own only quarter."""
        if self.quarter:
            return [self]
        return [Period(self.calendar, self.year, q) for q in range(1, 5)]

    def label(self, short: bool = False) -> str:
        """In words, as on a report cover: ``FY2019 Q3: 1 April – 30 June 2019``; short: ``FY2019 Q3``, as
        buttons and messages name the quarter they act on."""
        start, end = self.start, self.end
        if self.quarter:
            prefix = (_("FY{year} Q{quarter}") if self.calendar == FISCAL else _("{year} Q{quarter}")).format(
                year=self.year, quarter=self.quarter
            )
        elif self.year is not None and self.calendar == FISCAL:
            prefix = _("FY{year}").format(year=self.year)
        else:
            prefix = self.code
        if short:
            return prefix
        if start.year == end.year:
            span = f"{format_day(start, 'd MMMM')} – {format_day(end)}"
        else:
            span = f"{_day(start)} – {_day(end)}"
        return _("{period}: {span}").format(period=prefix, span=span)


LOP = Period(FISCAL, None, None)

_QUARTER_RE = re.compile(r"^(FY)?(\d{2}|\d{4})Q([1-4])$")
_YEAR_RE = re.compile(r"^(FY)?(\d{2}|\d{4})$")


def parse(text: str, calendar: str | None = None) -> Period:
    """Read a period as people type it: ``FY2019Q3``, ``FY19Q3``, ``fy2019 q3``, ``FY2019-Q3``, ``2012Q1``,
    ``FY2019``, ``2012``, ``LOP``.

    A code with ``FY`` is fiscal; one without is calendar, unless ``calendar`` says the programme is fiscal,
    in which case ``2019Q3`` means ``FY2019Q3``. A ``FY`` code given for a calendar programme is refused.
    """
    if not isinstance(text, str) or not text.strip():
        raise PeriodError("no period given; expected a code such as FY2019Q3, FY2019 or LOP")
    cleaned = re.sub(r"[\s\-_/.]", "", text.strip().upper())
    if cleaned in ("LOP", "LIFEOFPROJECT"):
        return Period(calendar or FISCAL, None, None)
    match = _QUARTER_RE.match(cleaned) or _YEAR_RE.match(cleaned)
    if not match:
        raise PeriodError(
            f"{text!r} is not a period; expected a code such as FY2019Q3, FY2019, 2012Q1 or LOP"
        )
    fiscal_prefix, year_text = match.group(1), match.group(2)
    year = int(year_text) + 2000 if len(year_text) == 2 else int(year_text)
    quarter = int(match.group(3)) if match.re is _QUARTER_RE else None
    if fiscal_prefix and calendar == CALENDAR:
        raise PeriodError(
            f"{text!r} is a fiscal-year period, but this programme reports on calendar quarters "
            f"(such as {year}Q1)"
        )
    cal = FISCAL if fiscal_prefix else (calendar or CALENDAR)
    return Period(cal, year, quarter)


def quarter_of(day: date, calendar: str = FISCAL) -> Period:
    """The reporting quarter a date falls in."""
    if calendar == FISCAL:
        year = day.year + 1 if day.month >= 10 else day.year
        quarter = ((day.month - 10) % 12) // 3 + 1
        return Period(FISCAL, year, quarter)
    return Period(CALENDAR, day.year, (day.month - 1) // 3 + 1)


def quarters_between(start: date, end: date, calendar: str = FISCAL) -> list[Period]:
    """Every reporting quarter that overlaps [start, end], in order."""
    if end < start:
        return []
    current, last = quarter_of(start, calendar), quarter_of(end, calendar)
    out = [current]
    while current != last:
        current = next_quarter(current)
        out.append(current)
    return out


def years_between(start: date, end: date, calendar: str = FISCAL) -> list[Period]:
    """Every reporting year (fiscal or calendar) that overlaps [start, end], in order."""
    seen: list[Period] = []
    for quarter in quarters_between(start, end, calendar):
        if quarter.fiscal_year not in seen:
            seen.append(quarter.fiscal_year)
    return seen


def next_quarter(period: Period) -> Period:
    year, quarter = _year_and_quarter(period)
    if quarter == 4:
        return Period(period.calendar, year + 1, 1)
    return Period(period.calendar, year, quarter + 1)


def previous_quarter(period: Period) -> Period:
    year, quarter = _year_and_quarter(period)
    if quarter == 1:
        return Period(period.calendar, year - 1, 4)
    return Period(period.calendar, year, quarter - 1)


def _year_and_quarter(period: Period) -> tuple[int, int]:
    if period.year is None or period.quarter is None:
        raise PeriodError(f"{period.code} is not a quarter")
    return period.year, period.quarter


def bounds(period: Period, programme_start: date, programme_end: date) -> tuple[date, date]:
    """The dates a period covers for a programme: LOP is the programme's own period, others are clipped to it."""
    if period.kind == "lop":
        return programme_start, programme_end
    return max(period.start, programme_start), min(period.end, programme_end)


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)


def _day(day: date) -> str:
    return format_day(day)
