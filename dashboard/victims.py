"""Victims profile (aggregates only, counted by ``indicators.figures.victims``): shares by nationality, sex, age group,
exploitation type and destination over the victims whose value is known. A donor officer sees small counts
withheld as ``indicators.protection.disclosure`` plans (under ``CTMONITOR_SMALL_CELL``, 5 by default: "<5", and "*" for
those withheld so that a small one cannot be worked out; shares withheld with them); programme staff see exact
counts. No case code or row ever leaves the server.
``/victims?programme=PVR``; with no programme named, the one whose file says ``victims_default``. The map's
period: ``span=quarter|year|lop`` and ``period=FY2019Q3`` (the report quarter) in the URL, as on the Logframe
page; a donor officer's map is to date only (victims' categories are published for the life of project only).

Staff see it; a donor officer only when one of their own programmes counts victims (an indicator read from
case sheets, as PVR's are)."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboard import _queries
from dashboard._access import ALL_ROLES, role
from dashboard._charts import graph, share_chart
from dashboard._components import (
    first,
    format_number,
    not_found,
    page_header,
    page_title,
    read_session,
    safe_layout,
    settings,
    short_category,
    viewer_plan,
    visible_programme_codes,
)
from dashboard._map import victims_map_card
from dashboard._queries import default_quarter, parse_quarter, quarter_options
from indicators import numbers
from indicators.figures import places, victims
from indicators.i18n import N_, _, format_percent


class ids:
    url = "victims-url"
    span = "victims-map-span"
    quarter = "victims-map-quarter"
    shown = "victims-map-shown"


# drawn only when the programme has victims (staff); the callback below listens to them
CALLBACK_COMPONENTS = [dbc.RadioItems(id=ids.span), dcc.Dropdown(id=ids.quarter), dcc.Store(id=ids.shown)]


def donor_may_see() -> bool:
    """Staff always; a donor officer when one of their programmes has an indicator read from case sheets."""
    if role() != "donor":
        return True
    with read_session() as session:
        return victims.counts_victims(session, visible_programme_codes(session))


dash.register_page(
    __name__,
    path="/victims",
    title=page_title(N_("Victims profile")),
    name=N_("Victims profile"),
    order=50,
    roles=ALL_ROLES,
    allowed=donor_may_see,
    scope={"programme": "programme"},
)


@safe_layout
def layout(programme=None, span=None, period=None, **_query):
    with read_session() as session:
        visible = visible_programme_codes(session)
        with_cases = victims.programmes_with_cases(session, visible)
        code = (first(programme) or victims.default_programme(session, with_cases)).upper()
        prog = _queries.programme(session, code)
        if code and (prog is None or prog.code not in visible):
            return not_found(_("There is no programme with the code “{code}”.").format(code=code))
        plan = viewer_plan(session, prog.code) if prog else None
        total, breakdowns = victims.profile(session, prog.id, plan) if prog else (0, [])
        span = first(span) if first(span) in places.SPANS and plan is None else "lop"
        quarter = (parse_quarter(prog, first(period)) or default_quarter(prog)) if prog else None
        session_values = (
            places.victims_by_district(session, prog.code, None if span == "lop" else quarter, span)
            if prog
            else ({}, 0)
        )
    if not prog or not total:
        body = dbc.Alert(_("No victim has been recorded yet."), color="info")
    else:
        body = html.Div(
            [
                _totals(total, plan),
                victims_map_card(session_values, plan, period=_map_period(prog, quarter, span, plan)),
                dbc.Row([dbc.Col(_breakdown_card(b), lg=6, className="mb-4") for b in breakdowns]),
            ]
        )
    return html.Div(
        [
            dcc.Location(id=ids.url, refresh="callback-nav"),
            page_header(
                _("Victims profile"),
                f"{prog.code if prog else ''} · " + _("aggregates only, never individual cases"),
                actions=_switcher(with_cases, code),
            ),
            body,
        ]
    )


def _switcher(with_cases: list[str], code: str) -> html.Div | None:
    """A button per programme counting victims, when there is more than one."""
    if len(with_cases) <= 1:
        return None
    return html.Div(
        [
            dbc.Button(
                c,
                href=f"/victims?programme={c}",
                color="primary",
                outline=c != code,
                size="sm",
                className="me-1",
            )
            for c in with_cases
        ]
    )


def _totals(total: int, plan) -> dbc.Row:
    """The victims identified to date (as the plan lets this reader see them), and how to read the shares."""
    limit = settings().small_cell if plan is not None else 0
    return dbc.Row(
        [
            dbc.Col(
                html.Div(
                    [
                        html.Div(_("Victims identified"), className="tile-label"),
                        html.Div(
                            plan.cell(("profile", "total", "")).text if plan else format_number(total),
                            className="tile-value",
                            id="victims-total",
                        ),
                        html.Div(_("possible and actual victims, to date"), className="tile-detail"),
                    ],
                    className="tile h-100",
                ),
                xs=12,
                sm=6,
                lg=3,
            ),
            dbc.Col(
                html.P(
                    _(
                        "Shares are of the victims whose value is known: unknown values are left out of the base. "
                    )
                    + (
                        _(
                            "Counts under {limit} are shown as “<{limit}” and their shares withheld (a count marked * "
                            "is withheld so that a small one cannot be worked out)."
                        ).format(limit=limit)
                        + " "
                        if limit > 1
                        else _("Counts are exact: small counts are withheld from donor accounts.") + " "
                    )
                    + _("No case is shown on its own."),
                    className="small text-muted mb-0",
                ),
                className="d-flex align-items-center",
            ),
        ],
        className="g-3 mb-4",
    )


def _breakdown_card(b: victims.Breakdown) -> dbc.Card:
    table = html.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(_(b.label)),
                        html.Th(_("Victims"), className="num"),
                        html.Th(_("Share of known"), className="num"),
                    ]
                )
            ),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(short_category(r.category)),
                            html.Td(r.shown_count, className="num"),
                            html.Td("–" if r.share is None else _share(r.share), className="num"),
                        ]
                    )
                    for r in b.rows
                ]
            ),
        ],
        className="table table-sm mb-2",
    )
    note = _("Known for {known} victims; unknown for {unknown}.").format(
        known=b.shown_known, unknown=b.shown_unknown
    )
    if b.multiple:
        note += " " + _(
            "A victim may suffer several types of exploitation, so shares add up to more than 100%."
        )
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(_(b.label), className="h6 mb-0")),
            dbc.CardBody(
                [
                    graph(
                        f"victims-chart-{b.dimension}",
                        share_chart([short_category(r.category) for r in b.rows], [r.share for r in b.rows]),
                        small=True,
                    )
                    if any(r.share is not None for r in b.rows)
                    else None,
                    html.Div(table, className="table-responsive"),
                    html.P(note, className="small text-muted mb-0"),
                ]
            ),
        ],
        className="shadow-sm h-100",
        id=f"victims-{b.dimension}",
    )


def _share(share: float) -> str:
    """A share of the victims whose value is known, to one decimal: ``12.5%`` (``12,5 %`` in French)."""
    return format_percent(numbers.rounded(share, "percent"), "#,##0.0")  # half up, as every output rounds


def _map_period(prog, quarter, span: str, plan):
    """The map's period: for staff, the report quarter, its year to date or the life of project to date (the
    quarter chosen beside it); for a donor officer, to date only, and why."""
    if plan is not None:
        return html.P(
            _(
                "To date: victims are published by district for the whole project only, never for a "
                "single quarter or year."
            ),
            className="small text-muted mb-2",
            id="victims-map-period",
        )
    year = _("FY") if prog.calendar == "fiscal" else _("Year")
    return dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(_("Period"), html_for=ids.span, className="small text-muted mb-1"),
                    dbc.RadioItems(
                        id=ids.span,
                        value=span,
                        inline=True,
                        options=[
                            {"label": _("Report quarter"), "value": "quarter"},
                            {"label": _("{year} to date").format(year=year), "value": "year"},
                            {"label": _("To date"), "value": "lop"},
                        ],
                    ),
                ],
                md=7,
            ),
            dbc.Col(
                [
                    dbc.Label(_("Report quarter"), html_for=ids.quarter, className="small text-muted mb-1"),
                    dcc.Dropdown(
                        id=ids.quarter,
                        options=quarter_options(prog),
                        value=quarter.code,
                        clearable=False,
                        searchable=False,
                        disabled=span == "lop",
                        className="quarter-dropdown",
                    ),
                ],
                md=5,
            ),
            dcc.Store(id=ids.shown, data={"span": span, "period": quarter.code}),
        ],
        className="g-2 mb-2",
        id="victims-map-period",
    )


@callback(
    Output(ids.url, "search"),
    Input(ids.span, "value"),
    Input(ids.quarter, "value"),
    State(ids.shown, "data"),
    State(ids.url, "search"),
    prevent_initial_call=True,
)
def choose_period(span, period, shown, search):
    """Choosing the map's period or quarter changes the URL; the page follows."""
    from urllib.parse import parse_qs, urlencode

    wanted = {"span": span, "period": period}
    if not span or wanted == (shown or {}):
        raise dash.exceptions.PreventUpdate
    query = {k: v[-1] for k, v in parse_qs((search or "").lstrip("?")).items()} | wanted
    return "?" + urlencode(query)
