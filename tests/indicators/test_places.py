"""Where the work happened: an activity indicator per district over a span, and victims per district of
identification (a camp in its district), computed by hand from the rows stored."""

from datetime import date

import pytest

from indicators.figures import places
from tests.builders import make_awareness, make_case, make_training


def test_people_trained_per_district_over_each_span(db):
    make_training(db, "KEC", start_date=date(2018, 11, 5), district="Musanze", female=7, male=3)  # FY2019Q1
    make_training(db, "KEC", start_date=date(2019, 5, 2), district="Musanze", female=12, male=8)  # FY2019Q3
    make_training(db, "KEC", start_date=date(2019, 6, 20), district="Rubavu", female=4, male=6)  # FY2019Q3
    make_training(db, "KEC", start_date=date(2018, 3, 1), district="Kirehe", female=2, male=2)  # FY2018Q2
    make_training(db, "KEC", start_date=date(2019, 8, 1), district="Kirehe", female=50, male=50)  # after
    values = {
        span: {d: p.value for d, p in places.by_district(db, "KEC-4.2", "FY2019Q3", span).items()}
        for span in places.SPANS
    }
    assert values["quarter"] == {"Musanze": 20, "Rubavu": 10}
    assert values["year"] == {"Musanze": 30, "Rubavu": 10}
    assert values["lop"] == {"Musanze": 30, "Rubavu": 10, "Kirehe": 4}
    # a count indicator counts the rows: trainings held
    held = places.by_district(db, "KEC-4.1", "FY2019Q3", "lop")
    assert {d: p.value for d, p in held.items()} == {"Musanze": 2, "Rubavu": 1, "Kirehe": 1}


def test_a_filtered_indicator_maps_only_what_it_counts(db):
    make_awareness(
        db,
        "PVR",
        date=date(2019, 5, 2),
        district="Kirehe",
        setting="Refugee camp",
        camp="Mahama",
        female=30,
        male=20,
    )
    make_awareness(db, "PVR", date=date(2019, 5, 3), district="Huye", setting="School", female=100, male=100)
    refugees = places.by_district(db, "PVR-2.1", "FY2019Q3", "quarter")  # refugees reached, in camps only
    assert {d: p.value for d, p in refugees.items()} == {"Kirehe": 50}


@pytest.mark.parametrize(
    "code, mapped",
    [
        ("KEC-4.2", True),
        ("KEC-5.2", True),
        ("KEC-4.3", False),
        ("KEC-2.1", False),
        ("KEC-3.1", False),
        ("PVR-3.1", False),
    ],
)
def test_what_can_be_mapped(db, code, mapped):
    from sqlalchemy import select

    from indicators.store.models import Indicator

    assert places.mappable(db.scalar(select(Indicator).where(Indicator.code == code))) is mapped


def test_victims_by_where_they_were_identified(db):
    for location, status in [
        ("Mahama", "Possible victim"),
        ("Mahama camp", "Actual victim"),
        ("kirehe", "Actual victim"),
        ("Kiziba", "Possible victim"),
        ("Gasabo", "Actual victim"),
        ("Gasabo", "Not a victim"),
        ("somewhere near the lake", "Possible victim"),
        (None, "Possible victim"),
    ]:
        make_case(db, "PVR", location=location, status=status)
    found, unknown = places.victims_by_district(db, "PVR")
    assert {d: p.value for d, p in found.items()} == {"Kirehe": 3, "Karongi": 1, "Gasabo": 1}
    assert found["Kirehe"].detail == (("Mahama", 2),) and found["Gasabo"].detail == ()
    assert unknown == 2  # the lake and the blank place; the non-victim is not counted at all
