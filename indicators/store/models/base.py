"""Declarative base with a naming convention, so Alembic sees stable constraint names on every database."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    if TYPE_CHECKING:
        # every model names its ``__tablename__``, so its ``__table__`` is a Table (DeclarativeBase says only
        # FromClause, which insert, update and delete do not take)
        __table__: ClassVar[Table]


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
