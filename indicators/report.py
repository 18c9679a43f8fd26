"""The quarterly report as plain data (built by ``indicators.reporting.reporting``); the writers in ``exports`` only lay
it out, so they need nothing but this module's dataclasses.

Victim figures: a report for a donor or the public (``indicators.protection.disclosure``) carries a withheld figure as
None with what it reads instead (``withheld``: "<5", "*", or "n/p" for a category not published for that
period), so a writer that only lays out values can never print one.

Scales: every value keeps the figures' own scale. Counts are counts; a percent indicator's actual, targets
and baseline are on 0–100 (81.25 means 81.25 %); percent of target is a whole number (85 means 85 % of the
full target), rounded once by the figures and never re-rounded here, so a cell's colour and its number agree.

What goes in: the cover facts, every indicator grouped under its logframe result, its disaggregations, the
quarter's activities (trainings, awareness events, meetings, policy and research steps — never a case record:
cases appear only as two counts), and the uploads whose rows feed the figures up to the report quarter.
With history (the IATI file) every indicator also carries every earlier quarter and year, from the same
figures, so each quarter, year and life-of-project value in the XML is the one the dashboard shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from indicators import periods
from indicators.i18n import N_, format_day
from indicators.numbers import plain
from indicators.periods import Period
from indicators.status import AHEAD, BEHIND, ON_TRACK, meaning
from indicators.vocabulary import DISAGGREGATIONS

if TYPE_CHECKING:  # built from this module's report by the quarterly report's formats alone
    from indicators.reporting.drafting import Drafting

IMPLEMENTER = "International Organization for Migration (IOM) Rwanda"
LEVEL_NAMES = {"goal": "Goal", "outcome": "Outcome", "output": "Output"}

# The status key printed on every report: what each word means (one text for screen and workbooks).
STATUS_KEY = tuple((status, meaning(status)) for status in (ON_TRACK, AHEAD, BEHIND, None))

# what a figure withheld from a donor or the public reads instead (``indicators.protection.disclosure``): a category not
# published for that period; the others are "<5" (a small count) and "*" (withheld to protect one)
NOT_PUBLISHED = "n/p"
COMPLEMENTARY = "*"

# key -> heading, in the report's order (English in the Word report; the Reports page shows it translated)
SECTIONS = {
    "highlights": N_("Highlights of the quarter"),
    "challenges": N_("Challenges and lessons learned"),
    "plans": N_("Plans for the next quarter"),
}

SHORT_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class PhaseFunding:
    name: str
    start: date
    end: date
    budget: float
    pledged: float
    pledged_by: str | None
    gap: float


@dataclass(frozen=True)
class Revision:
    """What a re-issued report replaces: the version of the quarter's report sent before (``indicators.figures.signoff``)
    and the indicators whose figures differ from it. The workbooks print it on their cover as "Revised"."""

    replaces: int  # the version replaced
    replaces_signed_at: datetime  # when it was signed off (UTC)
    replaces_sha256: str  # of the file sent then
    changed: (
        tuple[str, ...] | None
    )  # indicator codes whose figures differ; None if that version kept no figures
    reason: str | None = None  # why the quarter was reopened


@dataclass(frozen=True)
class Location:
    """A district where activities took place: its administrative code and centre (``indicators.figures.geography``)."""

    name: str
    code: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Cover:
    programme_code: str
    programme_title: str
    description: str | None
    donor: str
    award_number: str | None
    implementer: str
    partners: tuple[str, ...]
    government_lead: str | None
    programme_start: date
    programme_end: date
    calendar: str  # fiscal | calendar
    currency: str
    period_code: str  # FY2019Q3
    period_label: str  # FY2019 Q3: 1 April – 30 June 2019
    period_start: date
    period_end: date
    year_code: str  # FY2019 | 2012
    year_label: str  # FY2019: 1 October 2018 – 30 September 2019
    prepared: datetime  # when this report was generated (UTC)
    data_as_of: datetime | None  # the latest upload feeding the figures (UTC)
    phases: tuple[PhaseFunding, ...] = ()
    missing_narratives: tuple[str, ...] = ()  # indicators off target by more than 15% with no narrative
    # donor or partner name -> IATI organisation type code, from the programme file
    organisation_types: dict[str, str] = field(default_factory=dict)
    # what the IATI record publishes beyond the logframe (the programme file's ``iati:``): donor or partner
    # name -> IATI organisation identifier; (DAC purpose code, percentage); humanitarian; whom to contact
    organisation_refs: dict[str, str] = field(default_factory=dict)
    sectors: tuple[tuple[str, float], ...] = ()
    humanitarian: bool = False
    contact: dict | None = None
    # language code -> {"title": …, "description": …}: the programme's texts in other languages, for IATI
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    # the districts where the programme's activities took place up to the report quarter
    locations: tuple[Location, ...] = ()
    revision: Revision | None = None  # a re-issue: the version it replaces and what changed since

    @property
    def year_term(self) -> str:
        """How the report names its year in column headings: ``FY`` (fiscal) or ``Year`` (calendar)."""
        return "FY" if self.calendar == periods.FISCAL else "Year"

    @property
    def programme_span(self) -> str:
        return f"{day_in_words(self.programme_start)} – {day_in_words(self.programme_end)}"


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
    # What the status is judged against (see the module's rules) and the actual as a whole percentage of it.
    target_to_date: float | None = None
    percent_of_target_to_date: int | None = None
    # Withheld from this reader ("<5", "*" or "n/p", ``indicators.protection.disclosure``): the actual and everything
    # derived from it are None.
    withheld: str | None = None


@dataclass(frozen=True)
class QuarterCell:
    """One of the report year's four quarters in the indicator table."""

    code: str  # FY2019Q1
    heading: str  # Q1
    months: str  # Oct–Dec
    actual: float | None  # None after the report quarter, outside the programme, or a ratio of nothing
    withheld: str | None = None  # what it reads instead when withheld from this reader ("<5", "*")


@dataclass(frozen=True)
class CategoryActual:
    disaggregation: str  # sex
    label: str  # Sex
    category: str  # Female
    actual: float | None
    target: float | None = None
    withheld: str | None = None


@dataclass(frozen=True)
class PeriodActual:
    """One quarter's actual, with its categories (the IATI writer's quarterly periods)."""

    code: str
    start: date  # clipped to the programme
    end: date
    actual: float | None
    categories: tuple[CategoryActual, ...] = ()
    comment: str | None = None
    withheld: str | None = None


@dataclass(frozen=True)
class PeriodTarget:
    """A year or the life of project: its target and the actual so far (complete or to date)."""

    code: str  # FY2019 | 2012 | LOP
    start: date  # clipped to the programme
    end: date
    target: float | None
    actual: float | None
    through: str  # the last quarter included, FY2019Q3
    complete: bool  # the actual covers the whole period
    categories: tuple[CategoryActual, ...] = ()
    withheld: str | None = None


@dataclass(frozen=True)
class IndicatorRow:
    code: str
    name: str
    definition: str | None
    standard_indicator: str | None
    unit: str  # number | percent
    baseline: float | None
    result_code: str
    quarter: Figure  # the report quarter
    quarters: tuple[QuarterCell, ...]
    year: Figure  # year to date against the year's full target
    lop: Figure  # life of project to date against the LOP target
    status: str | None
    narrative: str | None
    needs_narrative: bool
    judged: Figure | None = (
        None  # the figure the status is judged on: its target to date and percentage of it
    )
    milestone: bool = False  # judged against the full target (see indicators.figures.figures)
    # The periods the IATI writer publishes: the report quarter, its year and the life of project, and with
    # history every earlier quarter and year too.
    history: tuple[PeriodActual, ...] = ()
    years: tuple[PeriodTarget, ...] = ()
    life_of_project: PeriodTarget | None = None
    source_kind: str = ""  # the sheet kind counted
    counts_people: bool = False  # from a sensitive kind (cases): small counts are withheld from public files


@dataclass(frozen=True)
class ResultGroup:
    code: str
    level: str  # goal | outcome | output
    statement: str
    indicators: tuple[IndicatorRow, ...]
    description: str | None = None

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES.get(self.level, self.level.title())

    @property
    def heading(self) -> str:
        return f"Result {self.code} ({self.level_name}): {self.statement}"


@dataclass(frozen=True)
class DisaggregationRow:
    indicator_code: str
    indicator_name: str
    unit: str
    disaggregation: str  # sex
    label: str  # Sex
    category: str  # Female
    quarter: float | None
    year_to_date: float | None
    lop_to_date: float | None
    # what each reads instead when withheld from this reader: "<5", "*", or "n/p" (not published)
    withheld: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ActivityRow:
    kind: str  # the kind's report label: Training, Awareness event, ...
    reference: str | None
    date: dt.date
    end_date: dt.date | None = None
    location: str | None = None
    description: str | None = None
    group: str | None = None  # target group, setting or instrument type
    stage: str | None = None
    female: int | None = None
    male: int | None = None
    total: int | None = None
    notes: str | None = None
    source: str | None = None  # the upload (by its date), sheet and row the record came from


@dataclass(frozen=True)
class ActivitySummary:
    """Activities of one kind in one place and group, for a quarter too large to list one by one."""

    kind: str  # the kind's report label
    location: str | None  # district (trainings, awareness) or body (meetings)
    group: str | None  # target group, setting, instrument type; stage for policy and research steps
    activities: int
    female: int | None = None
    male: int | None = None
    total: int | None = None


@dataclass(frozen=True)
class CaseCounts:
    """Counts only: individual case records never leave the store."""

    identified: int
    referred: int


@dataclass(frozen=True)
class SourceRow:
    """An upload feeding the figures, as a donor may read of it: what it held and when, never its file's name
    or who sent it (internal names); its SHA-256 lets the programme find the very file."""

    sha256: str
    uploaded_at: datetime
    rows: int  # stored rows from this upload that feed the figures up to the report quarter
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    cover: Cover
    results: tuple[ResultGroup, ...]
    disaggregations: tuple[DisaggregationRow, ...]
    activities: tuple[ActivityRow, ...]
    sources: tuple[SourceRow, ...]
    case_counts: CaseCounts | None = None  # None when the programme measures nothing from cases
    unsourced_rows: int = 0  # rows feeding the figures with no upload on record (direct entry, demo data)
    # A quarter with more than LIST_LIMIT activity records is summarised instead of listed.
    activity_count: int = 0
    activity_summary: tuple[ActivitySummary, ...] = ()
    status_key: tuple[tuple[str | None, str], ...] = STATUS_KEY
    # the quarterly progress report's own parts (sections, draft or final, victims as the donor's channel
    # shows them: ``indicators.reporting.drafting``), for the formats that lay them out (``drafted``); None otherwise
    drafting: Drafting | None = None

    @property
    def indicators(self) -> list[IndicatorRow]:
        return [row for group in self.results for row in group.indicators]


# --- words --------------------------------------------------------------------------------------------------


def day_in_words(day: date) -> str:
    """``1 April 2019``, in the language of the moment (``1 avril 2019``)."""
    return format_day(day)


def label(disaggregation: str) -> str:
    """How a disaggregation is named in a report: ``Sex``, ``Target group``."""
    return DISAGGREGATIONS.get(disaggregation, disaggregation.replace("_", " ").capitalize())


def months(quarter: Period) -> str:
    """A quarter's months: ``Oct–Dec``."""
    start, end = quarter.start, quarter.end
    return f"{SHORT_MONTHS[start.month - 1]}–{SHORT_MONTHS[end.month - 1]}"


# The results rows (DOMAIN §8): what the CSV export writes and what a sign-off keeps (indicators.reporting.versions)
COLUMNS = ("programme", "indicator", "period", "disaggregation", "category", "actual", "target")


def figure_rows(report: Report) -> list[tuple[str, ...]]:
    """The report's results rows, as text: per indicator the report quarter (no target), the year to date
    (against the year's target) and the life of project to date (against the LOP target), each the total
    (empty disaggregation and category) then every category in report order. A report for a donor
    (``indicators.protection.disclosure``) gives a withheld victim count as what it reads instead (``<5``, ``*``) and
    leaves out the categories not published for a period."""
    c = report.cover
    spans = (
        ("quarter", "quarter", c.period_code),
        ("year", "year_to_date", c.year_code),
        ("lop", "lop_to_date", "LOP"),
    )
    out: list[tuple[str, ...]] = []
    for line in report.indicators:
        categories = [d for d in report.disaggregations if d.indicator_code == line.code]
        for total, attribute, period in spans:
            figure = getattr(line, total)
            out.append(
                (
                    c.programme_code,
                    line.code,
                    period,
                    "",
                    "",
                    figure.withheld or plain(figure.actual),
                    plain(figure.target),
                )
            )
            for category in categories:
                label = category.withheld.get(attribute)
                if label == NOT_PUBLISHED:
                    continue
                out.append(
                    (
                        c.programme_code,
                        line.code,
                        period,
                        category.disaggregation,
                        category.category,
                        label or plain(getattr(category, attribute)),
                        "",
                    )
                )
    return out
