"""Two-step sign-in in the browser (``indicators.access.two_step``): the code after the password, and setting it up.

- ``/login/code``: after a right password, a user with two-step sign-in on gets no session yet, only a signed
  note in the cookie (who, when, where to go; good for five minutes). A code from their app, or a recovery
  code, then starts the session. Codes are throttled like passwords (five wrong ones lock the name's codes for
  15 minutes; the address counts too) and every refusal is audited.
- ``/account/two-step`` (linked from My account): confirm the password, scan the QR code (drawn on the server
  as SVG, nothing fetched) or type the secret, confirm a code, and keep the ten recovery codes shown once. The
  user's other sessions end when it is turned on or off. Turning it off needs the password and a code, and is
  not offered to a role that must use it (``CTMONITOR_REQUIRE_TOTP``).

Both are plain forms without script, like the sign-in and password pages.
"""

from __future__ import annotations

import hmac
import secrets
import time

from flask import current_app, redirect, request, session
from flask.typing import ResponseReturnValue
from flask_login import current_user

from dashboard import _auth, _forms
from indicators.access import accounts, audit, sessions, throttle, two_step
from indicators.i18n import N_, Message
from indicators.store.models import User

PENDING_FOR = 300  # seconds between the password and the code
CODE_LOCK_AFTER = 5


def init_app(server) -> None:
    server.add_url_rule(_forms.CODE_PATH, "two_step_code", _code, methods=["GET", "POST"])
    server.add_url_rule(_forms.TWO_STEP_PATH, "two_step_setup", _setup, methods=["GET", "POST"])


def _store():
    return current_app.extensions[_auth.STORE_KEY]


def _required_roles() -> tuple[str, ...]:
    return current_app.extensions[_auth.SETTINGS_KEY].require_totp


def code_check(db, user: User, code: str, verify) -> throttle.Outcome:
    """``verify()`` (a code check) once the name's code count and the address have reserved it."""
    address = request.remote_addr or ""
    limits = (
        [throttle.Limit(f"address:{address[:100]}", accounts.ADDRESS_LOCK_AFTER, N_("from this address"))]
        if address
        else []
    )
    limits.append(throttle.Limit(f"code:{user.username.lower()[:110]}", CODE_LOCK_AFTER))
    return throttle.guarded(
        db,
        limits,
        verify,
        wrong=Message(N_("That code is not right: try the one your app shows now.")),
        now=None,
        commit=db.commit,
        slow_after=accounts.SLOW_AFTER,
    )


def _pending() -> dict | None:
    note = session.get(_auth.SECOND_STEP_KEY)
    if not isinstance(note, dict) or time.time() - float(note.get("at", 0)) > PENDING_FOR:
        return None
    return note


def _code() -> ResponseReturnValue:
    note = _pending()
    if note is None:
        session.pop(_auth.SECOND_STEP_KEY, None)
        return redirect("/login")
    with _store().Session() as db:
        user = db.get(User, int(note["user"]))
        if user is None or not user.active or not two_step.enabled(user):
            session.clear()
            return redirect("/login")
        if request.method == "GET":
            session["login_csrf"] = secrets.token_urlsafe(32)
            return _forms.code_page(session["login_csrf"], user.username)
        token = session.get("login_csrf", "")
        if not token or not hmac.compare_digest(token, request.form.get("csrf_token", "")):
            return _forms.code_page(token, user.username, N_("The form expired: please try again."), 400)
        used: list[str] = []

        def verify() -> bool:
            how = two_step.check(db, user.id, request.form.get("code", "")[:40])
            used.extend([how] if how else [])
            return how is not None

        outcome = code_check(db, user, request.form.get("code", ""), verify)
        address = request.remote_addr or ""
        if not outcome.ok:
            audit.record(db, user.username, "two-step-refused", None, ip=address, reason=outcome.message)
            db.commit()
            if outcome.delay:
                _auth.sleep(min(outcome.delay, 5.0))
            return _forms.code_page(token, user.username, outcome.message, 401)
        if used[0] == "recovery code":
            audit.record(
                db,
                user.username,
                "recovery-code-used",
                user.username,
                ip=address,
                left=two_step.recovery_codes_left(user),
            )
        audit.record(db, user.username, "sign-in", None, ip=address, second_step=used[0])
        next_url = _auth.safe_next(note.get("next", "/"))
        _auth.start_session(db, user)
    if user.must_change_password:
        return redirect(_auth.PASSWORD_PATH)
    return redirect(next_url)


def _setup():
    """Set two-step sign-in up, or turn it off, for the signed-in user."""
    token = _auth.csrf_token()
    required = current_user.role in _required_roles()
    with _store().Session() as db:
        user = db.get(User, current_user.id)
        if request.method == "GET":
            return _state_page(token, user, required)
        if not token or not hmac.compare_digest(token, request.form.get("csrf_token", "")):
            return _state_page(
                token, user, required, N_("The form expired: reload the page and try again."), 400
            )
        step = request.form.get("step", "")
        if step == "begin" and not two_step.enabled(user):
            return _begin(db, token, user, required)
        if step == "confirm" and not two_step.enabled(user):
            return _confirm(db, token, user, required)
        if step == "off" and two_step.enabled(user) and not required:
            return _off(db, token, user)
        return _state_page(token, user, required)


def _state_page(token: str, user: User, required: bool, message: str | None = None, status: int = 200):
    if two_step.enabled(user):
        return _forms.two_step_on_page(
            token, user.username, two_step.recovery_codes_left(user), required, message, status
        )
    return _forms.two_step_start_page(token, user.username, required, message, status)


def _scan_page(token: str, user: User, required: bool, message: str | None = None, status: int = 200):
    secret = user.totp_pending
    if not secret:  # ended meanwhile (in another tab): the state as it is now
        return _state_page(token, user, required, message, status)
    uri = two_step.provisioning_uri(user, secret)
    return _forms.two_step_scan_page(
        token, user.username, two_step.qr_svg(uri), two_step.grouped(secret), required, message, status
    )


def _begin(db, token: str, user: User, required: bool):
    refused = _auth.confirm_current(db, user, request.form.get("password", "")[:1000], "two-step set-up")
    if refused:
        return _forms.two_step_start_page(token, user.username, required, refused, 401)
    two_step.begin(user)
    db.commit()
    return _scan_page(token, user, required)


def _confirm(db, token: str, user: User, required: bool):
    if not user.totp_pending:
        return _state_page(token, user, required)
    codes: list[str] = []

    def verify() -> bool:
        codes.extend(two_step.confirm(user, request.form.get("code", "")[:40]) or [])
        return bool(codes)

    outcome = code_check(db, user, request.form.get("code", ""), verify)
    if not outcome.ok:
        audit.record(
            db,
            user.username,
            "two-step-refused",
            None,
            ip=request.remote_addr or "",
            reason=outcome.message,
            purpose="set-up",
        )
        db.commit()
        return _scan_page(token, user, required, outcome.message, 401)
    audit.record(db, user.username, "two-step-enabled", user.username, ip=request.remote_addr or "")
    sessions.end_all(db, user.id)  # whoever else held a session of this account holds it no more
    _auth.start_session(db, user)
    return _forms.two_step_codes_page(user.username, codes)


def _off(db, token: str, user: User):
    refused = _auth.confirm_current(db, user, request.form.get("password", "")[:1000], "two-step turned off")
    if refused:
        return _forms.two_step_on_page(
            token, user.username, two_step.recovery_codes_left(user), False, refused, 401
        )
    outcome = code_check(
        db,
        user,
        request.form.get("code", ""),
        lambda: two_step.check(db, user.id, request.form.get("code", "")[:40]) is not None,
    )
    if not outcome.ok:
        audit.record(
            db,
            user.username,
            "two-step-refused",
            None,
            ip=request.remote_addr or "",
            reason=outcome.message,
            purpose="turn off",
        )
        db.commit()
        return _forms.two_step_on_page(
            token, user.username, two_step.recovery_codes_left(user), False, outcome.message, 401
        )
    two_step.turn_off(user)
    audit.record(db, user.username, "two-step-disabled", user.username, ip=request.remote_addr or "")
    sessions.end_all(db, user.id)
    _auth.start_session(db, user)
    return redirect("/account")
