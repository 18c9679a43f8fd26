"""Two-step sign-in: after the password, a code from an authenticator app (TOTP, RFC 6238: 6 digits, 30-second
steps, SHA-1, as every authenticator app makes them) or one of ten one-time recovery codes.

Setting it up: ``begin`` keeps a new random secret as pending and gives it (shown as a QR code and as text);
``confirm`` turns it on once a code made from it is right, and returns the recovery codes, shown once (the
store keeps their SHA-256: each is 80 random bits, so a digest cannot be reversed). A code is accepted one
step either side of the server's clock, and only once: a step at or before the last one accepted is refused,
so a code seen over a shoulder cannot be used again. Checks of codes are throttled by the caller
(``indicators.access.throttle``, key ``code:<name>``) like passwords.

Roles listed in ``Settings.require_totp`` (``CTMONITOR_REQUIRE_TOTP=admin,manager``) must set it up before
anything else opens (``required``). An administrator turns it off for someone who lost both their phone and
their recovery codes (``ctmonitor users reset-two-step NAME``).
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
import re
import secrets
from datetime import datetime

import pyotp
from sqlalchemy import update
from sqlalchemy.orm import Session

from indicators.store.models import User, utcnow

ISSUER = "ctmonitor"
STEP = 30
RECOVERY_CODES = 10
_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"


def enabled(user: User) -> bool:
    return user.totp_secret is not None


def required(user: User, roles) -> bool:
    """Must this user set two-step sign-in up before anything else opens?"""
    return user.role in (roles or ()) and not enabled(user)


def begin(user: User) -> str:
    """A new secret, kept as pending until a code made from it is confirmed."""
    user.totp_pending = pyotp.random_base32()
    return user.totp_pending


def provisioning_uri(user: User, secret: str) -> str:
    """What the QR code holds: ``otpauth://totp/ctmonitor:NAME?secret=…&issuer=ctmonitor``."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code as an inline SVG element, drawn here (segno): no image is fetched from anywhere."""
    import segno

    return segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff", omitsize=False)


def grouped(secret: str) -> str:
    """The secret as people type it into an app: groups of four."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def confirm(user: User, code: str, now: datetime | None = None) -> list[str] | None:
    """Turn two-step sign-in on if ``code`` was made from the pending secret: the recovery codes (shown once),
    or None when the code is wrong."""
    if not user.totp_pending:
        return None
    step = _matching_step(user.totp_pending, code, now, after=None)
    if step is None:
        return None
    user.totp_secret, user.totp_pending, user.totp_last_step = user.totp_pending, None, step
    return new_recovery_codes(user)


def new_recovery_codes(user: User) -> list[str]:
    codes = [
        "-".join("".join(secrets.choice(_BASE32) for _ in range(4)) for _ in range(4))
        for _ in range(RECOVERY_CODES)
    ]
    user.recovery_codes = [_digest(code) for code in codes]
    return codes


def verify(user: User, code: str, now: datetime | None = None) -> str | None:
    """Check a sign-in's second step: ``"code"`` or ``"recovery code"`` (then used up), or None."""
    secret = user.totp_secret
    if secret is None:  # two-step sign-in is off (``enabled``)
        return None
    text = (code or "").strip()
    if re.fullmatch(r"\d{3} ?\d{3}", text):
        step = _matching_step(secret, text, now, after=user.totp_last_step)
        if step is None:
            return None
        user.totp_last_step = step
        return "code"
    cleaned = re.sub(r"[\s-]+", "", text.lower())
    if len(cleaned) != 16:
        return None
    digest = _digest("-".join(cleaned[i : i + 4] for i in range(0, 16, 4)))
    left = list(user.recovery_codes or [])
    if not any(hmac.compare_digest(digest, kept) for kept in left):
        return None
    user.recovery_codes = [kept for kept in left if kept != digest]
    return "recovery code"


def check(session: Session, user_id: int, code: str, now: datetime | None = None) -> str | None:
    """``verify`` with the user's row held until the transaction ends (a write first: PostgreSQL locks the
    row, SQLite the store), so one code or recovery code sent twice at once is accepted once."""
    session.execute(
        update(User)
        .where(User.id == user_id)
        .values(totp_last_step=User.totp_last_step)
        .execution_options(synchronize_session=False)
    )
    user = session.get(User, user_id, populate_existing=True)
    return verify(user, code, now) if user is not None else None


def turn_off(user: User) -> None:
    user.totp_secret = user.totp_pending = user.totp_last_step = None
    user.recovery_codes = None


def recovery_codes_left(user: User) -> int:
    return len(user.recovery_codes or [])


def current_code(secret: str, now: datetime | None = None) -> str:
    """The code an authenticator app shows now (for the command line's checks and for tests)."""
    return pyotp.TOTP(secret).generate_otp(_step(now))


def _matching_step(secret: str, code: str, now: datetime | None, after: int | None) -> int | None:
    digits = re.sub(r"\s+", "", code or "")
    if not re.fullmatch(r"\d{6}", digits):
        return None
    totp, current = pyotp.TOTP(secret), _step(now)
    for step in (current, current - 1, current + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.generate_otp(step), digits):
            return step
    return None


def _step(now: datetime | None) -> int:
    """The TOTP time step of ``now`` (a naive UTC time, as the store keeps times)."""
    return calendar.timegm((now or utcnow()).timetuple()) // STEP


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()
