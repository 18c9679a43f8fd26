"""Personal access tokens for the JSON API: made, listed, revoked, checked and rate-limited.

A token is ``ctm_`` and 43 random URL-safe characters, shown once when it is made; the store keeps its
SHA-256 (a token is random enough that a plain digest cannot be reversed) and its first characters to tell
tokens apart. A token acts as its user: the user's role and donor decide what it may read, and a disabled
user's tokens stop working with them. A revoked or expired token is refused like a missing one.

A token lives at most ``MAX_DAYS`` (``CTMONITOR_TOKEN_MAX_DAYS``, 365 by default): asked for longer it is
not made, and a token made before the limit existed stops that long after it was made. Recovering an
account ends its tokens (``revoke_all``): a password change or reset, a role change and disabling the user
revoke every token of the user, audited; while a one-time password is pending none of them opens anything.

Each request counts against its token in the store, by one atomic ``UPDATE … RETURNING`` per request (every
worker sees the same count): ``limit`` requests per minute, then 429 until the minute is over.
Making and revoking tokens is audited; so is every API request (``dashboard._api``).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, select, update
from sqlalchemy.orm import Session

from indicators.access import audit
from indicators.i18n import N_, Message
from indicators.store.models import ApiToken, User, utcnow

PREFIX = "ctm_"
MAX_DAYS = 365
SHOWN = 12  # characters of a token kept to tell it apart: "ctm_AbCdEfGh"
WINDOW = timedelta(minutes=1)


class TokenError(ValueError):
    """A token that cannot be made or revoked as asked."""


@dataclass(frozen=True)
class Holder:
    """Who a valid token acts for."""

    token_id: int
    prefix: str
    user_id: int
    username: str
    role: str
    donor: str | None


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def create(
    session: Session,
    username: str,
    *,
    by: str,
    name: str | None = None,
    days: int | None = None,
    now: datetime | None = None,
    max_days: int = MAX_DAYS,
) -> tuple[str, ApiToken]:
    """A new token for an active user, lasting ``days`` (``max_days`` when not given): its text (shown once,
    never stored) and its row."""
    now = now or utcnow()
    user = session.scalar(select(User).where(User.username == (username or "").strip()))
    if user is None or not user.active:
        raise TokenError(Message(N_("no active user {name!r}"), name=username))
    days = max_days if days is None else days
    if days < 1:
        raise TokenError(Message(N_("a token lasts at least one day (--expires DAYS)")))
    if days > max_days:
        raise TokenError(
            f"a token lasts at most {max_days} days (CTMONITOR_TOKEN_MAX_DAYS); "
            f"ask for --expires {max_days} or fewer"
        )
    text = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        token_hash=digest(text),
        prefix=text[:SHOWN],
        user_id=user.id,
        name=(name or "").strip()[:80] or None,
        created_by=by,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        by,
        "token-created",
        user.username,
        token=row.prefix,
        name=row.name,
        expires=row.expires_at.isoformat(timespec="minutes") if row.expires_at else None,
    )
    return text, row


def listed(session: Session, username: str | None = None) -> list[tuple[ApiToken, str]]:
    """Tokens (newest first) with their user's name; one user's when ``username`` is given."""
    query = (
        select(ApiToken, User.username)
        .join(User, User.id == ApiToken.user_id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    if username:
        query = query.where(User.username == username)
    return [(token, name) for token, name in session.execute(query).all()]


def state(token: ApiToken, now: datetime | None = None, max_days: int = MAX_DAYS) -> str:
    now = now or utcnow()
    if token.revoked_at is not None:
        return N_("revoked")
    if token.expires_at is not None and token.expires_at <= now:
        return N_("expired")
    if (
        token.created_at + timedelta(days=max_days) <= now
    ):  # made before the limit, or the limit lowered since
        return N_("expired")
    return N_("active")


def revoke(
    session: Session, prefix: str, *, by: str, owner: str | None = None, now: datetime | None = None
) -> ApiToken:
    """Revoke the token whose shown characters are ``prefix`` (of ``owner``'s tokens when given)."""
    query = (
        select(ApiToken, User.username)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.prefix == (prefix or "").strip())
    )
    if owner is not None:
        query = query.where(User.username == owner)
    found = session.execute(query).first()
    if found is None:
        raise TokenError(f"no token {prefix!r}" + (f" of {owner}" if owner else ""))
    token, username = found
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
        session.flush()
        audit.record(session, by, "token-revoked", username, token=token.prefix)
    return token


def revoke_all(session: Session, user: User, *, by: str, reason: str, now: datetime | None = None) -> int:
    """Revoke every token of ``user`` still open (the account was recovered); audited with ``reason``."""
    now = now or utcnow()
    open_ = list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).where(ApiToken.revoked_at.is_(None))
        )
    )
    for token in open_:
        token.revoked_at = now
    if open_:
        session.flush()
        audit.record(
            session,
            by,
            "tokens-revoked",
            user.username,
            reason=reason,
            count=len(open_),
            tokens=[token.prefix for token in open_],
        )
    return len(open_)


def holder(
    session: Session, text: str | None, now: datetime | None = None, max_days: int = MAX_DAYS
) -> Holder | None:
    """Who a token acts for, or None: missing, unknown, revoked, expired, past the longest lifetime, its user
    disabled or holding a one-time password."""
    if not text or not text.startswith(PREFIX) or len(text) > 200:
        return None
    now = now or utcnow()
    found = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == digest(text))
    ).first()
    if found is None:
        return None
    token, user = found
    if state(token, now, max_days) != "active" or not user.active or user.must_change_password:
        return None
    return Holder(token.id, token.prefix, user.id, user.username, user.role, user.donor)


def count_request(
    session: Session, token_id: int, limit: int, now: datetime | None = None
) -> tuple[bool, int]:
    """Count one request of a token: (allowed, seconds until its minute is over). Atomic: one statement."""
    now = now or utcnow()
    t = ApiToken.__table__
    fresh = (t.c.window_start.is_(None)) | (t.c.window_start <= now - WINDOW)
    row = session.execute(
        update(t)
        .where(t.c.id == token_id)
        .values(
            window_count=case((fresh, 1), else_=t.c.window_count + 1),
            window_start=case((fresh, now), else_=t.c.window_start),
            last_used_at=now,
        )
        .returning(t.c.window_count, t.c.window_start)
    ).one()
    count, start = row
    wait = max(1, int((start + WINDOW - now).total_seconds() + 0.999))
    return count <= limit, wait
