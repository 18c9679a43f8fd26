"""Counting password (and code) checks atomically in the store, so that concurrent guesses cannot get round the
lock, while right answers arriving together never lock anyone.

A key (``name:claire``, ``address:10.0.0.5``, ``code:claire``) holds ``failures``, the checks that failed or are
still running, and ``pending``, those still running. Before a check, one ``INSERT … ON CONFLICT DO UPDATE …
WHERE … RETURNING`` (SQLite 3.35+ and PostgreSQL) reserves it only while fewer than the limit are failed or
running: however many attempts arrive at once, no more than the limit are ever checked before the lock. After
the check one ``UPDATE`` settles it: a success gives its place back (so six right passwords at once all sign
in), a failure stays counted, and the one that makes the limit's worth of *failures* locks the key. An
attempt that finds every place taken by checks still running waits for them (``guarded``), at most
``WAIT_FOR_CHECKS``; one that finds the places taken by failures locks the key.

A key's count starts again when its lock has expired or its last attempt is older than ``FORGET_AFTER``. A
check that never settled (its worker died) counts as a failure after ``ABANDONED_AFTER``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from indicators.i18n import N_, Message
from indicators.store.models import LoginThrottle, utcnow

FORGET_AFTER = timedelta(hours=1)
ABANDONED_AFTER = timedelta(minutes=2)
LOCK_FOR = timedelta(minutes=15)
WAIT_FOR_CHECKS = 15.0  # seconds an attempt waits for the checks ahead of it (an argon2 check takes ~0.1 s)
_table = LoginThrottle.__table__


@dataclass(frozen=True)
class Count:
    failures: int  # failed or still being checked, this attempt included when it was reserved
    pending: int  # still being checked
    locked_until: datetime | None
    last_attempt: datetime | None
    reserved: bool = False  # this attempt may be checked

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now

    @property
    def failed(self) -> int:
        return self.failures - self.pending


def reserve(db: Session, key: str, limit: int, now: datetime) -> Count:
    """Reserve a check for ``key`` if fewer than ``limit`` checks are failed or running, atomically; else
    leave the key as it is and say why (locked, or full)."""
    t = _table
    insert = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
    stale = (
        (t.c.locked_until.is_not(None) & (t.c.locked_until <= now))
        | t.c.last_failure.is_(None)
        | (t.c.last_failure < now - FORGET_AFTER)
    )
    unlocked = t.c.locked_until.is_(None) | (t.c.locked_until <= now)
    statement = (
        insert(t)
        .values(key=key, failures=1, pending=1, last_failure=now)
        .on_conflict_do_update(
            index_elements=[t.c.key],
            set_={
                "failures": case((stale, 1), else_=t.c.failures + 1),
                "pending": case((stale, 1), else_=t.c.pending + 1),
                "locked_until": None,
                "last_failure": now,
            },
            where=and_(unlocked, stale | (t.c.failures < limit)),
        )
        .returning(t.c.failures, t.c.pending, t.c.locked_until, t.c.last_failure)
    )
    row = db.execute(statement).first()
    if row is not None:
        return _count(row, reserved=True)
    return _count(
        db.execute(
            select(t.c.failures, t.c.pending, t.c.locked_until, t.c.last_failure).where(t.c.key == key)
        ).one()
    )


def _count(row: Sequence[Any], reserved: bool = False) -> Count:
    """A row of (failures, pending, locked_until, last_failure) as a Count."""
    failures, pending, locked_until, last_failure = row
    return Count(failures, pending, locked_until, last_failure, reserved=reserved)


def take_back(db: Session, key: str) -> None:
    """A reserved check that will not be made after all (another key refused the attempt)."""
    db.execute(
        update(_table)
        .where(_table.c.key == key)
        .where(_table.c.pending > 0)
        .values(failures=_table.c.failures - 1, pending=_table.c.pending - 1)
    )


def succeeded(db: Session, key: str, forget: bool = False, since: datetime | None = None) -> None:
    """The reserved check succeeded: it gives its place back. With ``forget`` (a name that signed in) the
    key's failures are forgotten too, unless guesses are racing the sign-in: other checks still running, or
    an attempt made since the sign-in reserved its check (``since``), checked or waiting for a place
    (``waiting``); forgetting then would let the waiting guesses through to as many checks again."""
    t = _table
    clear = t.c.pending <= 1 if since is None else and_(t.c.pending <= 1, t.c.last_failure <= since)
    failures = case((clear, 0), else_=t.c.failures - 1) if forget else t.c.failures - 1
    db.execute(
        update(t)
        .where(t.c.key == key)
        .where(t.c.pending > 0)
        .values(failures=failures, pending=t.c.pending - 1)
    )


def waiting(db: Session, key: str, at: datetime) -> None:
    """An attempt waits for a place of ``key`` (every one taken by a running check): noted as its latest
    attempt, so that a sign-in racing it does not forget the failures it would then be let through by."""
    t = _table
    db.execute(
        update(t)
        .where(t.c.key == key, or_(t.c.last_failure.is_(None), t.c.last_failure < at))
        .values(last_failure=at)
    )


def failed(db: Session, key: str) -> Count:
    """The reserved check failed: it stays counted. Returns the key's count after it."""
    t = _table
    row = db.execute(
        update(t)
        .where(t.c.key == key)
        .values(pending=case((t.c.pending > 0, t.c.pending - 1), else_=0))
        .returning(t.c.failures, t.c.pending, t.c.locked_until, t.c.last_failure)
    ).one()
    return _count(row)


def lock(db: Session, key: str, until: datetime, now: datetime) -> None:
    """Lock ``key`` until ``until`` unless it is locked already (the first lock's end stands)."""
    db.execute(
        update(_table)
        .where(_table.c.key == key)
        .where(_table.c.locked_until.is_(None) | (_table.c.locked_until <= now))
        .values(locked_until=until)
    )


# --- a check guarded by keys --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    key: str
    limit: int
    where: str = ""  # said in the refusal: "from this address"


@dataclass(frozen=True)
class Outcome:
    ok: bool
    message: str | None  # why it was refused
    delay: float  # seconds to wait before answering (slows guessing)
    locked: bool = False


def guarded(
    db: Session,
    limits: Sequence[Limit],
    check: Callable[[], bool],
    *,
    wrong: str,
    now: datetime | None,
    commit: Callable[[], None],
    slow_after: int,
    wait: Callable[[float], None] = time.sleep,
) -> Outcome:
    """Run ``check`` once every key of ``limits`` has reserved it (committed, so every worker sees it), then
    settle the keys. A refused attempt is never checked. What follows the check is left to the caller to
    commit (with its audit entry)."""
    refused, reserved_at = _reserve_all(db, limits, now, commit, wait)
    if refused is not None:
        return Outcome(False, refused, 0, locked=True)
    current = now or utcnow()
    if check():
        for index, limit in enumerate(limits):
            # the last key is the name's
            succeeded(db, limit.key, forget=index == len(limits) - 1, since=reserved_at)
        return Outcome(True, None, 0)
    for limit in limits[:-1]:  # an address: the next attempt finds it full of failures, and locks it
        failed(db, limit.key)
    after = failed(db, limits[-1].key)
    if after.failed >= limits[-1].limit:  # the name: the failure that reaches the limit locks it
        lock(db, limits[-1].key, current + LOCK_FOR, current)
        return Outcome(False, _locked_now(limits[-1].where), 0.0, locked=True)
    delay = float(after.failed - slow_after + 1) if after.failed >= slow_after else 0.0
    return Outcome(False, wrong, delay)


def _reserve_all(
    db: Session, limits: Sequence[Limit], now: datetime | None, commit, wait
) -> tuple[str | None, datetime]:
    """Reserve a check on every key, waiting while checks ahead fill a key's places; the refusal, or None,
    and when the check was reserved."""
    deadline = time.monotonic() + WAIT_FOR_CHECKS
    while True:
        current = now or utcnow()
        reserved: list[str] = []
        blocked = None
        for limit in limits:
            count = reserve(db, limit.key, limit.limit, current)
            if count.reserved:
                reserved.append(limit.key)
                continue
            blocked = (limit, count)
            break
        if blocked is None:
            commit()  # every worker now sees these checks counted, before any is made
            return None, current
        for key in reserved:
            take_back(db, key)
        limit, count = blocked
        if count.locked_until is not None and count.locked(current):
            commit()
            return locked_message(count.locked_until, current, limit.where), current
        abandoned = count.last_attempt is not None and count.last_attempt < current - ABANDONED_AFTER
        if count.pending == 0 or abandoned:  # the places are taken by failures: this is the lock
            lock(db, limit.key, current + LOCK_FOR, current)
            commit()
            return locked_message(current + LOCK_FOR, current, limit.where), current
        waiting(db, limit.key, current)
        commit()
        if time.monotonic() > deadline:
            return Message(N_("Too many attempts at once: try again in a minute.")), current
        wait(0.05)


def _locked_now(where: str) -> str:
    if where:
        return Message(N_("Too many failed sign-ins {where}: try again in 15 minutes."), where=Message(where))
    return Message(N_("Too many failed sign-ins: this account is locked for 15 minutes."))


def locked_message(until: datetime, now: datetime, where: str = "") -> str:
    minutes = max(1, round((until - now).total_seconds() / 60))
    if where:
        if minutes > 1:
            return Message(
                N_("Too many failed sign-ins {where}: try again in {minutes} minutes."),
                where=Message(where),
                minutes=minutes,
            )
        return Message(N_("Too many failed sign-ins {where}: try again in 1 minute."), where=Message(where))
    if minutes > 1:
        return Message(N_("Too many failed sign-ins: try again in {minutes} minutes."), minutes=minutes)
    return Message(N_("Too many failed sign-ins: try again in 1 minute."))
