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
from dashboard._results_form import (
    ENTRY_FILE,
    FIELDS,
    enter_label,
    entries_card,
    entries_grid,
    feedback_id,
    figure_row,
    ids,
    note_row,
    parts_row,
    parts_style,
    programme_switch,
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

# The one-row sheet an entry becomes: its columns, as the results layout reads them, and their letters.
COLUMNS = ("Indicator", "Period", "Value", "Numerator", "Denominator", "Disaggregation", "Comment")
LETTERS = dict(zip("ABCDEFG", FIELDS))


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
                            programme_switch(codes, chosen),
                            figure_row(options, indicators, quarters),
                            parts_row(options[0]["value"], units),
                            note_row(),
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
            entries_card(chosen, rows),
        ]
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
            "category": f"{row.disaggregation}={row.category}" if row.disaggregation else _("total"),
            "value": format_number(row.value, unit),
            "comment": row.comment,
            "by": by or "–",
            "parts": _parts(row) if row.denominator else "",
            "at": format_datetime(at) if at else "–",
            "source": _("browser") if name == f"{ENTRY_FILE}.csv" else name,
        }
        for row, code, unit, by, at, name in session.execute(query)
    ]


def _parts(entry) -> str:
    """A percentage's parts, as entered: ``33 of 40``."""
    return _("{numerator} of {denominator}").format(
        numerator=format_number(entry.numerator), denominator=format_number(entry.denominator)
    )


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
    style = parts_style(indicator, (state or {}).get("units") or {})
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
    if not n_clicks:
        raise dash.exceptions.PreventUpdate
    require_role(STAFF, "result entry")
    *typed, state = values_and_state
    user = current_username()
    values = dict(zip(FIELDS, typed))
    target = f"{values['indicator']} · {values['period']}" if values["period"] else values["indicator"]
    with store().Session() as session:
        code = require_programme(session, (state or {}).get("programme"))
    report = _import_entry(values, code, user, target)
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
    done = (
        _("{target}: {entry} corrected by {user}.")
        if counts.get("updated")
        else (
            _("{target}: {entry} already entered, unchanged by {user}.")
            if counts.get("unchanged")
            else _("{target}: {entry} entered by {user}.")
        )
    )
    with read_session() as session:
        rows = entry_rows(session, [code])
        entry = _latest_entry(session, code, values)
    return (
        dbc.Alert(
            done.format(target=target, entry=entry, user=user),
            color="success",
            className="py-2 small",
            id="results-entered",
        ),
        entries_grid(rows),
        *marks,
        *messages,
    )


def _import_entry(values: dict, code: str, user: str, target: str):
    """The entry as a one-row results sheet through the importer: a dry run, rolled back; then, when clean, the
    import itself, audited with what was entered. Returns the last import's report."""
    from importers.pipeline import import_file

    sheet = as_sheet(values)
    with store().Session() as session:
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
    if report.errors:
        return report
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
    return report


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
    return f"{shown} ({_parts(entry)})" if entry.denominator else shown
