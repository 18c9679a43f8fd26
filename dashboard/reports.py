"""Reports: a programme, a quarter and a format, then the donor file through ``exports.cli.render``; indicators
more than 15% off without a narrative are listed first. ``/reports?programme=KEC&period=FY2019Q3&format=iptt``."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboard._components import (
    AHEAD,
    BEHIND,
    ON_TRACK,
    download_filename,
    first,
    format_datetime,
    format_percent,
    href,
    not_found,
    page_header,
    query_string,
    read_session,
    safe_layout,
    status_badge,
    status_counts,
    visible_programme_codes,
)
from dashboard._queries import default_quarter, first_programme, parse_quarter, programme, quarter_options
from exports.cli import FORMATS, default_format
from indicators.figures import figures

dash.register_page(__name__, path="/reports", title="Reports · ctmonitor", name="Reports", order=30)


class ids:
    url = "reports-url"
    programme = "reports-programme"
    quarter = "reports-quarter"
    format = "reports-format"
    download = "reports-download"
    file = "reports-file"
    flagged = "reports-flagged"
    state = "reports-state"
    done = "reports-done"


@safe_layout
def layout(programme=None, period=None, format=None, **_query):
    with read_session() as session:
        visible = visible_programme_codes(session)
        code = (first(programme) or first_programme(session, visible)).strip().upper()
        prog = _programme(session, code)
        if prog is None or prog.code not in visible:
            return not_found(f"There is no programme with the code “{code}”." if code else "No programme is loaded.")
        quarter = parse_quarter(prog, first(period)) or default_quarter(prog)
        fmt = first(format) if first(format) in FORMATS else default_format(prog.donor)
        result = figures(session, prog.code, quarter)
    flagged = [i for i in result.indicators if i.needs_narrative]
    counts = status_counts(i.status for i in result.indicators)
    state = {"programme": prog.code, "period": quarter.code, "format": fmt}
    return html.Div([
        dcc.Location(id=ids.url, refresh=False),
        dcc.Store(id=ids.state, data=state),
        dcc.Download(id=ids.file),
        page_header("Quarterly reports", "The donor's tables for one quarter, from the same figures as the screens."),
        dbc.Row([
            dbc.Col(dbc.Card([
                dbc.CardHeader(html.H2("Report", className="h6 mb-0")),
                dbc.CardBody([
                    _field("Programme", dcc.Dropdown(id=ids.programme, clearable=False, value=prog.code,
                                                     options=[{"label": c, "value": c} for c in visible])),
                    _field("Quarter", dcc.Dropdown(id=ids.quarter, clearable=False, value=quarter.code,
                                                   options=quarter_options(prog), searchable=False)),
                    _field("Format", dbc.RadioItems(id=ids.format, value=fmt, options=[
                        {"label": label[:1].upper() + label[1:] + (" · donor's default" if key == default_format(prog.donor) else ""),
                         "value": key} for key, label in FORMATS.items()])),
                    dbc.Button(["Download ", html.Span(download_filename(prog.code, quarter.code, fmt),
                                                       className="font-monospace small")],
                               id=ids.download, color="primary", className="w-100 mt-2", n_clicks=0),
                    dcc.Loading(html.Div(id=ids.done, className="small text-muted mt-2", role="status"), type="dot"),
                ]),
            ], className="shadow-sm mb-4"), lg=5),
            dbc.Col([
                dbc.Card([
                    dbc.CardHeader(html.H2(f"{prog.code} · {quarter.label()}", className="h6 mb-0")),
                    dbc.CardBody([
                        html.P([f"{prog.title} · {prog.donor}"]
                               + ([html.Br(), f"Data as of {format_datetime(result.data_as_of)}"]
                                  if result.data_as_of else []), className="mb-2"),
                        html.Div([html.Span([html.Strong(f"{counts[s]} "), status_badge(s, small=True)],
                                            className="me-3") for s in (AHEAD, ON_TRACK, BEHIND)],
                                 className="mb-0"),
                    ]),
                ], className="shadow-sm mb-4"),
                _flagged_card(flagged, quarter.code),
            ], lg=7),
        ]),
    ])


def _programme(session, code):
    return programme(session, code) if code else None


def _field(label, control):
    return html.Div([dbc.Label(label, className="small text-muted mb-1"), control], className="mb-3")


def _flagged_card(flagged, period_code: str) -> dbc.Card:
    if not flagged:
        body = dbc.Alert("Every indicator more than 15% off its target has a deviation narrative.", color="success",
                         className="mb-0 py-2")
    else:
        body = html.Div([
            html.P(f"{len(flagged)} indicator{'s are' if len(flagged) != 1 else ' is'} more than 15% off the "
                   "pro-rated target without a deviation narrative. The report can be downloaded, but the donor "
                   "will ask why.", className="small"),
            html.Ul([html.Li([
                dcc.Link(item.indicator.code, href=href("/indicator", code=item.indicator.code, period=period_code),
                         className="fw-semibold me-2"),
                item.indicator.name, " ", status_badge(item.status, small=True),
                html.Span(f" {format_percent(_percent(item))} of target", className="small text-muted"),
            ], className="mb-1") for item in flagged], className="list-unstyled mb-0"),
        ])
    return dbc.Card([
        dbc.CardHeader(html.H2("Before sending: narratives missing", className="h6 mb-0")),
        dbc.CardBody(body, id=ids.flagged),
    ], className="shadow-sm mb-4 " + ("border-warning" if flagged else ""))


def _percent(item):
    figure = item.year_to_date if item.year_to_date.target is not None else item.lop_to_date
    return figure.percent_of_target


@callback(Output(ids.url, "search"), Input(ids.programme, "value"), Input(ids.quarter, "value"),
          Input(ids.format, "value"), State(ids.state, "data"), prevent_initial_call=True)
def choose(programme, period, fmt, state):
    """Each choice changes the URL and the page follows; a new programme starts at its default quarter."""
    state = state or {}
    if programme != state.get("programme"):
        return query_string(programme=programme)
    wanted = {"programme": programme, "period": period, "format": fmt}
    if wanted == state:
        raise dash.exceptions.PreventUpdate
    return query_string(**wanted)


@callback(Output(ids.file, "data"), Output(ids.done, "children"), Input(ids.download, "n_clicks"),
          State(ids.state, "data"), prevent_initial_call=True)
def download(n_clicks, state):
    from exports.cli import render

    if not n_clicks:
        raise dash.exceptions.PreventUpdate
    with read_session() as session:
        data, fmt = render(session, state["programme"], state["period"], state["format"])
    name = download_filename(state["programme"], state["period"], fmt)
    return dcc.send_bytes(data, name), f"{name} prepared ({len(data):,} bytes)."
