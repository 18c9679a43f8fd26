"""The Upload page's panels, in the order a user meets them: choose the workbook, the dry run, the commit; then
the templates, the rules and the history of uploads. The callbacks that fill them are the page's
(``dashboard.upload``)."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard._components import data_grid, dropdown
from dashboard._queries import counts_text, uploads
from indicators.i18n import N_, _, format_decimal
from indicators.store.kinds import KINDS


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
    # pattern {"type": file_values, "kind": "choice"}: the rows to take the file's value for, over a correction
    file_values = "upload-file-values"
    counts = "upload-counts-box"


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


OUTCOMES = {"stored": N_("stored"), "unchanged": N_("unchanged"), "refused": N_("refused")}


def history_columns() -> list[dict[str, Any]]:
    """The history's columns; a refused upload's outcome in red, as the request's language writes it."""
    refused = _(OUTCOMES["refused"]).replace("\\", "\\\\").replace("'", "\\'")  # in a JS string literal
    return [
        {"field": "uploaded_at", "headerName": N_("When"), "sort": "desc"},
        {"field": "filename", "headerName": N_("File")},
        {"field": "uploaded_by", "headerName": N_("By")},
        {"field": "programme", "headerName": N_("Programme")},
        {
            "field": "outcome",
            "headerName": N_("Outcome"),
            "cellClassRules": {"text-danger fw-semibold": f"params.value == '{refused}'"},
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
            "programme": u.programme_code or _("from file"),
            "outcome": _(OUTCOMES[u.outcome]) if u.outcome in OUTCOMES else u.outcome,
            "kinds": ", ".join(u.kinds or []),
            "counts": counts_text(u.counts),
            "warnings": len(u.warnings or []),
            "errors": len(u.errors or []),
        }
        for u in uploads(session)
    ]


def commit_label(filename: str | None, report) -> str:
    """The commit button names what it stores: the file and the programmes its rows belong to."""
    if not filename:
        return _("Commit the upload")
    whom = getattr(report, "for_whom", "") or _("the programmes it names")
    return _("Commit {file} for {whom}").format(file=filename, whom=whom)


def choose_card(visible: list[str], chosen: str | None, limit: int) -> dbc.Card:
    """Step 1: the programme (or the file's own Project column) and the workbook, dropped or chosen."""
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(_("1 · Choose the workbook"), className="h6 mb-0")),
            dbc.CardBody(
                [
                    dbc.Label(_("Programme"), html_for=ids.programme, className="small text-muted mb-1"),
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
                                    _("Drag and drop a workbook here, or click to choose one"),
                                    className="fw-semibold",
                                ),
                                html.Div(
                                    _(".xlsx, .xlsm, .xls, .ods or .csv · up to {size} MB").format(
                                        size=format_decimal(round(limit / 2**20, 1), "#,##0.0")
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
    )


def dry_run_card() -> dbc.Card:
    """Step 2: what the dry run found, drawn while every sheet and row is checked."""
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(_("2 · Dry run"), className="h6 mb-0")),
            dbc.CardBody(
                [
                    html.Div(id=ids.status, className="small text-muted mb-2", role="status"),
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
    )


def commit_card() -> dbc.Card:
    """Step 3: the button that stores the checked workbook, and what was stored."""
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(_("3 · Commit"), className="h6 mb-0")),
            dbc.CardBody(
                [
                    html.P(
                        _("Stores the checked workbook: the import runs again for real, all or nothing."),
                        className="small text-muted",
                    ),
                    dbc.Button(
                        commit_label(None, None), id=ids.commit, color="success", disabled=True, n_clicks=0
                    ),
                    dcc.Loading(html.Div(id=ids.result, className="mt-3"), type="dot"),
                ]
            ),
        ],
        className="shadow-sm mb-4",
    )


def templates_card() -> dbc.Card:
    """A template workbook per kind, with the expected headers."""
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(_("Templates"), className="h6 mb-0")),
            dbc.CardBody(
                [
                    html.P(_("One sheet per kind, with the expected headers."), className="small text-muted"),
                    html.Div(
                        [
                            dbc.Button(
                                _(spec.template_label),
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
    )


def rules_card() -> dbc.Card:
    """What an upload stores, and what it never does."""
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(_("Rules"), className="h6 mb-0")),
            dbc.CardBody(
                html.Ul(
                    [
                        html.Li(_("All or nothing: a workbook with any error stores nothing.")),
                        html.Li(_("Warnings (ignored columns, a skipped Total row) do not block.")),
                        html.Li(
                            _(
                                "Re-uploading is safe: rows with a Reference are updated, identical rows skipped."
                            )
                        ),
                        html.Li(_("Cases never hold names, phone numbers or birth dates.")),
                    ],
                    className="small mb-0 ps-3",
                )
            ),
        ],
        className="shadow-sm mb-4",
    )


def history_card(history: list[dict]) -> dbc.Card:
    """Every upload, stored or refused, the newest first."""
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(_("Upload history"), className="h6 mb-0")),
            dbc.CardBody(
                data_grid(
                    ids.history,
                    history,
                    history_columns(),
                    flexible=("kinds", "counts"),
                    text_width=220,
                    page_size=20,
                    empty=_("No upload yet."),
                    height="420px",
                )
            ),
        ],
        className="shadow-sm mb-4",
    )
