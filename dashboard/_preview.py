"""The dry run's account of each sheet on the Upload page: its kind, header row and row count, its first rows
as they were understood, and every header and value read through a synonym (``importers.preview``)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard._components import aria, format_number
from importers.kinds import BY_KIND
from indicators.i18n import _, ngettext, translated


def sheets_understood(sheets) -> html.Div | None:
    """One block per sheet: what it was read as, or why it was ignored."""
    if not sheets:
        return None
    return html.Div(
        [html.H3(_("What was read"), className="h6")] + [_sheet(s) for s in sheets],
        className="mb-3",
        id="upload-sheets",
    )


def _sheet(sheet) -> html.Div | html.P:
    preview = sheet.preview
    if sheet.kind is None or preview is None:
        return html.P(
            [
                html.Strong(_("Sheet ‘{name}’").format(name=sheet.name)),
                # what follows the sheet's name (French puts a space before its colon)
                _(": {note}.").format(note=translated(sheet.note)),
            ],
            className="small text-muted mb-2",
        )
    kind = BY_KIND[sheet.kind].title if sheet.kind in BY_KIND else sheet.kind
    title = (
        _("Sheet ‘{name}’ → {kind} · header in row {row}").format(
            name=sheet.name, kind=kind, row=preview.header_row
        )
        + " · "
        + ngettext("{count} row", "{count} rows", preview.rows).format(count=format_number(preview.rows))
    )
    shown = len(preview.first_rows)
    caption = (
        _("The first {count} rows as understood").format(count=shown)
        if preview.rows > shown
        else _("The rows as understood")
    )
    notes = preview.headers + preview.values
    return html.Div(
        [
            html.H4(title, className="h6 mb-1 upload-sheet-title"),
            html.P(translated(sheet.note), className="small text-muted mb-2"),
            _synonyms(notes, preview.more_values) if notes else None,
            _rows_table(preview, caption, sheet.name)
            if preview.first_rows
            else dbc.Alert(_("No rows under the header."), color="warning", className="py-1 small"),
        ],
        className="upload-sheet mb-3",
    )


def _synonyms(notes: list[str], more: int) -> html.Div:
    """Every header and value read through a synonym, so that the uploader sees what the sheet was taken to say."""
    return html.Div(
        [
            html.P(_("Read through synonyms:"), className="small fw-semibold mb-1"),
            html.Ul([html.Li(note) for note in notes], className="small mb-1 understood-notes"),
            html.P(
                _("… and {count} more values read the same way.").format(count=format_number(more)),
                className="small text-muted",
            )
            if more
            else None,
        ]
    )


def _rows_table(preview, caption: str, name: str) -> html.Div:
    """The first rows as understood, a cell that was not understood marked ✗ (in red)."""
    return html.Div(
        html.Table(
            [
                html.Caption(caption, className="small"),
                html.Thead(
                    html.Tr(
                        [html.Th(_("Row"), scope="col")] + [html.Th(c, scope="col") for c in preview.columns]
                    )
                ),
                html.Tbody(
                    [
                        html.Tr(
                            [html.Th(str(number), scope="row")]
                            + [
                                html.Td(value, className="text-danger" if value.startswith("✗") else None)
                                for value in row
                            ]
                        )
                        for number, row in zip(preview.row_numbers, preview.first_rows)
                    ]
                ),
            ],
            className="table table-sm table-striped mb-0 preview-table",
        ),
        # a scroll region keyboard users can reach (and scroll to a cell that was not understood)
        className="table-responsive preview-box",
        tabIndex=0,
        role="region",
        **aria(label=_("{caption} of sheet ‘{name}’ (scrolls)").format(caption=caption, name=name)),
    )
