"""Accounts run from the command line without touching the database: list, disable, enable, reset-password
(a one-time password printed once), set-role; each change audited and ending the user's sessions."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app import main
from indicators.access import accounts, audit, sessions
from indicators.store.db import Store
from indicators.store.models import UserSession
from indicators.store.settings import Settings

PASSWORD = "correct horse battery"


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("CTMONITOR_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CTMONITOR_DATABASE_URL", raising=False)
    monkeypatch.setenv("CTMONITOR_PASSWORD", PASSWORD)
    assert main(["init"]) == 0
    assert main(["users", "add", "claire", "--role", "manager"]) == 0
    assert main(["users", "add", "dana", "--role", "donor", "--donor", "USAID"]) == 0
    store = Store(Settings.from_env())
    yield store
    store.dispose()


def live_session(store, name: str) -> str:
    with store.begin() as db:
        return sessions.start(db, accounts.get_user(db, name))


def sign_in(store, name: str, password: str) -> tuple[bool, bool]:
    """Whether the sign-in succeeds, and whether the password must then be changed (committed, as the
    sign-in form commits)."""
    with store.Session() as db:
        signed = accounts.authenticate(db, name, password)
        db.commit()
        return signed.user is not None, bool(signed.user and signed.user.must_change_password)


def session_count(store, name: str) -> int:
    with store.Session() as db:
        user = accounts.get_user(db, name)
        return len(list(db.scalars(select(UserSession.id).where(UserSession.user_id == user.id))))


def test_list_shows_role_donor_state_and_last_sign_in(store, capsys):
    capsys.readouterr()
    sign_in(store, "claire", PASSWORD)
    assert main(["users", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert re.match(r"claire\s+manager\s+active\s+last sign-in \d{4}-\d\d-\d\d \d\d:\d\d UTC", lines[0])
    assert re.match(r"dana\s+donor \(USAID\)\s+active\s+last sign-in never", lines[1])


def test_disable_ends_sessions_and_enable_lets_the_user_back(store, capsys):
    live_session(store, "dana")
    assert main(["users", "disable", "dana"]) == 0
    assert "User dana disabled; their sessions have ended" in capsys.readouterr().out
    assert session_count(store, "dana") == 0
    assert sign_in(store, "dana", PASSWORD) == (False, False)
    assert main(["users", "disable", "dana"]) == 1
    assert "dana is already disabled" in capsys.readouterr().err
    assert main(["users", "enable", "dana"]) == 0
    assert sign_in(store, "dana", PASSWORD) == (True, False)
    assert main(["users", "list"]) == 0 and "disabled" not in capsys.readouterr().out


def test_reset_password_prints_a_one_time_password_once(store, capsys):
    live_session(store, "claire")
    capsys.readouterr()
    assert main(["users", "reset-password", "claire"]) == 0
    out = capsys.readouterr().out
    one_time = re.search(r"One-time password for claire: (\S+)", out).group(1)
    assert "must choose their own" in out and session_count(store, "claire") == 0
    assert sign_in(store, "claire", one_time) == (True, True)
    with store.Session() as db:
        assert one_time not in str([e.detail for e in audit.recent(db)])  # never written down
    assert main(["users", "list"]) == 0 and "one-time password" in capsys.readouterr().out


def test_set_role_changes_role_and_donor_and_ends_sessions(store, capsys):
    live_session(store, "dana")
    assert main(["users", "set-role", "dana", "--role", "officer"]) == 0
    assert "User dana is now officer" in capsys.readouterr().out
    assert session_count(store, "dana") == 0
    assert main(["users", "set-role", "dana", "--role", "donor"]) == 1
    assert "a donor user needs --donor" in capsys.readouterr().err
    assert main(["users", "set-role", "nobody", "--role", "officer"]) == 1
    assert "no user named 'nobody'" in capsys.readouterr().err


def test_every_change_is_in_the_audit_trail(store):
    assert main(["users", "disable", "dana"]) == 0
    assert main(["users", "enable", "dana"]) == 0
    assert main(["users", "reset-password", "dana"]) == 0
    assert main(["users", "set-role", "dana", "--role", "donor", "--donor", "U.S. Department of State"]) == 0
    with store.Session() as db:
        events = [(e.action, e.target, e.detail.get("via")) for e in reversed(audit.recent(db, 4))]
        change = audit.recent(db, 1, action="role-changed")[0].detail
    assert events == [
        ("user-disabled", "dana", "command line"),
        ("user-enabled", "dana", "command line"),
        ("password-reset", "dana", "command line"),
        ("role-changed", "dana", "command line"),
    ]
    assert change["before"] == "donor (USAID)" and change["donor"] == "U.S. Department of State"
