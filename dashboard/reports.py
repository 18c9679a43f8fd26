"""Reports: a programme, a quarter and a format, then the donor file through ``exports.cli.render``; indicators
more than 15% off without a narrative are listed first. ``/reports?programme=KEC&period=FY2019Q3&format=iptt``.

Once the report is sent, a manager signs the quarter off: the report in the donor's default format is made
and kept with the sign-off (``indicators.signoff``), and from then on downloading that quarter in that
format serves the kept file byte for byte, whatever data arrive later. Every download is audited."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboard._access import SIGNERS, can, require_programme, require_role
from dashboard._components import (
    AHEAD,
    BEHIND,
    ON_TRACK,
    current_username,
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
    settings,
    status_badge,
    status_counts,
    store,
    visible_programme_codes,
)
from dashboard._queries import default_quarter, first_programme, parse_quarter, programme, quarter_options
from exports.cli import FORMATS, default_format
from indicators import audit, signoff
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
    signoff = "reports-signoff"
    signoff_confirm = "reports-signoff-confirm"
    signoff_button = "reports-signoff-button"
    signoff_result = "reports-signoff-result"


# Drawn only while the quarter shown can still be signed off: listed for Dash's callback check (see _access).
CALLBACK_COMPONENTS = [dbc.Checkbox(id=ids.signoff_confirm), dbc.Button(id=ids.signoff_button),
                       html.Div(id=ids.signoff_result)]


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
        signed = signoff.signed_report(session, prog.code, quarter.code)
        closed = signoff.closures(session, prog.id, {quarter.code}).get(quarter.code)
    kept = signed is not None and signed.report_format == fmt
    filename = signed.report_filename if kept else download_filename(prog.code, quarter.code, fmt)
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
                    dbc.Button(["Download ", html.Span(filename, className="font-monospace small")],
                               id=ids.download, color="primary", className="w-100 mt-2", n_clicks=0),
                    html.P("The report as signed off: the file kept at sign-off, byte for byte.",
                           className="small text-muted mt-2 mb-0") if kept else None,
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
                _signoff_card(prog, quarter, signed, closed),
                _flagged_card(flagged, quarter.code),
            ], lg=7),
        ]),
    ])


def _programme(session, code):
    return programme(session, code) if code else None


def _signoff_card(prog, quarter, signed, closed) -> dbc.Card:
    """The quarter's sign-off: who and when once it is done; for a manager until then, the way to do it."""
    body = []
    if signed is not None:
        body.append(dbc.Alert([
            html.Strong(f"Signed off by {signed.signed_by} on {format_datetime(signed.signed_at)} UTC."),
            html.Br(),
            (f"The {signed.report_format.upper()} report sent then is kept ({signed.report_filename}, SHA-256 "
             f"{signed.report_sha256[:12]}…); {quarter.code} and the quarters before it can no longer change."),
        ], color="success", className="py-2 mb-0 small", id="reports-signed"))
    else:
        if closed is not None:
            body.append(dbc.Alert(f"Closed: {closed.signed_period} was signed off by {closed.signed_by} on "
                                  f"{closed.signed_at}, so {quarter.code}'s figures can no longer change.",
                                  color="info", className="py-2 small"))
        if can(SIGNERS):
            body += [
                html.P(f"Once the report has been sent to {prog.donor}, sign the quarter off: the "
                       f"{default_format(prog.donor).upper()} report is kept as sent, and no upload may change "
                       f"{quarter.code} or an earlier quarter any more.", className="small"),
                dbc.Checkbox(id=ids.signoff_confirm, value=False, className="mb-2",
                             label=f"The {quarter.code} report has been sent to {prog.donor}"),
                dbc.Button(f"Sign off {quarter.code}", id=ids.signoff_button, color="success", outline=True,
                           n_clicks=0, className="w-100"),
                dcc.Loading(html.Div(id=ids.signoff_result, className="mt-2", role="status"), type="dot"),
            ]
        elif closed is None:
            body.append(html.P(f"{quarter.code} has not been signed off yet.", className="small text-muted mb-0"))
    return dbc.Card([
        dbc.CardHeader(html.H2("Sign-off", className="h6 mb-0")),
        dbc.CardBody(body, id=ids.signoff),
    ], className="shadow-sm mb-4" + (" signoff-done" if signed is not None else ""))


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
    with read_session() as session:
        programme = require_programme(session, programme)
    if programme != state.get("programme"):
        return query_string(programme=programme)
    wanted = {"programme": programme, "period": period, "format": fmt}
    if wanted == state:
        raise dash.exceptions.PreventUpdate
    return query_string(**wanted)


def _asked(session, state) -> tuple[str, str, str]:
    """The programme (one the user may see), quarter and format a request names, normalised."""
    state = state if isinstance(state, dict) else {}
    code = require_programme(session, state.get("programme"))
    quarter = parse_quarter(programme(session, code), state.get("period"))
    if quarter is None:
        raise dash.exceptions.PreventUpdate
    fmt = state.get("format") if state.get("format") in FORMATS else None
    return code, quarter.code, fmt


@callback(Output(ids.file, "data"), Output(ids.done, "children"), Input(ids.download, "n_clicks"),
          State(ids.state, "data"), prevent_initial_call=True)
def download(n_clicks, state):
    """The report file; for a signed-off quarter in the format signed off, the very file kept then."""
    from exports.cli import render

    if not n_clicks:
        raise dash.exceptions.PreventUpdate
    with read_session() as session:
        code, period, fmt = _asked(session, state)
        signed = signoff.signed_report(session, code, period)
        kept = signed is not None and signed.report_format == (fmt or signed.report_format)
        if kept:
            data, fmt, name = signed.report, signed.report_format, signed.report_filename
        else:
            data, fmt = render(session, code, period, fmt, small_cell=settings().small_cell)
            name = download_filename(code, period, fmt)
    with store().begin() as session:
        audit.record(session, current_username(), "report-downloaded", f"{code} {period}", format=fmt,
                     filename=name, bytes=len(data), signed_copy=kept)
    note = " (the copy kept at sign-off)" if kept else ""
    return dcc.send_bytes(data, name), f"{name} prepared ({len(data):,} bytes){note}."


@callback(Output(ids.signoff_result, "children"), Input(ids.signoff_button, "n_clicks"),
          State(ids.signoff_confirm, "value"), State(ids.state, "data"), prevent_initial_call=True)
def sign_off(n_clicks, confirmed, state):
    """A manager signs the quarter off: the report in the donor's default format is made and kept with it."""
    from exports.cli import render

    if not n_clicks:
        raise dash.exceptions.PreventUpdate
    require_role(SIGNERS, "sign-off")
    if not confirmed:
        return dbc.Alert("Tick the box once the report has been sent, then sign off.", color="warning",
                         className="py-2 small mb-0")
    with store().begin() as session:
        code, period, _fmt = _asked(session, state)
        fmt = default_format(programme(session, code).donor)
        try:
            data, fmt = render(session, code, period, fmt, small_cell=settings().small_cell)
            record = signoff.sign_off(session, code, period, current_username(), data, fmt,
                                      download_filename(code, period, fmt))
        except signoff.SignOffError as exc:
            return dbc.Alert(f"Not signed off: {exc}.", color="danger", className="py-2 small mb-0")
        when = format_datetime(record.signed_at)
    return dbc.Alert(f"Signed off by {record.signed_by} on {when} UTC. The {fmt.upper()} report is kept as sent; "
                     "reload the page to see the quarter closed.", color="success", className="py-2 small mb-0",
                     id="reports-signoff-done")
