"""Direct results: a figure entered in the browser for an indicator that no activity sheet measures, with the
fields and rules of the results sheet (indicator, period, value, disaggregation, comment), and the list of every
entry with who entered it and when. ``/results?programme=KEC``.

An entry goes through the importer itself, as a one-row results sheet: the same checks, the same messages
(shown under the field they concern), the same refusal of a signed-off quarter, and an upload on record
("entered in the browser by …") as every stored row's provenance. Entering a figure again for the same
indicator, quarter and category corrects it.
"""

from __future__ import annotations

import csv
import io

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html
from sqlalchemy import select

from dashboard._access import STAFF, require_programme, require_role
from dashboard._components import (
    current_username,
    data_grid,
    empty_state,
    first,
    format_datetime,
    format_number,
    page_header,
    page_title,
    read_session,
    safe_layout,
    settings,
    store,
    visible_programme_codes,
)
from indicators import audit
from indicators.figures import programme_quarters
from indicators.i18n import N_, _
from indicators.models import Indicator, Programme, ResultValue, Upload

dash.register_page(__name__, path="/results", title=page_title(N_("Direct results")), name=N_("Direct results"), order=25,
                   roles=STAFF, scope={"programme": "programme"})

FIELDS = ("indicator", "period", "value", "disaggregation", "comment")
# The one-row sheet an entry becomes: its columns, as the results layout reads them, and their letters.
COLUMNS = ("Indicator", "Period", "Value", "Disaggregation", "Comment")
LETTERS = dict(zip("ABCDE", FIELDS))
ENTRY_FILE = "entered in the browser"


class ids:
    programme = "results-programme"
    indicator = "results-indicator"
    period = "results-period"
    value = "results-value"
    disaggregation = "results-disaggregation"
    comment = "results-comment"
    enter = "results-enter"
    outcome = "results-outcome"
    entries = "results-entries"
    state = "results-state"


def feedback_id(name: str) -> str:
    return f"results-{name}-feedback"


# Drawn only when some indicator is measured by direct entry: listed for Dash's callback check (see _access).
CALLBACK_COMPONENTS = ([dbc.Button(id=ids.enter), html.Div(id=ids.outcome), html.Div(id="results-list"),
                        dcc.Store(id=ids.state)]
                       + [dbc.Input(id=f"results-{name}") for name in FIELDS]
                       + [dbc.FormFeedback(id=feedback_id(name)) for name in FIELDS])


ENTRY_COLUMNS = [
    {"field": "indicator", "headerName": N_("Indicator")}, {"field": "period", "headerName": N_("Quarter")},
    {"field": "category", "headerName": N_("Disaggregation")}, {"field": "value", "headerName": N_("Value")},
    {"field": "comment", "headerName": N_("Comment")}, {"field": "by", "headerName": N_("Entered by")},
    {"field": "at", "headerName": N_("When (UTC)"), "sort": "desc"}, {"field": "source", "headerName": N_("From")},
]


@safe_layout
def layout(programme=None, **_query):
    with read_session() as session:
        visible = visible_programme_codes(session)
        entered = _entered_indicators(session, visible)
        codes = sorted({i.programme.code for i in entered})
        chosen = (first(programme) or "").strip().upper()
        chosen = chosen if chosen in codes else (codes[0] if codes else None)
        indicators = [i for i in entered if i.programme.code == chosen]
        quarters = programme_quarters(indicators[0].programme) if indicators else []
        rows = entry_rows(session, [chosen] if chosen else [])
    header = page_header(_("Direct results"), _("Figures for indicators that no activity sheet measures, entered "
                                                 "here with the rules of the results sheet."))
    if not chosen:
        return html.Div([header, dbc.Alert(_("No indicator of the programmes you may see is measured by direct entry: "
                                           "every one is counted from activity sheets."), color="info", id="results-none")])
    options = [{"label": f"{i.code} · {i.name}", "value": i.code} for i in indicators]
    return html.Div([
        header,
        dcc.Store(id=ids.state, data={"programme": chosen}),
        dbc.Card([
            dbc.CardHeader(html.H2(_("Enter a result for {code}").format(code=chosen), className="h6 mb-0")),
            dbc.CardBody([
                html.Div([dbc.Button(c, href=f"/results?programme={c}", color="primary", outline=c != chosen,
                                     size="sm", className="me-1") for c in codes], className="mb-3")
                if len(codes) > 1 else None,
                dbc.Row([
                    _field(_("Indicator"), ids.indicator, dbc.Select(id=ids.indicator, options=options,
                                                                  value=indicators[0].code), md=6),
                    _field(_("Quarter"), ids.period, dbc.Select(id=ids.period, value=None, placeholder=_("Choose a quarter"),
                                                             options=[{"label": q.label(), "value": q.code}
                                                                      for q in reversed(quarters)]), md=3),
                    _field(_("Value"), ids.value, dbc.Input(id=ids.value, type="text", inputMode="decimal",
                                                         placeholder=_("a number (percentages 0–100)")), md=3),
                ], className="g-2"),
                dbc.Row([
                    _field(_("Disaggregation"), ids.disaggregation, dbc.Input(
                        id=ids.disaggregation, placeholder=_("blank for the total, or e.g. sex=Female")), md=4,
                        help="blank for the total, or a category of the indicator's disaggregation: sex=Female"),
                    _field(_("Comment"), ids.comment, dbc.Input(id=ids.comment, placeholder=_("where the figure comes from")),
                           md=8),
                ], className="g-2"),
                dbc.Button(_("Enter the result"), id=ids.enter, color="primary", n_clicks=0),
                html.Div(id=ids.outcome, className="mt-2", role="status"),
            ]),
        ], className="shadow-sm mb-4"),
        dbc.Card([
            dbc.CardHeader(html.H2(_("Results entered for {code}").format(code=chosen), className="h6 mb-0")),
            dbc.CardBody(data_grid(ids.entries, rows, ENTRY_COLUMNS, flexible=("comment",), page_size=20,
                                   empty=_("No result entered yet."), height=None) if rows
                         else empty_state(_("No result entered yet.")), id="results-list"),
        ], className="shadow-sm mb-4"),
    ])


def _field(label, id, control, md, help=None):
    return dbc.Col([dbc.Label(label, html_for=id, className="small mb-1"), control,
                    dbc.FormFeedback(id=feedback_id(id.removeprefix("results-")), type="invalid"),
                    dbc.FormText(help) if help else None], md=md, className="mb-2")


def _entered_indicators(session, codes: list[str]) -> list[Indicator]:
    """Indicators measured by direct entry, of the programmes listed."""
    return list(session.scalars(select(Indicator).join(Programme).where(Indicator.source_kind == "results",
                                                                        Programme.code.in_(codes))
                                .order_by(Programme.code, Indicator.sort_order)))


def entry_rows(session, codes: list[str]) -> list[dict]:
    """Every result entered for the programmes listed, with who entered it and when (from its upload)."""
    query = (select(ResultValue, Indicator.code, Indicator.unit, Upload.uploaded_by, Upload.uploaded_at,
                    Upload.filename)
             .join(Indicator, Indicator.id == ResultValue.indicator_id).join(Programme)
             .outerjoin(Upload, Upload.id == ResultValue.upload_id)
             .where(Programme.code.in_(codes), Indicator.source_kind == "results"))
    return [{"indicator": code, "period": row.quarter,
             "category": f"{row.disaggregation}={row.category}" if row.disaggregation else "total",
             "value": format_number(row.value, unit), "comment": row.comment, "by": by or "–",
             "at": format_datetime(at) if at else "–", "source": "browser" if name == f"{ENTRY_FILE}.csv" else name}
            for row, code, unit, by, at, name in session.execute(query)]


def as_sheet(values: dict) -> bytes:
    """An entry as the one-row results sheet the importer reads."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerow([values.get(name) or "" for name in FIELDS])
    return out.getvalue().encode("utf-8")


@callback(Output(ids.outcome, "children"), Output("results-list", "children"),
          *[Output(f"results-{name}", "invalid") for name in FIELDS],
          *[Output(feedback_id(name), "children") for name in FIELDS],
          Input(ids.enter, "n_clicks"), *[State(f"results-{name}", "value") for name in FIELDS],
          State(ids.state, "data"), prevent_initial_call=True)
def enter(n_clicks, indicator, period, value, disaggregation, comment, state):
    """Run the entry through the importer: stored, or refused with each problem under its field (the form
    keeps what was typed either way)."""
    from importers.pipeline import import_file

    if not n_clicks:
        raise dash.exceptions.PreventUpdate
    require_role(STAFF, "result entry")
    user = current_username()
    values = dict(zip(FIELDS, (indicator, period, value, disaggregation, comment)))
    with store().begin() as session:
        code = require_programme(session, (state or {}).get("programme"))
        report = import_file(session, as_sheet(values), f"{ENTRY_FILE}.csv", settings=settings(), programme=code,
                             uploaded_by=user)
        stored = report.outcome in ("stored", "unchanged")
        if stored:
            audit.record(session, user, "result-entered", f"{indicator} {period}", value=value,
                         disaggregation=disaggregation or None, comment=comment or None,
                         outcome=report.counts.get("results"))
    problems = {LETTERS.get(p.cell.rstrip("0123456789")): p.expected for p in report.errors if p.cell}
    general = [str(p) for p in report.errors if not p.cell or LETTERS.get(p.cell.rstrip("0123456789")) is None]
    marks = [name in problems for name in FIELDS]
    messages = [problems.get(name, "") for name in FIELDS]
    if not stored:
        note = dbc.Alert([html.Strong(_("Not entered: "))] + ([html.Span("; ".join(general))] if general else
                         ["correct the values marked below each field."]), color="danger", className="py-2 small")
        return note, dash.no_update, *marks, *messages
    counts = report.counts.get("results", {})
    verb = "corrected" if counts.get("updated") else ("already entered, unchanged" if counts.get("unchanged")
                                                       else "entered")
    with read_session() as session:
        rows = entry_rows(session, [code])
    listing = data_grid(ids.entries, rows, ENTRY_COLUMNS, flexible=("comment",), page_size=20,
                        empty=_("No result entered yet."), height=None)
    return (dbc.Alert(f"{indicator} · {period}: {value} {verb} by {user}.", color="success", className="py-2 small",
                      id="results-entered"), listing, *marks, *messages)
