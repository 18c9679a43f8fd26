"""The IPTT export reads stored per-quarter sums and tallies, not the records: records added to the store, in
another quarter or in the report quarter itself, add no work to the export's queries (counted as the SQLite
virtual machine's instructions, which every row a statement reads costs several of)."""

from datetime import date

from sqlalchemy import insert, select

from exports.formats import FORMATS
from indicators.figures import aggregates
from indicators.reporting.annex import LIST_LIMIT
from indicators.reporting.reporting import report_file
from indicators.store.models import Programme, Training, Upload
from tests.exports.test_report import stored_kec_quarter

ADDED = 2_000


def _instructions(db) -> int:
    """SQLite instructions run while the IPTT workbook of KEC's FY2019 Q3 is made."""
    connection = db.connection().connection.driver_connection
    assert db.connection().dialect.name == "sqlite"  # the count is SQLite's own
    count = [0]

    def step() -> int:
        count[0] += 1
        return 0  # go on

    connection.set_progress_handler(step, 1)
    try:
        data, key = report_file(db, "KEC", "FY2019Q3", FORMATS, "iptt", small_cell=5)
    finally:
        connection.set_progress_handler(None, 1)
    assert key == "iptt" and data.startswith(b"PK")
    return count[0]


def _add_trainings(db, quarter: str, day: date, n: int, first: int) -> None:
    """``n`` trainings written as the importer writes them (bulk), their sums and tallies refreshed."""
    kec = db.scalar(select(Programme).where(Programme.code == "KEC"))
    upload = db.scalar(select(Upload).where(Upload.filename == "kec_q3.xlsx"))
    rows = [
        {
            "programme_id": kec.id,
            "quarter": quarter,
            "upload_id": upload.id,
            "source_sheet": "Trainings",
            "source_row": first + number,
            "row_hash": f"bulk-{quarter}-{first + number:06d}",
            "start_date": day,
            "district": ("Gasabo", "Rubavu", "Nyagatare")[number % 3],
            "target_group": "Law enforcement",
            "topic": "Identifying victims",
            "female": 4 + number % 5,
            "male": 6,
        }
        for number in range(n)
    ]
    db.execute(insert(Training), rows)
    aggregates.refresh(db, kec.id, "trainings", [quarter])


def test_records_added_to_the_store_add_no_work_to_the_export(db):
    stored_kec_quarter(db)
    # the report quarter too large to list, so its annex is a summary from the start
    _add_trainings(db, "FY2019Q3", date(2019, 5, 2), LIST_LIMIT + 1, first=10_000)
    before = _instructions(db)
    _add_trainings(db, "FY2019Q1", date(2018, 11, 20), ADDED, first=20_000)
    _add_trainings(db, "FY2019Q3", date(2019, 5, 9), ADDED, first=30_000)
    after = _instructions(db)
    # a statement reading the added records would run several instructions for each of them
    assert after - before < ADDED, (before, after)
