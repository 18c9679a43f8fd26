"""User accounts: argon2 password hashes, roles, the donor a donor officer belongs to, sign-in under attack,
and the changes an administrator makes (each of which ends the user's sessions and API tokens).

Sign-in (``authenticate``) and every other check of a password (``confirm_password``: the password page,
minting an API token, setting up two-step sign-in) go through ``indicators.access.throttle``: the check is reserved
for the name and for the client address, and committed, before any password is checked, so every worker
sees it. From the SLOW_AFTER-th failure for a name each answer is delayed; the LOCK_AFTER-th failure locks
the name for LOCK_FOR, and no attempt past it is checked at all, however many arrive together; a right
password gives its place back, so right passwords arriving together never lock anyone. An address is locked
after ADDRESS_LOCK_AFTER failures. An unknown name costs the same argon2 check as a known one (a fixed dummy
hash), so the time of an answer does not tell which names exist.

Recovery ends what the account had handed out: a password change or reset, a role change and disabling the
user end every session and revoke every API token of the user, in the same transaction, audited.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from indicators.access import passwords, sessions, throttle, tokens
from indicators.i18n import N_, Message
from indicators.store.models import ROLES, Programme, User, utcnow

STAFF_ROLES = ("admin", "manager", "officer")

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH
SLOW_AFTER = 3
LOCK_AFTER = 5
LOCK_FOR = throttle.LOCK_FOR
# One office behind one address shares this; high enough for colleagues' typos, low enough to stop a sweep.
ADDRESS_LOCK_AFTER = 30
FORGET_AFTER = throttle.FORGET_AFTER
# Verified for names that do not exist: made by this hasher's parameters (a test checks they still match),
# from a random password nobody knows.
DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$wt+xbYp5zG+KFjGxTVHnrw$xcmvlr4uHMUzPyhBwQ/Zn8z1pAAHDsCqWGS2Sys7h+8"
)
WRONG = Message(N_("Unknown user name or wrong password."))


class AccountError(ValueError):
    """A user that cannot be created or changed as asked."""


def add_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    donor: str | None = None,
    *,
    one_time: bool = False,
) -> User:
    username = username.strip()
    if not username:
        raise AccountError(Message(N_("a user name is needed")))
    _check_role(session, role, donor)
    _check_password(password, username)
    if session.scalar(select(User).where(User.username == username)):
        raise AccountError(Message(N_("a user named {name!r} already exists"), name=username))
    user = User(
        username=username,
        password_hash=_hasher.hash(password),
        role=role,
        donor=donor,
        must_change_password=one_time,
    )
    session.add(user)
    session.flush()
    return user


def _check_role(session: Session, role: str, donor: str | None) -> None:
    if role not in ROLES:
        raise AccountError(
            Message(N_("unknown role {role!r}; expected one of {roles}"), role=role, roles=", ".join(ROLES))
        )
    if role == "donor":
        donors = set(session.scalars(select(Programme.donor)))
        if not donor:
            raise AccountError(
                Message(N_("a donor user needs --donor (one of: {donors})"), donors=", ".join(sorted(donors)))
            )
        if donor not in donors:
            raise AccountError(
                Message(
                    N_("no programme has the donor {donor!r}; known donors: {donors}"),
                    donor=donor,
                    donors=", ".join(sorted(donors)),
                )
            )
    elif donor:
        raise AccountError(Message(N_("--donor is only for users with the donor role")))


def _check_password(password: str, username: str) -> None:
    problem = passwords.problem(password, username)
    if problem:
        raise AccountError(problem)


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


def _limits(username: str, address: str | None) -> list[throttle.Limit]:
    limits = (
        [throttle.Limit(f"address:{address[:100]}", ADDRESS_LOCK_AFTER, N_("from this address"))]
        if address
        else []
    )
    return limits + [throttle.Limit("name:" + username.strip().lower()[:110], LOCK_AFTER)]


def authenticate(
    session: Session,
    username: str,
    password: str,
    now: datetime | None = None,
    address: str | None = None,
    commit: Callable[[], None] | None = None,
    wait: Callable[[float], None] = time.sleep,
) -> SignIn:
    """Check a sign-in. The check is reserved and committed (``commit``, the session's own by default; a test
    inside one transaction passes ``flush``) before the password is checked; what follows (settling the
    count, the lock, the time of the sign-in) is left for the caller to commit."""
    found: list[User] = []

    def check() -> bool:
        user = session.scalar(select(User).where(User.username == username.strip()))
        right = _verify(user.password_hash if user is not None else DUMMY_HASH, password)
        if right and user is not None and user.active:
            found.append(user)
            return True
        return False

    outcome = throttle.guarded(
        session,
        _limits(username, address),
        check,
        wrong=WRONG,
        now=now,
        commit=commit or session.commit,
        slow_after=SLOW_AFTER,
        wait=wait,
    )
    if not outcome.ok:
        return SignIn(None, outcome.message, outcome.delay)
    found[0].last_sign_in_at = now or utcnow()
    return SignIn(found[0], None, 0)


def confirm_password(
    session: Session,
    user: User,
    password: str,
    address: str | None = None,
    commit: Callable[[], None] | None = None,
    now: datetime | None = None,
    wait: Callable[[float], None] = time.sleep,
) -> SignIn:
    """A signed-in user's password asked again (to change it, to mint a token, to set up two-step sign-in):
    throttled exactly as a sign-in, counted on the same name and address."""
    outcome = throttle.guarded(
        session,
        _limits(user.username, address),
        lambda: verify_password(user, password),
        wrong=Message(N_("The current password is wrong.")),
        now=now,
        commit=commit or session.commit,
        slow_after=SLOW_AFTER,
        wait=wait,
    )
    return SignIn(user if outcome.ok else None, outcome.message, outcome.delay)


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
        raise AccountError(Message(N_("no user named {name!r}"), name=username))
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def _recovered(session: Session, user: User, by: str | None, reason: str) -> None:
    """What the account had handed out ends: every session, and every API token (audited)."""
    sessions.end_all(session, user.id)
    tokens.revoke_all(session, user, by=by or user.username, reason=reason)


def set_active(session: Session, username: str, active: bool, *, by: str | None = None) -> User:
    """Disable (every session and API token of the user ends at once) or enable a user."""
    user = get_user(session, username)
    if user.active == active:
        raise AccountError(
            Message(
                N_("{name} is already enabled") if active else N_("{name} is already disabled"),
                name=user.username,
            )
        )
    user.active = active
    if not active:
        _recovered(session, user, by, "user disabled")
    return user


def set_role(
    session: Session, username: str, role: str, donor: str | None = None, *, by: str | None = None
) -> User:
    """A new role (and donor, for donor officers); the user's sessions and tokens end, so the new role holds
    at once and a token made for the old one reads nothing more."""
    user = get_user(session, username)
    _check_role(session, role, donor)
    if (user.role, user.donor) == (role, donor or None):
        raise AccountError(
            Message(
                N_("{name} already has the role {role} for {donor}"),
                name=user.username,
                role=role,
                donor=donor,
            )
            if donor
            else Message(N_("{name} already has the role {role}"), name=user.username, role=role)
        )
    user.role, user.donor = role, donor or None
    _recovered(session, user, by, "role changed")
    return user


def reset_password(session: Session, username: str, *, by: str | None = None) -> tuple[User, str]:
    """A random one-time password the user must change at their next sign-in; their sessions and tokens end."""
    user = get_user(session, username)
    password = one_time_password()
    user.password_hash = _hasher.hash(password)
    user.must_change_password = True
    _recovered(session, user, by, "password reset")
    return user, password


def change_password(session: Session, user: User, current: str, new: str, *, verified: bool = False) -> None:
    """The user's own change: the current password is checked (unless the caller has, throttled), the new one
    must be usable and differ. Every session and token of the user ends; the caller starts a new session for
    the browser that made the change."""
    if not verified and not verify_password(user, current):
        raise AccountError(Message(N_("the current password is wrong")))
    _check_password(new, user.username)
    if new == current:
        raise AccountError(Message(N_("the new password must differ from the current one")))
    user.password_hash = _hasher.hash(new)
    user.must_change_password = False
    _recovered(session, user, user.username, "password changed")


def one_time_password() -> str:
    return secrets.token_urlsafe(12)
