"""Activities: every stored record (but cases) with its provenance, filtered by kind, programme, quarter and
district, sortable, and downloadable as CSV. ``/activities?programme=PVR&kind=trainings&quarter=FY2019Q3``.
A record selected in the grid opens in the correction panel (``dashboard._correction``, ``&record=trainings:12``)
where an officer or manager corrects a value or voids it, with a reason."""

from __future__ import annotations

import csv
import io

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html

from dashboard import _correction, _queries
from dashboard._access import STAFF, require_programme, require_role
from dashboard._components import (
    current_username,
    data_grid,
    dropdown,
    first,
    format_number,
    page_header,
    page_title,
    query_string,
    read_session,
    safe_layout,
    settings,
    store,
    visible_programme_codes,
)
from dashboard._queries import quarter_options
from dashboard._records import COLUMNS, HEADERS, activity_rows, district_options
from indicators import kinds
from indicators.i18n import N_, _, ngettext

dash.register_page(__name__, path="/activities", title=page_title(N_("Activities")), name=N_("Activities"), order=10,
                   roles=STAFF, scope={"programme": "programme"})


class ids:
    url = "activities-url"
    programme = "activities-programme"
    kind = "activities-kind"
    quarter = "activities-quarter"
    district = "activities-district"
    grid = "activities-grid"
    count = "activities-count"
    csv = "activities-csv"
    download = "activities-download"
    filters = "activities-filters"
    state = "activities-state"


# Drawn only while a record is open: listed for Dash's callback check (see _access).
CALLBACK_COMPONENTS = [dbc.Button(id=_correction.ids.save), dbc.Button(id=_correction.ids.void),
                       html.Div(id=_correction.ids.result), dbc.Select(id=_correction.ids.reason),
                       dbc.Input(id=_correction.ids.comment), dcc.Store(id=_correction.ids.record)]


LIMIT = 1000  # newest records drawn in the grid (20 pages of 50); the filters narrow to the rest
NUMERIC = {"female", "male", "total", "row"}


@safe_layout
def layout(programme=None, kind=None, quarter=None, district=None, record=None, saved=None, **_query):
    with read_session() as session:
        visible = visible_programme_codes(session)
        chosen = (first(programme) or "").strip().upper() or None
        if chosen and chosen not in visible:
            chosen = None
        kind = first(kind) if first(kind) in {s.key for s in kinds.listed()} else None
        district = first(district) or None
        quarter = first(quarter) or None
        prog = _queries.programme(session, chosen)
        quarters = quarter_options(prog) if prog else []
        if quarter and quarter not in {q["value"] for q in quarters}:
            quarter = None
        rows, total = activity_rows(session, programme_codes=[chosen] if chosen else visible, kind=kind,
                                    quarter=quarter, district=district, limit=LIMIT)
        districts = district_options()
        banner = _correction.saved_banner(session, first(saved)) if saved else None
        opened = _correction.panel(session, first(record), visible) if record else None
    filters = dict(programme=chosen, kind=kind, quarter=quarter, district=district)
    return html.Div([
        dcc.Location(id=ids.url, refresh="callback-nav"),
        dcc.Download(id=ids.download),
        page_header(_("Activities"), _("Every record stored from the uploaded sheets, with the file, sheet and row "
                                       "it came from. Victims' cases are shown as aggregates only, on the Victims "
                                       "profile."),
                    actions=dbc.Button(_("Download CSV"), id=ids.csv, color="primary", outline=True, size="sm")),
        dbc.Card(dbc.CardBody(dbc.Row([
            _filter(_("Programme"), ids.programme, [{"label": c, "value": c} for c in visible], chosen,
                    _("All programmes")),
            _filter(_("Kind"), ids.kind, [{"label": _(s.label), "value": s.key} for s in kinds.listed()], kind,
                    _("All kinds")),
            _filter(_("Quarter"), ids.quarter, quarters, quarter,
                    _("All quarters") if prog else _("Choose a programme first"), disabled=not prog),
            _filter(_("District"), ids.district, [{"label": d, "value": d} for d in districts], district,
                    _("All districts")),
        ], className="g-2")), className="shadow-sm mb-3", id=ids.filters),
        banner,
        opened,
        html.Div([
            html.P(_count_text(len(rows), total), id=ids.count, className="small text-muted mb-0 me-auto"),
            dbc.Button(_("Correct the selected record"), id=_correction.ids.open, color="secondary", outline=True,
                       size="sm", disabled=True,
                       title=_("Select a row (its box, or Space on the keyboard), then open it to correct or void it")),
        ], className="d-flex align-items-center mb-2"),
        data_grid(ids.grid, rows, column_defs(), flexible=("description", "detail"),
                  empty=_("No records match these filters."), row_id="record",
                  rowSelection={"mode": "singleRow", "checkboxes": True, "enableClickSelection": True}),
        dcc.Store(id=ids.state, data=filters),
    ])


def _filter(label, id, options, value, placeholder, disabled=False):
    return dbc.Col([
        dbc.Label(label, html_for=id, className="small text-muted mb-1"),
        dropdown(id=id, options=options, value=value, placeholder=placeholder, disabled=disabled, clearable=True),
    ], xs=12, sm=6, lg=3)


def column_defs() -> list[dict]:
    defs = []
    shown = list(COLUMNS)  # the CSV keeps "Corrected" last; the grid shows it beside the reference
    shown.insert(shown.index("reference") + 1, shown.pop(shown.index("corrected")))
    for key in shown:
        col = {"field": key, "headerName": HEADERS[key]}
        if key in NUMERIC:
            col.update(type="numericColumn", filter="agNumberColumnFilter")
        if key == "kind":
            col["pinned"] = "left"
        defs.append(col)
    return defs


def _count_text(shown: int, total: int) -> str:
    if total > shown:
        return _("Showing {shown} of {total} records, the latest quarter and the latest upload first; narrow "
                 "the filters to see the rest (the grid sorts what it shows by any column).").format(
            shown=format_number(shown), total=format_number(total))
    return ngettext("{count} record.", "{count} records.", total).format(count=format_number(total))


@callback(Output(ids.url, "search"),
          Input(ids.programme, "value"), Input(ids.kind, "value"), Input(ids.quarter, "value"),
          Input(ids.district, "value"), State(ids.state, "data"), prevent_initial_call=True)
def filter_records(programme, kind, quarter, district, current):
    """A filter changes the URL, and the page is drawn again from it: the view stays a shareable link."""
    if programme:
        with read_session() as session:
            programme = require_programme(session, programme)
    if programme != (current or {}).get("programme"):
        quarter = None  # quarters belong to one programme
    wanted = dict(programme=programme, kind=kind, quarter=quarter, district=district)
    if wanted == {k: (current or {}).get(k) for k in wanted}:
        raise dash.exceptions.PreventUpdate
    return query_string(**wanted)


@callback(Output(ids.download, "data"), Input(ids.csv, "n_clicks"), State(ids.grid, "virtualRowData"),
          State(ids.grid, "rowData"), State(ids.state, "data"), prevent_initial_call=True)
def download_csv(n_clicks, shown_rows, all_rows, filters):
    """The rows as the grid shows them (its own column filters and sort included) as CSV."""
    if not n_clicks:
        raise dash.exceptions.PreventUpdate
    rows = shown_rows if shown_rows is not None else (all_rows or [])
    return dcc.send_string(to_csv(rows), csv_filename(filters or {}))


def to_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_(HEADERS[k]) for k in COLUMNS])
    for row in rows:
        writer.writerow([_cell(row.get(k)) for k in COLUMNS])
    return out.getvalue()


def _cell(value):
    """A CSV cell; text that a spreadsheet would run as a formula is quoted with a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_filename(filters: dict) -> str:
    parts = ["activities"] + [str(filters[k]) for k in ("programme", "kind", "quarter", "district") if filters.get(k)]
    return "_".join(parts).replace(" ", "-") + ".csv"


# --- correcting one record (the panel is dashboard._correction's) --------------------------------------


C = _correction.ids
FIELDS = {"type": _correction.FIELD, "field": ALL}
FEEDBACKS = {"type": _correction.FEEDBACK, "field": ALL}


@callback(Output(ids.url, "search", allow_duplicate=True), Input(C.open, "n_clicks"),
          State(ids.grid, "selectedRows"), State(ids.state, "data"), prevent_initial_call=True)
def open_record(n_clicks, selected, filters):
    """The selected row's record opens in the correction panel (its own URL: a link to it opens it again)."""
    if not n_clicks or not selected:
        raise dash.exceptions.PreventUpdate
    return query_string(**(filters or {}), record=selected[0].get("record"))


@callback(Output(C.open, "disabled"), Input(ids.grid, "selectedRows"))
def can_open(selected):
    return not selected


@callback(Output(C.result, "children"), Output(FIELDS, "invalid"), Output(FEEDBACKS, "children"),
          Output(C.reason, "invalid"), Output(C.comment, "invalid"), Output(ids.url, "search", allow_duplicate=True),
          Input(C.save, "n_clicks"), Input(C.void, "n_clicks"), State(FIELDS, "value"), State(C.reason, "value"),
          State(C.comment, "value"), State(C.record, "data"), State(ids.state, "data"), prevent_initial_call=True)
def save_correction(save_clicks, void_clicks, values, reason, comment, record, filters):
    """Correct or void the record opened. Refused: each problem under its field, what was typed kept; saved:
    the page is drawn again from its URL with what changed."""
    from importers import corrections

    if not (save_clicks or void_clicks) or not record:
        raise dash.exceptions.PreventUpdate
    require_role(STAFF, "record correction")
    kind, record_id = _correction.parse_key(record.get("key"))
    names = [item["id"]["field"] for item in ctx.states_list[0]]
    voiding = ctx.triggered_id == C.void
    user = current_username()
    with store().begin() as session:
        require_programme(session, record.get("programme"))
        try:
            if voiding:
                done = corrections.void(session, kind, record_id, by=user, reason=reason, comment=comment)
            else:
                done = corrections.correct(session, kind, record_id, dict(zip(names, values)), by=user,
                                           reason=reason, comment=comment, settings=settings())
        except corrections.NotCorrectable as exc:
            done = corrections.Outcome(False, {corrections.GENERAL: str(exc)})
        if not done.ok:
            session.rollback()
    problems = done.problems
    marks = [bool(problems.get(name)) for name in names]
    messages = [problems.get(name, "") for name in names]
    if done.ok:
        search = query_string(**(filters or {}), record=None if voiding else record["key"], saved=done.event)
        return (dbc.Alert(_("Saved."), color="success", className="py-2 small mb-0"), marks, messages, False, False,
                search)
    marked = [n for n in [*names, "reason", "comment"] if n in problems]
    text = " ".join(filter(None, [
        done.general and f"{done.general}.",
        marked and ngettext("{count} value to correct (marked below each field).",
                            "{count} values to correct (marked below each field).", len(marked)).format(
            count=len(marked)),
    ]))
    alert = dbc.Alert([html.Strong(_("Nothing saved:") + " "), text], color="danger", className="py-2 small mb-0",
                      id="activities-correction-refused")
    return alert, marks, messages, "reason" in problems, "comment" in problems, dash.no_update
