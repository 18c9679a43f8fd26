"""Upload: drop a workbook, see the dry run (errors with sheet, cell, value and what was expected; warnings;
counts per kind), then commit it; templates per kind; the history of uploads.

The file's bytes stay in the browser's ``dcc.Upload`` between the dry run and the commit: nothing is kept on
the server until the import is committed, and the commit runs the whole import again inside one
transaction (all or nothing, DOMAIN §5). A commit runs only for what a clean dry run of this user vouched for
(``_commit``): a forged or stale one is refused before the importer runs. Files are read in a child process
(``importers.isolation``). A committed upload, stored or refused, goes into the audit trail in that same
transaction."""

from __future__ import annotations

import base64
import binascii
import hashlib

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html

from dashboard._access import STAFF, require_programme, require_role
from dashboard._commit import refusal as commit_refusal
from dashboard._commit import vouch
from dashboard._components import (
    current_username,
    page_header,
    page_title,
    read_session,
    safe_layout,
    settings,
    store,
    visible_programme_codes,
)
from dashboard._upload_panels import (
    choose_card,
    commit_card,
    commit_label,
    dry_run_card,
    empty_preview,
    history_card,
    history_rows,
    ids,
    max_file_size,
    rules_card,
    templates_card,
)
from dashboard._upload_report import counts_table, first_error, render_report
from indicators.i18n import N_, Message, _, translated

dash.register_page(
    __name__,
    path="/upload",
    grid_first=True,  # its first screen is a grid: AG Grid comes with the page (dashboard._delivery)
    title=page_title(N_("Upload")),
    name=N_("Upload"),
    order=20,
    roles=STAFF,
    scope={"programme": "programme"},
)


# Drawn only once a dry run has counts: listed for Dash's callback check (see _access).
CALLBACK_COMPONENTS = [html.Div(id=ids.counts)]


@safe_layout
def layout(programme=None, **_query):
    limit = max_file_size(settings().upload_limit)
    with read_session() as session:
        visible = visible_programme_codes(session)
        history = history_rows(session)
    chosen = programme if programme in visible else None
    return html.Div(
        [
            page_header(
                _("Upload activity sheets"),
                _("Check a workbook first: nothing is stored until the dry run is clean and you commit it."),
            ),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            choose_card(visible, chosen, limit),
                            dry_run_card(),
                            commit_card(),
                            dcc.Store(id=ids.checked),
                        ],
                        lg=8,
                    ),
                    dbc.Col([templates_card(), rules_card()], lg=4),
                ]
            ),
            history_card(history),
        ]
    )


def decode(contents: str) -> bytes:
    """``data:...;base64,XXXX`` from ``dcc.Upload`` to bytes."""
    try:
        return base64.b64decode(contents.split(",", 1)[1], validate=False)
    except (IndexError, binascii.Error, AttributeError) as exc:
        raise ValueError(Message(N_("the file could not be read from the browser"))) from exc


def run_import(contents: str, filename: str, programme: str | None, *, dry_run: bool, file_values=()):
    """The import, dry or for real; a dry run is rolled back whatever the importer wrote. A real one is
    audited (stored or refused) with the import itself."""
    from importers.pipeline import import_file
    from indicators.access import audit

    require_role(STAFF, "upload")
    data = decode(contents)
    if programme:
        with read_session() as session:
            programme = require_programme(session, programme)
    user = current_username()
    common = {
        "settings": settings(),
        "programme": programme or None,
        "uploaded_by": user,
        "dry_run": dry_run,
        "isolated": True,
        "file_values": set(file_values),
    }
    if dry_run:
        with store().Session() as session:
            try:
                return import_file(session, data, filename, **common)
            finally:
                session.rollback()
    with store().begin() as session:
        report = import_file(session, data, filename, **common)
        stored = report.outcome in ("stored", "unchanged")
        audit.record(
            session,
            user,
            "upload-stored" if stored else "upload-refused",
            report.filename[:200],
            outcome=report.outcome,
            sha256=report.sha256,
            programme=programme or None,
            kinds=list(report.kinds or []),
            counts=report.counts or {},
            corrections_kept=[str(c) for c in report.conflicts if c.kept][:100],
            file_values_chosen=[str(c) for c in report.conflicts if not c.kept][:100],
            errors=len(report.errors or []),
            first_error=first_error(report),
        )
        return report


def _said(exc: ValueError) -> str:
    """What a refusal says: its ``Message`` as raised (English in the audit trail, translated where shown)."""
    said = exc.args[0] if exc.args else None
    return said if isinstance(said, str) else str(exc)


def _digest(contents: str) -> str:
    try:
        return hashlib.sha256(decode(contents)).hexdigest()[:12]
    except ValueError:
        return "unreadable"


# --- callbacks -------------------------------------------------------------------------------------


@callback(
    Output(ids.preview, "children"),
    Output(ids.commit, "disabled"),
    Output(ids.checked, "data"),
    Output(ids.result, "children", allow_duplicate=True),
    Output(ids.status, "children"),
    Output(ids.commit, "children"),
    Input(ids.file, "contents"),
    Input(ids.programme, "value"),
    State(ids.file, "filename"),
    running=[(Output(ids.commit, "disabled"), True, True)],
    prevent_initial_call=True,
)
def check_file(contents, programme, filename):
    """The dry run, as soon as a file is chosen (or the programme changes)."""
    if not contents:
        return empty_preview(), True, None, None, "", commit_label(None, None)
    try:
        report = run_import(contents, filename, programme, dry_run=True)
    except ValueError as exc:
        return (
            dbc.Alert(translated(_said(exc)), color="danger"),
            True,
            None,
            None,
            "",
            commit_label(None, None),
        )
    ready = bool(report.ok) and not report.errors
    checked = vouch(report.sha256, filename, programme, current_username()) if ready else None
    status = (
        _("Checked {file} ({digest}…) for {programme}.")
        if programme
        else _("Checked {file} ({digest}…) for the programmes it names.")
    ).format(file=filename, digest=report.sha256[:12], programme=programme)
    return (
        render_report(report, committed=False),
        not ready,
        checked,
        None,
        status,
        commit_label(report.filename, report),
    )


@callback(
    Output(ids.counts, "children"),
    Input({"type": ids.file_values, "kind": ALL}, "value"),
    State(ids.file, "contents"),
    State(ids.file, "filename"),
    State(ids.programme, "value"),
    prevent_initial_call=True,
)
def count_with_file_values(file_values, contents, filename, programme):
    """Ticking a row to take the file's value changes what the commit would do: the dry run again, with those
    rows, gives the counts the commit would."""
    if not contents or not file_values:
        raise dash.exceptions.PreventUpdate
    chosen = [key for values in file_values for key in values or [] if isinstance(key, str)]
    report = run_import(contents, filename, programme, dry_run=True, file_values=chosen)
    return counts_table(report.counts or {}, report.read, refused=bool(report.errors))


@callback(
    Output(ids.result, "children"),
    Output(ids.commit, "disabled", allow_duplicate=True),
    Output(ids.history, "rowData"),
    Input(ids.commit, "n_clicks"),
    State(ids.file, "contents"),
    State(ids.file, "filename"),
    State(ids.programme, "value"),
    State(ids.checked, "data"),
    State({"type": ids.file_values, "kind": ALL}, "value"),
    prevent_initial_call=True,
)
def commit_file(n_clicks, contents, filename, programme, checked, file_values):
    """Only what a clean dry run vouched for is imported (``_commit``); anything else is refused before the
    importer runs: nothing stored, no upload row, the refused request recorded."""
    from dashboard._access import record_refusal

    if not n_clicks or not contents:
        raise dash.exceptions.PreventUpdate
    require_role(STAFF, "upload")
    try:
        refused = commit_refusal(checked, decode(contents), filename, programme or None, current_username())
    except ValueError as exc:
        refused = _said(exc)
    if refused:
        # the file was not read: it may hold case data, so it is named by its digest, not its name
        record_refusal(
            f"upload sha256={_digest(contents)}", reason=f"commit without a matching dry run: {refused}"
        )
        return (
            dbc.Alert(translated(refused), color="danger", id="upload-commit-refused"),
            True,
            dash.no_update,
        )
    chosen = [key for values in file_values or [] for key in values or [] if isinstance(key, str)]
    report = run_import(contents, filename, programme, dry_run=False, file_values=chosen)
    with read_session() as session:
        history = history_rows(session)
    return render_report(report, committed=True), True, history


@callback(
    Output(ids.template_download, "data"),
    Input({"type": ids.template, "kind": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def download_template(clicks):
    from importers.templates import template

    if not ctx.triggered_id or not any(clicks or []):
        raise dash.exceptions.PreventUpdate
    kind = ctx.triggered_id["kind"]
    return dcc.send_bytes(template(kind), f"ctmonitor-template-{kind}.xlsx")
