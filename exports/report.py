"""The quarterly report as plain data, built once from the figures; the writers only lay it out.

Scales: every value keeps the figures' own scale. Counts are counts; a percent indicator's actual, targets
and baseline are on 0–100 (81.25 means 81.25 %); percent of target is a whole number (85 means 85 % of the
full target), rounded once by the figures and never re-rounded here, so a cell's colour and its number agree.

What goes in: the cover facts, every indicator grouped under its logframe result, its disaggregations, the
quarter's activities (trainings, awareness events, meetings, policy and research steps — never a case record:
cases appear only as two counts), and the uploads whose rows feed the figures up to the report quarter.
``history`` (used by the IATI writer) adds the figures of every earlier quarter, fetched through the same
figures function, so each quarter, year and life-of-project value in the XML is the one the dashboard shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from indicators.records import (
    LIST_LIMIT,
    ActivityRow,
    ActivitySummary,
    CaseCounts,
    SourceRow,
    activity_count,
    activity_rows,
    activity_summary,
    case_counts,
    source_rows,
)
from indicators import periods
from indicators.figures import Figure, IndicatorFigures, ProgrammeFigures
from indicators.status import AHEAD, BEHIND, ON_TRACK, meaning
from indicators.models import Programme
from indicators.periods import Period
from indicators.vocabulary import DISAGGREGATIONS

IMPLEMENTER = "International Organization for Migration (IOM) Rwanda"
LEVEL_NAMES = {"goal": "Goal", "outcome": "Outcome", "output": "Output"}

# The status key printed on every report: what each word means (one text for screen and workbooks).
STATUS_KEY = tuple((status, meaning(status)) for status in (ON_TRACK, AHEAD, BEHIND, None))

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

    @property
    def year_term(self) -> str:
        """How the report names its year in column headings: ``FY`` (fiscal) or ``Year`` (calendar)."""
        return "FY" if self.calendar == periods.FISCAL else "Year"

    @property
    def programme_span(self) -> str:
        return f"{day_in_words(self.programme_start)} – {day_in_words(self.programme_end)}"


@dataclass(frozen=True)
class QuarterCell:
    """One of the report year's four quarters in the indicator table."""

    code: str  # FY2019Q1
    heading: str  # Q1
    months: str  # Oct–Dec
    actual: float | None  # None after the report quarter, outside the programme, or a ratio of nothing


@dataclass(frozen=True)
class CategoryActual:
    disaggregation: str  # sex
    label: str  # Sex
    category: str  # Female
    actual: float | None
    target: float | None = None


@dataclass(frozen=True)
class PeriodActual:
    """One quarter's actual, with its categories (the IATI writer's quarterly periods)."""

    code: str
    start: date  # clipped to the programme
    end: date
    actual: float | None
    categories: tuple[CategoryActual, ...] = ()
    comment: str | None = None


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
    judged: Figure | None = None  # the figure the status is judged on: its target to date and percentage of it
    milestone: bool = False  # judged against the full target (see indicators.figures)
    # The periods the IATI writer publishes: the report quarter, its year and the life of project, and with
    # history every earlier quarter and year too.
    history: tuple[PeriodActual, ...] = ()
    years: tuple[PeriodTarget, ...] = ()
    life_of_project: PeriodTarget | None = None
    source_kind: str = ""  # the sheet kind counted: "cases" are people, whose small counts the IATI file withholds


@dataclass(frozen=True)
class ResultGroup:
    code: str
    level: str  # goal | outcome | output
    statement: str
    indicators: tuple[IndicatorRow, ...]

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

    @property
    def indicators(self) -> list[IndicatorRow]:
        return [row for group in self.results for row in group.indicators]


# --- building -----------------------------------------------------------------------------------------------


def build_report(
    session: Session,
    programme_figures: ProgrammeFigures,
    *,
    prepared: datetime | None = None,
    history: Callable[[Period], ProgrammeFigures] | None = None,
) -> Report:
    """The report for one programme and quarter. ``history`` returns the figures of an earlier quarter
    (normally ``lambda q: figures(session, code, q)``); without it the report carries the report quarter,
    its year to date and the life of project to date, which is all the workbooks show."""
    pf = programme_figures
    programme = session.scalar(select(Programme).where(Programme.code == pf.programme.code))
    prepared = prepared or datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    cover = build_cover(pf, prepared=prepared, programme=programme)
    results = group_results(pf, history=_history(pf, history))
    disaggregations = tuple(disaggregation_rows(pf))
    if programme is None:  # figures built by hand for a programme not in the store
        return Report(cover, results, disaggregations, (), ())
    sources, unsourced = source_rows(session, programme, pf.period)
    measures_cases = any(f.indicator.source_kind == "cases" for f in pf.indicators)
    count = activity_count(session, programme, pf.period)
    listed = count <= LIST_LIMIT
    return Report(
        cover=cover,
        results=results,
        disaggregations=disaggregations,
        activities=tuple(activity_rows(session, programme, pf.period)) if listed else (),
        activity_count=count,
        activity_summary=() if listed else tuple(activity_summary(session, programme, pf.period)),
        sources=tuple(sources),
        case_counts=case_counts(session, programme, pf.period) if measures_cases else None,
        unsourced_rows=unsourced,
    )


def build_cover(pf: ProgrammeFigures, *, prepared: datetime, programme: Programme | None = None) -> Cover:
    info = pf.programme
    phases = ()
    if programme is not None:
        phases = tuple(
            PhaseFunding(
                p.name,
                p.start_date,
                p.end_date,
                float(p.budget),
                float(p.pledged or 0),
                p.pledged_by,
                float(p.funding_gap),
            )
            for p in programme.phases
        )
    return Cover(
        programme_code=info.code,
        programme_title=info.title,
        description=programme.description if programme is not None else None,
        donor=info.donor,
        award_number=info.award_number or None,
        implementer=IMPLEMENTER,
        partners=tuple(info.partners),
        government_lead=info.government_lead,
        programme_start=info.start_date,
        programme_end=info.end_date,
        calendar=info.calendar,
        currency=programme.currency if programme is not None else "USD",
        period_code=pf.period.code,
        period_label=pf.period.label(),
        period_start=pf.period.start,
        period_end=pf.period.end,
        year_code=pf.year.code,
        year_label=pf.year.label(),
        prepared=prepared,
        data_as_of=pf.data_as_of,
        phases=phases,
        missing_narratives=tuple(f.indicator.code for f in pf.indicators if f.needs_narrative),
    )


def group_results(pf: ProgrammeFigures, history: dict[str, ProgrammeFigures]) -> tuple[ResultGroup, ...]:
    """Indicators under their results, in the logframe's order (results in order of first appearance)."""
    groups: dict[str, tuple[str, str, list[IndicatorRow]]] = {}
    for figures in pf.indicators:
        info = figures.indicator
        row = indicator_row(pf, figures, history)
        groups.setdefault(info.result_code, (info.result_level, info.result_statement, []))[2].append(row)
    return tuple(
        ResultGroup(code, level, statement, tuple(rows)) for code, (level, statement, rows) in groups.items()
    )


def indicator_row(
    pf: ProgrammeFigures, figures: IndicatorFigures, history: dict[str, ProgrammeFigures]
) -> IndicatorRow:
    """One indicator's row, with the periods its figures cover (``history``: figures by quarter code)."""
    info = figures.indicator
    quarters = tuple(
        QuarterCell(
            code=q.code, heading=f"Q{q.quarter}", months=_months(q), actual=figures.year_quarters.get(q.code)
        )
        for q in pf.year.quarters()
    )
    row = IndicatorRow(
        code=info.code,
        name=info.name,
        definition=info.definition,
        standard_indicator=info.standard_indicator,
        unit=info.unit,
        baseline=info.baseline,
        result_code=info.result_code,
        quarter=figures.quarter,
        quarters=quarters,
        year=figures.year_to_date,
        lop=figures.lop_to_date,
        status=figures.status,
        narrative=(figures.narrative or "").strip() or None,
        needs_narrative=figures.needs_narrative,
        judged=figures.judged,
        milestone=info.milestone,
        source_kind=info.source_kind,
    )
    return _with_periods(pf, row, history)


def disaggregation_rows(pf: ProgrammeFigures):
    for figures in pf.indicators:
        info = figures.indicator
        for cat in figures.disaggregations:
            yield DisaggregationRow(
                indicator_code=info.code,
                indicator_name=info.name,
                unit=info.unit,
                disaggregation=cat.disaggregation,
                label=_label(cat.disaggregation),
                category=cat.category,
                quarter=cat.quarter.actual,
                year_to_date=cat.year_to_date.actual,
                lop_to_date=cat.lop_to_date.actual,
            )


# --- periods (IATI) ---------------------------------------------------------------------------------


def _history(
    pf: ProgrammeFigures, fetch: Callable[[Period], ProgrammeFigures] | None
) -> dict[str, ProgrammeFigures]:
    """The figures of every quarter from the programme's first to the report quarter, keyed by quarter code;
    without ``fetch``, the report quarter's alone."""
    if fetch is None:
        return {pf.period.code: pf}
    info = pf.programme
    out: dict[str, ProgrammeFigures] = {}
    for quarter in periods.quarters_between(info.start_date, pf.period.end, info.calendar):
        out[quarter.code] = pf if quarter == pf.period else fetch(quarter)
    return out


def _with_periods(
    pf: ProgrammeFigures, row: IndicatorRow, history: dict[str, ProgrammeFigures]
) -> IndicatorRow:
    info = pf.programme
    start, end = info.start_date, info.end_date
    by_quarter = {code: _find(hist, row.code) for code, hist in history.items()}
    all_quarters = periods.quarters_between(start, end, info.calendar)

    quarterly = []
    for code, figures in by_quarter.items():
        if figures is None:
            continue
        q_start, q_end = periods.bounds(periods.parse(code, info.calendar), start, end)
        quarterly.append(
            PeriodActual(
                code=code,
                start=q_start,
                end=q_end,
                actual=figures.quarter.actual,
                categories=_categories(figures, "quarter"),
                comment=(figures.narrative or "").strip() or None,
            )
        )

    years = []
    for year in periods.years_between(start, pf.period.end, info.calendar):
        reported = [
            q for q in all_quarters if q.fiscal_year == year and q <= pf.period and q.code in by_quarter
        ]
        if not reported or by_quarter[reported[-1].code] is None:
            continue
        last = reported[-1]
        figures = by_quarter[last.code]
        y_start, y_end = periods.bounds(year, start, end)
        complete = last == [q for q in all_quarters if q.fiscal_year == year][-1]
        years.append(
            PeriodTarget(
                code=year.code,
                start=y_start,
                end=y_end,
                target=figures.year_to_date.target,
                actual=figures.year_to_date.actual,
                through=last.code,
                complete=complete,
                categories=_categories(figures, "year_to_date"),
            )
        )

    current = by_quarter.get(pf.period.code)
    lop = None
    if current is not None:
        lop = PeriodTarget(
            code="LOP",
            start=start,
            end=end,
            target=current.lop_to_date.target,
            actual=current.lop_to_date.actual,
            through=pf.period.code,
            complete=pf.period == all_quarters[-1],
            categories=_categories(current, "lop_to_date"),
        )
    return replace(row, history=tuple(quarterly), years=tuple(years), life_of_project=lop)


def _find(pf: ProgrammeFigures, code: str) -> IndicatorFigures | None:
    return next((f for f in pf.indicators if f.indicator.code == code), None)


def _categories(figures: IndicatorFigures, which: str) -> tuple[CategoryActual, ...]:
    out = []
    for cat in figures.disaggregations:
        figure: Figure = getattr(cat, which)
        out.append(
            CategoryActual(
                disaggregation=cat.disaggregation,
                label=_label(cat.disaggregation),
                category=cat.category,
                actual=figure.actual,
                target=figure.target,
            )
        )
    return tuple(out)


# --- words --------------------------------------------------------------------------------------------------


def day_in_words(day: date) -> str:
    return f"{day.day} {periods.MONTHS[day.month - 1]} {day.year}"


def _label(disaggregation: str) -> str:
    return DISAGGREGATIONS.get(disaggregation, disaggregation.replace("_", " ").capitalize())


def _months(quarter: Period) -> str:
    start, end = quarter.start, quarter.end
    return f"{SHORT_MONTHS[start.month - 1]}–{SHORT_MONTHS[end.month - 1]}"
