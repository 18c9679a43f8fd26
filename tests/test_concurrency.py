"""Two uploads committed at once both land complete; a process killed in the middle of an import leaves
the store exactly as before. Run on SQLite and, with CTMONITOR_TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select, text

from importers.pipeline import import_file
from indicators.figures.figures import figures
from indicators.store.models import IndicatorSums, Training, Upload

REPO = Path(__file__).resolve().parent.parent
HEADERS = ["Ref", "Project", "Start date", "District", "Target group", "Topic", "Female", "Male"]


def trainings_workbook(prefix: str, rows: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Trainings")
    sheet.append(["KEC trainings register"])
    sheet.append(HEADERS)
    first = date(2017, 1, 2)
    for n in range(rows):
        sheet.append(
            [
                f"{prefix}-{n:06d}",
                "KEC",
                first + timedelta(days=n % 1200),
                "Huye",
                "Law enforcement",
                "Victim identification",
                10,
                5,
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import_together(store, files: list[tuple[str, bytes]]):
    start = threading.Barrier(len(files))
    reports, failures = {}, []

    def run(name, data):
        try:
            start.wait()
            with store.begin() as session:
                reports[name] = import_file(
                    session, data, name, settings=store.settings, programme="KEC", uploaded_by=name
                )
        except Exception as exc:  # noqa: BLE001 — collected and asserted below
            failures.append(f"{name}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=run, args=file) for file in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    return reports


def test_two_uploads_committed_at_once_both_land_complete(fresh):
    reports = _import_together(
        fresh, [("north.xlsx", trainings_workbook("N", 1500)), ("south.xlsx", trainings_workbook("S", 1500))]
    )
    assert {r.outcome for r in reports.values()} == {"stored"}
    with fresh.Session() as session:
        assert session.scalar(select(func.count(Training.id))) == 3000
        assert session.scalar(select(func.count(Upload.id)).where(Upload.outcome == "stored")) == 2
        last = figures(session, "KEC", "FY2020Q3")
        held = next(i for i in last.indicators if i.indicator.code == "KEC-4.1")
        trained = next(i for i in last.indicators if i.indicator.code == "KEC-4.2")
        assert (held.lop_to_date.actual, trained.lop_to_date.actual) == (3000, 45000)


def test_the_same_file_twice_at_once_is_stored_once(fresh):
    data = trainings_workbook("T", 800)
    reports = _import_together(fresh, [("first.xlsx", data), ("second.xlsx", data)])
    assert sorted(r.outcome for r in reports.values()) == ["stored", "unchanged"]
    with fresh.Session() as session:
        assert session.scalar(select(func.count(Training.id))) == 800
        held = next(
            i for i in figures(session, "KEC", "FY2020Q3").indicators if i.indicator.code == "KEC-4.1"
        )
        assert held.lop_to_date.actual == 800


def _writing(store) -> bool:
    """Whether an importer holds the store's write lock (it is planning or writing its rows)."""
    if store.engine.dialect.name == "sqlite":
        import sqlite3

        probe = sqlite3.connect(
            store.settings.database_url.split("///", 1)[-1], timeout=0, isolation_level=None
        )
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            probe.close()
    with store.engine.connect() as connection:
        return bool(
            connection.execute(
                text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")
            ).scalar()
        )


def test_a_process_killed_in_the_middle_of_an_import_leaves_the_store_as_before(fresh, tmp_path):
    with fresh.begin() as session:
        import_file(
            session, trainings_workbook("OLD", 50), "earlier.xlsx", settings=fresh.settings, programme="KEC"
        )
    with fresh.Session() as session:
        before = (
            session.scalar(select(func.count(Training.id))),
            session.scalar(select(func.count(Upload.id))),
            session.execute(
                select(
                    IndicatorSums.indicator_id,
                    IndicatorSums.quarter,
                    IndicatorSums.disaggregation,
                    IndicatorSums.category,
                    IndicatorSums.numerator,
                ).order_by(IndicatorSums.id)
            ).all(),
        )
    big = tmp_path / "big.xlsx"
    big.write_bytes(trainings_workbook("BIG", 60_000))
    env = dict(
        os.environ,
        CTMONITOR_DATABASE_URL=fresh.settings.database_url,
        CTMONITOR_DATA_DIR=str(tmp_path),
        CTMONITOR_UPLOAD_LIMIT_MB="100",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "import", str(big), "--programme", "KEC"],
        cwd=str(REPO),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not _writing(fresh) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL, "the import finished before it could be killed"
    time.sleep(0.5)  # PostgreSQL notices the dropped connection and rolls back
    with fresh.Session() as session:
        after = (
            session.scalar(select(func.count(Training.id))),
            session.scalar(select(func.count(Upload.id))),
            session.execute(
                select(
                    IndicatorSums.indicator_id,
                    IndicatorSums.quarter,
                    IndicatorSums.disaggregation,
                    IndicatorSums.category,
                    IndicatorSums.numerator,
                ).order_by(IndicatorSums.id)
            ).all(),
        )
        if fresh.engine.dialect.name == "sqlite":
            assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    assert after == before
    # and the store takes the same file whole afterwards
    with fresh.begin() as session:
        report = import_file(session, big.read_bytes(), "big.xlsx", settings=fresh.settings, programme="KEC")
    assert report.outcome == "stored" and report.counts["trainings"]["new"] == 60_000
