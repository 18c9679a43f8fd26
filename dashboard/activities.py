"""Activities: every stored record (but cases) with its provenance, filtered by kind, programme, quarter and
district, found by its reference or any word of its fields (``&search=KEC-TR-021``), sortable, and downloadable
as CSV. ``/activities?programme=PVR&kind=trainings&quarter=FY2019Q3``. A record selected in the grid opens in
the correction panel (``dashboard._correction``, ``&record=trainings:12``) where an officer or manager corrects
a value or voids it, with a reason; "Show voided" (``&voided=1``) lists the voided records instead, one of which
opens in a panel that restores it, with a reason. Victims' cases are never listed, searched or opened."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html

from dashboard import _correction, _drafts, _queries
from dashboard._access import STAFF, require_programme, require_role
from dashboard._activities_csv import csv_filename, to_csv
from dashboard._activities_view import column_defs, empty_text, filters_card, ids, toolbar
from dashboard._components import (
    current_username,
    data_grid,
    first,
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
from dashboard._records import activity_rows
from indicators.i18n import N_, _, ngettext
from indicators.store import kinds

dash.register_page(
    __name__,
    path="/activities",
    grid_first=True,  # its first screen is a grid: AG Grid comes with the page (dashboard._delivery)
    title=page_title(N_("Activities")),
    name=N_("Activities"),
    order=10,
    roles=STAFF,
    scope={"programme": "programme"},
)


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
                _(
                    "Every record stored from the uploaded sheets, with the file, sheet and row it "
                    "came from. Victims' cases are shown as aggregates only, on the Victims profile."
                ),
                actions=dbc.Button(_("Download CSV"), id=ids.csv, color="primary", outline=True, size="sm"),
            ),
            filters_card(visible, chosen, kind, quarters, quarter, prog, district, search, voided),
            banner,
            opened,
            toolbar(len(rows), total, filters),
            data_grid(
                ids.grid,
                rows,
                column_defs(voided),
                flexible=("description", "detail"),
                empty=empty_text(filters),
                row_id="record",
                rowSelection={"mode": "singleRow", "checkboxes": True, "enableClickSelection": True},
            ),
            dcc.Store(id=ids.state, data=filters),
        ]
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
    text = done.general or _("a reason and a comment, marked below.")
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
