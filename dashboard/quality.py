"""Data quality: quarters without data per indicator, outliers, uploads with warnings or refused, and
disaggregation gaps (figures falling in an Unknown category). ``/quality?programme=KEC``.

The rules are ``indicators.quality``'s; this page lays out what they find, per programme the user may see.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard._access import STAFF
from dashboard._components import (
    first,
    format_datetime,
    href,
    page_header,
    read_session,
    safe_layout,
    visible_programme_codes,
)
from dashboard._queries import default_quarter, programmes
from indicators import quality

dash.register_page(__name__, path="/quality", title="Data quality · ctmonitor", name="Data quality", order=40,
                   roles=STAFF, scope={"programme": "programme"})

@safe_layout
def layout(programme=None, **_query):
    with read_session() as session:
        visible = visible_programme_codes(session)
        chosen = (first(programme) or "").strip().upper()
        codes = [chosen] if chosen in visible else visible
        progs = programmes(session, codes)
        gaps, outliers, unknowns, more_outliers = [], [], [], 0
        for prog in progs:
            checks = quality.programme_checks(session, prog, default_quarter(prog))
            gaps += checks.gaps
            outliers += checks.outliers
            more_outliers += checks.more_outliers
            unknowns += checks.unknowns
        flagged_uploads = quality.problem_uploads(session, [p.code for p in progs])
    switcher = html.Div([
        dbc.Button("All", href="/quality", color="primary", outline=chosen in visible, size="sm", className="me-1")
    ] + [dbc.Button(c, href=f"/quality?programme={c}", color="primary", outline=c != chosen, size="sm",
                    className="me-1") for c in visible])
    return html.Div([
        page_header("Data quality", "What to check before the figures go to a donor", actions=switcher),
        _section("Quarters without data", "quality-gaps", gaps,
                 ["Programme", "Indicator", "Quarters without data", "Which"],
                 lambda r: [r.programme, _indicator_link(r.indicator, r.name), f"{len(r.empty)} of {r.elapsed}",
                            ", ".join(r.empty)],
                 "Every indicator has data in every quarter so far."),
        _section("Outliers", "quality-outliers", outliers,
                 ["Programme", "Record", "Quarter", "Found", "Why it stands out", "Source"],
                 lambda r: [r.programme, r.record, r.quarter, r.value, r.why, r.source],
                 "No record stands out.", more=more_outliers,
                 more_text="more records break these rules; only the first of each kind are listed"),
        _section("Uploads with warnings or refused", "quality-uploads", flagged_uploads,
                 ["When", "File", "By", "Outcome", "Errors", "Warnings", "First problem"],
                 lambda r: [format_datetime(r.when), r.file, r.by, r.outcome, r.errors, r.warnings, r.first],
                 "Every upload went through without a warning."),
        _section("Disaggregation gaps", "quality-unknowns", unknowns,
                 ["Programme", "Indicator", "Disaggregation", "Unknown, life of project", "Share of total"],
                 lambda r: [r.programme, _indicator_link(r.indicator, r.name), r.disaggregation, r.unknown,
                            r.share],
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
