"""The Reports page's choice card: the programme, the quarter and the format (``exports.formats``), and the
button downloading that report, with the name of the file it gives (the one kept at sign-off, when the quarter
was signed off in that format). The callbacks are the page's (``dashboard.reports``)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from dashboard._queries import quarter_options
from exports.formats import FORMATS
from indicators.i18n import _


class ids:
    programme = "reports-programme"
    quarter = "reports-quarter"
    format = "reports-format"
    download = "reports-download"
    done = "reports-done"


def card(prog, quarter, fmt: str, visible: list[str], what: str, filename: str, kept: bool) -> dbc.Card:
    """``what``: the report as the Download button names it; ``kept``: the file is the one signed off."""
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(_("Report"), className="h6 mb-0")),
            dbc.CardBody(
                [
                    _field(
                        _("Programme"),
                        ids.programme,
                        dcc.Dropdown(
                            id=ids.programme,
                            clearable=False,
                            value=prog.code,
                            options=[{"label": c, "value": c} for c in visible],
                        ),
                    ),
                    _field(
                        _("Quarter"),
                        ids.quarter,
                        dcc.Dropdown(
                            id=ids.quarter,
                            clearable=False,
                            value=quarter.code,
                            options=quarter_options(prog),
                            searchable=False,
                        ),
                    ),
                    _field(
                        _("Format"),
                        ids.format,
                        dbc.RadioItems(id=ids.format, value=fmt, options=_formats(prog)),
                    ),
                    dbc.Button(
                        _("Download {what}").format(what=what),
                        id=ids.download,
                        color="primary",
                        className="w-100 mt-2",
                        n_clicks=0,
                    ),
                    html.P(_file_note(filename, kept), className="small text-muted mt-2 mb-0"),
                    dcc.Loading(html.Div(id=ids.done, className="small mt-2", role="status"), type="dot"),
                ]
            ),
        ],
        className="shadow-sm mb-4",
    )


def _file_note(filename: str, kept: bool) -> list[str | Component]:
    """The name of the file the button gives, and whether it is the one kept at sign-off."""
    note: list[str | Component] = [_("File: "), html.Span(filename, className="font-monospace")]
    if kept:
        note.append(" · " + _("the report as signed off, kept byte for byte"))
    return note


def _formats(prog) -> list[dict]:
    """Every format, in the reader's language, the donor's default named as such."""
    options = []
    for f in FORMATS.values():
        label = _(f.label)
        if f.key == prog.report_format:
            label += " · " + _("donor's default")
        options.append({"label": label[:1].upper() + label[1:], "value": f.key})
    return options


def _field(label, id, control):
    return html.Div(
        [dbc.Label(label, html_for=id, className="small text-muted mb-1"), control], className="mb-3"
    )
