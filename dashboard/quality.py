"""Data quality: quarters without data per indicator, outliers, uploads with warnings or refused, and
disaggregation gaps (figures falling in an Unknown category). ``/quality?programme=KEC``.

Outlier rules (the M&E officer checks the row, nothing is changed): a training with more than three times
the programme's median attendance, or none at all; more participants passing the post-test than attended;
more children than people reached; a percentage indicator above 100% in a quarter. The record rules run
in SQL (the median from a histogram of attendances); at most 200 offending rows of each kind are listed per
programme and the rest counted under the table.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html
from sqlalchemy import and_, case, false, func, or_, select

from dashboard._access import STAFF
from dashboard._components import (
    first,
    format_datetime,
    format_number,
    href,
    page_header,
    read_session,
    safe_layout,
    visible_programme_codes,
)
from dashboard._queries import default_quarter, programmes
from indicators.figures import figures
from indicators.queries import indicator_series
from indicators.models import Awareness, Training, Upload

dash.register_page(__name__, path="/quality", title="Data quality · ctmonitor", name="Data quality", order=40,
                   roles=STAFF, scope={"programme": "programme"})

MEDIAN_FACTOR = 3
OUTLIER_LIMIT = 200  # rows listed per kind and programme; the rest are counted


@safe_layout
def layout(programme=None, **_query):
    with read_session() as session:
        visible = visible_programme_codes(session)
        chosen = (first(programme) or "").strip().upper()
        codes = [chosen] if chosen in visible else visible
        progs = programmes(session, codes)
        gaps, outliers, unknowns, more_outliers = [], [], [], 0
        for prog in progs:
            quarter = default_quarter(prog)
            result = figures(session, prog.code, quarter)
            series = quarterly_series(session, result, quarter)
            gaps += missing_quarters(prog, result, series)
            found, more = record_outliers(session, prog)
            outliers += found + ratio_outliers(prog, result, series)
            more_outliers += more
            unknowns += unknown_categories(prog, result)
        flagged_uploads = problem_uploads(session, [p.code for p in progs])
    switcher = html.Div([
        dbc.Button("All", href="/quality", color="primary", outline=chosen in visible, size="sm", className="me-1")
    ] + [dbc.Button(c, href=f"/quality?programme={c}", color="primary", outline=c != chosen, size="sm",
                    className="me-1") for c in visible])
    return html.Div([
        page_header("Data quality", "What to check before the figures go to a donor", actions=switcher),
        _section("Quarters without data", "quality-gaps", gaps,
                 ["Programme", "Indicator", "Quarters without data", "Which"],
                 lambda r: [r["programme"], _indicator_link(r["indicator"], r["name"]), r["count"], r["quarters"]],
                 "Every indicator has data in every quarter so far."),
        _section("Outliers", "quality-outliers", outliers,
                 ["Programme", "Record", "Quarter", "Found", "Why it stands out", "Source"],
                 lambda r: [r["programme"], r["record"], r["quarter"], r["value"], r["why"], r["source"]],
                 "No record stands out.", more=more_outliers,
                 more_text="more records break these rules; only the first of each kind are listed"),
        _section("Uploads with warnings or refused", "quality-uploads", flagged_uploads,
                 ["When", "File", "By", "Outcome", "Errors", "Warnings", "First problem"],
                 lambda r: [r["when"], r["file"], r["by"], r["outcome"], r["errors"], r["warnings"], r["first"]],
                 "Every upload went through without a warning."),
        _section("Disaggregation gaps", "quality-unknowns", unknowns,
                 ["Programme", "Indicator", "Disaggregation", "Unknown, life of project", "Share of total"],
                 lambda r: [r["programme"], _indicator_link(r["indicator"], r["name"]), r["disaggregation"],
                            r["unknown"], r["share"]],
                 "Every figure is fully disaggregated."),
    ])


def _indicator_link(code, name):
    return html.Span([dcc.Link(code, href=href("/indicator", code=code), className="fw-semibold me-1"),
                      html.Span(name, className="small text-muted")])


def _section(title, id, rows, headers, cells, empty, more=0, more_text="") -> dbc.Card:
    """A card listing ``rows``; ``more`` rows left out are counted under the table."""
    badge = dbc.Badge(f"{len(rows) + more:,}", color="warning" if rows else "success", text_color="dark" if rows else None,
                      className="ms-2")
    body = html.Div(html.Table([
        html.Thead(html.Tr([html.Th(h) for h in headers])),
        html.Tbody([html.Tr([html.Td(c) for c in cells(r)]) for r in rows]),
    ], className="table table-sm table-hover mb-0"), className="table-responsive quality-table") if rows else (
        html.P(empty, className="text-success mb-0"))
    if more:
        body = html.Div([body, html.P(f"… and {more:,} {more_text}.", className="small text-muted mt-2 mb-0")])
    return dbc.Card([
        dbc.CardHeader(html.H2([title, badge], className="h6 mb-0")),
        dbc.CardBody(body),
    ], className="shadow-sm mb-4", id=id)


# --- checks ----------------------------------------------------------------------------------------


def quarterly_series(session, result, quarter) -> dict[str, list]:
    """Indicator code -> its quarters so far, read once for the checks that need them: every indicator
    counted from records (not stage events, which are rare by nature) and every percentage."""
    return {item.indicator.code: indicator_series(session, item.indicator.code, through=quarter)
            for item in result.indicators
            if (item.indicator.measure or {}).get("type") != "stage" or item.indicator.unit == "percent"}


def missing_quarters(prog, result, series_of: dict[str, list]) -> list[dict]:
    """Per indicator counted from records (not stage events), the quarters so far in which nothing was
    recorded."""
    rows = []
    for item in result.indicators:
        info = item.indicator
        if (info.measure or {}).get("type") == "stage":
            continue
        series = series_of[info.code]
        empty = [point.quarter for point in series if not point.actual]
        elapsed = len(series)
        if empty:
            rows.append({"programme": prog.code, "indicator": info.code, "name": info.name,
                         "count": f"{len(empty)} of {elapsed}", "quarters": ", ".join(empty)})
    return rows


def record_outliers(session, prog) -> tuple[list[dict], int]:
    """The training and awareness rows breaking an outlier rule, found in SQL: the median attendance from a
    histogram of sizes (few distinct values), then only the offending rows, at most ``OUTLIER_LIMIT`` of
    each kind; and how many offending rows were left out."""
    size = Training.female + Training.male
    over_passed = and_(Training.passed_post_test.is_not(None), Training.passed_post_test > size)
    histogram = session.execute(
        select(size, func.count(), func.sum(case((over_passed, 1), else_=0)))
        .where(_programme_rows(Training, prog.id)).group_by(size).order_by(size)).all()
    median = _median({value: n for value, n, _ in histogram})
    out, more = [], 0
    # the rows are read only when the histogram shows some break a rule
    if any((median and value > MEDIAN_FACTOR * median) or value == 0 or passed for value, _, passed in histogram):
        too_big = size > MEDIAN_FACTOR * median if median else false()
        trainings, more = _offending(session, Training, prog.id, or_(too_big, size == 0, over_passed))
        for t, filename in trainings:
            n = t.female + t.male
            if median and n > MEDIAN_FACTOR * median:
                out.append(_outlier(prog, "Training", t, filename, f"{n:,} participants",
                                    f"more than {MEDIAN_FACTOR}× the median training ({median:,.0f})"))
            elif n == 0:
                out.append(_outlier(prog, "Training", t, filename, "0 participants", "a training with nobody"))
            if t.passed_post_test is not None and t.passed_post_test > n:
                out.append(_outlier(prog, "Training", t, filename, f"{t.passed_post_test:,} passed of {n:,}",
                                    "more passed the post-test than attended (over 100%)"))
    awareness, more_awareness = _offending(
        session, Awareness, prog.id,
        and_(Awareness.under_18.is_not(None), Awareness.under_18 > Awareness.female + Awareness.male))
    for a, filename in awareness:
        out.append(_outlier(prog, "Awareness", a, filename, f"{a.under_18:,} under 18 of {a.female + a.male:,}",
                            "more children than people reached"))
    return out, more + more_awareness


def _median(histogram: dict[int, int]) -> float:
    """The median of values given as value -> how many times it occurs (as ``statistics.median`` would)."""
    count = sum(histogram.values())
    if not count:
        return 0
    middle = [(count - 1) // 2, count // 2]
    found, seen = [], 0
    for value in sorted(histogram):
        while middle and middle[0] < seen + histogram[value]:
            found.append(value)
            middle.pop(0)
        seen += histogram[value]
    return found[0] if found[0] == found[1] else (found[0] + found[1]) / 2


def _programme_rows(model, programme_id: int):
    """The programme's rows, read by scanning the table: a programme holds a large share of it, and going
    through the programme index costs a lookup per row (SQLite's planner would take the index; an expression
    on the column keeps it from doing so). Awareness has an index covering its check, read alone instead."""
    if model is Awareness:
        return model.programme_id == programme_id
    return model.programme_id + 0 == programme_id


def _offending(session, model, programme_id: int, rule) -> tuple[list, int]:
    """The programme's rows of ``model`` breaking ``rule`` with their upload's file name (in stored order,
    at most ``OUTLIER_LIMIT``), and how many more there are."""
    where = (_programme_rows(model, programme_id), rule)
    rows = session.execute(
        select(model, Upload.filename).outerjoin(Upload, Upload.id == model.upload_id)
        .where(*where).order_by(model.id).limit(OUTLIER_LIMIT)).all()
    more = 0
    if len(rows) == OUTLIER_LIMIT:
        more = session.scalar(select(func.count()).select_from(model).where(*where)) - OUTLIER_LIMIT
    return rows, more


def ratio_outliers(prog, result, series_of: dict[str, list]) -> list[dict]:
    out = []
    for item in result.indicators:
        info = item.indicator
        if info.unit != "percent":
            continue
        for point in series_of[info.code]:
            if (point.actual or 0) > 100:
                out.append({"programme": prog.code, "record": f"{info.code} (indicator)", "quarter": point.quarter,
                            "value": format_number(point.actual, "percent"), "why": "a percentage above 100%",
                            "source": f"{point.numerator:,.0f} ÷ {point.denominator:,.0f}"})
    return out


def _outlier(prog, kind, record, filename, value, why) -> dict:
    return {"programme": prog.code, "record": f"{kind} {record.reference or '#' + str(record.id)}",
            "quarter": record.quarter, "value": value, "why": why,
            "source": f"{filename or '–'} · {record.source_sheet or '?'} row {record.source_row or '?'}"}


def problem_uploads(session, codes: list[str]) -> list[dict]:
    rows = session.scalars(select(Upload).where(Upload.outcome != "dry-run")
                           .order_by(Upload.uploaded_at.desc()).limit(500)).all()
    out = []
    for u in rows:
        if u.programme_code and u.programme_code not in codes:
            continue
        if u.outcome != "refused" and not u.warnings:
            continue
        problems = (u.errors or []) + (u.warnings or [])  # the importer keeps each problem's text
        text = str(problems[0]) if problems else ""
        out.append({"when": format_datetime(u.uploaded_at), "file": u.filename, "by": u.uploaded_by,
                    "outcome": u.outcome, "errors": len(u.errors or []), "warnings": len(u.warnings or []),
                    "first": text})
    return out


def unknown_categories(prog, result) -> list[dict]:
    out = []
    for item in result.indicators:
        unit = item.indicator.unit
        total = item.lop_to_date.actual or 0
        for cat in item.disaggregations:
            value = cat.lop_to_date.actual or 0
            if cat.category == "Unknown" and value:
                share = f"{100 * value / total:.0f}%" if total and unit != "percent" else "–"
                out.append({"programme": prog.code, "indicator": item.indicator.code, "name": item.indicator.name,
                            "disaggregation": cat.disaggregation.replace("_", " "),
                            "unknown": format_number(value, unit), "share": share})
    return out
