"""The IPTT export reads stored per-quarter sums and tallies, not the records: records added to the store, in
another quarter or in the report quarter itself, add no work to the export's queries (counted as the SQLite
virtual machine's instructions, which every row a statement reads costs several of)."""

from datetime import date

from sqlalchemy import select

from exports.formats import FORMATS
from indicators.reporting.annex import LIST_LIMIT
from indicators.reporting.reporting import report_file
from indicators.store.models import Upload
from tests.exports.test_report import stored_kec_quarter
from tests.reads import add_trainings, instructions

ADDED = 2_000


def _instructions(db) -> int:
    """SQLite instructions run while the IPTT workbook of KEC's FY2019 Q3 is made."""
    count, (data, key) = instructions(
        db, lambda: report_file(db, "KEC", "FY2019Q3", FORMATS, "iptt", small_cell=5)
    )
    assert key == "iptt" and data.startswith(b"PK")
    return count


def _add_trainings(db, quarter: str, day: date, n: int, first: int) -> None:
    upload = db.scalar(select(Upload).where(Upload.filename == "kec_q3.xlsx"))
    add_trainings(db, upload.id, quarter, day, n, first)


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
