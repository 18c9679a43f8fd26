"""The attacker's search: IOM's own HTCDS template with names, phone numbers and e-mail addresses planted in
every free-text column, as case codes, in the file's name and in columns expecting something else
(``tests.importers.planted``), imported through the command line and through the Upload page's callbacks.
Then every table and text column of the store, the SQLite file and its WAL byte by byte, the logs, what the
commands printed, the kept uploads folder, every report (IPTT, SF-PPR-B, CSV, IATI), the JSON API's answers
and the staff pages are searched for each planted string: none may be found. What identifies no one is
still there: the cases, their referrals (as known providers or "Other provider") and every count."""

from __future__ import annotations

import base64
import io
import logging
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from indicators.figures.figures import figures
from indicators.store.db import Store
from indicators.store.models import AuditEvent, Case, Upload
from indicators.store.settings import Settings
from tests.importers import planted
from tests.importers.test_cli import ctmonitor

QUARTER = "FY2020Q1"  # the last person was identified in November 2019
LABEL = f"case sheet, {date.today().isoformat()}"


def _run(printed: list, folder: Path, *args: str, expect: int = 0) -> str:
    result = ctmonitor(folder, *args)
    printed.extend((result.stdout, result.stderr))
    assert result.returncode == expect, result.stdout + result.stderr
    return result.stdout


def _page_path(settings: Settings, found: dict) -> None:
    """The Upload page: dry run then commit of the accepted sheet under another planted name, and the dry run
    of the refused one; then the pages and the API as staff read them."""
    from app import create_app
    from indicators.access import accounts, tokens
    from tests.auth.conftest import callback_key, dash_post, open_page, sign_in

    store = Store(settings)
    app = create_app(settings, store=store)
    with store.begin() as session:
        accounts.add_user(session, "olivier", "correct horse battery", "officer")
        accounts.add_user(session, "claire", "correct horse battery", "manager")
        token, _row = tokens.create(session, "claire", by="test", name="attacker's script")
    client = app.server.test_client()
    assert sign_in(client, "olivier", "correct horse battery").status_code == 302
    answers = []
    for name, data, commit in (
        (f"{planted.VICTIMS[1][0]} Kirehe.xlsx", planted.accepted(), True),
        (planted.CSV_NAME, planted.refused_csv(), False),
    ):
        contents = "data:application/octet-stream;base64," + base64.b64encode(data).decode()
        checked = dash_post(
            client,
            callback_key(app, "..upload-preview.children"),
            [("upload-file", "contents", contents), ("upload-programme", "value", "PVR")],
            [("upload-file", "filename", name)],
        ).get_json()["response"]
        answers.append(str(checked["upload-preview"]))
        if commit:
            assert checked["upload-checked"]["data"], checked["upload-preview"]
            done = dash_post(
                client,
                callback_key(app, "..upload-result.children"),
                [("upload-commit", "n_clicks", 1)],
                [
                    ("upload-file", "contents", contents),
                    ("upload-file", "filename", name),
                    ("upload-programme", "value", "PVR"),
                    ("upload-checked", "data", checked["upload-checked"]["data"]),
                    [],
                ],
            )
            answers.append(done.get_data(as_text=True))
    found["page answers"] = "\n".join(answers)
    manager = app.server.test_client()
    sign_in(manager, "claire", "correct horse battery")
    pages = [
        open_page(manager, path)
        for path in (
            "/upload",
            "/audit",
            "/quality?programme=PVR",
            "/victims?programme=PVR",
            "/indicator?code=PVR-3.2",
        )
    ]
    assert all(page.status_code == 200 for page in pages)
    found["pages"] = "\n".join(page.get_data(as_text=True) for page in pages)
    headers = {"Authorization": f"Bearer {token}"}
    api = [
        app.server.test_client().get(f"/api/v1{path}", headers=headers)
        for path in (
            "/programmes",
            "/programmes/PVR",
            f"/programmes/PVR/figures?period={QUARTER}",
            *(
                f"/programmes/PVR/activities?quarter={q}"
                for q in ("FY2019Q2", "FY2019Q3", "FY2019Q4", QUARTER)
            ),
        )
    ]
    assert all(answer.status_code == 200 for answer in api)
    found["api"] = "\n".join(answer.get_data(as_text=True) for answer in api)
    store.dispose()


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    """One store, attacked once; what each place holds afterwards, by place."""
    folder = tmp_path_factory.mktemp("attacked")
    data, sheets = folder / "data", folder / "sheets"
    sheets.mkdir()
    accepted, refused = sheets / planted.FILE_NAME, sheets / f"{planted.VICTIMS[4][0]} refused.xlsx"
    accepted.write_bytes(planted.accepted())
    refused.write_bytes(planted.refused())
    (sheets / planted.CSV_NAME).write_bytes(planted.refused_csv())
    printed: list[str] = []
    _run(printed, data, "init")
    stored = _run(printed, data, "import", str(accepted), "--programme", "PVR", "--user", "officer")
    failed = _run(
        printed, data, "import", str(refused), str(sheets / planted.CSV_NAME), "--programme", "PVR", expect=1
    )
    _run(printed, data, "import", "--dry-run", str(accepted), "--programme", "PVR")
    settings = Settings.from_env({"CTMONITOR_DATA_DIR": str(data)})
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = records.append
    root, level = logging.getLogger(), logging.getLogger().level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    found: dict = {}
    try:
        _page_path(settings, found)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    for fmt in ("iptt", "ppr", "csv", "iati"):
        out = sheets / f"report.{fmt}"
        _run(
            printed,
            data,
            "export",
            "--programme",
            "PVR",
            "--period",
            QUARTER,
            "--format",
            fmt,
            "-o",
            str(out),
        )
        found[f"report {fmt}"] = _unzipped(out.read_bytes())
    found["printed"] = "\n".join(printed)
    found["logs"] = "\n".join(f"{r.name} {r.getMessage()} {r.args!r}" for r in records)
    return {"settings": settings, "data": data, "stored": stored, "refused": failed, "found": found}


def _unzipped(content: bytes) -> str:
    """A workbook's every part as text (xlsx are zip archives), or the file itself."""
    if not content.startswith(b"PK"):
        return content.decode()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def _store_text(settings: Settings) -> str:
    """Every text column of every table, as the attacker holding the database reads it."""
    store = Store(settings)
    out = []
    with store.engine.connect() as connection:
        inspector = inspect(connection)
        for table in inspector.get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                out.append(" ".join(str(value) for value in row))
        assert {"victim_case", "upload", "audit_event", "provider", "store_fact"} <= set(
            inspector.get_table_names()
        )
    store.dispose()
    return "\n".join(out)


def _leaks(haystack: str | bytes) -> list[str]:
    if isinstance(haystack, bytes):
        return [s for s in planted.PLANTED if s.encode() in haystack or s.encode("utf-16-le") in haystack]
    low = haystack.lower()
    return [s for s in planted.PLANTED if s.lower() in low]


def test_the_planted_sheet_is_stored_as_what_identifies_no_one(attacked):
    assert f"{LABEL}: stored" in attacked["stored"] and "cases: 6 new" in attacked["stored"]
    store = Store(attacked["settings"])
    with store.Session() as session:
        cases = {c.source_row: c for c in session.scalars(select(Case))}
        line = {f.indicator.code: f for f in figures(session, "PVR", QUARTER).indicators}
    store.dispose()
    assert len(cases) == 6  # the page's commit of the same sheet added no one
    assert [cases[3 + i].referred_to for i in range(6)] == [kept for _typed, kept in planted.REFERRALS]
    assert [cases[3 + i].destination_region for i in range(6)] == [
        kept for _typed, kept in planted.EXPLOITED_IN
    ]
    assert {c.reference.split(":")[0] for c in cases.values()} == {"code", "person"}
    # every referral counts, "Other provider" ones included
    assert line["PVR-3.1"].lop_to_date.actual == 6 and line["PVR-3.2"].lop_to_date.actual == 6


def test_the_sheets_with_identifiers_in_the_wrong_columns_are_refused_naming_cells_only(attacked):
    out = attacked["refused"]
    assert out.count(f"{LABEL}: refused, nothing stored") == 2 and "9 errors:" in out and "3 errors:" in out
    wrong = {
        "cases!AO3": "not an e-mail address",
        "cases!AO4": "not a phone number",
        "cases!AO5": "not a person's name",
        "cases!X6": "one or several of Forced labour",
        "cases!I7": "a country name",
        "cases!S8": "one of Possible victim",
        "cases!H3": "one of Female",
        "cases!AD4": "a date",
        "cases!AK5": "a date",
        "cases!A2": "not a phone number",
        "cases!B3": "a project code",
        "cases!F3": "one of Rwanda's 30 districts",
    }
    for cell, expected in wrong.items():
        line = next(line for line in out.splitlines() if line.strip().startswith(cell + ":"))
        assert "found a value (not shown: case data)" in line and expected in line, line


@pytest.mark.parametrize(
    "place",
    [
        "printed",
        "logs",
        "page answers",
        "pages",
        "api",
        "report iptt",
        "report ppr",
        "report csv",
        "report iati",
    ],
)
def test_no_planted_string_is_printed_logged_answered_or_reported(attacked, place):
    found = attacked["found"][place]
    assert found.strip()
    assert _leaks(found) == []


def test_no_planted_string_is_in_any_table_or_the_database_file(attacked):
    settings, data = attacked["settings"], attacked["data"]
    stored = _store_text(settings)
    assert (
        "Burundi" in stored and "Other provider" in stored and LABEL in stored
    )  # the search sees stored text
    assert _leaks(stored) == []
    files = b"".join(p.read_bytes() for p in data.glob("ctmonitor.sqlite*"))
    assert len(files) > 100_000 and b"Mahama Health Centre" in files
    assert _leaks(files) == []
    kept = [p for p in data.rglob("*") if p.is_file() and "ctmonitor.sqlite" not in p.name]
    assert {p.name for p in kept} == {"secret_key", "pseudonym_key"}  # no upload was kept
    assert _leaks(b"".join(p.read_bytes() for p in kept)) == []


def test_an_upload_holding_case_data_is_named_case_sheet_and_its_date_everywhere(attacked):
    store = Store(attacked["settings"])
    with store.Session() as session:
        uploads = list(session.scalars(select(Upload).order_by(Upload.id)))
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.action.like("upload-%"))))
    store.dispose()
    assert [(u.filename, u.outcome) for u in uploads] == [
        (LABEL, "stored"),
        (LABEL, "refused"),
        (LABEL, "refused"),
        (LABEL, "unchanged"),
    ]
    assert {e.target for e in events} == {LABEL} and len(events) == 4
    # the Upload page's history and the audit trail list it so (the reports name no upload by its file)
    assert attacked["found"]["pages"].count(LABEL) >= 8
