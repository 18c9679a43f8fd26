"""Activities: every stored record (but cases) with its provenance, filtered by kind, programme, quarter and
district, found by its reference or any word of its fields (``&search=KEC-TR-021``), sortable, and downloadable
as CSV. ``/activities?programme=PVR&kind=trainings&quarter=FY2019Q3``. A record selected in the grid opens in
the correction panel (``dashboard._correction``, ``&record=trainings:12``) where an officer or manager corrects
a value or voids it, with a reason; "Show voided" (``&voided=1``) lists the voided records instead, one of which
opens in a panel that restores it, with a reason. Victims' cases are never listed, searched or opened."""

from __future__ import annotations

import csv
import io

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html

from dashboard import _correction, _drafts, _queries
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
from exports._csv import defused
from indicators.i18n import N_, _, ngettext
from indicators.store import kinds

dash.register_page(
    __name__,
    path="/activities",
    title=page_title(N_("Activities")),
    name=N_("Activities"),
    order=10,
    roles=STAFF,
    scope={"programme": "programme"},
)


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
    search = "activities-search"
    search_go = "activities-search-go"
    voided = "activities-voided"


# Drawn only while a record is open: listed for Dash's callback check (see _access).
CALLBACK_COMPONENTS = [
    dbc.Button(id=_correction.ids.save),
    dbc.Button(id=_correction.ids.void),
    html.Div(id=_correction.ids.result),
    dbc.Select(id=_correction.ids.reason),
    dbc.Input(id=_correction.ids.comment),
    dcc.Store(id=_correction.ids.record),
    dbc.Button(id=_correction.ids.restore),
    html.Div(id=_correction.ids.restore_result),
    dbc.Select(id=_correction.ids.restore_reason),
    dbc.Input(id=_correction.ids.restore_comment),
    dcc.Store(id=_correction.ids.voided),
    dcc.Store(id=_drafts.info_id(_correction.DRAFT)),
    dcc.Store(id=_drafts.store_id(_correction.DRAFT)),
    html.Div(id=_drafts.note_id(_correction.DRAFT)),
    dbc.Button(id=_drafts.discard_id(_correction.DRAFT)),
]


LIMIT = 1000  # newest records drawn in the grid (20 pages of 50); the filters narrow to the rest
NUMERIC = {"female", "male", "total", "row"}


@safe_layout
def layout(
    programme=None,
    kind=None,
    quarter=None,
    district=None,
    search=None,
    voided=None,
    record=None,
    saved=None,
    **_query,
):
    with read_session() as session:
        visible = visible_programme_codes(session)
        chosen = (first(programme) or "").strip().upper() or None
        if chosen and chosen not in visible:
            chosen = None
        kind = first(kind) if first(kind) in {s.key for s in kinds.listed()} else None
        district = first(district) or None
        quarter = first(quarter) or None
        search = (first(search) or "").strip()[:100] or None
        voided = 1 if first(voided) == "1" else None
        prog = _queries.programme(session, chosen)
        quarters = quarter_options(prog) if prog else []
        if quarter and quarter not in {q["value"] for q in quarters}:
            quarter = None
        rows, total = activity_rows(
            session,
            programme_codes=[chosen] if chosen else visible,
            kind=kind,
            quarter=quarter,
            district=district,
            search=search,
            voided=bool(voided),
            limit=LIMIT,
        )
        banner = _correction.saved_banner(session, first(saved)) if saved else None
        opened = _correction.panel(session, first(record), visible) if record else None
    filters = {
        "programme": chosen,
        "kind": kind,
        "quarter": quarter,
        "district": district,
        "search": search,
        "voided": voided,
    }
    return html.Div(
        [
            dcc.Location(id=ids.url, refresh="callback-nav"),
            dcc.Download(id=ids.download),
            page_header(
                _("Activities"),
                "Every record stored from the uploaded sheets, with the file, sheet and row it "
                "came from. Victims' cases are shown as aggregates only, on the Victims profile.",
                actions=dbc.Button(_("Download CSV"), id=ids.csv, color="primary", outline=True, size="sm"),
            ),
            _filters(visible, chosen, kind, quarters, quarter, prog, district, search, voided),
            banner,
            opened,
            html.Div(
                [
                    html.P(
                        _count_text(len(rows), total, filters),
                        id=ids.count,
                        className="small text-muted mb-0 me-auto",
                    ),
                    dbc.Button(
                        _("Restore the selected record") if voided else _("Correct the selected record"),
                        id=_correction.ids.open,
                        color="secondary",
                        outline=True,
                        size="sm",
                        disabled=True,
                        title=_(
                            "Select a row (its box, or Space on the keyboard), then open it to restore it"
                        )
                        if voided
                        else _(
                            "Select a row (its box, or Space on the keyboard), then open it to correct or void it"
                        ),
                    ),
                ],
                className="d-flex align-items-center mb-2",
            ),
            data_grid(
                ids.grid,
                rows,
                column_defs(voided),
                flexible=("description", "detail"),
                empty=_empty_text(filters),
                row_id="record",
                rowSelection={"mode": "singleRow", "checkboxes": True, "enableClickSelection": True},
            ),
            dcc.Store(id=ids.state, data=filters),
        ]
    )


def _filters(visible, chosen, kind, quarters, quarter, prog, district, search, voided) -> dbc.Card:
    return dbc.Card(
        dbc.CardBody(
            [
                dbc.Row(
                    [
                        _filter(
                            _("Programme"),
                            ids.programme,
                            [{"label": c, "value": c} for c in visible],
                            chosen,
                            "All programmes",
                        ),
                        _filter(
                            _("Kind"),
                            ids.kind,
                            [{"label": s.label, "value": s.key} for s in kinds.listed()],
                            kind,
                            "All kinds",
                        ),
                        _filter(
                            _("Quarter"),
                            ids.quarter,
                            quarters,
                            quarter,
                            "All quarters" if prog else "Choose a programme first",
                            disabled=not prog,
                        ),
                        _filter(
                            _("District"),
                            ids.district,
                            [{"label": d, "value": d} for d in district_options()],
                            district,
                            "All districts",
                        ),
                    ],
                    className="g-2",
                ),
                dbc.Row(
                    [
                        dbc.Col(
                            [
                                dbc.Label(
                                    _("Find a record"), html_for=ids.search, className="small text-muted mb-1"
                                ),
                                dbc.InputGroup(
                                    [
                                        dbc.Input(
                                            id=ids.search,
                                            value=search or "",
                                            type="search",
                                            debounce=True,
                                            placeholder=_(
                                                "Its reference (KEC-TR-021) or words of its fields (Huye, radio)"
                                            ),
                                        ),
                                        dbc.Button(
                                            _("Find"),
                                            id=ids.search_go,
                                            color="secondary",
                                            outline=True,
                                            n_clicks=0,
                                        ),
                                    ],
                                    size="sm",
                                ),
                            ],
                            xs=12,
                            lg=6,
                        ),
                        dbc.Col(
                            dbc.Switch(
                                id=ids.voided,
                                value=bool(voided),
                                label=_("Show voided records"),
                                className="small mb-1",
                            ),
                            xs=12,
                            lg=3,
                            className="d-flex align-items-end",
                        ),
                    ],
                    className="g-2 mt-1",
                ),
            ]
        ),
        className="shadow-sm mb-3",
        id=ids.filters,
    )


def _filter(label, id, options, value, placeholder, disabled=False):
    return dbc.Col(
        [
            dbc.Label(label, html_for=id, className="small text-muted mb-1"),
            dropdown(
                id=id,
                options=options,
                value=value,
                placeholder=placeholder,
                disabled=disabled,
                clearable=True,
            ),
        ],
        xs=12,
        sm=6,
        lg=3,
    )


def column_defs(voided=False) -> list[dict]:
    defs = []
    shown = list(COLUMNS)  # the CSV keeps "Corrected" last; the grid shows it beside the reference
    shown.insert(shown.index("reference") + 1, shown.pop(shown.index("corrected")))
    for key in shown:
        col = {"field": key, "headerName": N_("Voided") if voided and key == "corrected" else HEADERS[key]}
        if key in NUMERIC:
            col.update(type="numericColumn", filter="agNumberColumnFilter")
        if key == "kind":
            col["pinned"] = "left"
        defs.append(col)
    return defs


def _count_text(shown: int, total: int, filters: dict) -> str:
    voided = filters.get("voided")
    found = " " + _("matching “{search}”").format(search=filters["search"]) if filters.get("search") else ""
    if total > shown:
        return (
            _(
                "Showing {shown} of {total} voided records{found}, the latest quarter and the latest upload "
                "first; narrow the filters to see the rest (the grid sorts what it shows by any column)."
            )
            if voided
            else _(
                "Showing {shown} of {total} records{found}, the latest quarter and the latest upload first; "
                "narrow the filters to see the rest (the grid sorts what it shows by any column)."
            )
        ).format(shown=format_number(shown), total=format_number(total), found=found)
    text = (
        ngettext("{count} voided record{found}.", "{count} voided records{found}.", total)
        if voided
        else ngettext("{count} record{found}.", "{count} records{found}.", total)
    ).format(count=format_number(total), found=found)
    if voided:
        text += " " + _("They count in no figure until restored: select one and restore it, with a reason.")
    return text


def _empty_text(filters: dict) -> str:
    if filters.get("voided"):
        return _("No voided record matches these filters.")
    return (
        _("No record matches these filters and this search.")
        if filters.get("search")
        else _("No record matches these filters.")
    )


@callback(
    Output(ids.url, "search"),
    Input(ids.programme, "value"),
    Input(ids.kind, "value"),
    Input(ids.quarter, "value"),
    Input(ids.district, "value"),
    Input(ids.search, "value"),
    Input(ids.search_go, "n_clicks"),
    Input(ids.voided, "value"),
    State(ids.state, "data"),
    prevent_initial_call=True,
)
def filter_records(programme, kind, quarter, district, search, _go, voided, current):
    """A filter or a search changes the URL, and the page is drawn again from it: the view stays a shareable
    link."""
    if programme:
        with read_session() as session:
            programme = require_programme(session, programme)
    if programme != (current or {}).get("programme"):
        quarter = None  # quarters belong to one programme
    wanted = {
        "programme": programme,
        "kind": kind,
        "quarter": quarter,
        "district": district,
        "search": (search or "").strip()[:100] or None,
        "voided": 1 if voided else None,
    }
    if wanted == {k: (current or {}).get(k) for k in wanted}:
        raise dash.exceptions.PreventUpdate
    return query_string(**wanted)


@callback(
    Output(ids.download, "data"),
    Input(ids.csv, "n_clicks"),
    State(ids.grid, "virtualRowData"),
    State(ids.grid, "rowData"),
    State(ids.state, "data"),
    prevent_initial_call=True,
)
def download_csv(n_clicks, shown_rows, all_rows, filters):
    """The rows as the grid shows them (its own column filters and sort included) as CSV."""
    if not n_clicks:
        raise dash.exceptions.PreventUpdate
    rows = shown_rows if shown_rows is not None else (all_rows or [])
    return dcc.send_string(to_csv(rows), csv_filename(filters or {}))


NUMERIC = frozenset(("female", "male", "total", "row"))  # written as numbers, unquoted


def to_csv(rows: list[dict]) -> str:
    """The rows as CSV that no spreadsheet runs as formulas, whichever separator it splits on: every text is
    quoted, and an apostrophe goes before a =, +, -, @ that starts it or follows a comma, semicolon, tab or line
    break, so that any cell a reader cuts out of it starts with the apostrophe (``Training;=1+1;x`` is written
    ``"Training;'=1+1;x"``, ``-2 days`` ``"'-2 days"``). Counts stay numbers."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([_(HEADERS[k]) for k in COLUMNS])
    for row in rows:
        writer.writerow([_cell(row.get(k), k in NUMERIC) for k in COLUMNS])
    return out.getvalue()


def _cell(value, numeric: bool = False):
    """A CSV cell: a number as a number (in a count column), anything else as text defused."""
    if value is None:
        return ""
    if numeric and value.__class__ in (int, float):
        return value
    return defused(str(value))


def csv_filename(filters: dict) -> str:
    parts = ["activities"] + [
        str(filters[k]) for k in ("programme", "kind", "quarter", "district") if filters.get(k)
    ]
    parts += ["voided"] if filters.get("voided") else []
    return "_".join(parts).replace(" ", "-") + ".csv"


# --- correcting one record (the panel is dashboard._correction's) --------------------------------------


C = _correction.ids
FIELDS = {"type": _correction.FIELD, "field": ALL}
FEEDBACKS = {"type": _correction.FEEDBACK, "field": ALL}


@callback(
    Output(ids.url, "search", allow_duplicate=True),
    Input(C.open, "n_clicks"),
    State(ids.grid, "selectedRows"),
    State(ids.state, "data"),
    prevent_initial_call=True,
)
def open_record(n_clicks, selected, filters):
    """The selected row's record opens in the correction panel (its own URL: a link to it opens it again)."""
    if not n_clicks or not selected:
        raise dash.exceptions.PreventUpdate
    return query_string(**(filters or {}), record=selected[0].get("record"))


@callback(Output(C.open, "disabled"), Input(ids.grid, "selectedRows"))
def can_open(selected):
    return not selected


@callback(
    Output(C.result, "children"),
    Output(FIELDS, "invalid"),
    Output(FEEDBACKS, "children"),
    Output(C.reason, "invalid"),
    Output(C.comment, "invalid"),
    Output(ids.url, "search", allow_duplicate=True),
    Output(_drafts.store_id(_correction.DRAFT), "data", allow_duplicate=True),
    Input(C.save, "n_clicks"),
    Input(C.void, "n_clicks"),
    State(FIELDS, "value"),
    State(C.reason, "value"),
    State(C.comment, "value"),
    State(C.record, "data"),
    State(ids.state, "data"),
    State(_drafts.store_id(_correction.DRAFT), "data"),
    State(_drafts.info_id(_correction.DRAFT), "data"),
    prevent_initial_call=True,
)
def save_correction(
    save_clicks, void_clicks, values, reason, comment, record, filters, drafts=None, draft=None
):
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
                done = corrections.correct(
                    session,
                    kind,
                    record_id,
                    dict(zip(names, values)),
                    by=user,
                    reason=reason,
                    comment=comment,
                    settings=settings(),
                )
        except corrections.NotCorrectable as exc:
            done = corrections.Outcome(False, {corrections.GENERAL: str(exc)})
        if not done.ok:
            session.rollback()
    problems = done.problems
    marks = [bool(problems.get(name)) for name in names]
    messages = [problems.get(name, "") for name in names]
    if done.ok:
        target = query_string(**(filters or {}), record=None if voiding else record["key"], saved=done.event)
        return (
            dbc.Alert(_("Saved."), color="success", className="py-2 small mb-0"),
            marks,
            messages,
            False,
            False,
            target,
            _drafts.cleared(drafts, draft),
        )
    marked = [n for n in [*names, "reason", "comment"] if n in problems]
    text = " ".join(
        filter(
            None,
            [
                done.general and f"{done.general}.",
                marked
                and ngettext(
                    "{count} value to correct (marked below each field).",
                    "{count} values to correct (marked below each field).",
                    len(marked),
                ).format(count=len(marked)),
            ],
        )
    )
    alert = dbc.Alert(
        [html.Strong(_("Nothing saved:") + " "), text],
        color="danger",
        className="py-2 small mb-0",
        id="activities-correction-refused",
    )
    return alert, marks, messages, "reason" in problems, "comment" in problems, dash.no_update, dash.no_update


_drafts.register(_correction.DRAFT, [(FIELDS, "value"), (C.reason, "value"), (C.comment, "value")])


@callback(
    Output(C.restore_result, "children"),
    Output(C.restore_reason, "invalid"),
    Output(C.restore_comment, "invalid"),
    Output(ids.url, "search", allow_duplicate=True),
    Input(C.restore, "n_clicks"),
    State(C.restore_reason, "value"),
    State(C.restore_comment, "value"),
    State(C.voided, "data"),
    State(ids.state, "data"),
    prevent_initial_call=True,
)
def restore_record(n_clicks, reason, comment, voided, filters):
    """Restore the voided record opened. Refused: why, the reason and comment kept as typed; restored: the page
    lists the records again (not the voided ones), with a banner naming the record restored."""
    from importers import corrections, restoring

    if not n_clicks or not voided:
        raise dash.exceptions.PreventUpdate
    require_role(STAFF, "record restore")
    user = current_username()
    with store().begin() as session:
        require_programme(session, voided.get("programme"))
        try:
            done = restoring.restore(
                session, voided.get("void"), by=user, reason=reason, comment=comment, settings=settings()
            )
        except corrections.NotCorrectable as exc:
            done = corrections.Outcome(False, {corrections.GENERAL: str(exc)})
        if not done.ok:
            session.rollback()
    if done.ok:
        shown = {**(filters or {}), "voided": None}
        return (
            dbc.Alert(_("Restored."), color="success", className="py-2 small mb-0"),
            False,
            False,
            query_string(**shown, saved=done.event),
        )
    problems = done.problems
    text = done.general or "a reason and a comment, marked below."
    return (
        dbc.Alert(
            [html.Strong(_("Not restored: ")), text + ("" if text.endswith(".") else ".")],
            color="danger",
            className="py-2 small mb-0",
            id="activities-restore-refused",
        ),
        "reason" in problems,
        "comment" in problems,
        dash.no_update,
    )
