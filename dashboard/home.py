"""Home: the programmes on record, each with its donor, period and indicator count."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html
from sqlalchemy import func, select

from dashboard._components import format_period, page_header, read_session
from indicators.models import Indicator, Programme

dash.register_page(__name__, path="/", title="Programmes · ctmonitor", name="Programmes", order=0)


def layout(**_query):
    with read_session() as session:
        rows = session.execute(
            select(Programme, func.count(Indicator.id))
            .outerjoin(Indicator, Indicator.programme_id == Programme.id)
            .group_by(Programme.id)
            .order_by(Programme.start_date.desc())
        ).all()
    cards = [dbc.Col(_card(programme, count), md=6, xl=4, className="mb-4") for programme, count in rows]
    if not cards:
        cards = [dbc.Col(dbc.Alert("No programme is loaded yet. Run `ctmonitor init` to load the definitions.",
                                   color="info"))]
    return html.Div([
        page_header("Programmes", "Counter-trafficking programmes of IOM Rwanda and their logframes"),
        dbc.Row(cards, id="home-cards"),
    ])


def _card(programme: Programme, indicator_count: int) -> dbc.Card:
    return dbc.Card(
        dbc.CardBody([
            html.Div(programme.code, className="badge text-bg-primary mb-2"),
            html.H2(html.A(programme.title, href=f"/programme?code={programme.code}",
                           className="stretched-link text-reset text-decoration-none"), className="h5"),
            html.Dl([
                html.Dt("Donor"), html.Dd(programme.donor),
                html.Dt("Period"), html.Dd(format_period(programme.start_date, programme.end_date)),
                html.Dt("Indicators"), html.Dd(str(indicator_count)),
            ], className="programme-facts mb-0"),
        ]),
        className="h-100 shadow-sm programme-card",
        id=f"home-card-{programme.code}",
    )
