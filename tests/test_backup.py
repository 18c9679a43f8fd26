"""Backups that restore: ``ctmonitor backup`` of a store holding the demo data (stored through the importer),
users, a token and a signed-off quarter, then ``ctmonitor restore`` into a new store, gives back every row of
every table, every quarter's figures and the kept report byte for byte; a store holding data is not
overwritten without --force; the audit trail stays append-only. On SQLite, and on PostgreSQL when
CTMONITOR_TEST_DATABASE_URL is set (its role needs CREATEDB: the test makes two databases of its own)."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from indicators.access import accounts, tokens
from indicators.store.db import Store
from indicators.store.models import Base, SignOff
from indicators.store.settings import Settings
from tests.builders import run_command
from tests.stores import make_store, settings_for

KINDS = ["sqlite"] + (
    ["postgresql"] if os.environ.get("CTMONITOR_TEST_DATABASE_URL", "").startswith("postgresql") else []
)


@pytest.fixture(params=KINDS)
def stores(request, tmp_path):
    """Settings of a store to back up (migrated, programmes loaded) and of a new, empty one to restore into."""
    if request.param == "sqlite":
        yield (
            _loaded(settings_for(tmp_path / "a", database_url=f"sqlite:///{tmp_path / 'a' / 'live.sqlite'}")),
            settings_for(tmp_path / "b", database_url=f"sqlite:///{tmp_path / 'b' / 'restored.sqlite'}"),
        )
        return
    url = make_url(os.environ["CTMONITOR_TEST_DATABASE_URL"])
    names = [f"ctm_backup_{uuid.uuid4().hex[:8]}_{side}" for side in ("a", "b")]
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f"CREATE DATABASE {name}"))
    urls = [url.set(database=name).render_as_string(hide_password=False) for name in names]
    try:
        yield (
            _loaded(settings_for(tmp_path / "a", database_url=urls[0])),
            settings_for(tmp_path / "b", database_url=urls[1]),
        )
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def _loaded(settings: Settings) -> Settings:
    make_store(settings).dispose()
    return settings


def _fill(settings: Settings) -> None:
    """The demo data through the importer, a manager who signs a quarter off, a partner with a token."""
    from importers import demo

    store = Store(settings)
    with store.begin() as session:
        report = demo.load(session, settings)
        assert report.ok, report.as_text()
        accounts.add_user(session, "claire", "correct horse battery staple", "manager")
        accounts.add_user(session, "dana", "correct horse battery staple", "donor", "USAID")
        tokens.create(session, "dana", by="test", name="MEL dashboard")
    store.dispose()
    assert (
        run_command(
            settings,
            "signoff",
            "--programme",
            "KEC",
            "--period",
            "FY2019Q3",
            "--user",
            "claire",
            "--without-narratives",
        )
        == 0
    )


def snapshot(settings: Settings) -> dict:
    """Every row of every table, and every quarter's figures of every programme as the CSV results."""
    from exports.formats import FORMATS
    from indicators.figures.figures import programme_quarters
    from indicators.reporting.reporting import report_file
    from indicators.store.models import Programme

    store = Store(settings)
    taken: dict = {}
    with store.Session() as session:
        for table in Base.metadata.sorted_tables:
            taken[table.name] = [
                tuple(row) for row in session.execute(select(table).order_by(*table.primary_key.columns))
            ]
        for programme in session.scalars(select(Programme).order_by(Programme.code)):
            for quarter in programme_quarters(programme):
                taken[f"{programme.code} {quarter.code}"] = report_file(
                    session, programme.code, quarter.code, FORMATS, "csv", small_cell=5
                )[0]
    store.dispose()
    return taken


def test_a_backup_restores_into_a_new_store_with_everything_byte_for_byte(stores, tmp_path, capsys):
    live, new = stores
    _fill(live)
    before = snapshot(live)
    kept = before["sign_off"]
    assert len(kept) == 1 and sum(key.startswith("KEC FY") for key in before) == 14
    capsys.readouterr()
    backup = tmp_path / "ctmonitor.backup"
    assert run_command(live, "backup", "-o", str(backup)) == 0
    said = capsys.readouterr().out
    assert "CTMONITOR_SECRET_KEY" in said and "secret_key" in said
    assert "CTMONITOR_PSEUDONYM_KEY" in said and "pseudonym_key" in said
    assert "2 user(s)" in said and "1 sign-off(s)" in said
    assert oct(backup.stat().st_mode & 0o777) == "0o600"

    assert run_command(new, "restore", str(backup)) == 0
    assert "CTMONITOR_PSEUDONYM_KEY" in capsys.readouterr().out
    after = snapshot(new)
    assert after.keys() == before.keys()
    for key in before:
        assert after[key] == before[key], key
    store = Store(new)
    with store.Session() as session:
        signed = session.scalar(select(SignOff))
        assert (
            signed.period == "FY2019Q3"
            and signed.report
            == dict(zip([c.name for c in SignOff.__table__.columns], kept[0], strict=True))["report"]
        )
    # the triggers came back too
    with pytest.raises(DBAPIError, match="audit trail cannot be changed"), store.begin() as session:
        session.execute(text("DELETE FROM audit_event"))
    store.dispose()


def test_a_store_with_data_is_not_overwritten_without_force(stores, tmp_path, capsys):
    live, new = stores
    _fill(live)
    backup = tmp_path / "first.backup"
    assert run_command(live, "backup", "-o", str(backup)) == 0
    assert run_command(new, "restore", str(backup)) == 0
    store = Store(new)
    with store.begin() as session:  # the restored store is used: someone new signs up
        accounts.add_user(session, "later.user", "correct horse battery staple", "officer")
    store.dispose()
    capsys.readouterr()
    assert run_command(new, "restore", str(backup)) == 1
    refused = capsys.readouterr().err
    assert refused.startswith("ctmonitor restore: the store is not empty (3 user(s), ")
    assert "--force" in refused and "Traceback" not in refused
    assert run_command(new, "restore", str(backup), "--force") == 0
    store = Store(new)
    with store.Session() as session:
        # later.user is gone: the backup replaced everything
        assert [u.username for u in accounts.list_users(session)] == ["claire", "dana"]
    store.dispose()
    (tmp_path / "not-a-backup").write_text("hello")
    assert run_command(new, "restore", str(tmp_path / "not-a-backup"), "--force") == 1
    assert "is not a ctmonitor backup" in capsys.readouterr().err
