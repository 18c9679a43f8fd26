"""The store: migrations match the models, SQLite pragmas, and the command line around it."""

import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from indicators.store import migrate
from indicators.store.db import Store
from indicators.store.models import Base
from tests.stores import settings_for


def test_migrations_produce_exactly_the_models(tmp_path):
    store = Store(settings_for(tmp_path))
    migrate.upgrade(store.engine)
    with store.engine.connect() as connection:
        diff = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata
        )
    store.dispose()
    assert diff == []


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path):
    # a SQLite store of its own, whatever database the rest of the suite runs on
    store = Store(settings_for(tmp_path, database_url=f"sqlite:///{tmp_path / 'pragmas.sqlite'}"))
    try:
        with store.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        store.dispose()


def _cli(tmp_path, *args, env_extra=None):
    import os

    env = dict(os.environ, CTMONITOR_DATA_DIR=str(tmp_path), **(env_extra or {}))
    env.pop("CTMONITOR_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        check=False,  # the return code is asserted
        capture_output=True,
        text=True,
        env=env,
        cwd=str(tmp_path),
        timeout=120,
    )


def test_cli_init_twice_and_programmes(tmp_path):
    first = _cli(tmp_path, "init")
    assert first.returncode == 0, first.stderr
    assert "GIFT, KEC, PVR" in first.stdout
    assert (tmp_path / "ctmonitor.sqlite").exists() and (tmp_path / "secret_key").exists()
    assert _cli(tmp_path, "init").returncode == 0
    listing = _cli(tmp_path, "programmes")
    lines = listing.stdout.splitlines()
    assert lines[1].startswith("KEC") and "USAID" in lines[1] and "2017-01-01 – 2020-06-30" in lines[1]
    assert lines[1].endswith("8 indicators")
    assert lines[2].startswith("PVR") and lines[2].endswith("5 indicators")


def test_cli_usage_error_exits_2(tmp_path):
    result = _cli(tmp_path, "no-such-command")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_cli_users_add(tmp_path):
    assert _cli(tmp_path, "init").returncode == 0
    added = _cli(
        tmp_path,
        "users",
        "add",
        "amina",
        "--role",
        "donor",
        "--donor",
        "USAID",
        env_extra={"CTMONITOR_PASSWORD": "correct horse battery"},
    )
    assert added.returncode == 0, added.stderr
    refused = _cli(
        tmp_path,
        "users",
        "add",
        "bob",
        "--role",
        "donor",
        "--donor",
        "Nobody",
        env_extra={"CTMONITOR_PASSWORD": "correct horse battery"},
    )
    assert refused.returncode == 1 and "known donors" in refused.stderr
    twice = _cli(
        tmp_path,
        "users",
        "add",
        "amina",
        "--role",
        "manager",
        env_extra={"CTMONITOR_PASSWORD": "correct horse battery"},
    )
    assert twice.returncode == 1 and "already exists" in twice.stderr
