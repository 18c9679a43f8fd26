"""Activities: every stored record (but cases) with its provenance, filtered by kind, programme, quarter and
district, sortable, and downloadable as CSV. ``/activities?programme=PVR&kind=trainings&quarter=FY2019Q3``."""

from __future__ import annotations

import csv
import io

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboard import _queries
from dashboard._access import STAFF, require_programme
from dashboard._components import (
    data_grid,
    first,
    page_header,
    query_string,
    read_session,
    safe_layout,
    visible_programme_codes,
)
from dashboard._queries import quarter_options
from dashboard._records import COLUMNS, HEADERS, activity_rows, district_options
from indicators import kinds

dash.register_page(__name__, path="/activities", title="Activities · ctmonitor", name="Activities", order=10,
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


LIMIT = 5000
NUMERIC = {"female", "male", "total", "row"}


@safe_layout
def layout(programme=None, kind=None, quarter=None, district=None, **_query):
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
    filters = dict(programme=chosen, kind=kind, quarter=quarter, district=district)
    return html.Div([
        dcc.Location(id=ids.url, refresh="callback-nav"),
        dcc.Download(id=ids.download),
        page_header("Activities", "Every record stored from the uploaded sheets, with the file, sheet and row it "
                                  "came from. Victims' cases are shown as aggregates only, on the Victims profile.",
                    actions=dbc.Button("Download CSV", id=ids.csv, color="primary", outline=True, size="sm")),
        dbc.Card(dbc.CardBody(dbc.Row([
            _filter("Programme", ids.programme, [{"label": c, "value": c} for c in visible], chosen, "All programmes"),
            _filter("Kind", ids.kind, [{"label": s.label, "value": s.key} for s in kinds.listed()], kind,
                    "All kinds"),
            _filter("Quarter", ids.quarter, quarters, quarter,
                    "All quarters" if prog else "Choose a programme first", disabled=not prog),
            _filter("District", ids.district, [{"label": d, "value": d} for d in districts], district, "All districts"),
        ], className="g-2")), className="shadow-sm mb-3", id=ids.filters),
        html.P(_count_text(len(rows), total), id=ids.count, className="small text-muted mb-2"),
        data_grid(ids.grid, rows, column_defs(), flexible=("description", "detail"),
                  empty="No records match these filters."),
        dcc.Store(id=ids.state, data=filters),
    ])


def _filter(label, id, options, value, placeholder, disabled=False):
    return dbc.Col([
        dbc.Label(label, html_for=id, className="small text-muted mb-1"),
        dcc.Dropdown(id=id, options=options, value=value, placeholder=placeholder, disabled=disabled, clearable=True),
    ], xs=12, sm=6, lg=3)


def column_defs() -> list[dict]:
    defs = []
    for key in COLUMNS:
        col = {"field": key, "headerName": HEADERS[key]}
        if key in NUMERIC:
            col.update(type="numericColumn", filter="agNumberColumnFilter")
        if key == "kind":
            col["pinned"] = "left"
        defs.append(col)
    return defs


def _count_text(shown: int, total: int) -> str:
    if total > shown:
        return f"Showing the newest {shown:,} of {total:,} records; narrow the filters to see the rest."
    return f"{total:,} record{'s' if total != 1 else ''}."


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
    writer.writerow([HEADERS[k] for k in COLUMNS])
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
