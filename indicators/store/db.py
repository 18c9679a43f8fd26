"""Engine and session factory for the store; SQLite gets WAL and foreign keys, PostgreSQL works unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from indicators.store.settings import Settings


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# Any constant: the key of the PostgreSQL advisory lock that serialises writers of activity records.
_WRITE_LOCK_KEY = 7_727_001


def lock_for_writing(session: Session) -> None:
    """Hold the store's write lock until this transaction ends, before reading what a write depends on.

    Two imports committed at once then run one after the other, each seeing what the other stored: no
    duplicate of a row both would add, and per-quarter sums computed from every committed record.
    SQLite: ``BEGIN IMMEDIATE`` (waits up to the busy timeout for another writer). PostgreSQL: a
    transaction-scoped advisory lock.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _WRITE_LOCK_KEY})
    elif connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if (
            raw is None
        ):  # only a connection invalidated by a failure has none, and this one was just checked out
            raise RuntimeError("the store's connection was lost before its write lock was taken")
        if not raw.in_transaction:  # pysqlite begins lazily, at the first write; begin now, for writing
            connection.exec_driver_sql("BEGIN IMMEDIATE")


class Store:
    """The database of one deployment: an engine and a session factory built from settings."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.engine = make_engine(settings.database_url)
        self.Session = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """A session inside one transaction: committed on success, rolled back on any error."""
        with self.Session.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
