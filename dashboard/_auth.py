"""Sign-in, sign-out and the guard in front of every request.

- Nothing but the sign-in form and the stylesheets is served to someone not signed in: pages redirect to
  ``/login``; Dash's layout and callback endpoints and downloads answer 401 with no data.
- Sessions are Flask's signed cookie (HttpOnly, SameSite=Lax, Secure unless turned off for plain-HTTP
  development); Flask-Login keeps the user id in it. Passwords are argon2 hashes.
- CSRF: the sign-in and sign-out forms carry a token kept in the session; Dash callbacks send the same
  token back in the ``X-CSRFToken`` header (Dash's renderer reads it from the ``_csrf_token`` cookie).
- Failed sign-ins are slowed, then the name is locked for a while (``indicators.accounts``).
- Roles and donors: ``_access`` decides what a user may see; the guard asks it about every callback request
  before Dash runs it (403 and an audit entry when refused).
- Errors: a request too large (the upload limit, enforced here as well as in the importer) and a failure on
  the server answer with one friendly sentence, never a traceback, a setting or SQL.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time
from html import escape
from urllib.parse import quote, urlsplit

from flask import Flask, Response, current_app, jsonify, redirect, request, session
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from sqlalchemy import select
from werkzeug.exceptions import InternalServerError, RequestEntityTooLarge

from dashboard import _access
from dashboard._access import ALL_ROLES, visible_programmes  # noqa: F401  (visible_programmes: for callers)
from indicators import accounts, audit
from indicators.models import User

log = logging.getLogger("ctmonitor.auth")

CSRF_SESSION_KEY = "csrf"
CSRF_COOKIE = "_csrf_token"
CSRF_HEADER = "X-CSRFToken"
PUBLIC_PREFIXES = ("/assets/",)
PUBLIC_PATHS = ("/login", "/logout", "/_favicon.ico", "/favicon.ico")  # /logout: a no-op when signed out
CACHEABLE_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico")
# Every answer: no framing by another site (a sign-off button must not be clicked through a disguise),
# no content sniffing, no address leaking to other sites.
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
CALLBACK_PATH = "/_dash-update-component"
STORE_KEY = "ctmonitor.store"
DASH_KEY = "ctmonitor.dash"
sleep = time.sleep  # failed sign-ins wait this way (tests replace it to count the delays, not wait them)


class SignedInUser(UserMixin):
    """What a request knows of its user: enough to decide what it may see, nothing more."""

    def __init__(self, user_id: int, username: str, role: str, donor: str | None):
        self.id = user_id
        self.username = username
        self.role = role
        self.donor = donor

    def can(self, roles) -> bool:
        return self.role in roles


def init_app(server: Flask, store, secure_cookies: bool = True) -> None:
    """Sign-in, sign-out, the guard and the error answers, for the app whose store is ``store`` (the store in
    ``server.extensions`` is read on each request, so tests may swap it)."""
    server.extensions.setdefault(STORE_KEY, store)
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies,
        REMEMBER_COOKIE_SECURE=secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
    )
    manager = LoginManager()
    manager.init_app(server)

    @manager.user_loader
    def load_user(user_id: str):
        try:
            key = int(user_id)
        except (TypeError, ValueError):
            return None
        with current_app.extensions[STORE_KEY].Session() as db:
            user = db.get(User, key)
            if user is None or not user.active:
                return None
            return SignedInUser(user.id, user.username, user.role, user.donor)

    server.add_url_rule("/login", "login", _login, methods=["GET", "POST"])
    server.add_url_rule("/logout", "logout", _logout, methods=["POST"])
    server.before_request(_guard)
    server.after_request(_after)
    server.register_error_handler(_access.Refused, _refused)
    server.register_error_handler(RequestEntityTooLarge, _too_large)
    server.register_error_handler(InternalServerError, _server_error)


def csrf_token() -> str:
    """The signed-in session's token, for forms drawn by the pages (the sign-out button)."""
    return session.get(CSRF_SESSION_KEY, "")


def current_username() -> str:
    return getattr(current_user, "username", None) or "anonymous"


def _guard():
    _access.after_dash_setup()
    path = request.path
    if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
        return None
    if not current_user.is_authenticated:
        if request.method == "GET" and not path.startswith("/_dash") and "text/html" in request.headers.get("Accept", ""):
            return redirect("/login?next=" + quote(_safe_next(request.full_path), safe="/"))
        return jsonify(error="Sign in first."), 401
    if request.method not in ("GET", "HEAD", "OPTIONS") and path != "/logout":
        expected = session.get(CSRF_SESSION_KEY) or ""
        sent = request.headers.get(CSRF_HEADER) or ""
        if not expected or not hmac.compare_digest(expected, sent):
            _access.record_refusal(path, reason="missing or wrong CSRF token")
            return jsonify(error="The page is out of date: reload it and try again."), 403
    if path == CALLBACK_PATH:
        body = request.get_json(silent=True)  # too large: 413 before anything is read into memory
        allowed, what = _access.callback_allowed(current_app.extensions[DASH_KEY], body)
        if not allowed:
            _access.record_refusal(what, reason="callback of a page not available to the role")
            return jsonify(error="This is not available to your role."), 403
    return None


def _refused(_error):
    """A callback that found the request asks for what the user may not see (already audited)."""
    return jsonify(error="This is not available to your role."), 403


def _too_large(_error):
    limit = current_app.extensions.get("ctmonitor.settings")
    mb = f" ({limit.upload_limit / 2 ** 20:.0f} MB)" if limit else ""
    return jsonify(error=f"The request is larger than ctmonitor accepts{mb}: choose a smaller file."), 413


def _server_error(_error):
    """Whatever failed was logged by Flask; the answer says nothing of it."""
    return jsonify(error="Something went wrong on the server. It has been logged; try again later."), 500


def _after(response: Response) -> Response:
    """The CSRF cookie for Dash's renderer, security headers, and no caching of anything but static files
    (a page seen before signing out must not come back from the browser's cache)."""
    token = session.get(CSRF_SESSION_KEY)
    if token and current_user.is_authenticated and request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(CSRF_COOKIE, token, samesite="Strict",
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", True), httponly=False)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if not request.path.startswith(CACHEABLE_PREFIXES):
        response.headers["Cache-Control"] = "no-store"
    return response


def _login():
    store = current_app.extensions["ctmonitor.store"]
    next_url = _safe_next(request.values.get("next", "/"))
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(next_url)
        with store.Session() as db:
            empty = db.scalar(select(User.id).limit(1)) is None
        return _login_page(next_url, info=NO_USERS if empty else None)
    form_token = request.form.get("csrf_token", "")
    expected = session.get("login_csrf", "")
    if not expected or not hmac.compare_digest(expected, form_token):
        return _login_page(next_url, "The form expired: please sign in again.", status=400)
    username = request.form.get("username", "")[:80]
    password = request.form.get("password", "")[:1000]
    with store.begin() as db:
        result = accounts.authenticate(db, username, password)
        if result.user is None:
            audit.record(db, username.strip() or "anonymous", "sign-in-refused", None,
                         ip=request.remote_addr or "", reason=result.message)
        else:
            audit.record(db, result.user.username, "sign-in", None, ip=request.remote_addr or "")
            signed = SignedInUser(result.user.id, result.user.username, result.user.role, result.user.donor)
    if result.user is None:
        if result.delay:
            sleep(min(result.delay, 5.0))
        return _login_page(next_url, result.message, status=401, username=username)
    session.clear()
    login_user(signed)
    session[CSRF_SESSION_KEY] = secrets.token_urlsafe(32)
    return redirect(next_url)


def _logout():
    store = current_app.extensions["ctmonitor.store"]
    token = request.form.get("csrf_token", "") or request.headers.get(CSRF_HEADER, "")
    expected = session.get(CSRF_SESSION_KEY, "")
    if current_user.is_authenticated and expected and hmac.compare_digest(expected, token):
        with store.begin() as db:
            audit.record(db, current_username(), "sign-out")
        logout_user()
        session.clear()
    response = redirect("/login")
    response.delete_cookie(CSRF_COOKIE)
    return response


def _safe_next(target: str) -> str:
    """Only a path on this site: never an absolute URL that would send the user elsewhere.

    Browsers read ``/\\host`` as ``//host`` and drop tabs and newlines, so any backslash, control character
    or space refuses the target outright, as does anything but one leading slash."""
    target = target if isinstance(target, str) else ""
    if (not target.startswith("/") or target.startswith("//") or "\\" in target
            or any(ord(c) < 33 or ord(c) == 127 for c in target)):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return "/"
    if parts.path in ("/login", "/logout"):
        return "/"
    return parts.path + (f"?{parts.query}" if parts.query else "")


NO_USERS = "No user exists yet: create one with  ctmonitor users add NAME --role manager  (see README)."


def _login_page(next_url: str, message: str | None = None, status: int = 200, username: str = "",
                info: str | None = None) -> Response:
    token = secrets.token_urlsafe(32)
    session["login_csrf"] = token
    alert = f'<div class="alert alert-danger py-2" role="alert">{escape(message)}</div>' if message else ""
    if info:
        alert += f'<div class="alert alert-info py-2 small" role="status">{escape(info)}</div>'

    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · ctmonitor</title>
<link rel="stylesheet" href="/assets/00-bootstrap.min.css"><link rel="stylesheet" href="/assets/app.css"></head>
<body class="bg-light"><main class="container" style="max-width: 26rem; padding-top: 12vh">
<h1 class="h3 mb-1">ctmonitor</h1>
<p class="text-muted">Counter-trafficking programme monitoring · IOM Rwanda</p>
<div class="card shadow-sm"><div class="card-body">
<form method="post" action="/login" id="login-form">{alert}
<input type="hidden" name="csrf_token" value="{token}"><input type="hidden" name="next" value="{escape(next_url)}">
<div class="mb-3"><label class="form-label" for="login-username">User name</label>
<input class="form-control" id="login-username" name="username" autocomplete="username" required
 {"" if username else "autofocus "}value="{escape(username)}"></div>
<div class="mb-3"><label class="form-label" for="login-password">Password</label>
<input class="form-control" id="login-password" name="password" type="password" autocomplete="current-password"
 required{" autofocus" if username else ""}></div>
<button class="btn btn-primary w-100" type="submit" id="login-submit">Sign in</button>
</form></div></div></main></body></html>"""
    response = Response(html, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response
