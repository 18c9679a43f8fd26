"""User accounts: argon2 password hashes, roles, and the donor a donor officer belongs to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from indicators.models import ROLES, LoginThrottle, Programme, User, utcnow

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
# Failed sign-ins: from the SLOW_AFTER-th on, each answer is delayed; at LOCK_AFTER the name is locked
# for LOCK_FOR. Counted per user name, known or not, so guessing names reveals nothing.
SLOW_AFTER = 3
LOCK_AFTER = 5
LOCK_FOR = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=1)


class AccountError(ValueError):
    """A user that cannot be created or changed as asked."""


def add_user(session: Session, username: str, password: str, role: str, donor: str | None = None) -> User:
    username = username.strip()
    if not username:
        raise AccountError("a user name is needed")
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if role == "donor":
        donors = set(session.scalars(select(Programme.donor)))
        if not donor:
            raise AccountError(f"a donor user needs --donor (one of: {', '.join(sorted(donors))})")
        if donor not in donors:
            raise AccountError(f"no programme has the donor {donor!r}; known donors: {', '.join(sorted(donors))}")
    elif donor:
        raise AccountError("--donor is only for users with the donor role")
    if session.scalar(select(User).where(User.username == username)):
        raise AccountError(f"a user named {username!r} already exists")
    user = User(username=username, password_hash=_hasher.hash(password), role=role, donor=donor)
    session.add(user)
    session.flush()
    return user


def verify_password(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class SignIn:
    user: User | None
    message: str | None  # why it was refused
    delay: float  # seconds to wait before answering (slows guessing)


def authenticate(session: Session, username: str, password: str, now: datetime | None = None) -> SignIn:
    """Check a sign-in, counting failures per user name; the caller commits."""
    now = now or utcnow()
    key = username.strip().lower()[:120]
    throttle = session.scalar(select(LoginThrottle).where(LoginThrottle.key == key))
    if throttle and throttle.locked_until and throttle.locked_until > now:
        minutes = max(1, round((throttle.locked_until - now).total_seconds() / 60))
        return SignIn(None, f"Too many failed sign-ins: try again in {minutes} minute{'s' if minutes > 1 else ''}.", 0)
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is not None and user.active and verify_password(user, password):
        if throttle:
            session.delete(throttle)
        return SignIn(user, None, 0)
    if throttle is None:
        throttle = LoginThrottle(key=key, failures=0)
        session.add(throttle)
    elif throttle.last_failure and now - throttle.last_failure > FORGET_AFTER:
        throttle.failures = 0
    throttle.failures += 1
    throttle.last_failure = now
    if throttle.failures >= LOCK_AFTER:
        throttle.locked_until = now + LOCK_FOR
        throttle.failures = 0
        return SignIn(None, "Too many failed sign-ins: this account is locked for 15 minutes.", 0)
    delay = float(throttle.failures - SLOW_AFTER + 1) if throttle.failures >= SLOW_AFTER else 0.0
    return SignIn(None, "Unknown user name or wrong password.", delay)
