"""User accounts: argon2 password hashes, roles, the donor a donor officer belongs to, sign-in under attack,
and the changes an administrator makes (each of which ends the user's sessions).

Sign-in (``authenticate``): the attempt is counted for the name and for the client address before any
password is checked (``indicators.throttle``), and that count is committed at once so every worker sees it.
From the SLOW_AFTER-th failure for a name each answer is delayed; the LOCK_AFTER-th locks the name for
LOCK_FOR, and no attempt past it is checked at all, however many arrive together. An address is locked after
ADDRESS_LOCK_AFTER failures. An unknown name costs the same argon2 check as a known one (a fixed dummy hash),
so the time of an answer does not tell which names exist.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from indicators import sessions, throttle
from indicators.models import ROLES, Programme, User, utcnow

STAFF_ROLES = ("admin", "manager", "officer")

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
SLOW_AFTER = 3
LOCK_AFTER = 5
LOCK_FOR = timedelta(minutes=15)
# One office behind one address shares this; high enough for colleagues' typos, low enough to stop a sweep.
ADDRESS_LOCK_AFTER = 30
FORGET_AFTER = throttle.FORGET_AFTER
# Verified for names that do not exist: made by this hasher's parameters (a test checks they still match),
# from a random password nobody knows.
DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$wt+xbYp5zG+KFjGxTVHnrw$xcmvlr4uHMUzPyhBwQ/Zn8z1pAAHDsCqWGS2Sys7h+8"
WRONG = "Unknown user name or wrong password."


class AccountError(ValueError):
    """A user that cannot be created or changed as asked."""


def add_user(session: Session, username: str, password: str, role: str, donor: str | None = None,
             *, one_time: bool = False) -> User:
    username = username.strip()
    if not username:
        raise AccountError("a user name is needed")
    _check_role(session, role, donor)
    _check_password(password)
    if session.scalar(select(User).where(User.username == username)):
        raise AccountError(f"a user named {username!r} already exists")
    user = User(username=username, password_hash=_hasher.hash(password), role=role, donor=donor,
                must_change_password=one_time)
    session.add(user)
    session.flush()
    return user


def _check_role(session: Session, role: str, donor: str | None) -> None:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    if role == "donor":
        donors = set(session.scalars(select(Programme.donor)))
        if not donor:
            raise AccountError(f"a donor user needs --donor (one of: {', '.join(sorted(donors))})")
        if donor not in donors:
            raise AccountError(f"no programme has the donor {donor!r}; known donors: {', '.join(sorted(donors))}")
    elif donor:
        raise AccountError("--donor is only for users with the donor role")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")


def verify_password(user: User, password: str) -> bool:
    return _verify(user.password_hash, password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class SignIn:
    user: User | None
    message: str | None  # why it was refused
    delay: float  # seconds to wait before answering (slows guessing)


def authenticate(session: Session, username: str, password: str, now: datetime | None = None,
                 address: str | None = None, commit: Callable[[], None] | None = None) -> SignIn:
    """Check a sign-in. The attempt's count is committed (``commit``, the session's own by default; a test
    inside one transaction passes ``flush``) before the password is checked; what follows (forgetting the
    failures, the lock, the time of the sign-in) is left for the caller to commit."""
    now = now or utcnow()
    commit = commit or session.commit
    name_key = "name:" + username.strip().lower()[:110]
    address_key = f"address:{address[:100]}" if address else None
    if address_key:
        counted = throttle.count(session, address_key, now)
        if counted.locked(now) or counted.attempt > ADDRESS_LOCK_AFTER:
            if not counted.locked(now):
                throttle.lock(session, address_key, now + LOCK_FOR, now)
            commit()
            return SignIn(None, _locked_message(counted.locked_until or now + LOCK_FOR, now, "from this address"), 0)
    counted = throttle.count(session, name_key, now)
    if counted.locked(now) or counted.attempt > LOCK_AFTER:
        if not counted.locked(now):
            throttle.lock(session, name_key, now + LOCK_FOR, now)
        commit()
        return SignIn(None, _locked_message(counted.locked_until or now + LOCK_FOR, now), 0)
    commit()  # every worker now sees this attempt counted, before its password is checked
    user = session.scalar(select(User).where(User.username == username.strip()))
    right = _verify(user.password_hash if user is not None else DUMMY_HASH, password)
    if right and user is not None and user.active:
        throttle.forget(session, name_key, upto=counted.attempt)
        if address_key:
            throttle.uncount(session, address_key)
        user.last_sign_in_at = now
        return SignIn(user, None, 0)
    if counted.attempt >= LOCK_AFTER:
        throttle.lock(session, name_key, now + LOCK_FOR, now)
        return SignIn(None, "Too many failed sign-ins: this account is locked for 15 minutes.", 0)
    delay = float(counted.attempt - SLOW_AFTER + 1) if counted.attempt >= SLOW_AFTER else 0.0
    return SignIn(None, WRONG, delay)


def _locked_message(until: datetime, now: datetime, where: str = "") -> str:
    minutes = max(1, round((until - now).total_seconds() / 60))
    return (f"Too many failed sign-ins{' ' + where if where else ''}: "
            f"try again in {minutes} minute{'s' if minutes > 1 else ''}.")


# --- what an administrator (or the user) changes -----------------------------------------------------------


def visible_programme_codes(session: Session, role: str | None, donor: str | None) -> list[str]:
    """Codes of the programmes a role may see: staff all, a donor officer their own donor's only."""
    query = select(Programme.code).order_by(Programme.code)
    if role == "donor":
        if not donor:
            return []
        query = query.where(Programme.donor == donor)
    elif role not in STAFF_ROLES:
        return []
    return list(session.scalars(query))


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == (username or "").strip()))
    if user is None:
        raise AccountError(f"no user named {username!r}")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def set_active(session: Session, username: str, active: bool) -> User:
    """Disable (every session of the user ends at once) or enable a user."""
    user = get_user(session, username)
    if user.active == active:
        raise AccountError(f"{user.username} is already {'enabled' if active else 'disabled'}")
    user.active = active
    if not active:
        sessions.end_all(session, user.id)
    return user


def set_role(session: Session, username: str, role: str, donor: str | None = None) -> User:
    """A new role (and donor, for donor officers); the user's sessions end, so the new role holds at once."""
    user = get_user(session, username)
    _check_role(session, role, donor)
    if (user.role, user.donor) == (role, donor or None):
        raise AccountError(f"{user.username} already has the role {role}{' for ' + donor if donor else ''}")
    user.role, user.donor = role, donor or None
    sessions.end_all(session, user.id)
    return user


def reset_password(session: Session, username: str) -> tuple[User, str]:
    """A random one-time password the user must change at their next sign-in; their sessions end."""
    user = get_user(session, username)
    password = one_time_password()
    user.password_hash = _hasher.hash(password)
    user.must_change_password = True
    sessions.end_all(session, user.id)
    return user, password


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """The user's own change: the current password is checked, the new one must differ. Every session of
    the user ends; the caller starts a new one for the browser that made the change."""
    if not verify_password(user, current):
        raise AccountError("the current password is wrong")
    _check_password(new)
    if new == current:
        raise AccountError("the new password must differ from the current one")
    user.password_hash = _hasher.hash(new)
    user.must_change_password = False
    sessions.end_all(session, user.id)


def one_time_password() -> str:
    return secrets.token_urlsafe(12)
