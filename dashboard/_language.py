"""The language of each request, and the navbar's menu that changes it.

Each request speaks, in order: the signed-in user's own choice (kept on their user row, so it follows them to
every browser), else the browser's ``Accept-Language`` (the sign-in page has only this), else English. It is
set in ``indicators.i18n``'s context variable before anything else runs and reset when the request ends: no
state shared between requests, so users of one worker each read their own language. The JSON API answers
in English always (its words are a contract, not prose).
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from flask import Flask, g, redirect, request, session
from flask_login import current_user

from indicators import i18n
from indicators.i18n import _
from indicators.store.models import User

PATH = "/language"
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico", "/favicon.ico")
ENGLISH_PREFIXES = ("/api",)


def init_app(server: Flask) -> None:
    """Set each request's language first of all the request hooks (the guard's refusals are translated)."""
    server.before_request_funcs.setdefault(None, []).insert(0, _enter)
    server.teardown_request(_leave)
    server.add_url_rule(PATH, "language", _choose, methods=["POST"])


def request_language() -> str:
    """The language this request should speak (see the module's docstring)."""
    path = request.path
    if path.startswith(ENGLISH_PREFIXES):
        return i18n.SOURCE
    if not path.startswith(STATIC_PREFIXES) and current_user.is_authenticated:
        chosen = i18n.known(getattr(current_user, "language", None))
        if chosen:
            return chosen
    return i18n.best_match(list(request.accept_languages)) or i18n.SOURCE


def _enter():
    g.language_token = i18n.set_language(request_language())


def _leave(_error=None):
    token = g.pop("language_token", None)
    if token is not None:
        i18n.reset_language(token)


def _choose():
    """The navbar's menu: keep the chosen language on the user's row, then back to the page."""
    from flask import current_app

    from dashboard._auth import CSRF_SESSION_KEY, STORE_KEY, safe_next

    expected = session.get(CSRF_SESSION_KEY, "")
    sent = request.form.get("csrf_token", "")
    chosen = i18n.known(request.form.get("language"))
    if not (expected and hmac.compare_digest(expected, sent)) or chosen is None:
        return {"error": _("The page is out of date: reload it and try again.")}, 400
    with current_app.extensions[STORE_KEY].begin() as db:
        db.get(User, current_user.id).language = chosen
    referrer = urlsplit(request.referrer or "/")
    back = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return redirect(safe_next(back))


def menu():
    """The navbar's language menu: the current language's name, and a button for each language (each named
    in itself, with its ``lang``), posted with the session's CSRF token."""
    import dash_bootstrap_components as dbc
    from dash import dcc, html

    from dashboard._auth import csrf_token

    here = i18n.language()
    buttons = [
        html.Button(
            i18n.display_name(code),
            type="submit",
            name="language",
            value=code,
            lang=code,
            className="dropdown-item" + (" active" if code == here else ""),
            id=f"nav-language-{code}",
            **({"aria-current": "true"} if code == here else {}),
        )
        for code in i18n.available()
    ]
    form = html.Form(
        [dcc.Input(type="hidden", name="csrf_token", value=csrf_token()), *buttons],
        method="post",
        action=PATH,
        className="m-0",
    )
    label = html.Span([html.Span(_("Language:") + " ", className="visually-hidden"), i18n.display_name(here)])
    return dbc.DropdownMenu([form], label=label, nav=True, in_navbar=True, align_end=True, id="nav-language")
