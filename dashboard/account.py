"""My account: who one is signed in as, the way to change one's password and to set up two-step sign-in, and
one's personal access tokens for the JSON API (``/api/v1``): made here (shown once) once the current password is
confirmed (checked and throttled as a sign-in), listed, revoked. A token reads what its user may read, lasts at
most ``CTMONITOR_TOKEN_MAX_DAYS`` and ends when the account is recovered (a password change, a reset, a new
role)."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, html
from flask import current_app
from sqlalchemy import select

from dashboard._access import role_name, signed_in_user
from dashboard._auth import confirm_current
from dashboard._components import (
    current_username,
    empty_state,
    format_datetime,
    page_header,
    page_title,
    read_session,
    safe_layout,
    store,
)
from indicators.access import tokens, two_step
from indicators.i18n import N_, _, translated
from indicators.store.models import User

dash.register_page(__name__, path="/account", title=page_title(N_("My account")), name=N_("My account"))


class ids:
    tokens = "account-tokens"
    name = "account-token-name"
    days = "account-token-days"
    password = "account-token-password"
    create = "account-token-create"
    made = "account-token-made"
    revoke = "account-token-revoke"  # pattern: {"type": revoke, "token": prefix}


LIFETIMES = [(30, N_("30 days")), (90, N_("90 days")), (365, N_("1 year"))]
# The revoke buttons exist only while there are tokens: listed for Dash's callback check (see _access).
CALLBACK_COMPONENTS = [dbc.Button(id={"type": ids.revoke, "token": "x"})]


def lifetimes(max_days: int) -> list[dict]:
    """The lifetimes offered: those within the longest allowed, and the longest itself."""
    offered = [{"label": _(label), "value": days} for days, label in LIFETIMES if days < max_days]
    longest = next((_(label) for days, label in LIFETIMES if days == max_days), None)
    return offered + [{"label": longest or _("{count} days").format(count=max_days), "value": max_days}]


def _settings():
    return current_app.extensions["ctmonitor.settings"]


def two_step_card(session, user):
    row = session.get(User, user.id)
    on = row is not None and two_step.enabled(row)
    required = user.role in _settings().require_totp
    state = (
        _(
            "On: after your password you type a code from your authenticator app. Recovery codes left: "
            "{count}."
        ).format(count=two_step.recovery_codes_left(row))
        if on
        else _("Off: your password alone signs you in.")
        + (" " + _("Your role must use it.") if required else "")
    )
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(_("Two-step sign-in"), className="h6 mb-0")),
            dbc.CardBody(
                [
                    html.P(state, className="small", id="account-two-step-state"),
                    html.A(
                        _("Manage two-step sign-in") if on else _("Set up two-step sign-in"),
                        href="/account/two-step",
                        className="btn btn-outline-primary btn-sm",
                        id="account-two-step",
                    ),
                ]
            ),
        ],
        className="shadow-sm mb-4",
    )


@safe_layout
def layout(**_query):
    user = signed_in_user()
    max_days = _settings().token_max_days
    with read_session() as session:
        table = token_table(session, user.username)
        second = two_step_card(session, user)
    return html.Div(
        [
            page_header(
                _("My account"),
                _("Signed in as {user}").format(user=user.username)
                + f" · {role_name(user.role)}"
                + (f" · {user.donor}" if user.donor else ""),
            ),
            dbc.Row([dbc.Col([password_card(), second], lg=4), dbc.Col(tokens_card(table, max_days), lg=8)]),
        ]
    )


def password_card() -> dbc.Card:
    """The way to a new password, and what changing it ends."""
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(_("Password"), className="h6 mb-0")),
            dbc.CardBody(
                [
                    html.P(
                        _(
                            "Choose a new password at least 10 characters long, not a common one and not your "
                            "name. Signing in again is needed on your other browsers, and your API tokens stop "
                            "working."
                        ),
                        className="small",
                    ),
                    html.A(
                        _("Change your password"),
                        href="/password",
                        className="btn btn-outline-primary btn-sm",
                        id="account-password",
                    ),
                ]
            ),
        ],
        className="shadow-sm mb-4",
    )


def tokens_card(table, max_days: int) -> dbc.Card:
    """The signed-in user's API tokens: what one is, the form that makes one, and those made so far."""
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(_("API tokens"), className="h6 mb-0")),
            dbc.CardBody(
                [
                    html.P(
                        [
                            _("A token lets a script read ctmonitor's JSON API"),
                            " (",
                            html.A(_("its description"), href="/api/v1/openapi.json"),
                            ") ",
                            _("as you: the programmes and figures you may see, nothing more. Send it as"),
                            " ",
                            html.Code("Authorization: Bearer <token>"),
                            ". ",
                            _(
                                "It is shown once; revoke it when it is no longer needed. Changing your password "
                                "ends every token."
                            ),
                        ],
                        className="small",
                    ),
                    _token_form(max_days),
                    html.Div(id=ids.made, role="status"),
                    html.Div(table, id=ids.tokens),
                ]
            ),
        ],
        className="shadow-sm mb-4",
    )


def _token_form(max_days: int) -> dbc.Row:
    """What the token is for, how long it lasts, and the current password that confirms it is you."""
    return dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(_("What it is for"), html_for=ids.name, className="small mb-1"),
                    dbc.Input(id=ids.name, maxLength=80, placeholder=_("e.g. MEL dashboard")),
                ],
                md=4,
            ),
            dbc.Col(
                [
                    dbc.Label(_("Stops working after"), html_for=ids.days, className="small mb-1"),
                    dbc.Select(id=ids.days, options=lifetimes(max_days), value=min(90, max_days)),
                ],
                md=2,
            ),
            dbc.Col(
                [
                    dbc.Label(_("Your password"), html_for=ids.password, className="small mb-1"),
                    dbc.Input(
                        id=ids.password, type="password", autoComplete="current-password", maxLength=1000
                    ),
                ],
                md=3,
            ),
            dbc.Col(
                dbc.Button(
                    _("Create a token"), id=ids.create, color="primary", n_clicks=0, className="w-100"
                ),
                md=3,
                className="d-flex align-items-end",
            ),
        ],
        className="g-2 mb-3",
    )


def token_table(session, username: str):
    max_days = _settings().token_max_days
    rows = tokens.listed(session, username)
    if not rows:
        return empty_state(_("You have no token."))
    return html.Div(
        html.Table(
            [
                html.Thead(
                    html.Tr(
                        [
                            html.Th(_(h) if h else h, scope="col")
                            for h in (
                                N_("Token"),
                                N_("For"),
                                N_("Made (UTC)"),
                                N_("Expires"),
                                N_("Last used"),
                                N_("State"),
                                "",
                            )
                        ]
                    )
                ),
                html.Tbody(
                    [
                        html.Tr(
                            [
                                html.Td(html.Code(f"{token.prefix}…")),
                                html.Td(token.name or "–"),
                                html.Td(format_datetime(token.created_at)),
                                html.Td(
                                    format_datetime(token.expires_at) if token.expires_at else _("never")
                                ),
                                html.Td(
                                    format_datetime(token.last_used_at)
                                    if token.last_used_at
                                    else _("not yet")
                                ),
                                html.Td(_(tokens.state(token, max_days=max_days))),
                                html.Td(
                                    dbc.Button(
                                        _("Revoke {token}…").format(token=token.prefix),
                                        id={"type": ids.revoke, "token": token.prefix},
                                        color="danger",
                                        outline=True,
                                        size="sm",
                                        n_clicks=0,
                                    )
                                    if tokens.state(token, max_days=max_days) == "active"
                                    else None
                                ),
                            ]
                        )
                        for token, _user in rows
                    ]
                ),
            ],
            className="table table-sm align-middle mb-0",
        ),
        className="table-responsive",
    )


@callback(
    Output(ids.made, "children"),
    Output(ids.tokens, "children"),
    Output(ids.password, "value"),
    Input(ids.create, "n_clicks"),
    State(ids.name, "value"),
    State(ids.days, "value"),
    State(ids.password, "value"),
    prevent_initial_call=True,
)
def create_token(n_clicks, name, days, password):
    """A token for the signed-in user, shown once, once their current password is confirmed."""
    if not n_clicks:
        raise dash.exceptions.PreventUpdate
    username = current_username()
    with store().Session() as session:
        user = session.scalar(select(User).where(User.username == username))
        refused = confirm_current(session, user, (password or "")[:1000], "API token")
        if refused:
            return dbc.Alert(translated(refused), color="warning", className="py-2"), dash.no_update, ""
        try:
            text, row = tokens.create(
                session,
                username,
                by=username,
                name=name,
                days=int(days or 0) or None,
                max_days=_settings().token_max_days,
            )
        except tokens.TokenError as exc:
            said = translated(exc.args[0])
            return (
                dbc.Alert(said[0].upper() + said[1:] + ".", color="warning", className="py-2"),
                dash.no_update,
                "",
            )
        session.commit()
        expires = _("It stops working on {when} UTC.").format(when=format_datetime(row.expires_at))
    with read_session() as session:
        table = token_table(session, username)
    return (
        dbc.Alert(
            [
                html.Strong(_("Your new token, shown only now: copy it somewhere safe.")),
                html.Pre(text, className="token-text my-2", id="account-token-text"),
                html.Span(expires, className="small"),
            ],
            color="success",
            className="py-2",
        ),
        table,
        "",
    )


@callback(
    Output(ids.made, "children", allow_duplicate=True),
    Output(ids.tokens, "children", allow_duplicate=True),
    Input({"type": ids.revoke, "token": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def revoke_token(clicks):
    """Revoke one of the signed-in user's own tokens."""
    if not ctx.triggered_id or not any(clicks or []):
        raise dash.exceptions.PreventUpdate
    prefix = ctx.triggered_id["token"]
    username = current_username()
    with store().begin() as session:
        try:
            tokens.revoke(session, prefix, by=username, owner=username)
        except tokens.TokenError:
            return dbc.Alert(_("That token is not yours."), color="warning", className="py-2"), dash.no_update
    with read_session() as session:
        table = token_table(session, username)
    return dbc.Alert(
        _("Token {token}… revoked: it no longer opens anything.").format(token=prefix),
        color="info",
        className="py-2",
    ), table
