"""The Portfolio's cards say when each programme's data were last uploaded: after a large import into one
programme, the others' cards find their latest upload without reading its records (counted as the SQLite
virtual machine's instructions, which every row a statement reads costs several of)."""

from datetime import date, datetime

import pytest

from indicators.store.records import latest_upload
from tests.builders import clear_records, make_case, make_upload, programme
from tests.reads import add_trainings, instructions

ADDED = 2_000


@pytest.fixture
def db(session):
    clear_records(session)
    return session


def test_a_large_upload_of_one_programme_is_not_read_for_another(db):
    cases = make_upload(db, filename="pvr-cases.xlsx", uploaded_at=datetime(2019, 6, 3))
    make_case(db, "PVR", date_identified=date(2019, 5, 20), upload_id=cases.id)
    big = make_upload(db, filename="kec-trainings.xlsx", uploaded_at=datetime(2019, 7, 1))
    add_trainings(db, big.id, "FY2019Q3", date(2019, 4, 2), 10, first=0)
    pvr = programme(db, "PVR").id
    before, found = instructions(db, lambda: latest_upload(db, pvr))
    assert found.id == cases.id
    add_trainings(db, big.id, "FY2019Q3", date(2019, 4, 2), ADDED, first=10)
    after, found = instructions(db, lambda: latest_upload(db, pvr))
    assert found.id == cases.id
    # reading the newest upload's records to find none of PVR's would cost several instructions each
    assert after - before < ADDED, (before, after)
    assert latest_upload(db, programme(db, "KEC").id).id == big.id
