"""The Portfolio's cards say when each programme's data were last uploaded: after a large import into one
programme, the others' cards find their latest upload without reading its records (counted as the SQLite
virtual machine's instructions, which every row a statement reads costs several of)."""

from datetime import date, datetime

import pytest
from sqlalchemy import insert, select

from indicators.figures import aggregates
from indicators.store.models import Programme, Training
from indicators.store.records import latest_upload
from tests.builders import clear_records, make_case, make_upload, programme

ADDED = 2_000


@pytest.fixture
def db(session):
    clear_records(session)
    return session


def _instructions(db, programme_id: int) -> tuple[int, object]:
    """SQLite instructions run to find the programme's latest upload, and the upload found."""
    connection = db.connection().connection.driver_connection
    assert db.connection().dialect.name == "sqlite"  # the count is SQLite's own
    count = [0]

    def step() -> int:
        count[0] += 1
        return 0

    connection.set_progress_handler(step, 1)
    try:
        found = latest_upload(db, programme_id)
    finally:
        connection.set_progress_handler(None, 1)
    return count[0], found


def _import_trainings(db, upload_id: int, n: int, first: int) -> None:
    """``n`` KEC trainings of FY2019 Q3 written as the importer writes them (bulk), sums and tallies refreshed."""
    kec = db.scalar(select(Programme).where(Programme.code == "KEC"))
    rows = [
        {
            "programme_id": kec.id,
            "quarter": "FY2019Q3",
            "reference": f"TR-{first + number:06d}",
            "upload_id": upload_id,
            "source_sheet": "Trainings",
            "source_row": 4 + number,
            "row_hash": f"bulk-{first + number:06d}",
            "start_date": date(2019, 4, 2 + number % 28),
            "district": ("Gasabo", "Rubavu", "Nyagatare")[number % 3],
            "target_group": "Law enforcement",
            "topic": "Identifying victims",
            "female": 4 + number % 5,
            "male": 6,
        }
        for number in range(n)
    ]
    db.execute(insert(Training), rows)
    aggregates.refresh(db, kec.id, "trainings", ["FY2019Q3"])


def test_a_large_upload_of_one_programme_is_not_read_for_another(db):
    cases = make_upload(db, filename="pvr-cases.xlsx", uploaded_at=datetime(2019, 6, 3))
    make_case(db, "PVR", date_identified=date(2019, 5, 20), upload_id=cases.id)
    big = make_upload(db, filename="kec-trainings.xlsx", uploaded_at=datetime(2019, 7, 1))
    _import_trainings(db, big.id, 10, first=0)
    pvr = programme(db, "PVR").id
    before, found = _instructions(db, pvr)
    assert found.id == cases.id
    _import_trainings(db, big.id, ADDED, first=10)
    after, found = _instructions(db, pvr)
    assert found.id == cases.id
    # reading the newest upload's records to find none of PVR's would cost several instructions each
    assert after - before < ADDED, (before, after)
    assert latest_upload(db, programme(db, "KEC").id).id == big.id
