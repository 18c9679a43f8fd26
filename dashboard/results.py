"""Direct results: a figure entered in the browser for an indicator that no activity sheet measures, with the
fields and rules of the results sheet (indicator, period, value, or a percentage's numerator and denominator,
disaggregation, comment), and the list of every entry with who entered it and when. ``/results?programme=KEC``.

An entry goes through the importer itself, as a one-row results sheet: the same checks, the same messages
(shown under the field they concern), the same refusal of a signed-off quarter. It is checked first by a dry
run, so a refused entry leaves nothing behind (no refused upload in the history); a stored one has an upload
on record ("entered in the browser by …") as every stored row's provenance. Entering a figure again for the
same indicator, quarter and category corrects it.
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
from indicators.access import audit
from indicators.figures.figures import programme_quarters
from indicators.i18n import N_, _
from indicators.store.models import Indicator, Programme, ResultValue, Upload

dash.register_page(
    __name__,
    path="/results",
    title=page_title(N_("Direct results")),
    name=N_("Direct results"),
    order=25,
    roles=STAFF,
    scope={"programme": "programme"},
)

FIELDS = ("indicator", "period", "value", "numerator", "denominator", "disaggregation", "comment")
# The one-row sheet an entry becomes: its columns, as the results layout reads them, and their letters.
COLUMNS = ("Indicator", "Period", "Value", "Numerator", "Denominator", "Disaggregation", "Comment")
LETTERS = dict(zip("ABCDEFG", FIELDS))
RECOMPUTED = (
    "A percentage may be entered as its numerator and denominator (33 of 40 respondents) instead of a "
    "value: the year to date and the life of project are then recomputed from the summed parts (33 of "
    "40 and 10 of 20 give 43 of 60, 71.7%), never averaged. A percentage entered as a value alone is "
    "taken as entered: a year or the life of project shows its own entry, else, unless every quarter "
    "has its parts, the latest quarter's."
)
ENTRY_FILE = "entered in the browser"


class ids:
    programme = "results-programme"
    indicator = "results-indicator"
    period = "results-period"
    value = "results-value"
    numerator = "results-numerator"
    denominator = "results-denominator"
    disaggregation = "results-disaggregation"
    comment = "results-comment"
    enter = "results-enter"
    outcome = "results-outcome"
    entries = "results-entries"
    state = "results-state"
    parts = "results-parts"


def feedback_id(name: str) -> str:
    return f"results-{name}-feedback"


# Drawn only when some indicator is measured by direct entry: listed for Dash's callback check (see _access).
CALLBACK_COMPONENTS = (
    [
        dbc.Button(id=ids.enter),
        html.Div(id=ids.outcome),
        html.Div(id="results-list"),
        dcc.Store(id=ids.state),
        html.Div(id=ids.parts),
    ]
    + [dbc.Input(id=f"results-{name}") for name in FIELDS]
    + [dbc.FormFeedback(id=feedback_id(name)) for name in FIELDS]
)


ENTRY_COLUMNS = [
    {"field": "indicator", "headerName": N_("Indicator")},
    {"field": "period", "headerName": N_("Quarter")},
    {"field": "category", "headerName": N_("Disaggregation")},
    {"field": "value", "headerName": N_("Value")},
    {"field": "parts", "headerName": N_("Of")},
    {"field": "comment", "headerName": N_("Comment")},
    {"field": "by", "headerName": N_("Entered by")},
    {"field": "at", "headerName": N_("When (UTC)"), "sort": "desc"},
    {"field": "source", "headerName": N_("From")},
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
    header = page_header(
        _("Direct results"),
        _(
            "Figures for indicators that no activity sheet measures, entered "
            "here with the rules of the results sheet."
        ),
    )
    if not chosen:
        return html.Div(
            [
                header,
                dbc.Alert(
                    _(
                        "No indicator of the programmes you may see is measured by direct entry: "
                        "every one is counted from activity sheets."
                    ),
                    color="info",
                    id="results-none",
                ),
            ]
        )
    options = [{"label": f"{i.code} · {i.name}", "value": i.code} for i in indicators]
    units = {i.code: i.unit for i in indicators}
    return html.Div(
        [
            header,
            dcc.Store(id=ids.state, data={"programme": chosen, "units": units}),
            dbc.Card(
                [
                    dbc.CardHeader(
                        html.H2(_("Enter a result for {code}").format(code=chosen), className="h6 mb-0")
                    ),
                    dbc.CardBody(
                        [
                            html.Div(
                                [
                                    dbc.Button(
                                        c,
                                        href=f"/results?programme={c}",
                                        color="primary",
                                        outline=c != chosen,
                                        size="sm",
                                        className="me-1",
                                    )
                                    for c in codes
                                ],
                                className="mb-3",
                            )
                            if len(codes) > 1
                            else None,
                            dbc.Row(
                                [
                                    _field(
                                        _("Indicator"),
                                        ids.indicator,
                                        dbc.Select(
                                            id=ids.indicator, options=options, value=indicators[0].code
                                        ),
                                        md=6,
                                    ),
                                    _field(
                                        _("Quarter"),
                                        ids.period,
                                        dbc.Select(
                                            id=ids.period,
                                            value=None,
                                            placeholder=_("Choose a quarter"),
                                            options=[
                                                {"label": q.label(), "value": q.code}
                                                for q in reversed(quarters)
                                            ],
                                        ),
                                        md=3,
                                    ),
                                    _field(
                                        _("Value"),
                                        ids.value,
                                        dbc.Input(
                                            id=ids.value,
                                            type="text",
                                            inputMode="decimal",
                                            placeholder=_("a number (percentages 0–100)"),
                                        ),
                                        md=3,
                                    ),
                                ],
                                className="g-2",
                            ),
                            dbc.Row(
                                [
                                    _field(
                                        _("Numerator"),
                                        ids.numerator,
                                        dbc.Input(
                                            id=ids.numerator,
                                            type="text",
                                            inputMode="decimal",
                                            placeholder="e.g. 33",
                                        ),
                                        md=3,
                                        help="how many met the criterion",
                                    ),
                                    _field(
                                        _("Denominator"),
                                        ids.denominator,
                                        dbc.Input(
                                            id=ids.denominator,
                                            type="text",
                                            inputMode="decimal",
                                            placeholder="e.g. 40",
                                        ),
                                        md=3,
                                        help="out of how many",
                                    ),
                                    dbc.Col(html.P(RECOMPUTED, className="small text-muted mb-2"), md=6),
                                ],
                                className="g-2",
                                id=ids.parts,
                                style=_parts_style(options[0]["value"], units),
                            ),
                            dbc.Row(
                                [
                                    _field(
                                        _("Disaggregation"),
                                        ids.disaggregation,
                                        dbc.Input(
                                            id=ids.disaggregation,
                                            placeholder=_("blank for the total, or e.g. sex=Female"),
                                        ),
                                        md=4,
                                        help="blank for the total, or a category of the indicator's disaggregation: sex=Female",
                                    ),
                                    _field(
                                        _("Comment"),
                                        ids.comment,
                                        dbc.Input(
                                            id=ids.comment, placeholder=_("where the figure comes from")
                                        ),
                                        md=8,
                                    ),
                                ],
                                className="g-2",
                            ),
                            dbc.Button(
                                enter_label(options[0]["value"], None),
                                id=ids.enter,
                                color="primary",
                                n_clicks=0,
                            ),
                            html.Div(id=ids.outcome, className="mt-2", role="status"),
                        ]
                    ),
                ],
                className="shadow-sm mb-4",
            ),
            dbc.Card(
                [
                    dbc.CardHeader(
                        html.H2(_("Results entered for {code}").format(code=chosen), className="h6 mb-0")
                    ),
                    dbc.CardBody(
                        data_grid(
                            ids.entries,
                            rows,
                            ENTRY_COLUMNS,
                            flexible=("comment",),
                            page_size=20,
                            empty=_("No result entered yet."),
                            height=None,
                        )
                        if rows
                        else empty_state(_("No result entered yet.")),
                        id="results-list",
                    ),
                ],
                className="shadow-sm mb-4",
            ),
        ]
    )


def _parts_style(code, units: dict) -> dict:
    """Numerator and denominator are for percentages: hidden while a number indicator is chosen."""
    return {} if units.get(code) == "percent" else {"display": "none"}


def enter_label(indicator, period) -> str:
    """The button names what it enters: ``Enter the result for KEC-6.1 · FY2019Q3``."""
    if not indicator:
        return "Enter the result"
    return (
        _("Enter the result for {indicator} · {period}") if period else _("Enter the result for {indicator}")
    ).format(indicator=indicator, period=period)


def _field(label, id, control, md, help=None):
    return dbc.Col(
        [
            dbc.Label(label, html_for=id, className="small mb-1"),
            control,
            dbc.FormFeedback(id=feedback_id(id.removeprefix("results-")), type="invalid"),
            dbc.FormText(help) if help else None,
        ],
        md=md,
        className="mb-2",
    )


def _entered_indicators(session, codes: list[str]) -> list[Indicator]:
    """Indicators measured by direct entry, of the programmes listed."""
    return list(
        session.scalars(
            select(Indicator)
            .join(Programme)
            .where(Indicator.source_kind == "results", Programme.code.in_(codes))
            .order_by(Programme.code, Indicator.sort_order)
        )
    )


def entry_rows(session, codes: list[str]) -> list[dict]:
    """Every result entered for the programmes listed, with who entered it and when (from its upload)."""
    query = (
        select(
            ResultValue,
            Indicator.code,
            Indicator.unit,
            Upload.uploaded_by,
            Upload.uploaded_at,
            Upload.filename,
        )
        .join(Indicator, Indicator.id == ResultValue.indicator_id)
        .join(Programme)
        .outerjoin(Upload, Upload.id == ResultValue.upload_id)
        .where(Programme.code.in_(codes), Indicator.source_kind == "results")
    )
    return [
        {
            "indicator": code,
            "period": row.quarter,
            "category": f"{row.disaggregation}={row.category}" if row.disaggregation else "total",
            "value": format_number(row.value, unit),
            "comment": row.comment,
            "by": by or "–",
            "parts": f"{format_number(row.numerator)} of {format_number(row.denominator)}"
            if row.denominator
            else "",
            "at": format_datetime(at) if at else "–",
            "source": "browser" if name == f"{ENTRY_FILE}.csv" else name,
        }
        for row, code, unit, by, at, name in session.execute(query)
    ]


def as_sheet(values: dict) -> bytes:
    """An entry as the one-row results sheet the importer reads."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerow([values.get(name) or "" for name in FIELDS])
    return out.getvalue().encode("utf-8")


@callback(
    Output(ids.enter, "children"),
    Output(ids.parts, "style"),
    Output(ids.numerator, "value"),
    Output(ids.denominator, "value"),
    Input(ids.indicator, "value"),
    Input(ids.period, "value"),
    State(ids.state, "data"),
)
def name_the_entry(indicator, period, state):
    """The button says which indicator and quarter it enters for; the parts show for a percentage only (and
    are emptied for a number, so that nothing hidden is sent)."""
    style = _parts_style(indicator, (state or {}).get("units") or {})
    empty = "" if style else dash.no_update
    return enter_label(indicator, period), style, empty, empty


@callback(
    Output(ids.outcome, "children"),
    Output("results-list", "children"),
    *[Output(f"results-{name}", "invalid") for name in FIELDS],
    *[Output(feedback_id(name), "children") for name in FIELDS],
    Input(ids.enter, "n_clicks"),
    *[State(f"results-{name}", "value") for name in FIELDS],
    State(ids.state, "data"),
    prevent_initial_call=True,
)
def enter(n_clicks, *values_and_state):
    """Run the entry through the importer: a dry run first, so that a refused entry stores nothing (no upload
    row either), with each problem under its field; then, when clean, the import itself. The form keeps what
    was typed either way."""
    from importers.pipeline import import_file

    if not n_clicks:
        raise dash.exceptions.PreventUpdate
    require_role(STAFF, "result entry")
    *typed, state = values_and_state
    user = current_username()
    values = dict(zip(FIELDS, typed))
    target = f"{values['indicator']} · {values['period']}" if values["period"] else values["indicator"]
    sheet = as_sheet(values)
    with store().Session() as session:
        code = require_programme(session, (state or {}).get("programme"))
        report = import_file(
            session,
            sheet,
            f"{ENTRY_FILE}.csv",
            settings=settings(),
            programme=code,
            uploaded_by=user,
            dry_run=True,
        )
        session.rollback()
    if not report.errors:
        with store().begin() as session:
            report = import_file(
                session, sheet, f"{ENTRY_FILE}.csv", settings=settings(), programme=code, uploaded_by=user
            )
            if report.outcome in ("stored", "unchanged"):
                audit.record(
                    session,
                    user,
                    "result-entered",
                    target,
                    value=values["value"] or None,
                    numerator=values["numerator"] or None,
                    denominator=values["denominator"] or None,
                    disaggregation=values["disaggregation"] or None,
                    comment=values["comment"] or None,
                    outcome=report.counts.get("results"),
                )
            else:
                session.rollback()
    problems = {LETTERS.get(p.cell.rstrip("0123456789")): p.expected for p in report.errors if p.cell}
    general = [
        str(p) for p in report.errors if not p.cell or LETTERS.get(p.cell.rstrip("0123456789")) is None
    ]
    marks = [name in problems for name in FIELDS]
    messages = [problems.get(name, "") for name in FIELDS]
    if report.errors or report.outcome not in ("stored", "unchanged"):
        note = dbc.Alert(
            [html.Strong(_("Not entered for {what}:").format(what=target) + " ")]
            + (
                [html.Span("; ".join(general))]
                if general
                else [_("correct the values marked below each field.")]
            ),
            color="danger",
            className="py-2 small",
        )
        return note, dash.no_update, *marks, *messages
    counts = report.counts.get("results", {})
    verb = (
        "corrected"
        if counts.get("updated")
        else ("already entered, unchanged" if counts.get("unchanged") else "entered")
    )
    with read_session() as session:
        rows = entry_rows(session, [code])
        entry = _latest_entry(session, code, values)
    listing = data_grid(
        ids.entries,
        rows,
        ENTRY_COLUMNS,
        flexible=("comment",),
        page_size=20,
        empty=_("No result entered yet."),
        height=None,
    )
    return (
        dbc.Alert(
            f"{target}: {entry} {verb} by {user}.",
            color="success",
            className="py-2 small",
            id="results-entered",
        ),
        listing,
        *marks,
        *messages,
    )


def _latest_entry(session, programme: str, values: dict) -> str:
    """The entry as stored, in words: ``12``, or ``82.5% (33 of 40)`` for a percentage entered with its parts."""
    code, period = values["indicator"], values["period"]
    row = session.execute(
        select(ResultValue, Indicator.unit)
        .join(Indicator, Indicator.id == ResultValue.indicator_id)
        .join(Programme)
        .where(Programme.code == programme, Indicator.code == code, ResultValue.quarter == period)
        .order_by(ResultValue.updated_at.desc(), ResultValue.id.desc())
    ).first()
    if row is None:
        return values["value"] or ""
    entry, unit = row
    shown = format_number(entry.value, unit)
    return (
        f"{shown} ({format_number(entry.numerator)} of {format_number(entry.denominator)})"
        if entry.denominator
        else shown
    )
