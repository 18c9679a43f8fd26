"""User accounts: argon2 password hashes, roles, and the donor a donor officer belongs to."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from indicators.models import ROLES, Programme, User

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


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
