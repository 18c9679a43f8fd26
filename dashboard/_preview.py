"""The dry run's account of each sheet on the Upload page: its kind, header row and row count, its first rows
as they were understood, and every header and value read through a synonym (``importers.preview``)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from importers.kinds import BY_KIND
from indicators.i18n import _


def sheets_understood(sheets) -> html.Div | None:
    """One block per sheet: what it was read as, or why it was ignored."""
    if not sheets:
        return None
    return html.Div([html.H3(_("What was read"), className="h6")] + [_sheet(s) for s in sheets],
                    className="mb-3", id="upload-sheets")


def _sheet(sheet) -> html.Div:
    preview = sheet.preview
    if sheet.kind is None or preview is None:
        return html.P([html.Strong(f"Sheet ‘{sheet.name}’"), f": {sheet.note}."], className="small text-muted mb-2")
    title = (f"Sheet ‘{sheet.name}’ → {BY_KIND[sheet.kind].title if sheet.kind in BY_KIND else sheet.kind} · header in row {preview.header_row}"
             f" · {preview.rows:,} row{'s' if preview.rows != 1 else ''}")
    shown = len(preview.first_rows)
    caption = (f"The first {shown} rows as understood" if preview.rows > shown else "The rows as understood")
    notes = preview.headers + preview.values
    return html.Div([
        html.H4(title, className="h6 mb-1 upload-sheet-title"),
        html.P(sheet.note, className="small text-muted mb-2"),
        html.Div([
            html.P(_("Read through synonyms:"), className="small fw-semibold mb-1"),
            html.Ul([html.Li(note) for note in notes], className="small mb-1 understood-notes"),
            html.P(f"… and {preview.more_values:,} more values read the same way.", className="small text-muted")
            if preview.more_values else None,
        ]) if notes else None,
        html.Div(html.Table([
            html.Caption(caption, className="small"),
            html.Thead(html.Tr([html.Th(_("Row"), scope="col")] + [html.Th(c, scope="col") for c in preview.columns])),
            html.Tbody([html.Tr([html.Th(str(number), scope="row")]
                                + [html.Td(value, className="text-danger" if value.startswith("✗") else None)
                                   for value in row])
                        for number, row in zip(preview.row_numbers, preview.first_rows)]),
        ], className="table table-sm table-striped mb-0 preview-table"),
            className="table-responsive preview-box") if preview.first_rows else
        dbc.Alert(_("No rows under the header."), color="warning", className="py-1 small"),
    ], className="upload-sheet mb-3")
