"""Backups of the store that restore: a whole store to one file, and one file back into an empty store.

- SQLite: SQLite's online backup API copies the store page by page while it is in use (readers and the writer
  carry on), into a single self-contained file whose integrity is checked before it is kept.
- PostgreSQL: ``pg_dump --format=custom`` of the store's database; ``pg_restore`` loads it. The password goes to
  the tools in their environment, never on a command line that ``ps`` shows.

A restore goes into a store that holds no users, uploads or sign-offs (a new database, or one that only
``ctmonitor init`` has touched): one that does is refused unless forced, and then emptied first. The store is
migrated to this version's schema afterwards. What a backup cannot hold is said where it is made: the keys
kept outside the store (the session secret and the case pseudonym key) and the kept uploads folder.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import make_url

from indicators.store import migrate
from indicators.store.db import Store
from indicators.store.models import SignOff, Upload, User
from indicators.store.settings import Settings

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"
KEYS = (
    "Keep with it, apart from it: the session secret (CTMONITOR_SECRET_KEY, or <data dir>/secret_key) and the "
    "case pseudonym key (CTMONITOR_PSEUDONYM_KEY, or <data dir>/pseudonym_key), without which re-uploaded "
    "case sheets are not recognised as the same people; and the kept uploads (CTMONITOR_UPLOAD_DIR, "
    "<data dir>/uploads)."
)


class BackupError(RuntimeError):
    """A backup or restore that cannot be made as asked: one sentence saying why."""


@dataclass(frozen=True)
class Contents:
    users: int
    uploads: int
    sign_offs: int
    revision: str | None

    def holds_data(self) -> bool:
        return bool(self.users or self.uploads or self.sign_offs)

    def describe(self) -> str:
        return (
            f"{self.users} user(s), {self.uploads} upload(s), {self.sign_offs} sign-off(s), "
            f"schema {self.revision or 'none'}"
        )


def contents(store: Store) -> Contents | None:
    """What a store holds, or None when it has no ctmonitor schema."""
    if not inspect(store.engine).has_table("alembic_version"):
        return None
    with store.Session() as session:
        users, uploads, sign_offs = (
            session.scalar(select(func.count()).select_from(model)) or 0 for model in (User, Upload, SignOff)
        )
        revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return Contents(users, uploads, sign_offs, revision)


def backup(settings: Settings, output: Path) -> Contents:
    """Write the store to ``output``; what it held."""
    store = Store(settings)
    try:
        held = contents(store)
        if held is None:
            raise BackupError("the store is not initialised; there is nothing to back up")
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".partial")
        if store.engine.dialect.name == "sqlite":
            _sqlite_backup(_sqlite_path(settings.database_url), partial)
        else:
            _run_pg("pg_dump", settings.database_url, ["--format=custom", "--no-owner", f"--file={partial}"])
        partial.replace(output)
        output.chmod(0o600)  # it holds password hashes and case records
        return held
    finally:
        store.dispose()


def restore(settings: Settings, source: Path, force: bool = False) -> Contents:
    """Load the backup ``source`` into the store (empty, or emptied when ``force``), then migrate it."""
    kind = _kind(source)
    store = Store(settings)
    try:
        dialect = store.engine.dialect.name
        if (kind, dialect) not in (("sqlite", "sqlite"), ("pg", "postgresql")):
            made = "SQLite" if kind == "sqlite" else "PostgreSQL"
            raise BackupError(
                f"{source} is a {made} backup, and this store is "
                f"{'SQLite' if dialect == 'sqlite' else 'PostgreSQL'}: restore it into a {made} store"
            )
        held = contents(store)
        if held is not None and held.holds_data() and not force:
            raise BackupError(
                f"the store is not empty ({held.describe()}); restore into a new store, or add "
                "--force to replace everything in it"
            )
        store.dispose()
        if kind == "sqlite":
            _sqlite_restore(source, _sqlite_path(settings.database_url))
        else:
            _empty_pg(store)
            _run_pg(
                "pg_restore",
                settings.database_url,
                ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", str(source)],
                database_flag=True,
            )
        migrate.upgrade(store.engine)
        restored = contents(store)
        if restored is None:  # the migrations write alembic_version: only a failed upgrade leaves none
            raise BackupError(f"{source} restored no ctmonitor schema")
        return restored
    finally:
        store.dispose()


# --- SQLite -------------------------------------------------------------------------------------------------


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory store cannot be backed up")
    return Path(database)


def _sqlite_backup(path: Path, output: Path) -> None:
    output.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    target = sqlite3.connect(output)
    try:
        source.backup(target, pages=1024)  # a step at a time: writers wait for a step, not for the whole copy
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        checked = target.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        target.close()
        source.close()
    if checked != "ok":
        output.unlink(missing_ok=True)
        raise BackupError(f"the copy failed its integrity check ({checked}); nothing was written")


def _sqlite_restore(source: Path, path: Path) -> None:
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        checked = backup.execute("PRAGMA integrity_check").fetchone()[0]
        has_schema = backup.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone()
        if checked != "ok" or not has_schema:
            raise BackupError(f"{source} is not a ctmonitor backup, or is damaged ({checked})")
        path.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(path, timeout=30)
        try:
            backup.backup(target)  # replaces every page of the store, under its write lock
        finally:
            target.close()
    finally:
        backup.close()


# --- PostgreSQL ---------------------------------------------------------------------------------------------


def _kind(source: Path) -> str:
    try:
        with source.open("rb") as file:
            head = file.read(16)
    except OSError as exc:
        raise BackupError(f"cannot read {source}: {exc.strerror}") from None
    if head.startswith(SQLITE_HEADER):
        return "sqlite"
    if head.startswith(PG_DUMP_HEADER):
        return "pg"
    raise BackupError(
        f"{source} is not a ctmonitor backup (neither a SQLite store nor a pg_dump custom file)"
    )


def _run_pg(tool: str, url: str, arguments: list[str], database_flag: bool = False) -> None:
    """Run ``pg_dump`` or ``pg_restore`` on the store's database, its password in the environment."""
    found = shutil.which(tool)
    if found is None:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client)")
    parsed = make_url(url)
    env = dict(os.environ)
    for name, value in (
        ("PGHOST", parsed.host),
        ("PGPORT", parsed.port),
        ("PGUSER", parsed.username),
        ("PGPASSWORD", parsed.password),
        ("PGDATABASE", parsed.database),
    ):
        if value:
            env[name] = str(value)
    if parsed.query.get("options"):
        env["PGOPTIONS"] = str(parsed.query["options"])
    command = [found, *arguments] + ([f"--dbname={parsed.database}"] if database_flag else [])
    finished = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        problem = next((line for line in finished.stderr.splitlines() if line.strip()), "no message")
        raise BackupError(f"{tool} failed: {problem.removeprefix(f'{tool}: ')}")


def _empty_pg(store: Store) -> None:
    """Drop everything in the store's schema (the restore brings it all back)."""
    with store.engine.begin() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar()
        if schema is None:  # an empty search_path: nothing to drop that the restore would bring back
            raise BackupError("the store has no current schema (its search_path is empty)")
        quoted = connection.dialect.identifier_preparer.quote(schema)
        connection.execute(text(f"DROP SCHEMA {quoted} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {quoted}"))
    store.dispose()
