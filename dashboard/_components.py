"""Widgets and helpers shared by the pages; the leading underscore keeps Dash's page loader out of it."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import dash_bootstrap_components as dbc
from dash import html
from flask import current_app
from sqlalchemy.orm import Session

from indicators.db import Store

STORE_KEY = "ctmonitor.store"


def store() -> Store:
    """The store of the app serving this request (set by ``create_app``)."""
    return current_app.extensions[STORE_KEY]


@contextmanager
def read_session() -> Iterator[Session]:
    """A session for reading figures for one request; nothing it does is committed."""
    with store().Session() as session:
        yield session


def page_header(title: str, subtitle: str | None = None, actions=None) -> html.Div:
    return html.Div(
        [
            html.Div([html.H1(title, className="h3 mb-1"),
                      html.P(subtitle, className="text-muted mb-0") if subtitle else None]),
            html.Div(actions) if actions else None,
        ],
        className="d-flex flex-wrap justify-content-between align-items-end gap-2 mb-4",
    )


def not_found(message: str) -> dbc.Alert:
    return dbc.Alert([html.H2("Not found", className="h5"), html.P(message, className="mb-0")],
                     color="warning", className="mt-3")


def format_date(value) -> str:
    return f"{value.day} {value:%B %Y}" if value else "–"


def format_period(start, end) -> str:
    return f"{start:%b %Y} – {end:%b %Y}"
