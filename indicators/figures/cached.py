"""Check results kept in the store (``CheckResult``): read by the pages, written by the checks' own refresh,
which ``indicators.figures.aggregates`` calls inside every transaction that writes records."""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from indicators.store.models import CheckResult


def load(session: Session, programme_id: int, name: str):
    """The stored findings of check ``name`` over a programme; None when none were ever stored."""
    return session.scalar(
        select(CheckResult.found).where(CheckResult.programme_id == programme_id, CheckResult.name == name)
    )


def save(session: Session, programme_id: int, name: str, found) -> None:
    """Replace the stored findings of check ``name`` over a programme."""
    table = CheckResult.__table__
    session.execute(delete(table).where(table.c.programme_id == programme_id, table.c.name == name))
    session.execute(insert(table).values(programme_id=programme_id, name=name, found=found))
