"""Portfolio: a card per programme with its donor, period and share elapsed, its indicators Ahead / On track /
Behind in the latest complete quarter, its latest upload, and for phased programmes budget, pledges and gap."""

from __future__ import annotations

from datetime import date
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard._access import role
from dashboard._components import (
    format_datetime,
    format_money,
    format_percent,
    format_period,
    href,
    page_header,
    page_title,
    read_session,
    safe_layout,
    seen_figures,
    status_key,
    status_summary,
    visible_programme_codes,
)
from dashboard._queries import default_quarter, programmes
from dashboard._results_form import upload_name
from indicators.figures.figures import elapsed_share
from indicators.i18n import N_, _, format_day
from indicators.periods import LOP
from indicators.store.records import last_quarter_with_data, latest_upload

dash.register_page(__name__, path="/", title=page_title(N_("Portfolio")), name=N_("Portfolio"), order=0)


@safe_layout
def layout(**_query):
    today = date.today()
    with read_session() as session:
        progs = programmes(session, visible_programme_codes(session))
        cards = [
            dbc.Col(programme_card(session, prog, today), lg=6, xxl=4, className="mb-4") for prog in progs
        ]
    if not cards:
        cards = [
            dbc.Col(
                dbc.Alert(
                    _("No programme is loaded yet. Run `ctmonitor init` to load the definitions."),
                    color="info",
                )
            )
        ]
    return html.Div(
        [
            page_header(
                _("Portfolio"),
                _("IOM Rwanda's counter-trafficking programmes against their logframes"),
                actions=status_key(),
            ),
            dbc.Row(cards, id="home-cards"),
        ]
    )


def programme_card(session, prog, today: date) -> dbc.Card:
    """One programme at a glance; its figures are those of the latest complete quarter."""
    quarter = default_quarter(prog, today)
    result = seen_figures(session, prog.code, quarter)
    phases = list(prog.phases)
    return dbc.Card(
        [
            dbc.CardHeader(
                html.Div(
                    [
                        html.Span(prog.code, className="badge programme-code me-2"),
                        html.Span(prog.donor, className="text-muted small"),
                    ],
                    className="d-flex align-items-center",
                )
            ),
            dbc.CardBody(
                [
                    html.H2(
                        dcc.Link(
                            prog.title,
                            href=href("/programme", code=prog.code, period=quarter.code),
                            className="text-reset text-decoration-none",
                        ),
                        className="h5 card-title",
                    ),
                    _facts(session, prog, today),
                    html.Div(
                        [
                            html.Div(
                                _("Indicators · {quarter}").format(quarter=quarter.label()),
                                className="small text-muted mb-1",
                            ),
                            status_summary(
                                [i.status for i in result.indicators], id=f"home-status-{prog.code}"
                            ),
                        ],
                        className="mb-3",
                    ),
                    phase_table(phases, prog.currency) if phases else None,
                ]
            ),
            dbc.CardFooter(
                html.Div(
                    [
                        dcc.Link(
                            _("Logframe and IPTT →"),
                            href=href("/programme", code=prog.code, period=quarter.code),
                            className="me-3",
                        ),
                        dcc.Link(
                            _("Report"), href=href("/reports", programme=prog.code, period=quarter.code)
                        ),
                    ],
                    className="small",
                )
            ),
        ],
        className="h-100 shadow-sm programme-card",
        id=f"home-card-{prog.code}",
    )


def _facts(session, prog, today: date) -> html.Dl:
    """The programme's period and the share of it elapsed (as of its last quarter with data), its partners and
    its latest upload."""
    with_data = last_quarter_with_data(session, prog)
    as_of = (
        min(with_data.end, prog.end_date) if with_data else min(max(today, prog.start_date), prog.end_date)
    )
    share = float(elapsed_share(LOP, as_of, prog.start_date, prog.end_date))
    return html.Dl(
        [
            html.Dt(_("Period")),
            html.Dd(format_period(prog.start_date, prog.end_date)),
            html.Dt(_("Elapsed")),
            html.Dd(
                [
                    elapsed_bar(share, prog.code),
                    html.Span(
                        _("{share} as of {day}").format(
                            share=format_percent(share * 100), day=format_day(as_of, "d MMM y")
                        ),
                        className="small text-muted",
                    ),
                ]
            ),
            html.Dt(_("Partners")),
            html.Dd(", ".join(prog.partners or []) or "–"),
            *_latest_upload(latest_upload(session, prog.id)),
        ],
        className="programme-facts mb-3",
    )


def elapsed_bar(share: float, code: str) -> html.Div:
    """Bootstrap's progress bar, named for screen readers (dbc.Progress cannot carry a name)."""
    percent = round(share * 100)
    # Dash takes aria-* attributes as keyword arguments only, which its signatures cannot name
    aria: dict[str, Any] = {
        "aria-valuenow": str(percent),
        "aria-valuemin": "0",
        "aria-valuemax": "100",
        "aria-label": _("Share of {code}'s period elapsed").format(code=code),
    }
    return html.Div(
        html.Div(
            className="progress-bar bg-secondary", role="progressbar", style={"width": f"{percent}%"}, **aria
        ),
        className="progress elapsed-bar",
    )


def _latest_upload(upload) -> list:
    """Staff see which file came last; a donor officer when (file names are internal)."""
    if role() == "donor":
        return [
            html.Dt(_("Data as of")),
            html.Dd(format_datetime(upload.uploaded_at) if upload else _("no data yet")),
        ]
    return [
        html.Dt(_("Latest upload")),
        html.Dd(
            [
                upload_name(upload.filename),
                html.Span(f" · {format_datetime(upload.uploaded_at)}", className="text-muted small"),
            ]
            if upload
            else _("none yet")
        ),
    ]


def phase_table(phases, currency: str) -> html.Div:
    """Budget, pledges and the funding gap per phase."""
    rows = [
        html.Tr(
            [
                html.Th(
                    [
                        phase.name,
                        html.Div(
                            format_period(phase.start_date, phase.end_date), className="small text-muted"
                        ),
                    ],
                    scope="row",
                ),
                html.Td(format_money(phase.budget, currency), className="num"),
                html.Td(format_money(phase.pledged, currency), className="num"),
                html.Td(
                    format_money(phase.funding_gap, currency),
                    className="num fw-semibold" + (" text-danger" if phase.funding_gap > 0 else ""),
                ),
            ]
        )
        for phase in phases
    ]
    total = [sum((p.budget for p in phases), 0), sum((p.pledged or 0 for p in phases), 0)]
    rows.append(
        html.Tr(
            [
                html.Th(_("Total"), scope="row"),
                html.Td(format_money(total[0], currency), className="num"),
                html.Td(format_money(total[1], currency), className="num"),
                html.Td(format_money(total[0] - total[1], currency), className="num fw-semibold"),
            ],
            className="table-light",
        )
    )
    return html.Div(
        html.Table(
            [
                html.Thead(
                    html.Tr(
                        [
                            html.Th(_("Phase")),
                            html.Th(_("Budget"), className="num"),
                            html.Th(_("Pledged"), className="num"),
                            html.Th(_("Funding gap"), className="num"),
                        ]
                    )
                ),
                html.Tbody(rows),
            ],
            className="table table-sm mb-0 phases-table",
        ),
        className="table-responsive",
    )
