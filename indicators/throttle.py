"""Counting sign-in attempts atomically in the store, so that concurrent guesses cannot get round the lock.

Each attempt is counted *before* its password is checked, by one ``INSERT … ON CONFLICT DO UPDATE …
RETURNING`` (SQLite 3.35+ and PostgreSQL): two workers counting at once both see their own number, never
the same one, and the statement cannot fail on the key's uniqueness. The attempt whose number is past the
limit is refused without a password check; the one that reaches it locks the key.

A key's count starts again when its lock has expired or its last attempt is older than ``FORGET_AFTER``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from indicators.models import LoginThrottle

FORGET_AFTER = timedelta(hours=1)
_table = LoginThrottle.__table__


@dataclass(frozen=True)
class Count:
    attempt: int  # this attempt's number within the key's window (1 for the first)
    locked_until: datetime | None  # set while the key is locked

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


def count(db: Session, key: str, now: datetime) -> Count:
    """Count one attempt for ``key`` and return its number; a locked key's count is left as it is."""
    t = _table
    insert = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
    locked = and_(t.c.locked_until.is_not(None), t.c.locked_until > now)
    stale = or_(t.c.locked_until.is_not(None), t.c.last_failure.is_(None), t.c.last_failure < now - FORGET_AFTER)
    statement = insert(t).values(key=key, failures=1, last_failure=now).on_conflict_do_update(
        index_elements=[t.c.key],
        set_={
            "failures": case((locked, t.c.failures), (stale, 1), else_=t.c.failures + 1),
            "locked_until": case((locked, t.c.locked_until), else_=None),
            "last_failure": case((locked, t.c.last_failure), else_=now),
        },
    ).returning(t.c.failures, t.c.locked_until)
    attempt, locked_until = db.execute(statement).one()
    return Count(attempt, locked_until)


def lock(db: Session, key: str, until: datetime, now: datetime) -> None:
    """Lock ``key`` until ``until`` unless it is locked already (the first lock's end stands)."""
    db.execute(update(_table).where(_table.c.key == key)
               .where(or_(_table.c.locked_until.is_(None), _table.c.locked_until <= now))
               .values(locked_until=until))


def forget(db: Session, key: str, upto: int | None = None) -> None:
    """The name signed in: its failures no longer count. With ``upto`` (the successful attempt's number),
    only if no other attempt was counted since: guesses racing a real sign-in keep counting towards the lock
    instead of starting again from one."""
    statement = delete(_table).where(_table.c.key == key)
    if upto is not None:
        statement = statement.where(_table.c.failures <= upto)
    db.execute(statement)


def uncount(db: Session, key: str) -> None:
    """Take back one attempt that succeeded (an address keeps counting only its failures)."""
    db.execute(update(_table).where(_table.c.key == key).where(_table.c.failures > 0)
               .values(failures=_table.c.failures - 1))
