"""The latest upload feeding a programme (its card's "data as of", its report's): the uploads that feed it now,
after re-uploads, and the figures entered by hand."""

from datetime import date, datetime

from indicators.store.records import latest_upload
from tests.builders import (
    make_programme,
    make_result_value,
    make_training,
    make_upload,
    programme,
    refresh_sums,
)


def test_an_upload_whose_records_were_all_replaced_feeds_nothing(db):
    first = make_upload(db, filename="trainings-q3.xlsx", uploaded_at=datetime(2019, 7, 20))
    record = make_training(
        db, "KEC", start_date=date(2019, 4, 9), reference="TR-2019-031", upload_id=first.id
    )
    refresh_sums(db, record)
    kec = programme(db, "KEC").id
    assert latest_upload(db, kec).id == first.id
    # an earlier-dated re-send of the sheet replaces the row: the later upload feeds none of KEC's records now
    resent = make_upload(db, filename="trainings-q3-resent.xlsx", uploaded_at=datetime(2019, 7, 12))
    record.upload_id, record.female = resent.id, 14
    db.flush()
    refresh_sums(db, record)
    assert latest_upload(db, kec).id == resent.id
    assert latest_upload(db, kec, ["FY2019Q3"]).id == resent.id
    assert latest_upload(db, kec, ["FY2019Q2"]) is None


def test_figures_entered_by_hand_feed_their_programme(db):
    make_programme(db)
    tst = programme(db, "TST").id
    survey = make_upload(db, filename="survey-results.xlsx", uploaded_at=datetime(2019, 2, 4))
    make_result_value(db, "TST-1.1", "FY2019Q1", 10, upload_id=survey.id)
    assert latest_upload(db, tst).id == survey.id
    assert latest_upload(db, tst, ["FY2019Q1"]).id == survey.id
    assert latest_upload(db, tst, ["FY2019Q2"]) is None
    assert latest_upload(db, programme(db, "KEC").id) is None
