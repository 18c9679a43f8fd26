"""Sign-in, sign-out, password changes and the guard in front of every request.

- Nothing but the sign-in form and the stylesheets is served to someone not signed in: pages redirect to
  ``/login``; Dash's layout and callback endpoints and downloads answer 401 with no data.
- Sessions live in the store (``indicators.access.sessions``): the cookie (Flask's, signed; HttpOnly,
  SameSite=Lax, Secure unless turned off for plain-HTTP development) carries only a random token, which
  every request looks up, Dash's callbacks and ``/_dash-layout`` included. Signing out deletes the session;
  a password, role or account change deletes every session of the user; idle and absolute time limits end
  the rest. Passwords are argon2 hashes.
- A user holding a one-time password (set by an administrator) sees only ``/password`` until they choose
  their own; any user changes their own password there, giving the current one, which is throttled and
  audited exactly as a sign-in is (``accounts.confirm_password``).
- Two-step sign-in (``_two_step``): a user who turned it on is asked for a code after the password
  (``/login/code``) before any session starts; a role listed in ``CTMONITOR_REQUIRE_TOTP`` sees only the set-up
  page (``/account/two-step``) until it is on.
- CSRF: the forms carry a token kept in the session; Dash callbacks send the same token back in the
  ``X-CSRFToken`` header (Dash's renderer reads it from the ``_csrf_token`` cookie).
- Failed sign-ins are counted atomically per name and per client address before the password is checked,
  slowed, then locked (``indicators.access.accounts``).
- Roles and donors: ``_access`` decides what a user may see; the guard asks it about every callback request
  before Dash runs it (403 and an audit entry when refused).
- Headers: a Content-Security-Policy (``_csp``) on every answer but scripts and stylesheets (``UNGOVERNED``), and the usual hardening headers on every answer;
  ``Strict-Transport-Security`` on every answer served over HTTPS (directly, or as a trusted proxy says with
  ``X-Forwarded-Proto``: ``CTMONITOR_PROXIES``), so that a browser never again asks over plain HTTP.
- Errors: a request too large (the upload limit, enforced here as well as in the importer) and a failure on
  the server answer with one friendly sentence, never a traceback, a setting or SQL.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time
from urllib.parse import quote, urlsplit

from flask import Flask, Response, current_app, jsonify, redirect, request, session
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from sqlalchemy import select
from werkzeug.exceptions import InternalServerError, RequestEntityTooLarge

from dashboard import _access, _csp, _forms
from dashboard._access import ALL_ROLES, visible_programmes  # noqa: F401  (visible_programmes: for callers)
from dashboard._forms import NO_USERS
from indicators.access import accounts, audit, sessions, two_step
from indicators.i18n import N_, _, translated
from indicators.store.models import User

log = logging.getLogger("ctmonitor.auth")

CSRF_SESSION_KEY = "csrf"
CSRF_COOKIE = "_csrf_token"
CSRF_HEADER = "X-CSRFToken"
PUBLIC_PREFIXES = ("/assets/", "/api/")  # /api/: the JSON API checks its own bearer tokens (dashboard._api)
# /logout: a no-op when signed out; /login/code: the second step of a sign-in, before any session exists
PUBLIC_PATHS = ("/login", "/logout", _forms.CODE_PATH, "/_favicon.ico", "/favicon.ico", "/api")
PASSWORD_PATH = "/password"
TWO_STEP_PATH = _forms.TWO_STEP_PATH
FORM_PATHS = (
    "/logout",
    PASSWORD_PATH,
    TWO_STEP_PATH,
    "/language",
)  # plain forms: they check the CSRF token in the form
SECOND_STEP_KEY = "two_step"  # in the (signed) cookie between the password and the code: user, time, next
HSTS = "max-age=31536000; includeSubDomains"
CACHEABLE_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico")
# Every answer: no framing by another site (a sign-off button must not be clicked through a disguise),
# no content sniffing, no address leaking to other sites. The Content-Security-Policy comes from ``_csp``.
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
# A script or a stylesheet is never a document, and a Content-Security-Policy governs documents only: these go
# without its 400 bytes, some 10 kB on a page's first visit over a field office's link.
UNGOVERNED = ("text/javascript", "application/javascript", "text/css")
CALLBACK_PATH = "/_dash-update-component"
STORE_KEY = "ctmonitor.store"
SETTINGS_KEY = "ctmonitor.settings"
DASH_KEY = "ctmonitor.dash"
sleep = time.sleep  # failed sign-ins wait this way (tests replace it to count the delays, not wait them)


class SignedInUser(UserMixin):
    """What a request knows of its user: enough to decide what it may see, nothing more. Flask-Login keeps
    ``get_id()`` in the cookie: the session's token, which the store must still know on every request."""

    def __init__(
        self,
        user_id: int,
        username: str,
        role: str,
        donor: str | None,
        token: str | None = None,
        must_change_password: bool = False,
        needs_two_step: bool = False,
        language: str | None = None,
    ):
        self.id = user_id
        self.username = username
        self.role = role
        self.donor = donor
        self.token = token
        self.must_change_password = must_change_password
        self.needs_two_step = needs_two_step  # the role requires two-step sign-in, not yet set up
        self.language = language  # the dashboard's language the user chose (None: the browser's)

    def get_id(self) -> str:
        return self.token or ""

    def can(self, roles) -> bool:
        return self.role in roles and not self.must_change_password and not self.needs_two_step


def init_app(server: Flask, store, secure_cookies: bool = True) -> None:
    """Sign-in, sign-out, the guard and the error answers, for the app whose store is ``store``."""
    server.extensions.setdefault(STORE_KEY, store)
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies,
        REMEMBER_COOKIE_SECURE=secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
    )
    settings = server.extensions.get(SETTINGS_KEY)
    if settings is not None and settings.proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # The client's address (counted by sign-in throttling) and scheme, as the trusted proxies saw them.
        # Flask's documented way to wrap its WSGI app; its stubs declare wsgi_app a method
        server.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            server.wsgi_app, x_for=settings.proxies, x_proto=settings.proxies
        )
    manager = LoginManager()
    manager.init_app(server)
    manager.user_loader(load_user)

    server.add_url_rule("/login", "login", _login, methods=["GET", "POST"])
    server.add_url_rule("/logout", "logout", _logout, methods=["POST"])
    server.add_url_rule(PASSWORD_PATH, "password", _password, methods=["GET", "POST"])
    server.before_request(_guard)
    server.after_request(_after)
    server.register_error_handler(_access.Refused, _refused)
    server.register_error_handler(RequestEntityTooLarge, _too_large)
    server.register_error_handler(InternalServerError, _server_error)


def load_user(token: str):
    """The user of a live session in the store, or None: every request asks, so an ended session is over
    for every copy of its cookie at once."""
    settings = current_app.extensions[SETTINGS_KEY]
    with current_app.extensions[STORE_KEY].Session() as db:
        user = sessions.resolve(
            db, token, idle_timeout=settings.session_idle_timeout, lifetime=settings.session_lifetime
        )
        db.commit()  # the session's last use, or its end
        if user is None:
            return None
        return SignedInUser(
            user.id,
            user.username,
            user.role,
            user.donor,
            token,
            user.must_change_password,
            two_step.required(user, settings.require_totp),
            user.language,
        )


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
        if (
            request.method == "GET"
            and not path.startswith("/_dash")
            and "text/html" in request.headers.get("Accept", "")
        ):
            return redirect("/login?next=" + quote(safe_next(request.full_path), safe="/"))
        return jsonify(error=_("Sign in first.")), 401
    if current_user.must_change_password and path != PASSWORD_PATH:
        return _only(PASSWORD_PATH, N_("Choose a new password first."))
    if current_user.needs_two_step and path != TWO_STEP_PATH:
        return _only(TWO_STEP_PATH, N_("Set up two-step sign-in first."))
    if request.method not in ("GET", "HEAD", "OPTIONS") and path not in FORM_PATHS:
        expected = session.get(CSRF_SESSION_KEY) or ""
        sent = request.headers.get(CSRF_HEADER) or ""
        if not expected or not hmac.compare_digest(expected, sent):
            _access.record_refusal(path, reason="missing or wrong CSRF token")
            return jsonify(error=_("The page is out of date: reload it and try again.")), 403
    if path == CALLBACK_PATH:
        body = request.get_json(silent=True)  # too large: 413 before anything is read into memory
        allowed, what = _access.callback_allowed(current_app.extensions[DASH_KEY], body)
        if not allowed:
            _access.record_refusal(what, reason="callback of a page not available to the role")
            return jsonify(error=_("This is not available to your role.")), 403
    return None


def _only(path: str, why: str):
    """A user who must do one thing first: pages lead there; anything else is refused, and audited."""
    if (
        request.method == "GET"
        and not request.path.startswith("/_dash")
        and "text/html" in request.headers.get("Accept", "")
    ):
        return redirect(path)
    _access.record_refusal(request.path, reason=why.rstrip(".").lower())
    return jsonify(error=_(why)), 403


def _refused(_error):
    """A callback that found the request asks for what the user may not see (already audited)."""
    return jsonify(error=_("This is not available to your role.")), 403


def _too_large(_error):
    limit = current_app.extensions.get(SETTINGS_KEY)
    if limit is None:
        return jsonify(error=_("The request is larger than ctmonitor accepts: choose a smaller file.")), 413
    return jsonify(
        error=_("The request is larger than ctmonitor accepts ({size} MB): choose a smaller file.").format(
            size=f"{limit.upload_limit / 2**20:.0f}"
        )
    ), 413


def _server_error(_error):
    """Whatever failed was logged by Flask; the answer says nothing of it."""
    return jsonify(error=_("Something went wrong on the server. It has been logged; try again later.")), 500


def _after(response: Response) -> Response:
    """The CSRF cookie for Dash's renderer, security headers, and no caching of anything but static files
    (a page seen before signing out must not come back from the browser's cache)."""
    token = session.get(CSRF_SESSION_KEY)
    if token and current_user.is_authenticated and request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(
            CSRF_COOKIE,
            token,
            samesite="Strict",
            secure=current_app.config.get("SESSION_COOKIE_SECURE", True),
            httponly=False,
        )
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:  # HTTPS, directly or as a trusted proxy reports it (CTMONITOR_PROXIES)
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if response.mimetype not in UNGOVERNED:
        policy = _csp.policy(current_app.extensions.get(DASH_KEY))
        response.headers.setdefault("Content-Security-Policy", policy)
    if not request.path.startswith(CACHEABLE_PREFIXES):
        response.headers["Cache-Control"] = "no-store"
    return response


def start_session(db, user: User) -> None:
    """A new session in the store and in the cookie (after the cookie's old content is dropped)."""
    settings = current_app.extensions[SETTINGS_KEY]
    sessions.purge(db, idle_timeout=settings.session_idle_timeout, lifetime=settings.session_lifetime)
    token = sessions.start(db, user, request.remote_addr)
    signed = SignedInUser(user.id, user.username, user.role, user.donor, token, user.must_change_password)
    db.commit()
    session.clear()
    login_user(signed)
    session[CSRF_SESSION_KEY] = secrets.token_urlsafe(32)


def _login():
    store = current_app.extensions[STORE_KEY]
    next_url = safe_next(request.values.get("next", "/"))
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(next_url)
        with store.Session() as db:
            empty = db.scalar(select(User.id).limit(1)) is None
        return _login_page(next_url, info=NO_USERS if empty else None)
    form_token = request.form.get("csrf_token", "")
    expected = session.get("login_csrf", "")
    if not expected or not hmac.compare_digest(expected, form_token):
        return _login_page(next_url, _("The form expired: please sign in again."), status=400)
    username = request.form.get("username", "")[:80]
    password = request.form.get("password", "")[:1000]
    address = request.remote_addr or ""
    with store.Session() as db:
        result = accounts.authenticate(db, username, password, address=address or None)
        if result.user is None:
            audit.record(
                db,
                username.strip() or "anonymous",
                "sign-in-refused",
                None,
                ip=address,
                reason=result.message,
            )
            db.commit()
        elif two_step.enabled(result.user):  # the password was right: now the code, before any session
            db.commit()
            session.clear()
            session[SECOND_STEP_KEY] = {"user": result.user.id, "at": time.time(), "next": next_url}
            return redirect(_forms.CODE_PATH)
        else:
            audit.record(db, result.user.username, "sign-in", None, ip=address)
            start_session(db, result.user)
            if result.user.must_change_password:
                return redirect(PASSWORD_PATH)
    if result.user is None:
        if result.delay:
            sleep(min(result.delay, 5.0))
        return _login_page(next_url, translated(result.message), status=401, username=username)
    return redirect(next_url)


def _logout():
    store = current_app.extensions[STORE_KEY]
    token = request.form.get("csrf_token", "") or request.headers.get(CSRF_HEADER, "")
    expected = session.get(CSRF_SESSION_KEY, "")
    if current_user.is_authenticated and expected and hmac.compare_digest(expected, token):
        with store.begin() as db:
            sessions.end(db, current_user.token)
            audit.record(db, current_username(), "sign-out")
        logout_user()
        session.clear()
    response = redirect("/login")
    response.delete_cookie(CSRF_COOKIE)
    return response


def _password():
    """The signed-in user changes their own password (first, when it was a one-time password). The current
    password is checked as a sign-in is: throttled on the name and the address, and a refusal audited. Every
    other session and every API token of the user ends; this browser gets a new session."""
    forced = bool(current_user.must_change_password)
    token = csrf_token()

    def page(message=None, status=200):
        return _forms.password_page(token, current_user.username, forced, message, status=status)

    if request.method == "GET":
        return page()
    if not token or not hmac.compare_digest(token, request.form.get("csrf_token", "")):
        return page(_("The form expired: reload the page and try again."), 400)
    current, new = request.form.get("current", "")[:1000], request.form.get("new", "")[:1000]
    if new != request.form.get("again", "")[:1000]:
        return page(_("The new passwords differ."), 400)
    with current_app.extensions[STORE_KEY].Session() as db:
        user = db.get(User, current_user.id)
        refused = confirm_current(db, user, current, "password change")
        if refused:
            return page(translated(refused), 401)
        try:
            accounts.change_password(db, user, current, new, verified=True)
        except accounts.AccountError as exc:
            db.rollback()
            said = translated(exc.args[0])
            return page(said[0].upper() + said[1:] + ".", 400)
        audit.record(
            db,
            user.username,
            "password-changed",
            user.username,
            ip=request.remote_addr or "",
            one_time=forced,
        )
        start_session(db, user)
    return redirect("/")


def confirm_current(db, user: User, password: str, purpose: str) -> str | None:
    """Check the signed-in user's current password, throttled as a sign-in, and commit its count; a refusal
    is audited and slowed, and its sentence returned. None when the password is right."""
    address = request.remote_addr or ""
    checked = accounts.confirm_password(db, user, password, address=address or None)
    if checked.user is not None:
        db.commit()  # settled, whatever the caller then does
        return None
    audit.record(
        db,
        user.username,
        "password-refused",
        user.username,
        ip=address,
        purpose=purpose,
        reason=checked.message,
    )
    db.commit()
    if checked.delay:
        sleep(min(checked.delay, 5.0))
    return checked.message


def safe_next(target: str) -> str:
    """Only a path on this site: never an absolute URL that would send the user elsewhere.

    Browsers read ``/\\host`` as ``//host`` and drop tabs and newlines, so any backslash, control character
    or space refuses the target outright, as does anything but one leading slash."""
    target = target if isinstance(target, str) else ""
    if (
        not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(c) < 33 or ord(c) == 127 for c in target)
    ):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return "/"
    if parts.path in ("/login", "/logout", PASSWORD_PATH):
        return "/"
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _login_page(
    next_url: str, message: str | None = None, status: int = 200, username: str = "", info: str | None = None
) -> Response:
    token = secrets.token_urlsafe(32)
    session["login_csrf"] = token
    return _forms.login_page(token, next_url, message, status, username, info)
