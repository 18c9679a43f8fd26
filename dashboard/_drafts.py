"""Drafts kept in the browser, so that nothing typed is lost: a narrative, a target edit or a correction left
unsaved (by the quarter picker, a link, the navbar, a reload) is kept in the browser's local storage for that
user and that thing (indicator and quarter, indicator, programme, record) until it is saved or discarded, and
put back, with a note, when the form is opened again. The work is done in the browser by
``assets/drafts.js`` (see there); this module draws each form's parts and registers its two clientside
callbacks, which name functions of that file, so the Content-Security-Policy needs no inline script for them.

A form has a local store for its drafts (``<form>-drafts``: all of that form's, e.g. every narrative's), a
memory store with its key and label (``<form>-draft-info``), a note (``<form>-draft``) and a Discard button
(``<form>-draft-discard``), drawn together with the form (``parts``), so its callbacks run only where the form
is. A server callback that saves a form and then draws the page again clears the form's draft itself
(``cleared``); after one that saves without drawing the page again, the browser takes the values as saved
(``register``'s ``saved_by``).
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ClientsideFunction, Input, Output, State, dcc, html

from indicators import i18n
from indicators.i18n import _


def store_id(form: str) -> str:
    return f"{form}-drafts"


def info_id(form: str) -> str:
    return f"{form}-draft-info"


def note_id(form: str) -> str:
    return f"{form}-draft"


def discard_id(form: str) -> str:
    return f"{form}-draft-discard"


def parts(form: str, *, user: str, key: str, label: str, href: str, group: str | None = None) -> html.Div:
    """A form's draft note, Discard button and key (``key`` names the thing: ``narrative|KEC-4.2|FY2019Q3``;
    ``group`` the drafts named beside it, the same indicator's other quarters)."""
    info = {
        "key": f"{user}|{key}",
        "label": label,
        "href": href,
        "group": f"{user}|{group}" if group else None,
        "user": user,
        "words": words(),
    }
    return html.Div(
        [
            # never given data here: the browser's is read (and data=None would overwrite it)
            dcc.Store(id=store_id(form), storage_type="local"),
            dcc.Store(id=info_id(form), data=info),
            html.Div(
                [
                    html.Div(id=note_id(form), className="draft-note small", role="status"),
                    dbc.Button(
                        _("Discard the draft of the {label}").format(label=label),
                        id=discard_id(form),
                        color="secondary",
                        outline=True,
                        size="sm",
                        n_clicks=0,
                        style={"display": "none"},
                        className="mt-1",
                    ),
                ],
                className="draft-box",
            ),
        ]
    )


def words() -> dict[str, str]:
    """The note's sentences, in the language of the request, for ``assets/drafts.js`` to fill in (``{label}``:
    what the draft is of, ``{when}``: when it was left); ``lang`` names the month there."""
    return {
        "lang": i18n.language(),
        "put_back": _("Unsaved draft put back:") + " ",
        "as_left": _(
            "the {label} as you left it on {when}, kept in this browser. It is not saved until you save it."
        )
        + " ",
        "also": _("Also kept, not saved:") + " ",
        "kept": _("Kept in this browser, not saved:") + " ",
    }


def register(
    form: str, fields: list[tuple], *, grid: str | None = None, saved_by: tuple | None = None
) -> None:
    """The form's clientside callbacks; ``fields``: (component id, property) of each of its values. A
    ``grid`` (an AG Grid edited in place, whose ``rowData`` is the first field) is watched through its
    ``cellValueChanged``. ``saved_by``: the (id, property) where a save that does not draw the page again
    answers; an answer whose id ends in ``-done`` makes the values typed what is saved now."""
    drafts = store_id(form)
    if grid is None:
        watched, function, read = [Input(i, p) for i, p in fields], "keep", []
    else:
        watched = [Input(grid, "cellValueChanged"), *[Input(i, p) for i, p in fields[1:]]]
        function, read = "keep_grid", [State(grid, "rowData")]
    dash.clientside_callback(
        ClientsideFunction("drafts", function),
        Output(drafts, "data", allow_duplicate=True),
        *watched,
        Input(info_id(form), "data"),
        *read,
        State(drafts, "data"),
        prevent_initial_call=True,
    )
    dash.clientside_callback(
        ClientsideFunction("drafts", "restore"),
        *[Output(i, p, allow_duplicate=True) for i, p in fields],
        Output(info_id(form), "data", allow_duplicate=True),
        Output(note_id(form), "children"),
        Output(discard_id(form), "style"),
        Output(drafts, "data", allow_duplicate=True),
        Input(drafts, "modified_timestamp"),
        Input(discard_id(form), "n_clicks"),
        State(drafts, "data"),
        State(info_id(form), "data"),
        *[State(i, p) for i, p in fields],
        prevent_initial_call="initial_duplicate",
    )
    if saved_by is not None:
        dash.clientside_callback(
            ClientsideFunction("drafts", "saved"),
            Output(info_id(form), "data", allow_duplicate=True),
            Input(*saved_by),
            State(info_id(form), "data"),
            *[State(i, p) for i, p in fields],
            prevent_initial_call=True,
        )


def cleared(drafts: dict | None, info: dict | None):
    """The form's drafts without the one saved (a server callback's answer once the form is saved)."""
    key = (info or {}).get("key")
    if not drafts or key not in drafts:
        return dash.no_update
    return {k: v for k, v in drafts.items() if k != key}
