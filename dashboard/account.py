"""My account: who one is signed in as, the way to change one's password, and one's personal access tokens for
the JSON API (``/api/v1``): made here (shown once), listed, revoked. A token reads what its user may read."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, html

from dashboard._access import signed_in_user
from dashboard._components import (
    current_username,
    empty_state,
    format_datetime,
    page_header,
    read_session,
    safe_layout,
    store,
)
from indicators import tokens

dash.register_page(__name__, path="/account", title="My account · ctmonitor", name="My account")


class ids:
    tokens = "account-tokens"
    name = "account-token-name"
    days = "account-token-days"
    create = "account-token-create"
    made = "account-token-made"
    revoke = "account-token-revoke"  # pattern: {"type": revoke, "token": prefix}


LIFETIMES = [{"label": "30 days", "value": 30}, {"label": "90 days", "value": 90},
             {"label": "1 year", "value": 365}, {"label": "Never", "value": 0}]
# The revoke buttons exist only while there are tokens: listed for Dash's callback check (see _access).
CALLBACK_COMPONENTS = [dbc.Button(id={"type": ids.revoke, "token": "x"})]


@safe_layout
def layout(**_query):
    user = signed_in_user()
    with read_session() as session:
        table = token_table(session, user.username)
    return html.Div([
        page_header("My account", f"Signed in as {user.username} · {user.role}"
                                  + (f" · {user.donor}" if user.donor else "")),
        dbc.Row([
            dbc.Col(dbc.Card([
                dbc.CardHeader(html.H2("Password", className="h6 mb-0")),
                dbc.CardBody([
                    html.P("Choose a new password at least 10 characters long. Signing in again is needed on "
                           "your other browsers.", className="small"),
                    html.A("Change your password", href="/password", className="btn btn-outline-primary btn-sm",
                           id="account-password"),
                ]),
            ], className="shadow-sm mb-4"), lg=4),
            dbc.Col(dbc.Card([
                dbc.CardHeader(html.H2("API tokens", className="h6 mb-0")),
                dbc.CardBody([
                    html.P(["A token lets a script read ctmonitor's JSON API (",
                            html.A("its description", href="/api/v1/openapi.json"),
                            ") as you: the programmes and figures you may see, nothing more. Send it as ",
                            html.Code("Authorization: Bearer <token>"), ". It is shown once; revoke it when it is "
                            "no longer needed."], className="small"),
                    dbc.Row([
                        dbc.Col([dbc.Label("What it is for", html_for=ids.name, className="small mb-1"),
                                 dbc.Input(id=ids.name, maxLength=80, placeholder="e.g. MEL dashboard")], md=6),
                        dbc.Col([dbc.Label("Stops working after", html_for=ids.days, className="small mb-1"),
                                 dbc.Select(id=ids.days, options=LIFETIMES, value=90)], md=3),
                        dbc.Col(dbc.Button("Create a token", id=ids.create, color="primary", n_clicks=0,
                                           className="w-100"), md=3, className="d-flex align-items-end"),
                    ], className="g-2 mb-3"),
                    html.Div(id=ids.made, role="status"),
                    html.Div(table, id=ids.tokens),
                ]),
            ], className="shadow-sm mb-4"), lg=8),
        ]),
    ])


def token_table(session, username: str):
    rows = tokens.listed(session, username)
    if not rows:
        return empty_state("You have no token.")
    return html.Div(html.Table([
        html.Thead(html.Tr([html.Th(h, scope="col") for h in
                            ("Token", "For", "Made (UTC)", "Expires", "Last used", "State", "")])),
        html.Tbody([html.Tr([
            html.Td(html.Code(f"{token.prefix}…")), html.Td(token.name or "–"),
            html.Td(format_datetime(token.created_at)),
            html.Td(format_datetime(token.expires_at) if token.expires_at else "never"),
            html.Td(format_datetime(token.last_used_at) if token.last_used_at else "not yet"),
            html.Td(tokens.state(token)),
            html.Td(dbc.Button(f"Revoke {token.prefix}…", id={"type": ids.revoke, "token": token.prefix},
                               color="danger", outline=True, size="sm", n_clicks=0)
                    if tokens.state(token) == "active" else None),
        ]) for token, _user in rows]),
    ], className="table table-sm align-middle mb-0"), className="table-responsive")


@callback(Output(ids.made, "children"), Output(ids.tokens, "children"), Input(ids.create, "n_clicks"),
          State(ids.name, "value"), State(ids.days, "value"), prevent_initial_call=True)
def create_token(n_clicks, name, days):
    """A token for the signed-in user, shown once."""
    if not n_clicks:
        raise dash.exceptions.PreventUpdate
    username = current_username()
    with store().begin() as session:
        text, row = tokens.create(session, username, by=username, name=name, days=int(days or 0) or None)
        expires = f"It stops working on {format_datetime(row.expires_at)} UTC." if row.expires_at else \
            "It does not expire: revoke it when it is no longer needed."
    with read_session() as session:
        table = token_table(session, username)
    return dbc.Alert([
        html.Strong("Your new token, shown only now: copy it somewhere safe."),
        html.Pre(text, className="token-text my-2", id="account-token-text"),
        html.Span(expires, className="small"),
    ], color="success", className="py-2"), table


@callback(Output(ids.made, "children", allow_duplicate=True), Output(ids.tokens, "children", allow_duplicate=True),
          Input({"type": ids.revoke, "token": ALL}, "n_clicks"), prevent_initial_call=True)
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
            return dbc.Alert("That token is not yours.", color="warning", className="py-2"), dash.no_update
    with read_session() as session:
        table = token_table(session, username)
    return dbc.Alert(f"Token {prefix}… revoked: it no longer opens anything.", color="info", className="py-2"), table
