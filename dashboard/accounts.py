"""Accounts: the administrators' list of users, with disable, enable, a one-time password and role changes.

Every change ends the user's sessions and API tokens (``indicators.access.accounts``) and goes into the audit trail in the same
transaction. An administrator does not disable or re-role their own account here (another administrator, or
``ctmonitor users``, does), so nobody locks the last administrator out by a slip. A one-time password is shown
once, on this page only; its holder must choose their own at the next sign-in.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, html
from sqlalchemy import select

from dashboard._access import require_role, role_name
from dashboard._components import (
    current_username,
    dropdown,
    format_datetime,
    grid_locale_text,
    page_header,
    page_title,
    read_session,
    safe_layout,
    store,
)
from indicators.access import accounts, audit
from indicators.i18n import N_, Message, _, translated
from indicators.store.models import ROLES, Programme

ADMINS = ("admin",)
dash.register_page(
    __name__, path="/accounts", title=page_title(N_("Accounts")), name=N_("Accounts"), order=70, roles=ADMINS
)


class ids:
    grid = "accounts-grid"
    user = "accounts-user"
    disable = "accounts-disable"
    enable = "accounts-enable"
    reset = "accounts-reset"
    role = "accounts-role"
    donor = "accounts-donor"
    set_role = "accounts-set-role"
    result = "accounts-result"


COLUMNS: list[dict[str, Any]] = [
    {"field": "username", "headerName": N_("User"), "width": 160},
    {"field": "role", "headerName": N_("Role"), "width": 120},
    {"field": "donor", "headerName": N_("Donor"), "width": 200},
    {"field": "state", "headerName": N_("State"), "width": 200},
    {"field": "last_sign_in", "headerName": N_("Last sign-in (UTC)"), "width": 170},
    {"field": "created", "headerName": N_("Created (UTC)"), "flex": 1, "minWidth": 150},
]


@safe_layout
def layout(**_query):
    with read_session() as session:
        rows = user_rows(session)
        donors = sorted(set(session.scalars(select(Programme.donor))))
    names = [{"label": row["username"], "value": row["username"]} for row in rows]
    return html.Div(
        [
            page_header(
                _("Accounts"),
                _(
                    "Who can sign in, with which role. Every change here ends the user's sessions "
                    "at once and is written to the audit trail."
                ),
            ),
            dbc.Row([_users_card(rows), _change_card(names, donors)]),
        ]
    )


def _users_card(rows: list[dict]) -> dbc.Col:
    """Everyone who may sign in, with role and state."""
    return dbc.Col(
        dbc.Card(
            [
                dbc.CardHeader(html.H2(_("Users"), className="h6 mb-0")),
                dbc.CardBody(
                    dag.AgGrid(
                        id=ids.grid,
                        rowData=rows,
                        columnDefs=[{**c, "headerName": _(c["headerName"])} for c in COLUMNS],
                        defaultColDef={"sortable": True, "filter": True, "resizable": True},
                        dashGridOptions={
                            "localeText": {**grid_locale_text(), "noRowsToShow": _("No user yet.")}
                        },
                        className="ct-grid",
                        style={"height": "420px"},
                    )
                ),
            ],
            className="shadow-sm mb-4",
        ),
        lg=8,
    )


def _change_card(names: list[dict], donors: list[str]) -> dbc.Col:
    """The form that changes the user chosen: disable, enable, reset the password, set the role (and donor)."""
    return dbc.Col(
        dbc.Card(
            [
                dbc.CardHeader(html.H2(_("Change a user"), className="h6 mb-0")),
                dbc.CardBody(
                    [
                        dbc.Label(_("User"), html_for=ids.user, className="small text-muted mb-1"),
                        dropdown(
                            id=ids.user, options=names, placeholder=_("Choose a user"), className="mb-3"
                        ),
                        html.Div(
                            [
                                dbc.Button(
                                    _("Disable"),
                                    id=ids.disable,
                                    color="danger",
                                    outline=True,
                                    size="sm",
                                    n_clicks=0,
                                    className="me-2 mb-2",
                                ),
                                dbc.Button(
                                    _("Enable"),
                                    id=ids.enable,
                                    color="secondary",
                                    outline=True,
                                    size="sm",
                                    n_clicks=0,
                                    className="me-2 mb-2",
                                ),
                                # dark, not warning: amber text on white fails WCAG AA contrast
                                dbc.Button(
                                    _("Reset password"),
                                    id=ids.reset,
                                    color="dark",
                                    outline=True,
                                    size="sm",
                                    n_clicks=0,
                                    className="mb-2",
                                ),
                            ]
                        ),
                        html.Hr(),
                        dbc.Label(_("New role"), html_for=ids.role, className="small text-muted mb-1"),
                        dropdown(
                            id=ids.role,
                            options=[{"label": role_name(r), "value": r} for r in ROLES],
                            placeholder=_("Role"),
                            className="mb-2",
                        ),
                        dbc.Label(
                            _("Donor (for donor officers)"),
                            html_for=ids.donor,
                            className="small text-muted mb-1",
                        ),
                        dropdown(
                            id=ids.donor,
                            options=[{"label": d, "value": d} for d in donors],
                            placeholder=_("Donor"),
                            className="mb-2",
                        ),
                        dbc.Button(
                            _("Change the role"), id=ids.set_role, color="primary", size="sm", n_clicks=0
                        ),
                        html.Div(id=ids.result, className="mt-3", role="status"),
                    ]
                ),
            ],
            className="shadow-sm mb-4",
        ),
        lg=4,
    )


def user_rows(session) -> list[dict]:
    rows = []
    for user in accounts.list_users(session):
        state = _("active") if user.active else _("disabled")
        if user.must_change_password:
            state += " · " + _("one-time password")
        if user.totp_secret:
            state += " · " + _("two-step")
        rows.append(
            {
                "username": user.username,
                "role": role_name(user.role),
                "donor": user.donor or "",
                "state": state,
                "last_sign_in": format_datetime(user.last_sign_in_at) if user.last_sign_in_at else _("never"),
                "created": format_datetime(user.created_at) if user.created_at else "",
            }
        )
    return rows


def change(username: str | None, action: str, apply):
    """Run ``apply(session, user, admin) -> (message, detail)`` for the chosen user, audited with ``action``
    and ``detail``; the answer for the page: a message and the list drawn again."""
    require_role(ADMINS, "accounts")
    if not username:
        return dbc.Alert(_("Choose a user first."), color="warning", className="py-2"), dash.no_update
    admin = current_username()
    try:
        with store().begin() as session:
            message, detail = apply(session, accounts.get_user(session, username), admin)
            audit.record(session, admin, action, username, via="accounts page", **detail)
    except accounts.AccountError as exc:
        said = translated(exc.args[0])
        return dbc.Alert(said[0].upper() + said[1:] + ".", color="warning", className="py-2"), dash.no_update
    with read_session() as session:
        rows = user_rows(session)
    return message, rows


def _not_yourself(user, admin: str, refusal: str) -> None:
    """``refusal``: "you cannot … your own account here; …", marked for translation."""
    if user.username == admin:
        raise accounts.AccountError(Message(refusal))


def _done(text: str) -> dbc.Alert:
    return dbc.Alert(text, color="success", className="py-2", id="accounts-done")


@callback(
    Output(ids.result, "children"),
    Output(ids.grid, "rowData"),
    Input(ids.disable, "n_clicks"),
    State(ids.user, "value"),
    prevent_initial_call=True,
)
def disable_user(n_clicks, username):
    if not n_clicks:
        raise dash.exceptions.PreventUpdate

    def apply(session, user, admin):
        _not_yourself(
            user,
            admin,
            N_(
                "you cannot disable your own account here; another administrator can, or "
                "`ctmonitor users` on the server"
            ),
        )
        accounts.set_active(session, user.username, False, by=admin)
        return _done(
            _("{name} is disabled: their sessions and API tokens have ended and they cannot sign in.").format(
                name=user.username
            )
        ), {}

    return change(username, "user-disabled", apply)


@callback(
    Output(ids.result, "children", allow_duplicate=True),
    Output(ids.grid, "rowData", allow_duplicate=True),
    Input(ids.enable, "n_clicks"),
    State(ids.user, "value"),
    prevent_initial_call=True,
)
def enable_user(n_clicks, username):
    if not n_clicks:
        raise dash.exceptions.PreventUpdate

    def apply(session, user, admin):
        accounts.set_active(session, user.username, True, by=admin)
        return _done(_("{name} can sign in again.").format(name=user.username)), {}

    return change(username, "user-enabled", apply)


@callback(
    Output(ids.result, "children", allow_duplicate=True),
    Output(ids.grid, "rowData", allow_duplicate=True),
    Input(ids.reset, "n_clicks"),
    State(ids.user, "value"),
    prevent_initial_call=True,
)
def reset_password(n_clicks, username):
    if not n_clicks:
        raise dash.exceptions.PreventUpdate

    def apply(session, user, admin):
        _not_yourself(
            user,
            admin,
            N_(
                "you cannot reset the password of your own account here; another "
                "administrator can, or `ctmonitor users` on the server"
            ),
        )
        _user, password = accounts.reset_password(session, user.username, by=admin)
        return dbc.Alert(
            [
                html.Div(_("One-time password for {name}:").format(name=user.username)),
                html.Code(password, className="fs-5 d-block my-2", id="accounts-one-time"),
                html.Div(
                    _(
                        "Give it to them in person. It is shown only this once; they must choose their own "
                        "password when they next sign in. Their sessions and API tokens have ended."
                    ),
                    className="small",
                ),
            ],
            color="success",
            className="py-2",
            id="accounts-done",
        ), {}

    return change(username, "password-reset", apply)


@callback(
    Output(ids.result, "children", allow_duplicate=True),
    Output(ids.grid, "rowData", allow_duplicate=True),
    Input(ids.set_role, "n_clicks"),
    State(ids.user, "value"),
    State(ids.role, "value"),
    State(ids.donor, "value"),
    prevent_initial_call=True,
)
def set_role(n_clicks, username, role, donor):
    if not n_clicks:
        raise dash.exceptions.PreventUpdate
    if not role:
        return dbc.Alert(_("Choose the new role."), color="warning", className="py-2"), dash.no_update
    donor = donor if role == "donor" else None

    def apply(session, user, admin):
        _not_yourself(
            user,
            admin,
            N_(
                "you cannot change the role of your own account here; another "
                "administrator can, or `ctmonitor users` on the server"
            ),
        )
        before = user.role + (f" ({user.donor})" if user.donor else "")
        accounts.set_role(session, user.username, role, donor, by=admin)
        text = (
            _("{name} is now {role} for {donor}; their sessions and API tokens have ended.")
            if donor
            else _("{name} is now {role}; their sessions and API tokens have ended.")
        ).format(name=user.username, role=role_name(role), donor=donor)
        return _done(text), {"role": role, "donor": donor, "before": before}

    return change(username, "role-changed", apply)


@callback(
    Output(ids.disable, "children"),
    Output(ids.enable, "children"),
    Output(ids.reset, "children"),
    Input(ids.user, "value"),
)
def name_the_user(username):
    """Each button names whom it acts on, as its answer does (``dana is disabled``)."""
    if not username:
        return _("Disable"), _("Enable"), _("Reset password")
    return (
        _("Disable {name}").format(name=username),
        _("Enable {name}").format(name=username),
        _("Reset the password of {name}").format(name=username),
    )
