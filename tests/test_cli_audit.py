"""Imports and exports made on the command line are in the audit trail, as those made on the pages."""

from pathlib import Path

from sqlalchemy import select

from app import main
from indicators.store.db import Store
from indicators.store.models import AuditEvent
from indicators.store.settings import Settings

DATA = Path(__file__).resolve().parent / "data"


def test_command_line_import_and_export_are_audited(tmp_path, monkeypatch):
    monkeypatch.setenv("CTMONITOR_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CTMONITOR_DATABASE_URL", raising=False)
    assert main(["init"]) == 0
    assert main(["import", str(DATA / "errors.xlsx"), "--programme", "KEC", "--user", "olivier"]) == 1
    assert main(["import", str(DATA / "errors.xlsx"), "--programme", "KEC", "--dry-run"]) == 1
    assert (
        main(
            [
                "export",
                "--programme",
                "KEC",
                "--period",
                "FY2019Q3",
                "--format",
                "csv",
                "-o",
                str(tmp_path / "kec.csv"),
            ]
        )
        == 0
    )
    store = Store(Settings.from_env())
    with store.Session() as session:
        events = [
            (e.username, e.action, e.target)
            for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        ]
    store.dispose()
    assert ("olivier", "upload-refused", "errors.xlsx") in events
    assert [e for e in events if e[1].startswith("upload")] == [("olivier", "upload-refused", "errors.xlsx")]
    assert any(action == "report-downloaded" and target == "KEC FY2019Q3" for _, action, target in events)
