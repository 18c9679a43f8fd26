"""The million-record store in PostgreSQL, for benchmarking the shared deployment.

``make bench BENCH_ARGS="--postgres"`` (or ``CTMONITOR_BENCH_DATABASE_URL`` set to a PostgreSQL URL whose role
may create databases) runs the benchmarks that read the million-record store (b, c, d, e) against PostgreSQL.
The store is the SQLite one (``benchmarks._bigstore``), copied table by table with COPY (a row-by-row insert of
a million rows into PostgreSQL takes many minutes), then vacuumed and analysed as a served database would be.
The database is rebuilt when the SQLite store it copies changes (its fingerprint is kept in the database).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import DBAPIError

from benchmarks._bigstore import CACHE, big_store
from indicators.store import migrate
from indicators.store.models import Base
from indicators.store.settings import Settings

URL_VARIABLE = "CTMONITOR_BENCH_DATABASE_URL"
# The role and cluster .ci/run makes for the PostgreSQL tests; the database is the benchmark's own.
DEFAULT_URL = "postgresql+psycopg://ctmonitor:ctmonitor@127.0.0.1/ctmonitor_bench"
MARK = "bench_built_from"


def bench_url() -> str | None:
    return os.environ.get(URL_VARIABLE) or None


def database_name() -> str:
    """Which database the benchmarks read: said beside every figure."""
    return "PostgreSQL" if bench_url() else "SQLite"


def bench_store() -> Settings:
    """Settings of the million-record store the benchmarks read: SQLite's, or its copy in PostgreSQL when
    ``CTMONITOR_BENCH_DATABASE_URL`` is set."""
    source = big_store()
    url = bench_url()
    return source if url is None else postgres_store(url, source)


def postgres_store(url: str, source: Settings, refresh: bool = False) -> Settings:
    """Settings of the PostgreSQL copy of the SQLite store ``source``, copying it first when missing or stale."""
    path = Path(source.database_url.split("///", 1)[-1])
    fingerprint = path.parent.name
    settings = Settings.for_tests(CACHE / f"pg-{fingerprint}", database_url=url)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if not refresh and _built_from(url) == fingerprint:
        return settings
    recreate(url)
    engine = create_engine(url)
    try:
        migrate.upgrade(engine)
        _copy(path, engine)
        with engine.begin() as connection:
            connection.execute(text(f"CREATE TABLE {MARK} (fingerprint text)"))
            connection.execute(text(f"INSERT INTO {MARK} VALUES (:f)"), {"f": fingerprint})
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    finally:
        engine.dispose()
    return settings


def _built_from(url: str) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(f"SELECT fingerprint FROM {MARK}")).scalar()
    except Exception:  # noqa: BLE001 — no database, or no mark: not built
        return None
    finally:
        engine.dispose()


@contextmanager
def _maintenance(url: str) -> Iterator[tuple[Engine, URL]]:
    """An autocommit engine on the cluster's ``postgres`` database, and the URL asked for."""
    target = make_url(url)
    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        yield engine, target
    finally:
        engine.dispose()


def recreate(url: str, template: str | None = None) -> None:
    """Drop the URL's database and create it anew (empty, or a copy of the database ``template``)."""
    with _maintenance(url) as (engine, target), engine.connect() as connection:
        _patiently(connection, f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
        copying = f' TEMPLATE "{template}"' if template else ""
        _patiently(connection, f'CREATE DATABASE "{target.database}"{copying}')


def drop(url: str) -> None:
    with _maintenance(url) as (engine, target), engine.connect() as connection:
        _patiently(connection, f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')


def _patiently(connection, statement: str, seconds: int = 60) -> None:
    """Run a statement PostgreSQL refuses while its autovacuum works in the database (this role may not stop
    it, and a template being vacuumed cannot be copied), again each second until it passes."""
    for waited in range(seconds + 1):
        try:
            connection.execute(text(statement))
            return
        except DBAPIError:
            if waited == seconds:
                raise
            time.sleep(1)


def copy_url(url: str, suffix: str) -> str:
    """The URL of a database beside the URL's, named with ``suffix``."""
    target = make_url(url)
    return target.set(database=f"{target.database}_{suffix}").render_as_string(hide_password=False)


def _copy(path: Path, engine: Engine) -> None:
    """Every table's rows from the SQLite file into the migrated PostgreSQL database, with COPY, and each id
    sequence moved past the copied ids."""
    tables = list(Base.metadata.sorted_tables)
    source = sqlite3.connect(path)
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:  # type: ignore[attr-defined]  # psycopg's cursor is a context manager
            cursor.execute("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " CASCADE")
            for table in tables:
                names = [c.name for c in table.columns]
                quoted = ", ".join(f'"{n}"' for n in names)
                rows = source.execute(f'SELECT {quoted} FROM "{table.name}"')
                with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
                if "id" in table.c:
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                        f'COALESCE((SELECT max(id) FROM "{table.name}"), 0) + 1, false)'
                    )
        raw.commit()
    finally:
        raw.close()
        source.close()
