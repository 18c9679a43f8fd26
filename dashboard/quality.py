"""Data quality: quarters without data per indicator, outliers, uploads with warnings or refused, and
disaggregation gaps (figures falling in an Unknown category). ``/quality?programme=KEC``.

Outlier rules (the M&E officer checks the row, nothing is changed): a training with more than three times
the programme's median attendance, or none at all; more participants passing the post-test than attended;
more children than people reached; a percentage indicator above 100% in a quarter.
"""

from __future__ import annotations

import statistics

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html
from sqlalchemy import select

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
from indicators.figures import figures, indicator_series
from indicators.models import Awareness, Training, Upload

dash.register_page(__name__, path="/quality", title="Data quality · ctmonitor", name="Data quality", order=40,
                   roles=STAFF)

MEDIAN_FACTOR = 3


@safe_layout
def layout(programme=None, **_query):
    with read_session() as session:
        visible = visible_programme_codes(session)
        chosen = (first(programme) or "").strip().upper()
        codes = [chosen] if chosen in visible else visible
        progs = programmes(session, codes)
        gaps, outliers, unknowns = [], [], []
        for prog in progs:
            quarter = default_quarter(prog)
            result = figures(session, prog.code, quarter)
            gaps += missing_quarters(session, prog, result, quarter)
            outliers += record_outliers(session, prog) + ratio_outliers(session, prog, result, quarter)
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
                 "No record stands out."),
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


def _section(title, id, rows, headers, cells, empty) -> dbc.Card:
    badge = dbc.Badge(str(len(rows)), color="warning" if rows else "success", text_color="dark" if rows else None,
                      className="ms-2")
    body = html.Div(html.Table([
        html.Thead(html.Tr([html.Th(h) for h in headers])),
        html.Tbody([html.Tr([html.Td(c) for c in cells(r)]) for r in rows]),
    ], className="table table-sm table-hover mb-0"), className="table-responsive quality-table") if rows else (
        html.P(empty, className="text-success mb-0"))
    return dbc.Card([
        dbc.CardHeader(html.H2([title, badge], className="h6 mb-0")),
        dbc.CardBody(body),
    ], className="shadow-sm mb-4", id=id)


# --- checks ----------------------------------------------------------------------------------------


def missing_quarters(session, prog, result, quarter) -> list[dict]:
    """Per indicator counted from records (not stage events, which are rare by nature), the quarters so far
    in which nothing was recorded."""
    rows = []
    for item in result.indicators:
        info = item.indicator
        if (info.measure or {}).get("type") == "stage":
            continue
        series = indicator_series(session, info.code, through=quarter)
        empty = [point.quarter for point in series if not point.actual]
        elapsed = len(series)
        if empty:
            rows.append({"programme": prog.code, "indicator": info.code, "name": info.name,
                         "count": f"{len(empty)} of {elapsed}", "quarters": ", ".join(empty)})
    return rows


def record_outliers(session, prog) -> list[dict]:
    out = []
    trainings = session.execute(
        select(Training, Upload.filename).outerjoin(Upload, Upload.id == Training.upload_id)
        .where(Training.programme_id == prog.id)).all()
    sizes = [t.female + t.male for t, _ in trainings]
    median = statistics.median(sizes) if sizes else 0
    for t, filename in trainings:
        size = t.female + t.male
        if median and size > MEDIAN_FACTOR * median:
            out.append(_outlier(prog, "Training", t, filename, f"{size:,} participants",
                                f"more than {MEDIAN_FACTOR}× the median training ({median:,.0f})"))
        elif size == 0:
            out.append(_outlier(prog, "Training", t, filename, "0 participants", "a training with nobody"))
        if t.passed_post_test is not None and t.passed_post_test > size:
            out.append(_outlier(prog, "Training", t, filename, f"{t.passed_post_test:,} passed of {size:,}",
                                "more passed the post-test than attended (over 100%)"))
    awareness = session.execute(
        select(Awareness, Upload.filename).outerjoin(Upload, Upload.id == Awareness.upload_id)
        .where(Awareness.programme_id == prog.id, Awareness.under_18.is_not(None))).all()
    for a, filename in awareness:
        if a.under_18 > a.female + a.male:
            out.append(_outlier(prog, "Awareness", a, filename, f"{a.under_18:,} under 18 of {a.female + a.male:,}",
                                "more children than people reached"))
    return out


def ratio_outliers(session, prog, result, quarter) -> list[dict]:
    out = []
    for item in result.indicators:
        info = item.indicator
        if info.unit != "percent":
            continue
        for point in indicator_series(session, info.code, through=quarter):
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
        problems = (u.errors or []) + (u.warnings or [])
        first_problem = problems[0] if problems else {}
        text = (f"{first_problem.get('sheet', '')}!{first_problem.get('cell', '')}: "
                f"{first_problem.get('value', '')!s} – expected {first_problem.get('expected', '')}"
                if isinstance(first_problem, dict) and first_problem else "")
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
