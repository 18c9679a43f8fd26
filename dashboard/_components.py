"""Widgets and helpers shared by the pages; the leading underscore keeps Dash's page loader out of it.

One status scheme everywhere, screens and workbooks (``indicators.status``: colour, symbol and word, so it
reads without colour too): Ahead is blue ▲, On track is green ●, Behind is amber ▼; no target is grey.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html
from flask import current_app
from sqlalchemy.orm import Session

from dashboard._country_names import SHORT_NAMES, country_name
from dashboard._grids import (  # noqa: F401  (the pages' grids and dropdowns, where they always were)
    DROPDOWN_TEXT,
    GRID_TEXT,
    data_grid,
    dropdown,
    dropdown_labels,
    fit_columns,
    grid_locale_text,
)
from indicators import i18n
from indicators.i18n import _
from indicators.numbers import format_percent, format_value  # noqa: F401  (format_percent: for the pages)
from indicators.status import AHEAD, BEHIND, ON_TRACK, TARGET_TO_DATE, look, meaning
from indicators.store.db import Store

STORE_KEY = "ctmonitor.store"
SETTINGS_KEY = "ctmonitor.settings"
log = logging.getLogger("ctmonitor.dashboard")

CHART_COLOURS = {
    "actual": "#0033a0",
    "target": "#9fb3d9",
    "cumulative": "#b35c00",
    "lop": "#6c757d",
    "quarter": "#0033a0",
    "year": "#5b7fc7",
    "lop_cat": "#b8c7e6",
}
GRAPH_CONFIG: dcc.Graph.Config = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}
SMALL_GRAPH_CONFIG: dcc.Graph.Config = {"displaylogo": False, "responsive": True, "displayModeBar": False}


# --- store, settings, user -------------------------------------------------------------------------


def store() -> Store:
    """The store of the app serving this request (set by ``create_app``)."""
    return current_app.extensions[STORE_KEY]


def settings():
    return current_app.extensions.get(SETTINGS_KEY) or store().settings


@contextmanager
def read_session() -> Iterator[Session]:
    """A session for reading figures for one request; nothing it does is committed."""
    with store().Session() as session:
        yield session


def current_username() -> str:
    """Who is signed in, for provenance and the audit trail (uploads, narratives, sign-offs)."""
    from dashboard._access import signed_in_user

    return getattr(signed_in_user(), "username", None) or "anonymous"


def visible_programme_codes(session: Session) -> list[str]:
    """The programmes the signed-in user may see: all of them for staff, a donor officer's own donor's."""
    from dashboard._access import visible_programmes

    return visible_programmes(session)


def viewer_plan(session: Session, programme_code: str):
    """How the signed-in reader may see a programme's victim figures (``indicators.protection.disclosure``): None (exact)
    for programme staff; for a donor officer, the programme's audited plan."""
    from dashboard._access import role
    from indicators.protection import disclosure

    if role() in ("admin", "manager", "officer"):
        return None
    return disclosure.plan(session, programme_code, settings().small_cell)


def seen_figures(session: Session, programme_code: str, quarter):
    """``indicators.figures.figures.figures`` as the signed-in reader may see them: victim figures through the
    disclosure plan for a donor officer, exact for staff."""
    from indicators.figures.figures import figures

    result = figures(session, programme_code, quarter)
    plan = viewer_plan(session, programme_code)
    return plan.figures(result) if plan is not None else result


# --- layout helpers -------------------------------------------------------------------------------


def page_title(name: str):
    """A page's browser title, drawn in the language of each request: ``Portfolio · ctmonitor``."""

    def title(**_path):
        return f"{_(name)} · ctmonitor"

    return title


def aria(**attributes: str) -> dict[str, Any]:
    """``aria-*`` attributes for a component, spread into it: ``html.Nav(..., **aria(label="breadcrumb"))``.
    Dash takes them only as ``**{"aria-label": ...}``, and a plain ``dict[str, str]`` spread so would claim to
    fill the components' typed keyword arguments."""
    return {f"aria-{name}": value for name, value in attributes.items()}


def page_header(title, subtitle=None, actions=None, crumbs=None) -> html.Div:
    return html.Div(
        [
            html.Div(
                [
                    breadcrumbs(crumbs) if crumbs else None,
                    html.H1(title, className="h3 mb-1"),
                    html.P(subtitle, className="text-muted mb-0") if subtitle else None,
                ],
                className="page-title",
            ),
            html.Div(actions, className="page-actions") if actions else None,
        ],
        className="d-flex flex-wrap justify-content-between align-items-end gap-3 mb-4",
    )


def breadcrumbs(items: list[tuple[str, str | None]]) -> html.Nav:
    return html.Nav(
        html.Ol(
            [
                html.Li(
                    dcc.Link(label, href=href) if href else label,
                    className="breadcrumb-item" + ("" if href else " active"),
                )
                for label, href in items
            ],
            className="breadcrumb small mb-1",
        ),
        **aria(label=_("breadcrumb")),
    )


def card(title, body, *, id=None, class_name="", header_actions=None) -> dbc.Card:
    header = dbc.CardHeader(
        html.Div(
            [html.H2(title, className="h6 mb-0"), header_actions],
            className="d-flex justify-content-between align-items-center gap-2",
        )
    )
    kwargs = {"id": id} if id else {}
    return dbc.Card([header, dbc.CardBody(body)], className=f"shadow-sm mb-4 {class_name}".strip(), **kwargs)


def not_found(message: str, *, back: tuple[str, str] | None = None) -> dbc.Alert:
    back = back or (_("Back to the portfolio"), "/")
    return dbc.Alert(
        [
            html.H2(_("Not found"), className="h5"),
            html.P(message),
            dcc.Link(back[0], href=back[1], className="alert-link"),
        ],
        color="warning",
        className="mt-3 not-found",
    )


def problem_card(message: str | None = None) -> dbc.Alert:
    message = message or _("This view could not be shown.")
    return dbc.Alert(
        [
            html.H2(_("Something went wrong"), className="h5"),
            html.P(
                [
                    message,
                    " ",
                    _("The problem has been logged; try again, or go back to the"),
                    " ",
                    dcc.Link(_("portfolio"), href="/", className="alert-link"),
                    ".",
                ],
                className="mb-0",
            ),
        ],
        color="danger",
        className="mt-3 problem-card",
    )


def empty_state(message: str) -> html.P:
    return html.P(message, className="text-muted fst-italic mb-0 empty-state")


def safe_layout(func):
    """A page layout that never shows a traceback: any error becomes a friendly card, and is logged."""

    @functools.wraps(func)
    def wrapper(**query):
        try:
            return func(**query)
        except Exception:
            log.exception("layout of %s failed for %r", func.__module__, query)
            return problem_card()

    return wrapper


def on_callback_error(err: Exception):
    """The app's ``on_error``: log the exception, tell the user in a toast, leave the outputs unchanged."""
    log.error("callback failed: %s", err, exc_info=err)
    dash.set_props(
        "app-error",
        {
            "is_open": True,
            "children": (
                _("That did not work, and the problem has been logged. Reload the page and try again.")
            ),
        },
    )


def href(path: str, **query) -> str:
    """A shareable link: the path and the non-empty query values."""
    query = {k: v for k, v in query.items() if v not in (None, "", [])}
    return f"{path}?{urlencode(query)}" if query else path


def query_string(**query) -> str:
    query = {k: v for k, v in query.items() if v not in (None, "", [])}
    return f"?{urlencode(query)}" if query else ""


def first(value):
    """A query value as given once (Dash passes a repeated parameter as given last)."""
    if isinstance(value, (list, tuple)):
        return value[-1] if value else None
    return value


# --- status ----------------------------------------------------------------------------------------


def status_badge(status: str | None, *, small: bool = False) -> html.Span:
    """The status as colour, symbol and word: the one widget every page uses for it."""
    word = status_word(status)
    return html.Span(
        [html.Span(look(status).symbol, className="status-symbol", **aria(hidden="true")), word],
        className=f"status status-{look(status).css}" + (" status-sm" if small else ""),
        title=status_help(status),
    )


def status_word(status: str | None) -> str:
    """A status in the language of the request: Ahead, On track, Behind (En avance, Dans les temps, En retard)."""
    return _(status) if status else _("No target")


def status_help(status: str | None) -> str:
    return _(meaning(status))


def status_key() -> html.Div:
    return html.Div(
        [html.Span(_("Status:"), className="me-2 text-muted")]
        + [
            html.Span(status_badge(s, small=True), className="me-2", title=status_help(s))
            for s in (AHEAD, ON_TRACK, BEHIND)
        ]
        + [
            html.Span(
                _("on track = within ±15% of the target to date"),
                className="text-muted",
                title=_(TARGET_TO_DATE),
            )
        ],
        className="status-key small d-flex flex-wrap align-items-center gap-1",
    )


def status_counts(statuses) -> dict[str, int]:
    counts = {AHEAD: 0, ON_TRACK: 0, BEHIND: 0}
    for status in statuses:
        if status in counts:
            counts[status] += 1
    return counts


def status_summary(statuses, *, id=None) -> html.Div:
    counts = status_counts(statuses)
    kwargs = {"id": id} if id else {}
    return html.Div(
        [
            html.Div(
                [html.Span(str(counts[s]), className="status-count-number"), status_badge(s, small=True)],
                className=f"status-count status-count-{look(s).css}",
            )
            for s in (AHEAD, ON_TRACK, BEHIND)
        ],
        className="status-counts",
        **kwargs,
    )


# --- formatting ------------------------------------------------------------------------------------


def format_date(value) -> str:
    return i18n.format_day(value) if value else "–"


def format_datetime(value) -> str:
    return i18n.format_moment(value) if value else "–"


def format_period(start, end) -> str:
    return f"{i18n.format_day(start, 'MMM y')} – {i18n.format_day(end, 'MMM y')}"


def format_number(value, unit: str = "number") -> str:
    """A figure as shown on screen, rounded by the one rule every output follows (``indicators.numbers``)."""
    return format_value(value, unit)


def format_actual(figure, unit: str = "number") -> str:
    """A figure's actual as shown on screen, or what it reads instead when withheld from this reader."""
    return figure.withheld or format_value(figure.actual, unit)


def short_category(name: str) -> str:
    """``category_name``, a country shortened the way people say it in Rwanda ("DR Congo"), for labels."""
    return _(SHORT_NAMES[name]) if name in SHORT_NAMES else category_name(name)


def category_name(name: str) -> str:
    """A stored category (a sex, a target group, a stage, an exploitation type, a country) in the language of
    the request, where the catalogue knows it (a country's name: pycountry's, ``dashboard._country_names``);
    else as stored (a district's or a body's own name)."""
    if not name:
        return name
    return country_name(name) or _(name)


def format_money(value, currency: str = "USD") -> str:
    symbol = "US$" if currency == "USD" else f"{currency} "
    if i18n.language() == i18n.SOURCE:
        return f"{symbol}{float(value or 0):,.0f}"
    return f"{i18n.format_decimal(round(float(value or 0)), '#,##0')}\u00a0{currency}"


# The navbar's menu button on a phone: opens and closes the collapsed menu, in the browser.
dash.clientside_callback(
    "function(n, open) { return n ? !open : open; }",
    dash.Output("nav-collapse", "is_open"),
    dash.Input("nav-toggler", "n_clicks"),
    dash.State("nav-collapse", "is_open"),
    prevent_initial_call=True,
)


def not_a_quarter(asked: str | None, prog, quarter) -> dbc.Alert | None:
    """When the link named a period the programme does not have: which quarter is shown instead (the
    Programme and Indicator pages)."""
    if not asked or asked == quarter.code:
        return None
    return dbc.Alert(
        _("“{asked}” is not a quarter of {code}; showing {quarter}.").format(
            asked=asked, code=prog.code, quarter=quarter.label()
        ),
        color="info",
        dismissable=True,
        className="py-2",
    )
