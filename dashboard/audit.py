"""Audit trail: who did what, when (sign-ins and refusals, uploads, narratives, sign-offs, user changes, report
downloads), newest first, filtered by action and user. Managers and administrators only; the trail is only
ever added to (the database refuses changes). ``/audit?action=sign-off&user=claire``. Requests to the JSON API
without a valid token are listed as counted entries, one per client address and minute."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboard._access import AUDITORS
from dashboard._components import (
    data_grid,
    dropdown,
    first,
    format_number,
    page_header,
    page_title,
    query_string,
    read_session,
    safe_layout,
)
from dashboard._queries import counts_text
from indicators.access import audit as trail
from indicators.i18n import N_, _, ngettext

dash.register_page(
    __name__,
    path="/audit",
    grid_first=True,  # its first screen is a grid: AG Grid comes with the page (dashboard._delivery)
    title=page_title(N_("Audit trail")),
    name=N_("Audit trail"),
    order=60,
    roles=AUDITORS,
)


class ids:
    url = "audit-url"
    action = "audit-action"
    user = "audit-user"
    grid = "audit-grid"
    count = "audit-count"
    state = "audit-state"


LIMIT = 2000
COLUMNS = [
    {"field": "at", "headerName": N_("When (UTC)"), "sort": "desc"},
    {"field": "user", "headerName": N_("User")},
    {"field": "action", "headerName": N_("What")},
    {"field": "target", "headerName": N_("On")},
    {"field": "detail", "headerName": N_("Detail"), "tooltipField": "detail"},
]


@safe_layout
def layout(action=None, user=None, **_query):
    action = first(action) if first(action) in trail.ACTIONS else None
    user = first(user) or None
    with read_session() as session:
        events = [event_row(e) for e in trail.recent(session, LIMIT + 1, action=action, username=user)]
        if action in (None, "api-refused") and user in (None, "anonymous"):
            events += [tally_row(t) for t in trail.recent_tallies(session, LIMIT + 1)]
        users = trail.usernames(session)
    events.sort(key=lambda row: row["at"] or "", reverse=True)
    rows = events[:LIMIT]
    more = len(events) > LIMIT
    return html.Div(
        [
            dcc.Location(id=ids.url, refresh="callback-nav"),
            dcc.Store(id=ids.state, data={"action": action, "user": user}),
            page_header(
                _("Audit trail"),
                _("Who did what, and when. Entries are only ever added: nobody can change or remove one."),
            ),
            _filters(action, user, users),
            html.P(
                _("The newest {count} entries; narrow the filters to see older ones.").format(
                    count=format_number(LIMIT)
                )
                if more
                else ngettext("{count} entry.", "{count} entries.", len(rows)).format(
                    count=format_number(len(rows))
                ),
                id=ids.count,
                className="small text-muted mb-2",
            ),
            data_grid(
                ids.grid,
                rows,
                COLUMNS,
                flexible=("detail",),
                empty=_("Nothing recorded with these filters."),
                tooltipShowDelay=300,
            ),
        ]
    )


def _filters(action: str | None, user: str | None, users: list[str]) -> dbc.Card:
    """The two filters: what was done, and by whom."""
    return dbc.Card(
        dbc.CardBody(
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label(_("What"), html_for=ids.action, className="small text-muted mb-1"),
                            dropdown(
                                id=ids.action,
                                value=action,
                                placeholder=_("Everything"),
                                options=[
                                    {"label": _(label), "value": key} for key, label in trail.ACTIONS.items()
                                ],
                            ),
                        ],
                        xs=12,
                        sm=6,
                        lg=3,
                    ),
                    dbc.Col(
                        [
                            dbc.Label(_("User"), html_for=ids.user, className="small text-muted mb-1"),
                            dropdown(
                                id=ids.user,
                                value=user,
                                placeholder=_("Everyone"),
                                options=[{"label": u, "value": u} for u in users],
                            ),
                        ],
                        xs=12,
                        sm=6,
                        lg=3,
                    ),
                ],
                className="g-2",
            )
        ),
        className="shadow-sm mb-3",
    )


def event_row(event) -> dict:
    return {
        "at": event.at.isoformat(sep=" ", timespec="seconds") if event.at else None,
        "user": event.username,
        "action": _(trail.ACTIONS[event.action]) if event.action in trail.ACTIONS else event.action,
        "target": event.target,
        "detail": detail_text(event.detail),
    }


def tally_row(tally) -> dict:
    """A counted entry: every request without a valid token from one address in one minute."""
    return {
        "at": tally.window_start.isoformat(sep=" ", timespec="seconds"),
        "user": "anonymous",
        "action": _(trail.ACTIONS["api-refused"]),
        "target": tally.key,
        "detail": f"requests: {tally.count} · last: {tally.last_at.isoformat(sep=' ', timespec='seconds')}",
    }


def detail_text(detail) -> str:
    """``key: value · key: value``, empty values left out; long texts cut (the grid shows the rest on hover)."""
    if not isinstance(detail, dict):
        return "" if detail is None else str(detail)
    parts = []
    for key, value in detail.items():
        if value in (None, "", [], {}):
            continue
        if (
            isinstance(value, dict)
            and value
            and all(isinstance(v, list) and len(v) == 2 for v in value.values())
        ):
            value = "; ".join(f"{k}: {old or 'blank'} → {new or 'blank'}" for k, (old, new) in value.items())
        elif isinstance(value, dict):
            value = counts_text(value)
        elif isinstance(value, list):
            value = ", ".join(map(str, value))
        parts.append(f"{key.replace('_', ' ')}: {value}")
    text = " · ".join(parts)
    return text if len(text) <= 1000 else text[:999] + "…"


@callback(
    Output(ids.url, "search"),
    Input(ids.action, "value"),
    Input(ids.user, "value"),
    State(ids.state, "data"),
    prevent_initial_call=True,
)
def filter_events(action, user, current):
    """A filter changes the URL; the page is drawn again from it."""
    wanted = {"action": action or None, "user": user or None}
    if wanted == {k: (current or {}).get(k) for k in wanted}:
        raise dash.exceptions.PreventUpdate
    return query_string(**wanted)
