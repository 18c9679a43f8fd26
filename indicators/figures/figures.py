"""The one figures function that the dashboard and every export call.

Rules (DOMAIN §6):
- ``count`` counts rows, ``sum`` adds count columns, ``stage`` counts distinct instruments/titles in the
  period they *first* reach the stage, ``ratio`` is sum(numerator) / sum(denominator) × 100 recomputed
  from the period's sums, never averaged across quarters or categories.
- A quarter's actual is its own; fiscal year to date adds the year's quarters up to the report quarter;
  life of project to date adds every quarter from the programme start up to the report quarter.
- Percent of target = actual / target (the full target of the period).
- Status compares the actual with the **target to date**, which every screen and workbook shows beside it:
  * a count or sum: the period's target pro-rated by the share of the period elapsed at the end of the
    report quarter (by days; see below), rounded half up to a whole number because it counts whole
    trainings or people (299, not 299.2 people; 7 trainings, not 7.5), and judged as shown;
  * a percentage: the full target (a rate is not pro-rated);
  * a milestone (a ``stage`` measure: a study published, a law or SOP adopted, counted once when reached):
    the full target, because one study cannot be a third done by the first quarter. It is judged as a
    percentage of its full target, except that falling short is not Behind while the period is still
    running: until the period's last quarter a milestone short of its target is On track. So a target of
    1 law is On track in Q1 with 0 adopted, On track (not Ahead) the quarter it is adopted, and Behind only
    if the year (or life of project) ends without it.
  The percentage of the target to date is rounded half up once to a whole number, then banded: within
  ±15 On track, above Ahead, below Behind. A target to date of 0: no percentage; Ahead when the actual is
  above 0, else On track. No target, no status.

How the rules are applied here:
- Pro-rating is by days. A fiscal year is clipped to the programme (KEC's FY2017 runs 1 January –
  30 September 2017, PVR's FY2018 1 February – 30 September 2018, both programmes' FY2020 1 October 2019 –
  30 June 2020); the share elapsed is the days from the clipped start through the end of the report
  quarter over the clipped year's days. LOP: the same over the programme's days. A quarter's own target
  (the charts) is the year's target times the quarter's share of the clipped year, by the same days.
- A ratio with nothing to divide by (actual None): no percentage, no status.
- Every figure shown or written is rounded by ``indicators.numbers`` (half up: 81.25 is 81.3%).
- Categories have no targets of their own, so no percentage or status. A category is listed when it has
  rows in the programme through the report quarter (Female and Male always for a female/male sum), in
  vocabulary order with Unknown last.
- A percentage entered directly (source ``results``, unit percent) is taken as entered: the quarter's
  entry; for the year or LOP the entry for that period code if there is one, else the latest quarter's.
- The sums come from ``indicators.figures.sums.quarter_sums``, one SQL statement per indicator, so the number
  of queries does not grow with the number of quarters; how they cumulate is the measure's
  (``indicators.figures.measures``). ``figures_by_quarter`` gives every quarter's figures through a report quarter
  from those same sums, read once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from indicators import periods
from indicators.figures.categories import order_categories
from indicators.figures.measure_targets import (
    elapsed_share,
    is_milestone,
    make_figure,
    quarter_target,
    status,
    target_to_date,
)
from indicators.figures.measures import TOTAL, MeasureError, PeriodActual, Sums, measure
from indicators.figures.sums import Source, fixed_categories, quarter_sums
from indicators.periods import LOP, Period, PeriodError
from indicators.report import Figure
from indicators.status import AHEAD, BEHIND, ON_TRACK
from indicators.store.models import Indicator, Narrative, Programme
from indicators.store.records import latest_upload

# Judging a figure against its target lives in ``measure_targets``; it stays importable from here, with the
# status words, for the screens and workbooks that read every figure from this module.
__all__ = [
    "AHEAD",
    "BEHIND",
    "ON_TRACK",
    "CategoryFigures",
    "Figure",
    "FiguresError",
    "IndicatorFigures",
    "IndicatorInfo",
    "ProgrammeFigures",
    "ProgrammeInfo",
    "by_category",
    "elapsed_share",
    "figures",
    "figures_by_quarter",
    "indicator_info",
    "is_milestone",
    "load_programme",
    "make_figure",
    "period_actual",
    "programme_info",
    "programme_quarters",
    "quarter_target",
    "report_quarter",
    "status",
    "target_to_date",
]


class FiguresError(ValueError):
    """An unknown programme or period, or a period outside the programme."""


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
    result_description: str | None = None

    @property
    def milestone(self) -> bool:
        """Counted once when reached (a ``stage`` measure): judged against the full target, not pro-rated."""
        return is_milestone(self.measure)

    @property
    def measure_words(self) -> str:
        """How the indicator is measured, in the measure's own words; "–" for a measure no one knows (a store
        edited by hand: programme files refuse it), never its key."""
        try:
            return measure(self.measure, kind=self.source_kind, unit=self.unit, code=self.code).describe()
        except MeasureError:
            return "–"


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
    # quarters of ``year_quarters`` withheld from this reader, with what they read instead ("<5", "*")
    withheld_quarters: dict[str, str] = field(default_factory=dict)

    @property
    def judged(self) -> Figure:
        """The figure the row's status comes from: the year to date where the year has a target, else the
        life of project to date."""
        return self.year_to_date if self.year_to_date.target is not None else self.lop_to_date

    @property
    def status(self) -> str | None:
        """The row's status: against the year's target to date where there is one, else the LOP's."""
        return self.judged.status

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
    data_as_of: datetime | None  # the latest stored upload feeding records up to the report quarter


def figures(session: Session, programme: str, period: str | Period) -> ProgrammeFigures:
    """Every indicator of a programme for one report quarter: quarter, year to date and LOP to date,
    with their disaggregations and narratives. Raises ``FiguresError`` for an unknown programme, an
    unreadable period, or a quarter outside the programme."""
    record = load_programme(session, programme)
    report = report_quarter(record, period)
    lop = [q for q in programme_quarters(record) if q <= report]
    notes = _narratives(session, record, [report.code])
    lines = []
    for indicator in record.indicators:
        source = _source(indicator)
        sums = _sums(session, source, _codes(source, lop, report))
        lines.append(
            _indicator_figures(
                record, indicator, source, by_category(sums), report, notes.get((indicator.id, report.code))
            )
        )
    return _programme_figures(session, record, report, lines)


def figures_by_quarter(session: Session, programme: str, period: str | Period) -> dict[str, ProgrammeFigures]:
    """What ``figures`` gives for every quarter of a programme from its first to the report quarter, keyed by
    quarter code, from one read of each indicator's sums (a report publishing every quarter's figures).
    Only the report quarter's ``data_as_of`` is looked up; earlier quarters' is None."""
    record = load_programme(session, programme)
    report = report_quarter(record, period)
    lop = [q for q in programme_quarters(record) if q <= report]
    notes = _narratives(session, record, [q.code for q in lop])
    lines: dict[str, list[IndicatorFigures]] = {q.code: [] for q in lop}
    for indicator in record.indicators:
        source = _source(indicator)
        every = _sums(session, source, sorted({code for q in lop for code in _codes(source, lop, q)}))
        for quarter in lop:
            # exactly the sums ``figures`` reads for this quarter: a quarter's sums never depend on later ones
            wanted = set(_codes(source, lop, quarter))
            sums = {key: value for key, value in every.items() if key[0] in wanted}
            lines[quarter.code].append(
                _indicator_figures(
                    record,
                    indicator,
                    source,
                    by_category(sums),
                    quarter,
                    notes.get((indicator.id, quarter.code)),
                )
            )
    out = {
        q.code: ProgrammeFigures(programme_info(record), q, q.fiscal_year, lines[q.code], None) for q in lop
    }
    out[report.code] = _programme_figures(session, record, report, lines[report.code])
    return out


def _programme_figures(session: Session, record: Programme, report: Period, lines: list) -> ProgrammeFigures:
    lop = [q.code for q in programme_quarters(record) if q <= report]
    latest = latest_upload(session, record.id, lop)
    return ProgrammeFigures(
        programme_info(record), report, report.fiscal_year, lines, latest.uploaded_at if latest else None
    )


def _narratives(session: Session, record: Programme, quarters: list[str]) -> dict[tuple[int, str], str]:
    if not record.indicators:
        return {}
    return {
        (indicator_id, period): text
        for indicator_id, period, text in session.execute(
            select(Narrative.indicator_id, Narrative.period, Narrative.text).where(
                Narrative.indicator_id.in_([i.id for i in record.indicators]), Narrative.period.in_(quarters)
            )
        )
    }


def _source(indicator: Indicator) -> Source:
    try:
        return Source.of(indicator)
    except MeasureError as exc:
        raise FiguresError(str(exc)) from None


def _codes(source: Source, lop: list[Period], report: Period) -> list[str]:
    """The period codes whose sums a report quarter's figures read: every quarter from the programme's first
    through it, and for a percentage entered directly its year's and LOP's own entries."""
    codes = [q.code for q in lop if q <= report]
    return codes + ([report.fiscal_year.code, LOP.code] if source.as_entered else [])


def _sums(session: Session, source: Source, codes: list[str]) -> dict:
    try:
        return quarter_sums(session, source, codes)
    except MeasureError as exc:
        raise FiguresError(str(exc)) from None


# --- programmes and periods -----------------------------------------------------------------------------


def load_programme(session: Session, programme) -> Programme:
    """The programme with its indicators, results and targets loaded; ``FiguresError`` if unknown."""
    code = str(getattr(programme, "code", programme) or "").strip().upper()
    record = session.scalar(
        select(Programme)
        .where(Programme.code == code)
        .options(
            selectinload(Programme.indicators).selectinload(Indicator.targets),
            selectinload(Programme.indicators).joinedload(Indicator.result),
        )
    )
    if record is None:
        known = session.scalars(select(Programme.code).order_by(Programme.code)).all()
        raise FiguresError(
            f"unknown programme {code or programme!r}; known programmes: "
            f"{', '.join(known) or 'none (run ctmonitor init)'}"
        )
    return record


def programme_quarters(programme) -> list[Period]:
    """Every reporting quarter of a programme (a ``Programme`` row or ``ProgrammeInfo``), in order."""
    return periods.quarters_between(programme.start_date, programme.end_date, programme.calendar)


def report_quarter(programme, period: str | Period) -> Period:
    """Read a report quarter for a programme (``FY19Q3``, ``2019Q3`` or a ``Period``); ``FiguresError``
    for a year, LOP, an unreadable code or a quarter outside the programme, naming its first and last."""
    quarters = programme_quarters(programme)
    span = f"{quarters[0].code} … {quarters[-1].code}"
    if isinstance(period, Period):
        parsed = period
    else:
        try:
            parsed = periods.parse(period, programme.calendar)
        except PeriodError as exc:
            raise FiguresError(f"{exc}; {programme.code} reports on quarters {span}") from None
    if parsed.kind == "lop":
        raise FiguresError(
            f"LOP is the life of project, not a quarter: the report period must be a quarter "
            f"of {programme.code}, {span}"
        )
    if parsed.calendar != programme.calendar:
        raise FiguresError(
            f"{parsed.code} is not on {programme.code}'s {programme.calendar} calendar; "
            f"its quarters are {span}"
        )
    if parsed.kind == "year":
        raise FiguresError(
            f"{parsed.code} is a year, not a quarter: the report period must be a quarter of "
            f"{programme.code}, {span} (for example {parsed.code}Q1)"
        )
    if parsed not in quarters:
        raise FiguresError(
            f"{parsed.code} is outside {programme.code}, which runs from {quarters[0].code} "
            f"to {quarters[-1].code}"
        )
    return parsed


def programme_info(record: Programme) -> ProgrammeInfo:
    return ProgrammeInfo(
        record.code,
        record.title,
        record.short_title,
        record.donor,
        record.award_number,
        list(record.partners or []),
        record.government_lead,
        record.start_date,
        record.end_date,
        record.calendar,
    )


def indicator_info(indicator: Indicator) -> IndicatorInfo:
    result = indicator.result
    return IndicatorInfo(
        code=indicator.code,
        name=indicator.name,
        definition=indicator.definition,
        unit=indicator.unit,
        category=indicator.category,
        result_code=result.code,
        result_statement=result.statement,
        result_level=result.level,
        standard_indicator=indicator.standard_indicator,
        baseline=indicator.baseline,
        measure=dict(indicator.measure or {}),
        source_kind=indicator.source_kind,
        source_filter=dict(indicator.source_filter or {}),
        date_field=indicator.date_field,
        disaggregations=list(indicator.disaggregations or []),
        data_source=indicator.data_source,
        targets={t.period: t.value for t in indicator.targets},
        result_description=result.description,
    )


# --- cumulating --------------------------------------------------------------------------------------------


def period_actual(
    source: Source, by_quarter: dict[str, Sums], quarters: Iterable[Period], code: str
) -> PeriodActual:
    """(actual, numerator, denominator) of one period from its quarters' sums, as the measure cumulates them:
    a count or sum adds up, a ratio is recomputed from the added sums (× 100), an entered percent is taken
    as entered."""
    return source.measure.cumulate(by_quarter, list(quarters), code)


def by_category(sums: dict) -> dict[tuple[str, str], dict[str, Sums]]:
    """``quarter_sums`` regrouped: (disaggregation, category) -> quarter code -> sums."""
    out: dict[tuple[str, str], dict[str, Sums]] = defaultdict(dict)
    for (quarter, disaggregation, category), value in sums.items():
        out[(disaggregation, category)][quarter] = value
    return out


# --- one indicator -----------------------------------------------------------------------------------------


def _indicator_figures(
    record: Programme,
    indicator: Indicator,
    source: Source,
    series: dict,
    report: Period,
    narrative: str | None,
) -> IndicatorFigures:
    """One indicator's figures for a report quarter from its sums regrouped by category (``by_category``)."""
    year = report.fiscal_year
    lop = [q for q in programme_quarters(record) if q <= report]
    ytd = [q for q in lop if q.fiscal_year == year]
    prorate = indicator.unit != "percent"
    milestone = source.measure.milestone
    whole_things = prorate and source.measure.whole
    year_share = elapsed_share(year, report, record.start_date, record.end_date) if prorate else 1
    lop_share = elapsed_share(LOP, report, record.start_date, record.end_date) if prorate else 1
    year_target, lop_target = indicator.target_for(year.code), indicator.target_for(LOP.code)
    year_over = report == [q for q in programme_quarters(record) if q.fiscal_year == year][-1]
    lop_over = report == programme_quarters(record)[-1]

    def three(by_quarter, with_targets: bool) -> tuple[Figure, Figure, Figure]:
        actual, num, den = period_actual(source, by_quarter, [report], report.code)
        quarter = make_figure(actual, numerator=num, denominator=den)
        actual, num, den = period_actual(source, by_quarter, ytd, year.code)
        in_year = make_figure(
            actual,
            year_target if with_targets else None,
            year_share,
            num,
            den,
            milestone=milestone,
            period_over=year_over,
            whole_things=whole_things,
        )
        actual, num, den = period_actual(source, by_quarter, lop, LOP.code)
        to_date = make_figure(
            actual,
            lop_target if with_targets else None,
            lop_share,
            num,
            den,
            milestone=milestone,
            period_over=lop_over,
            whole_things=whole_things,
        )
        return quarter, in_year, to_date

    total = series.get((TOTAL, TOTAL), {})
    quarter, in_year, to_date = three(total, True)
    year_quarters = {}
    for q in year.quarters():
        actual = period_actual(source, total, [q], q.code)[0] if q in lop else None
        year_quarters[q.code] = None if actual is None else float(actual)
    categories = []
    for disaggregation in source.disaggregations:
        present = {c for d, c in series if d == disaggregation}
        present |= set(fixed_categories(source, disaggregation))
        for category in order_categories(disaggregation, present):
            categories.append(
                CategoryFigures(
                    disaggregation, category, *three(series.get((disaggregation, category), {}), False)
                )
            )
    return IndicatorFigures(
        indicator_info(indicator), quarter, in_year, to_date, year_quarters, categories, narrative
    )
