"""Sessions kept in the store: a signed-in browser holds a random token, the store its SHA-256.

Every request looks its token up (``resolve``): a session ends when it is deleted (sign-out; a password,
role or account change deletes all of the user's), when it has been idle longer than the idle timeout, or
when it is older than the absolute lifetime, whatever the cookie says. Because the store decides, every
worker and every machine serving the same database agrees at once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from indicators.store.models import User, UserSession, utcnow

# ``last_seen`` is written at most this often: a write per request would serialise every request on SQLite.
TOUCH_EVERY = timedelta(seconds=60)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(db: Session, user: User, address: str | None = None, now: datetime | None = None) -> str:
    """A new session for ``user``; returns the token for the cookie (never stored itself)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    db.add(
        UserSession(
            token_hash=_digest(token),
            user_id=user.id,
            created_at=now,
            last_seen=now,
            address=(address or "")[:64] or None,
        )
    )
    db.flush()
    return token


def resolve(
    db: Session, token: str, *, idle_timeout: timedelta, lifetime: timedelta, now: datetime | None = None
) -> User | None:
    """The active user of a live session, or None (ended, idle too long, too old, or the user disabled)."""
    if not token or not isinstance(token, str) or len(token) > 200:
        return None
    now = now or utcnow()
    row = db.execute(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == _digest(token))
    ).first()
    if row is None:
        return None
    live, user = row
    if not user.active or now - live.last_seen > idle_timeout or now - live.created_at > lifetime:
        db.delete(live)
        return None
    if now - live.last_seen > TOUCH_EVERY:
        live.last_seen = now
    return user


def end(db: Session, token: str) -> None:
    db.execute(delete(UserSession).where(UserSession.token_hash == _digest(token or "")))


def end_all(db: Session, user_id: int) -> None:
    db.execute(delete(UserSession).where(UserSession.user_id == user_id))


def purge(db: Session, *, idle_timeout: timedelta, lifetime: timedelta, now: datetime | None = None) -> None:
    """Drop sessions that can no longer be used (run now and then, at sign-in)."""
    now = now or utcnow()
    db.execute(
        delete(UserSession).where(
            or_(UserSession.last_seen < now - idle_timeout, UserSession.created_at < now - lifetime)
        )
    )
