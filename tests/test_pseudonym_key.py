"""The pseudonym key is a secret of its own: rotating the session secret after an incident changes no case's
pseudonym (a re-upload of the same sheet adds no one to PVR-3.1), ``ctmonitor init`` refuses in one line a
store holding cases whose key is missing or another, and a store whose cases predate the key keeps matching
them: init adopts the key they were made with, turns typed case codes into pseudonyms and renames its case
uploads, so nothing is counted twice and no identifier is left. Run as the installed command runs."""

from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from indicators.figures.figures import figures
from indicators.store.db import Store
from indicators.store.settings import Settings
from tests.importers.htcds_filled import PLAIN, edited, fill, people

REPO = Path(__file__).resolve().parent.parent
QUARTER = "FY2019Q4"


def cli(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = dict(os.environ, CTMONITOR_DATA_DIR=str(folder), **env)
    for name in ("CTMONITOR_DATABASE_URL", "CTMONITOR_SECRET_KEY", "CTMONITOR_PSEUDONYM_KEY"):
        if name not in env:
            environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=str(REPO),
        timeout=300,
        check=False,
    )


def ok(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def victims(folder: Path) -> float:
    store = Store(Settings.from_env({"CTMONITOR_DATA_DIR": str(folder), "CTMONITOR_SECRET_KEY": "any"}))
    with store.Session() as session:
        line = {f.indicator.code: f for f in figures(session, "PVR", QUARTER).indicators}
    store.dispose()
    return line["PVR-3.1"].lop_to_date.actual


def old_key(secret: str) -> bytes:
    """How stores before the pseudonym key had a file of its own made it: from the session secret."""
    return hmac.new(secret.encode(), b"ctmonitor case pseudonym v1", hashlib.sha256).digest()


@pytest.fixture(scope="module")
def sheets(tmp_path_factory):
    """The officer's sheet and its edited, re-sorted copy with rows inserted (htcds_filled.edited)."""
    folder = tmp_path_factory.mktemp("sheets")
    first, (again, _changes) = people(), edited(people())
    (folder / "cases.xlsx").write_bytes(fill(PLAIN, first))
    (folder / "cases (edited).xlsx").write_bytes(fill(PLAIN, again))
    return folder, sum(p.victim for p in again), len(again)


@pytest.fixture(scope="module")
def keyed(tmp_path_factory, sheets):
    """A store holding the edited sheet's cases, made under one session secret."""
    folder = tmp_path_factory.mktemp("keyed")
    ok(cli(folder, "init", CTMONITOR_SECRET_KEY="the first session secret"))
    for name in ("cases.xlsx", "cases (edited).xlsx"):
        ok(
            cli(
                folder,
                "import",
                str(sheets[0] / name),
                "--programme",
                "PVR",
                CTMONITOR_SECRET_KEY="the first session secret",
            )
        )
    return folder


def test_rotating_the_session_secret_changes_no_pseudonym(keyed, sheets):
    folder, wanted = keyed, sheets[1]
    assert victims(folder) == wanted
    key = (folder / "pseudonym_key").read_text().strip()
    assert len(key) == 64 and bytes.fromhex(key) != old_key("the first session secret")
    assert oct((folder / "pseudonym_key").stat().st_mode & 0o777) == "0o600"
    # after an incident the session secret is rotated; the officer uploads the same sheet again
    rotated = {"CTMONITOR_SECRET_KEY": "a new session secret after the incident"}
    ok(cli(folder, "init", **rotated))
    out = ok(cli(folder, "import", str(sheets[0] / "cases (edited).xlsx"), "--programme", "PVR", **rotated))
    assert f"cases: 0 new, 0 updated, {sheets[2]} unchanged, 0 skipped" in out, out
    assert victims(folder) == wanted


@pytest.mark.parametrize(
    "change, says",
    [
        ("remove", "the store holds cases but no pseudonym key is set"),
        ("other", "is not the one this store's cases were made with"),
    ],
)
def test_init_refuses_a_missing_or_other_key_on_a_store_holding_cases(keyed, sheets, change, says):
    path = keyed / "pseudonym_key"
    kept = path.read_text()
    env = {"CTMONITOR_SECRET_KEY": "the first session secret"}
    if change == "remove":
        path.unlink()
    else:
        env["CTMONITOR_PSEUDONYM_KEY"] = "a key someone typed instead"
    try:
        done = cli(keyed, "init", **env)
        assert done.returncode == 2 and done.stdout == ""
        assert done.stderr.count("\n") == 1 and done.stderr.startswith("ctmonitor init: ")
        assert says in done.stderr
        # the importer refuses case sheets alike, storing nothing, and says why in one line
        imported = cli(keyed, "import", str(sheets[0] / "cases.xlsx"), "--programme", "PVR", **env)
        [line] = [line for line in imported.stdout.splitlines() if "case sheets cannot be stored: " in line]
        assert imported.returncode == 1 and says in line
        assert not path.exists() or change == "other"  # a refused key is never replaced by a new one
        assert victims(keyed) == sheets[1]
    finally:
        path.write_text(kept)
    ok(cli(keyed, "init", CTMONITOR_SECRET_KEY="the first session secret"))


def test_a_store_without_cases_takes_the_key_it_is_given(tmp_path):
    ok(cli(tmp_path, "init"))
    generated = (tmp_path / "pseudonym_key").read_text().strip()
    out = ok(cli(tmp_path, "init", CTMONITOR_PSEUDONYM_KEY="a passphrase chosen for this deployment"))
    assert "Store ready" in out and (tmp_path / "pseudonym_key").read_text().strip() == generated
    with sqlite3.connect(tmp_path / "ctmonitor.sqlite") as db:
        [(fingerprint,)] = db.execute("select value from store_fact where name = 'pseudonym_key_fingerprint'")
    assert generated not in fingerprint and len(fingerprint) == 64


CODES = (
    "Case code,Project,Date identified,Sex,Nationality,Trafficking status,Referred to,Referral date\n"
    "PVR-C-001,PVR,02/03/2019,F,BI,Possible victim,Mahama Health Centre,05/03/2019\n"
    "PVR-C-002,PVR,04/03/2019,M,CD,Actual victim,,\n"
    "PVR-C-003,PVR,06/03/2019,F,RW,Possible victim,Isange One Stop Centre,07/03/2019\n"
)
# What an earlier ctmonitor kept of them: codes and referrals as typed, the file's name, values in problems
TYPED_REFERRAL = "Mahama Health Centre Zawadi Nyirabahizi"
FILE_NAME = "Zawadi Nyirabahizi cases.xlsx"
LEFT_BEHIND = ("PVR-C-00", "Zawadi", "Nyirabahizi")


def _as_an_earlier_ctmonitor_left_it(folder: Path) -> None:
    """Codes, referrals and file names back as typed, problems quoting cells, an audit entry naming the file,
    and the schema back to before the key had a file of its own."""
    from alembic import command
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine

    from indicators.store import migrate

    with sqlite3.connect(folder / "ctmonitor.sqlite") as db:
        for row, code in ((2, "PVR-C-001"), (3, "PVR-C-002"), (4, "PVR-C-003")):
            db.execute(
                "update victim_case set reference = ? where reference like 'code:%' and source_row = ?",
                (code, row),
            )
        db.execute("update victim_case set referred_to = ? where reference = 'PVR-C-001'", (TYPED_REFERRAL,))
        db.execute(
            "update upload set filename = ?, errors = ?",
            (FILE_NAME, "[\"cases!A2: found 'Zawadi Nyirabahizi'; expected a case code\"]"),
        )
        db.execute(
            "insert into audit_event (at, username, action, target, detail) values (datetime('now'), "
            "'officer', 'upload-stored', ?, '{\"upload_id\": 1}')",
            (FILE_NAME,),
        )
    engine = create_engine(f"sqlite:///{folder / 'ctmonitor.sqlite'}")
    config = migrate.alembic_config(str(engine.url))
    scripts = ScriptDirectory.from_config(config)
    [key_file] = [r for r in scripts.walk_revisions() if r.path.endswith("_pseudonym_key.py")]
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, key_file.down_revision)
    engine.dispose()


def test_a_store_older_than_the_key_keeps_matching_its_cases_and_keeps_no_identifier(tmp_path, sheets):
    secret = "the session secret of a store made before the pseudonym key"
    # the pseudonyms of that time: made with the key derived from the session secret
    then = {"CTMONITOR_SECRET_KEY": secret, "CTMONITOR_PSEUDONYM_KEY": old_key(secret).hex()}
    ok(cli(tmp_path, "init", **then))
    (tmp_path / "pvr_cases.csv").write_text(CODES)
    for sheet in (sheets[0] / "cases (edited).xlsx", tmp_path / "pvr_cases.csv"):
        ok(cli(tmp_path, "import", str(sheet), "--programme", "PVR", **then))
    counted = victims(tmp_path)
    _as_an_earlier_ctmonitor_left_it(tmp_path)
    assert not (tmp_path / "pseudonym_key").exists()

    out = ok(cli(tmp_path, "init", CTMONITOR_SECRET_KEY=secret))
    assert f"is now kept in {tmp_path / 'pseudonym_key'}" in out
    assert "Case codes: 3 stored as typed are now kept as keyed pseudonyms" in out
    assert "Referred organisations: 1 kept as typed are now their provider or 'Other provider'" in out
    assert (tmp_path / "pseudonym_key").read_text().strip() == old_key(secret).hex()
    store = b"".join(p.read_bytes() for p in tmp_path.glob("ctmonitor.sqlite*"))
    assert [typed for typed in LEFT_BEHIND if typed.encode() in store] == []
    with sqlite3.connect(tmp_path / "ctmonitor.sqlite") as db:
        assert {name for (name,) in db.execute("select filename from upload")} == {
            f"case sheet, {day}" for (day,) in db.execute("select distinct date(uploaded_at) from upload")
        }
        assert db.execute("select target from audit_event where action = 'pseudonym-key-adopted'").fetchall()

    # the session secret is rotated; both sheets come again: no one is counted twice
    rotated = {"CTMONITOR_SECRET_KEY": "rotated after the upgrade"}
    ok(cli(tmp_path, "init", **rotated))
    edited_sheet = sheets[0] / "cases (edited).xlsx"
    again = ok(cli(tmp_path, "import", str(edited_sheet), "--programme", "PVR", **rotated))
    assert f"cases: 0 new, 0 updated, {sheets[2]} unchanged" in again, again
    codes = ok(cli(tmp_path, "import", str(tmp_path / "pvr_cases.csv"), "--programme", "PVR", **rotated))
    assert "cases: 0 new, 0 updated, 3 unchanged" in codes, codes
    assert victims(tmp_path) == counted


def test_an_older_store_refuses_a_new_key_that_would_lose_its_cases(tmp_path, sheets):
    secret = "the session secret of a store made before the pseudonym key"
    then = {"CTMONITOR_SECRET_KEY": secret, "CTMONITOR_PSEUDONYM_KEY": old_key(secret).hex()}
    ok(cli(tmp_path, "init", **then))
    ok(cli(tmp_path, "import", str(sheets[0] / "cases.xlsx"), "--programme", "PVR", **then))
    _as_an_earlier_ctmonitor_left_it(tmp_path)
    done = cli(tmp_path, "init", CTMONITOR_SECRET_KEY=secret, CTMONITOR_PSEUDONYM_KEY="a brand new key")
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "were recognised with the key derived from the session secret" in done.stderr
