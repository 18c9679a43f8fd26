"""The quarterly report built from the store, once, for every format: ``report_for`` and ``report_file``.

``build_report`` turns a programme's figures (``indicators.figures.figures``) into the plain ``Report`` of
``indicators.report``, with the quarter's activities, case counts and sources (``indicators.reporting.annex``); with
history (a format that publishes every quarter, IATI) it reads every earlier quarter's figures from the same
sums, once (``figures_by_quarter``). ``report_file`` hands the report to a format's writer: the formats
(``exports.formats``) are given by the caller, so nothing here depends on how a file is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from indicators import periods
from indicators.figures import signoff
from indicators.figures.figures import (
    Figure,
    FiguresError,
    IndicatorFigures,
    ProgrammeFigures,
    figures_by_quarter,
    load_programme,
)
from indicators.figures.figures import figures as quarter_figures
from indicators.i18n import SOURCE, speaking
from indicators.protection import disclosure
from indicators.report import (
    CategoryActual,
    DisaggregationRow,
    IndicatorRow,
    PeriodActual,
    PeriodTarget,
    QuarterCell,
    Report,
    ResultGroup,
    label,
    months,
)
from indicators.reporting import drafting, versions
from indicators.reporting.annex import (
    LIST_LIMIT,
    activity_count,
    activity_districts,
    activity_rows,
    activity_summary,
    case_counts,
    source_rows,
)
from indicators.reporting.cover import build_cover
from indicators.store import kinds
from indicators.store.models import Programme

Plan = disclosure.Plan


def report_for(
    session: Session,
    programme: str,
    period,
    *,
    history: bool = False,
    prepared: datetime | None = None,
    plan: Plan | None = None,
) -> Report:
    """The report of one programme's quarter; with ``history``, every earlier quarter's figures too; with a
    ``plan`` (``indicators.protection.disclosure``), victim figures as a donor or the public may see them.
    ``FiguresError`` for an unknown programme or period."""
    seen = plan.figures if plan is not None else (lambda pf: pf)
    if history:
        by_quarter = {code: seen(pf) for code, pf in figures_by_quarter(session, programme, period).items()}
        return build_report(
            session,
            list(by_quarter.values())[-1],
            prepared=prepared,
            history=by_quarter,
            protected=plan is not None,
        )
    return build_report(
        session,
        seen(quarter_figures(session, programme, period)),
        prepared=prepared,
        protected=plan is not None,
    )


def report_file(
    session: Session,
    programme: str,
    period,
    formats: Mapping,
    key: str | None = None,
    *,
    small_cell: int,
    donor: bool = False,
    prepared_by: str | None = None,
) -> tuple[bytes, str]:
    """The report file's bytes in the format ``key`` of ``formats`` (by default the programme's own,
    ``report_format`` in its definition file), and that key. A format answers ``history`` (does it need
    every earlier quarter), ``protected_for(donor)`` (do its victim figures go through the disclosure plan,
    under the threshold ``small_cell``) and ``write(report)``. ``FiguresError`` for an unknown programme or
    period. A quarter whose signed-off report was reopened gets a re-issue: its cover says what it replaces
    (``versions.revision``). ``prepared_by``: who asks for it, for a format that names who prepared it."""
    made = make_file(
        session, programme, period, formats, key, small_cell=small_cell, donor=donor, prepared_by=prepared_by
    )
    return made.data, made.format


@dataclass(frozen=True)
class MadeFile:
    """A report file, with what a sign-off keeps beside it: the quarter's figures as data
    (``versions.kept_figures``) and the indicators changed since the version it replaces."""

    data: bytes
    format: str
    figures: dict | None = None
    changed: tuple[str, ...] | None = None


def make_file(
    session: Session,
    programme: str,
    period,
    formats: Mapping,
    key: str | None = None,
    *,
    small_cell: int,
    donor: bool = False,
    prepared_by: str | None = None,
    signing_by: str | None = None,
) -> MadeFile:
    """``report_file``'s file, with the exact figures it was made from (what a sign-off keeps to compare).
    A format that is ``drafted`` (the quarterly progress report) also gets the quarter's sections, its standing
    and the victims as the donor's channel shows them (``indicators.reporting.drafting``); ``signing_by`` names the
    manager signing the quarter off with this very file, so it is made final, not a draft.

    Donor files are in the donor's language (English, as the U.S. awards require), whatever the language of
    the reader who asks for one: the report is built and written speaking English."""
    with speaking(SOURCE):
        return _make_file(
            session,
            programme,
            period,
            formats,
            key,
            small_cell=small_cell,
            donor=donor,
            prepared_by=prepared_by,
            signing_by=signing_by,
        )


def _make_file(
    session: Session,
    programme: str,
    period,
    formats: Mapping,
    key: str | None,
    *,
    small_cell: int,
    donor: bool,
    prepared_by: str | None,
    signing_by: str | None,
) -> MadeFile:
    key = key or load_programme(session, programme).report_format
    fmt = formats[key]
    if (
        getattr(fmt, "scope", "quarter") == "programme"
    ):  # the reference sheets: about the programme, no quarter
        from indicators.reporting.pirs import build

        plan = disclosure.plan(session, programme, small_cell) if fmt.protected_for(donor) else None
        return MadeFile(fmt.write(build(session, programme, plan=plan)), key)
    if not period:
        raise FiguresError(f"the {key} report is for one quarter: name it (e.g. FY2019Q3)")
    report = report_for(session, programme, period, history=fmt.history)
    kept = signoff.latest(session, report_programme_id(session, report), report.cover.period_code)
    revision = versions.revision(kept, report)
    written = report
    if fmt.protected_for(donor):  # victim figures as the disclosure plan lets a donor or the public see them
        plan = disclosure.plan(session, programme, small_cell)
        written = report_for(
            session, programme, period, history=fmt.history, plan=plan, prepared=report.cover.prepared
        )
    if revision is not None:
        written = replace(written, cover=replace(written.cover, revision=revision))
    if getattr(fmt, "drafted", False):
        written = replace(
            written,
            drafting=drafting.build(
                session, written, small_cell=small_cell, prepared_by=prepared_by, signing_by=signing_by
            ),
        )
    return MadeFile(
        fmt.write(written),
        key,
        versions.kept_figures(report),
        revision.changed if revision is not None else None,
    )


def report_programme_id(session: Session, report: Report) -> int:
    return session.scalars(select(Programme.id).where(Programme.code == report.cover.programme_code)).one()


def build_report(
    session: Session,
    programme_figures: ProgrammeFigures,
    *,
    prepared: datetime | None = None,
    history: Mapping[str, ProgrammeFigures] | None = None,
    protected: bool = False,
) -> Report:
    """The report for one programme and quarter from its figures. ``history`` holds the figures of every
    quarter from the programme's first to the report quarter, by quarter code (``figures_by_quarter``);
    without it the report carries the report quarter, its year to date and the life of project to date,
    which is all the workbooks show. ``protected``: the figures went through a disclosure plan, so the
    quarter's case counts (the workbook's, exact) are left out."""
    pf = programme_figures
    programme = session.scalar(select(Programme).where(Programme.code == pf.programme.code))
    prepared = prepared or datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    cover = build_cover(
        pf,
        prepared=prepared,
        programme=programme,
        districts=activity_districts(session, programme, pf.period) if programme else (),
    )
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
        case_counts=case_counts(session, programme, pf.period) if measures_cases and not protected else None,
        unsourced_rows=unsourced,
    )


def group_results(pf: ProgrammeFigures, history: dict[str, ProgrammeFigures]) -> tuple[ResultGroup, ...]:
    """Indicators under their results, in the logframe's order (results in order of first appearance)."""
    groups: dict[str, tuple[str, str, str | None, list[IndicatorRow]]] = {}
    for figures in pf.indicators:
        info = figures.indicator
        row = indicator_row(pf, figures, history)
        groups.setdefault(
            info.result_code, (info.result_level, info.result_statement, info.result_description, [])
        )[3].append(row)
    return tuple(
        ResultGroup(code, level, statement, tuple(rows), description)
        for code, (level, statement, description, rows) in groups.items()
    )


def indicator_row(
    pf: ProgrammeFigures, figures: IndicatorFigures, history: dict[str, ProgrammeFigures]
) -> IndicatorRow:
    """One indicator's row, with the periods its figures cover (``history``: figures by quarter code)."""
    info = figures.indicator
    quarters = tuple(
        QuarterCell(
            code=q.code,
            heading=f"Q{q.quarter}",
            months=months(q),
            actual=figures.year_quarters.get(q.code),
            withheld=figures.withheld_quarters.get(q.code),
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
        counts_people=kinds.known(info.source_kind) and kinds.kind(info.source_kind).sensitive,
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
                label=label(cat.disaggregation),
                category=cat.category,
                quarter=cat.quarter.actual,
                year_to_date=cat.year_to_date.actual,
                lop_to_date=cat.lop_to_date.actual,
                withheld={
                    span: getattr(cat, span).withheld
                    for span in ("quarter", "year_to_date", "lop_to_date")
                    if getattr(cat, span).withheld
                },
            )


# --- periods (IATI) ---------------------------------------------------------------------------------


def _history(
    pf: ProgrammeFigures, history: Mapping[str, ProgrammeFigures] | None
) -> dict[str, ProgrammeFigures]:
    """The figures of every quarter from the programme's first to the report quarter, keyed by quarter code
    (the report quarter's own figures for it); without ``history``, the report quarter's alone."""
    if history is None:
        return {pf.period.code: pf}
    info = pf.programme
    return {
        quarter.code: pf if quarter == pf.period else history[quarter.code]
        for quarter in periods.quarters_between(info.start_date, pf.period.end, info.calendar)
    }


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
                withheld=figures.quarter.withheld,
            )
        )

    years = []
    for year in periods.years_between(start, pf.period.end, info.calendar):
        reported = [
            q for q in all_quarters if q.fiscal_year == year and q <= pf.period and q.code in by_quarter
        ]
        if not reported:
            continue
        last = reported[-1]
        figures = by_quarter[last.code]
        if figures is None:
            continue
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
                withheld=figures.year_to_date.withheld,
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
            withheld=current.lop_to_date.withheld,
        )
    return replace(row, history=tuple(quarterly), years=tuple(years), life_of_project=lop)


def _find(pf: ProgrammeFigures, code: str) -> IndicatorFigures | None:
    return next((f for f in pf.indicators if f.indicator.code == code), None)


def _categories(figures: IndicatorFigures, which: str) -> tuple[CategoryActual, ...]:
    """The categories of one period; one not published for it (``indicators.protection.disclosure``) is left out."""
    out = []
    for cat in figures.disaggregations:
        figure: Figure = getattr(cat, which)
        if figure.withheld == disclosure.NOT_PUBLISHED:
            continue
        out.append(
            CategoryActual(
                disaggregation=cat.disaggregation,
                label=label(cat.disaggregation),
                category=cat.category,
                actual=figure.actual,
                target=figure.target,
                withheld=figure.withheld,
            )
        )
    return tuple(out)
