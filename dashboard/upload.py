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
    data_grid,
    dropdown,
    format_number,
    page_header,
    page_title,
    read_session,
    safe_layout,
    settings,
    store,
    visible_programme_codes,
)
from dashboard._preview import sheets_understood
from dashboard._queries import counts_text, uploads
from indicators.i18n import N_, _, format_decimal, ngettext, translated
from indicators.store.kinds import KINDS

dash.register_page(
    __name__,
    path="/upload",
    title=page_title(N_("Upload")),
    name=N_("Upload"),
    order=20,
    roles=STAFF,
    scope={"programme": "programme"},
)


class ids:
    programme = "upload-programme"
    file = "upload-file"
    status = "upload-status"
    preview = "upload-preview"
    commit = "upload-commit"
    result = "upload-result"
    history = "upload-history"
    template = "upload-template"  # pattern: {"type": template, "kind": kind}
    template_download = "upload-template-download"
    checked = "upload-checked"
    file_values = (
        "upload-file-values"  # pattern {"type": file_values, "kind": "choice"}: rows taking the file's
    )
    counts = "upload-counts-box"


# Drawn only once a dry run has counts: listed for Dash's callback check (see _access).
CALLBACK_COMPONENTS = [html.Div(id=ids.counts)]

SHOWN_PROBLEMS = 500
COUNT_KEYS = ("new", "updated", "unchanged", "skipped")


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
                            dbc.Card(
                                [
                                    dbc.CardHeader(
                                        html.H2(_("1 · Choose the workbook"), className="h6 mb-0")
                                    ),
                                    dbc.CardBody(
                                        [
                                            dbc.Label(
                                                _("Programme"),
                                                html_for=ids.programme,
                                                className="small text-muted mb-1",
                                            ),
                                            dropdown(
                                                id=ids.programme,
                                                options=[{"label": c, "value": c} for c in visible],
                                                value=chosen,
                                                placeholder=_("From the file's Project column"),
                                                className="mb-3",
                                                style={"maxWidth": "22rem"},
                                            ),
                                            dcc.Upload(
                                                id=ids.file,
                                                children=html.Div(
                                                    [
                                                        html.Div(
                                                            _(
                                                                "Drag and drop a workbook here, or click to choose one"
                                                            ),
                                                            className="fw-semibold",
                                                        ),
                                                        html.Div(
                                                            _(
                                                                ".xlsx, .xlsm, .xls, .ods or .csv · up to {size} MB"
                                                            ).format(
                                                                size=format_decimal(
                                                                    round(limit / 2**20, 1), "#,##0.0"
                                                                )
                                                            ),
                                                            className="small text-muted",
                                                        ),
                                                    ]
                                                ),
                                                className="upload-drop",
                                                className_active="upload-drop active",
                                                accept=".xlsx,.xlsm,.xls,.ods,.csv",
                                                multiple=False,
                                                max_size=limit,
                                            ),
                                        ]
                                    ),
                                ],
                                className="shadow-sm mb-4",
                            ),
                            dbc.Card(
                                [
                                    dbc.CardHeader(html.H2(_("2 · Dry run"), className="h6 mb-0")),
                                    dbc.CardBody(
                                        [
                                            html.Div(
                                                id=ids.status,
                                                className="small text-muted mb-2",
                                                role="status",
                                            ),
                                            dcc.Loading(
                                                html.Div(empty_preview(), id=ids.preview),
                                                type="default",
                                                overlay_style={"visibility": "visible", "opacity": 0.4},
                                                custom_spinner=html.Div(
                                                    [
                                                        dbc.Spinner(size="sm", color="primary"),
                                                        html.Span(_(" Checking every sheet and row…")),
                                                    ],
                                                    className="upload-progress",
                                                ),
                                            ),
                                        ]
                                    ),
                                ],
                                className="shadow-sm mb-4",
                            ),
                            dbc.Card(
                                [
                                    dbc.CardHeader(html.H2(_("3 · Commit"), className="h6 mb-0")),
                                    dbc.CardBody(
                                        [
                                            html.P(
                                                _(
                                                    "Stores the checked workbook: the import runs again for real, all or nothing."
                                                ),
                                                className="small text-muted",
                                            ),
                                            dbc.Button(
                                                commit_label(None, None),
                                                id=ids.commit,
                                                color="success",
                                                disabled=True,
                                                n_clicks=0,
                                            ),
                                            dcc.Loading(
                                                html.Div(id=ids.result, className="mt-3"), type="dot"
                                            ),
                                        ]
                                    ),
                                ],
                                className="shadow-sm mb-4",
                            ),
                            dcc.Store(id=ids.checked),
                        ],
                        lg=8,
                    ),
                    dbc.Col(
                        [
                            dbc.Card(
                                [
                                    dbc.CardHeader(html.H2(_("Templates"), className="h6 mb-0")),
                                    dbc.CardBody(
                                        [
                                            html.P(
                                                _("One sheet per kind, with the expected headers."),
                                                className="small text-muted",
                                            ),
                                            html.Div(
                                                [
                                                    dbc.Button(
                                                        spec.template_label,
                                                        id={"type": ids.template, "kind": spec.key},
                                                        color="secondary",
                                                        outline=True,
                                                        size="sm",
                                                        className="me-2 mb-2",
                                                    )
                                                    for spec in KINDS
                                                ]
                                            ),
                                            dcc.Download(id=ids.template_download),
                                        ]
                                    ),
                                ],
                                className="shadow-sm mb-4",
                            ),
                            dbc.Card(
                                [
                                    dbc.CardHeader(html.H2(_("Rules"), className="h6 mb-0")),
                                    dbc.CardBody(
                                        html.Ul(
                                            [
                                                html.Li(
                                                    _(
                                                        "All or nothing: a workbook with any error stores nothing."
                                                    )
                                                ),
                                                html.Li(
                                                    _(
                                                        "Warnings (ignored columns, a skipped Total row) do not block."
                                                    )
                                                ),
                                                html.Li(
                                                    _(
                                                        "Re-uploading is safe: rows with a Reference are updated, identical rows skipped."
                                                    )
                                                ),
                                                html.Li(
                                                    _("Cases never hold names, phone numbers or birth dates.")
                                                ),
                                            ],
                                            className="small mb-0 ps-3",
                                        )
                                    ),
                                ],
                                className="shadow-sm mb-4",
                            ),
                        ],
                        lg=4,
                    ),
                ]
            ),
            dbc.Card(
                [
                    dbc.CardHeader(html.H2(_("Upload history"), className="h6 mb-0")),
                    dbc.CardBody(
                        data_grid(
                            ids.history,
                            history,
                            HISTORY_COLUMNS,
                            flexible=("kinds", "counts"),
                            text_width=220,
                            page_size=20,
                            empty=_("No upload yet."),
                            height="420px",
                        )
                    ),
                ],
                className="shadow-sm mb-4",
            ),
        ]
    )


def max_file_size(limit: int) -> int:
    """The browser sends the file base64-encoded: the largest file whose request fits the server's limit."""
    from flask import current_app

    request_limit = current_app.config.get("MAX_CONTENT_LENGTH") or (limit * 2)
    return min(limit, int((request_limit - 64 * 1024) * 3 / 4))


def empty_preview():
    return html.P(
        _(
            "Choose a workbook: the dry run shows what it would store, and every problem, before "
            "anything is saved."
        ),
        className="text-muted mb-0",
    )


HISTORY_COLUMNS = [
    {"field": "uploaded_at", "headerName": N_("When"), "sort": "desc"},
    {"field": "filename", "headerName": N_("File")},
    {"field": "uploaded_by", "headerName": N_("By")},
    {"field": "programme", "headerName": N_("Programme")},
    {
        "field": "outcome",
        "headerName": N_("Outcome"),
        "cellClassRules": {"text-danger fw-semibold": "params.value == 'refused'"},
    },
    {"field": "kinds", "headerName": N_("Kinds")},
    {"field": "counts", "headerName": N_("Rows")},
    {"field": "warnings", "headerName": N_("Warnings"), "type": "numericColumn"},
    {"field": "errors", "headerName": N_("Errors"), "type": "numericColumn"},
]


def history_rows(session) -> list[dict]:
    return [
        {
            "uploaded_at": u.uploaded_at.isoformat(sep=" ", timespec="minutes") if u.uploaded_at else None,
            "filename": u.filename,
            "uploaded_by": u.uploaded_by,
            "programme": u.programme_code or "from file",
            "outcome": u.outcome,
            "kinds": ", ".join(u.kinds or []),
            "counts": counts_text(u.counts),
            "warnings": len(u.warnings or []),
            "errors": len(u.errors or []),
        }
        for u in uploads(session)
    ]


# --- reports on screen ---------------------------------------------------------------------------


def _problem_table(problems, id) -> html.Div:
    shown = list(problems)[:SHOWN_PROBLEMS]
    rows = [
        html.Tr(
            [
                html.Td(_get(p, "sheet")),
                html.Td(_get(p, "cell"), className="text-nowrap"),
                html.Td(_text(_get(p, "value")), className="problem-value"),
                html.Td(translated(_get(p, "expected") or "")),
            ]
        )
        for p in shown
    ]
    more = len(problems) - len(shown)
    return html.Div(
        [
            html.Div(
                html.Table(
                    [
                        html.Thead(
                            html.Tr(
                                [
                                    html.Th(_("Sheet")),
                                    html.Th(_("Cell")),
                                    html.Th(_("Value found")),
                                    html.Th(_("Expected")),
                                ]
                            )
                        ),
                        html.Tbody(rows),
                    ],
                    className="table table-sm table-striped mb-0 problems",
                    id=id,
                ),
                className="table-responsive problems-box",
                tabIndex=0,
                role="region",
                **{"aria-label": (_("Errors (scrolls)") if "error" in id else _("Warnings (scrolls)"))},
            ),
            html.P(
                _("… and {count} more.").format(count=format_number(more)), className="small text-muted mt-1"
            )
            if more > 0
            else None,
        ]
    )


def _get(problem, name):
    return problem.get(name) if isinstance(problem, dict) else getattr(problem, name, None)


def _text(value) -> str:
    return "" if value is None else str(value)


def commit_label(filename: str | None, report) -> str:
    """The commit button names what it stores: the file and the programmes its rows belong to."""
    if not filename:
        return "Commit the upload"
    whom = getattr(report, "for_whom", "") or "the programmes it names"
    return f"Commit {filename} for {whom}"


def counts_table(counts: dict, read: dict | None = None, *, refused: bool = False) -> html.Table | None:
    """What the rows would become (new, updated, unchanged, skipped), or, for a file with errors, how many rows
    were read and how many have errors (nothing of it can be stored)."""
    if refused and read:
        return html.Table(
            [
                html.Thead(
                    html.Tr(
                        [
                            html.Th(_("Kind")),
                            html.Th(_("Rows read"), className="num"),
                            html.Th(_("Rows with errors"), className="num"),
                        ]
                    )
                ),
                html.Tbody(
                    [
                        html.Tr(
                            [
                                html.Td(kind),
                                html.Td(f"{n.get('rows', 0):,}", className="num"),
                                html.Td(f"{n.get('with_errors', 0):,}", className="num"),
                            ]
                        )
                        for kind, n in read.items()
                    ]
                ),
            ],
            className="table table-sm mb-3 counts-table",
            id="upload-counts",
        )
    if not counts:
        return None
    return html.Table(
        [
            html.Thead(
                html.Tr([html.Th(_("Kind"))] + [html.Th(k.capitalize(), className="num") for k in COUNT_KEYS])
            ),
            html.Tbody(
                [
                    html.Tr(
                        [html.Td(kind)]
                        + [html.Td(f"{(numbers or {}).get(k, 0):,}", className="num") for k in COUNT_KEYS]
                    )
                    for kind, numbers in counts.items()
                ]
            ),
        ],
        className="table table-sm mb-3 counts-table",
        id="upload-counts",
    )


def render_report(report, *, committed: bool) -> html.Div:
    """An import report as the page shows it: the verdict, counts per kind, each sheet as understood (the
    dry run), errors, warnings."""
    errors, warnings = list(report.errors or []), list(report.warnings or [])
    kinds = ", ".join(report.kinds or []) or _("no recognised sheet")
    whom = getattr(report, "for_whom", "") if getattr(report, "programmes", None) else ""
    if committed:
        colour = {"stored": "success", "unchanged": "info"}.get(report.outcome, "danger")
        text = report.outcome_text
    elif errors:
        read = report.read_text() if getattr(report, "read", None) else ""
        colour, text = (
            "danger",
            ngettext(
                "{count} error in {file}{read}: nothing can be stored until they are fixed.",
                "{count} errors in {file}{read}: nothing can be stored until they are fixed.",
                len(errors),
            ).format(
                count=format_number(len(errors)), file=report.filename, read=f" ({read})" if read else ""
            ),
        )
    elif not report.ok:
        colour, text = "danger", _("{file} cannot be stored.").format(file=report.filename)
    else:
        again = (
            " " + _("This very file was stored before: committing it again stores only what differs.")
            if getattr(report, "stored_before", False)
            else ""
        )
        ready = (
            _("{file} is ready to store for {whom} ({kinds}). Nothing has been stored yet.")
            if whom
            else _("{file} is ready to store ({kinds}). Nothing has been stored yet.")
        )
        colour, text = "success", ready.format(file=report.filename, whom=whom, kinds=kinds) + again
    return html.Div(
        [
            dbc.Alert(text, color=colour, className="py-2", id="upload-verdict"),
            html.Div(
                counts_table(report.counts or {}, getattr(report, "read", None), refused=bool(errors)),
                id=ids.counts,
            ),
            conflicts_section(list(getattr(report, "conflicts", None) or []), committed=committed),
            None if committed else sheets_understood(report.sheets),
            html.Div(
                [
                    html.H3(
                        _("Errors ({count})").format(count=format_number(len(errors))),
                        className="h6 text-danger",
                    ),
                    _problem_table(errors, "upload-errors"),
                ],
                className="mb-3",
            )
            if errors
            else None,
            html.Div(
                [
                    html.H3(
                        _("Warnings ({count})").format(count=format_number(len(warnings))),
                        className="h6 text-warning-emphasis",
                    ),
                    _problem_table(warnings, "upload-warnings"),
                ],
                className="mb-3",
            )
            if warnings
            else None,
        ]
    )


def conflicts_section(conflicts, *, committed: bool) -> html.Div | None:
    """Rows of the file that would undo a correction made in the browser since: listed with who corrected
    what and why; before the commit, each can be switched to the file's value (the correction is kept
    otherwise)."""
    if not conflicts:
        return None
    title = html.H3(
        _("Corrected in the browser since ({count})").format(count=format_number(len(conflicts))),
        className="h6 text-warning-emphasis",
    )
    if committed:
        return html.Div(
            [title, html.Ul([html.Li(str(c)) for c in conflicts], className="small")],
            className="mb-3",
            id="upload-conflicts",
        )
    return html.Div(
        [
            title,
            html.P(
                _(
                    "These rows were corrected (or voided) on the Activities page after they were uploaded. The "
                    "corrections are kept unless you tick a row to take the file's value instead."
                ),
                className="small",
            ),
            dbc.Checklist(
                id={"type": ids.file_values, "kind": "choice"},
                className="small",
                options=[{"label": str(c).rsplit("; ", 1)[0], "value": c.key} for c in conflicts],
                value=[],
            ),
        ],
        className="mb-3",
        id="upload-conflicts",
    )


def decode(contents: str) -> bytes:
    """``data:...;base64,XXXX`` from ``dcc.Upload`` to bytes."""
    try:
        return base64.b64decode(contents.split(",", 1)[1], validate=False)
    except (IndexError, binascii.Error, AttributeError) as exc:
        raise ValueError("the file could not be read from the browser") from exc


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
    common = dict(
        settings=settings(),
        programme=programme or None,
        uploaded_by=user,
        dry_run=dry_run,
        isolated=True,
        file_values=set(file_values),
    )
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
            first_error=_first_error(report),
        )
        return report


def _digest(contents: str) -> str:
    try:
        return hashlib.sha256(decode(contents)).hexdigest()[:12]
    except ValueError:
        return "unreadable"


def _first_error(report) -> str | None:
    """Where the first error is and what was expected (no cell value: it may come from a case sheet)."""
    errors = list(report.errors or [])
    if not errors:
        return None
    first = errors[0]
    return (
        f"{_get(first, 'sheet') or ''}!{_get(first, 'cell') or ''}: expected {_get(first, 'expected') or ''}"[
            :300
        ]
    )


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
        return dbc.Alert(str(exc), color="danger"), True, None, None, "", commit_label(None, None)
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
        refused = str(exc)
    if refused:
        # the file was not read: it may hold case data, so it is named by its digest, not its name
        record_refusal(
            f"upload sha256={_digest(contents)}", reason=f"commit without a matching dry run: {refused}"
        )
        return dbc.Alert(refused, color="danger", id="upload-commit-refused"), True, dash.no_update
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
