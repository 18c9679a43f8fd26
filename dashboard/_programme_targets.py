"""The Programme page's targets card: managers and administrators apply a donor's revised targets for every
indicator at once, in a grid, with one reason (the grid's draft kept in the browser, ``dashboard._drafts``).
The save is the page's callback (``dashboard.programme.save_targets``), by ``indicators.programmes.logframe``'s
rules."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import html

from dashboard import _drafts
from dashboard._components import current_username, href
from dashboard._editor import reason_options
from indicators.i18n import _
from indicators.numbers import rounded

FORM = "programme-targets"  # the targets grid, whose draft is kept in the browser (dashboard._drafts)


class ids:
    targets = "programme-targets-grid"
    targets_reason = "programme-targets-reason"
    targets_comment = "programme-targets-comment"
    targets_save = "programme-targets-save"
    targets_result = "programme-targets-result"


def card(prog) -> dbc.Card:
    """Managers apply a donor's revised targets here, for every indicator at once, with one reason."""
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(_("Targets of {code}").format(code=prog.code), className="h6 mb-0")),
            dbc.CardBody(
                [
                    html.P(
                        _(
                            "Type the revised targets into the grid (Enter to edit a cell; blank: no target), say why, and "
                            "save: each change is kept with who made it, when and why. Reports already signed off keep "
                            "the targets they were sent with."
                        ),
                        className="small",
                    ),
                    _grid(prog),
                    _why(),
                    _drafts.parts(
                        FORM,
                        user=current_username(),
                        key=f"targets|{prog.code}",
                        label=_("target changes to {code}").format(code=prog.code),
                        href=href("/programme", code=prog.code),
                    ),
                    dbc.Button(
                        _("Save target changes to {code}").format(code=prog.code),
                        id=ids.targets_save,
                        color="primary",
                        n_clicks=0,
                    ),
                    html.Div(id=ids.targets_result, className="mt-2", role="status"),
                ]
            ),
        ],
        className="shadow-sm mb-4",
        id="programme-targets",
    )


def _grid(prog) -> dag.AgGrid:
    """One row per indicator, one editable column per year's target."""
    from indicators.programmes.logframe import years

    indicators = sorted(prog.indicators, key=lambda i: i.sort_order)
    periods = years(indicators[0]) if indicators else []
    rows = [
        {
            "code": i.code,
            "name": i.name,
            "unit": "%" if i.unit == "percent" else _("number"),
            **{p: rounded(i.target_for(p), i.unit) for p in periods},
        }
        for i in indicators
    ]
    columns = [
        {"field": "code", "headerName": _("Indicator"), "pinned": "left", "editable": False},
        {
            "field": "name",
            "headerName": _("Name"),
            "editable": False,
            "wrapText": True,
            "autoHeight": True,
            "width": 320,
        },
        {"field": "unit", "headerName": _("Unit"), "editable": False},
    ] + [
        {
            "field": p,
            "headerName": _("{period} target").format(period=p),
            "editable": True,
            "type": "numericColumn",
            "cellClass": "editable-cell",
        }
        for p in periods
    ]
    return dag.AgGrid(
        id=ids.targets,
        rowData=rows,
        columnDefs=columns,
        defaultColDef={"resizable": True, "sortable": False},
        dashGridOptions={
            "domLayout": "autoHeight",
            "singleClickEdit": True,
            "stopEditingWhenCellsLoseFocus": True,
            "autoSizeStrategy": {"type": "fitCellContents", "colIds": ["code", "unit", *periods]},
        },
        className="ct-grid mb-2",
    )


def _why() -> dbc.Row:
    """The reason (one of ``history.REASONS``) and the comment kept with every change saved."""
    return dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(_("Reason"), html_for=ids.targets_reason, className="small mb-1"),
                    dbc.Select(
                        id=ids.targets_reason, options=reason_options(), placeholder=_("Choose a reason")
                    ),
                ],
                md=4,
            ),
            dbc.Col(
                [
                    dbc.Label(_("Comment"), html_for=ids.targets_comment, className="small mb-1"),
                    dbc.Input(
                        id=ids.targets_comment, placeholder=_("e.g. award modification 3, 12 June 2019")
                    ),
                ],
                md=8,
            ),
        ],
        className="g-2 mb-2",
    )


def differs(typed, stored) -> bool:
    """Whether a grid cell says something else than the stored target (the same number typed differently is not)."""
    if typed in (None, ""):
        return stored is not None
    try:
        return stored is None or float(str(typed).replace(",", "")) != float(stored)
    except ValueError:
        return True  # not a number: the edit will say so
