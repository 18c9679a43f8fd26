"""The dashboard's read functions: quarterly series, feeding records with provenance, latest complete quarter."""

from datetime import date

import pytest

from indicators.figures.figures import FiguresError, figures
from indicators.figures.queries import feeding_records, indicator_series, latest_complete_quarter
from tests.builders import make_case, make_policy_step, make_training, make_upload


def test_series_counts_cumulate(db):
    for day in (date(2017, 2, 1), date(2017, 3, 1), date(2017, 3, 2), date(2017, 11, 1), date(2017, 12, 1)):
        make_training(db, "KEC", start_date=day)
    series = indicator_series(db, "kec-4.1")
    assert [p.quarter for p in series][:3] == ["FY2017Q2", "FY2017Q3", "FY2017Q4"]
    assert len(series) == 14 and series[-1].quarter == "FY2020Q3"
    by_quarter = {p.quarter: p for p in series}
    assert (by_quarter["FY2017Q2"].actual, by_quarter["FY2017Q2"].lop_to_date) == (3, 3)
    assert (by_quarter["FY2017Q4"].actual, by_quarter["FY2017Q4"].lop_to_date) == (0, 3)
    point = by_quarter["FY2018Q1"]
    assert (
        point.actual,
        point.year_to_date,
        point.lop_to_date,
        point.year,
        point.year_target,
        point.lop_target,
    ) == (2, 2, 5, "FY2018", 10, 30)
    assert by_quarter["FY2020Q3"].lop_to_date == 5
    assert [p.quarter for p in indicator_series(db, "KEC-4.1", through="FY2018Q1")][-1] == "FY2018Q1"


def test_series_ratio_is_recomputed_from_cumulated_sums(db):
    make_training(db, "KEC", start_date=date(2018, 11, 5), female=5, male=5, passed_post_test=9)
    make_training(db, "KEC", start_date=date(2019, 2, 5), female=50, male=50, passed_post_test=40)
    by_quarter = {p.quarter: p for p in indicator_series(db, "KEC-4.3")}
    assert by_quarter["FY2017Q2"].actual is None and by_quarter["FY2017Q2"].lop_to_date is None
    assert (by_quarter["FY2017Q2"].year_target, by_quarter["FY2017Q2"].lop_target) == (70, 80)
    q2 = by_quarter["FY2019Q2"]
    assert q2.actual == 40 and (q2.numerator, q2.denominator) == (40, 100)
    assert q2.lop_to_date == pytest.approx(44.5454545) and (q2.lop_numerator, q2.lop_denominator) == (49, 110)
    assert q2.year_to_date == pytest.approx(44.5454545)
    assert by_quarter["FY2020Q1"].year_to_date is None
    assert by_quarter["FY2020Q1"].lop_to_date == pytest.approx(44.5454545)
    # the same numbers as the report
    report = figures(db, "KEC", "FY2019Q2")
    kec43 = next(f for f in report.indicators if f.indicator.code == "KEC-4.3")
    assert kec43.lop_to_date.actual == q2.lop_to_date


def test_feeding_records_of_a_stage_are_the_rows_that_counted(db):
    upload = make_upload(db, filename="policies-2018.xlsx")
    law = "Law on the prevention of trafficking in persons"
    make_policy_step(db, "KEC", instrument=law, stage="Drafted", date=date(2018, 5, 2), upload_id=upload.id)
    counted = make_policy_step(
        db,
        "KEC",
        instrument=law,
        stage="Adopted",
        date=date(2018, 9, 20),
        upload_id=upload.id,
        source_sheet="Policies",
        source_row=7,
    )
    make_policy_step(db, "KEC", instrument=law.upper(), stage="Adopted", date=date(2019, 2, 1))
    records = feeding_records(db, "KEC-2.1")
    assert [r["id"] for r in records] == [counted.id]
    record = records[0]
    assert (
        record["upload_filename"],
        record["source_sheet"],
        record["source_row"],
        record["counted_in"],
    ) == ("policies-2018.xlsx", "Policies", 7, "FY2018Q4")
    assert record["instrument"] == law and record["uploaded_by"] == "mande.officer"
    assert "row_hash" not in record
    assert feeding_records(db, "KEC-2.1", quarter="FY2019Q2") == []


def test_feeding_records_of_a_ratio_and_a_referral(db):
    make_training(db, "KEC", start_date=date(2019, 4, 5), female=5, male=5, passed_post_test=9)
    make_training(db, "KEC", start_date=date(2019, 4, 6), female=5, male=5)  # no post-test: not counted
    records = feeding_records(db, "KEC-4.3", quarter="FY19Q3")
    assert [(r["numerator"], r["denominator"]) for r in records] == [(9, 10)]
    sums = feeding_records(db, "KEC-4.2", quarter="FY2019Q3")
    assert [r["value"] for r in sums] == [10, 10]
    make_case(
        db, "PVR", date_identified=date(2019, 3, 20), referral_date=date(2019, 4, 2), reference="PVR-C-1"
    )
    make_case(db, "PVR", date_identified=date(2019, 3, 21), reference="PVR-C-2")
    referred = feeding_records(db, "PVR-3.2", quarter="FY2019Q3")
    assert [(r["reference"], r["counted_in"], r["quarter"]) for r in referred] == [
        ("PVR-C-1", "FY2019Q3", "FY2019Q2")
    ]
    assert len(feeding_records(db, "PVR-3.1", limit=1)) == 1


def test_feeding_records_refuse_unknown_indicator_and_outside_quarter(db):
    with pytest.raises(FiguresError, match="unknown indicator 'KEC-9.9'"):
        feeding_records(db, "KEC-9.9")
    with pytest.raises(FiguresError, match="outside PVR"):
        feeding_records(db, "PVR-3.1", quarter="FY2017Q3")


@pytest.mark.parametrize(
    "code, today, expected",
    [
        ("KEC", date(2019, 7, 1), "FY2019Q3"),
        ("KEC", date(2019, 6, 30), "FY2019Q2"),  # the quarter ends that day: not complete yet
        ("KEC", date(2025, 1, 1), "FY2020Q3"),  # clipped to the programme's last quarter
        ("KEC", date(2016, 5, 1), "FY2017Q2"),  # before any quarter ended: the first
        ("PVR", date(2018, 4, 1), "FY2018Q2"),
        ("GIFT", date(2012, 4, 1), "2012Q1"),
    ],
)
def test_latest_complete_quarter(db, code, today, expected):
    assert latest_complete_quarter(code, today, session=db).code == expected
    assert latest_complete_quarter(figures(db, code, expected).programme, today).code == expected


def test_the_activities_listing_reads_the_newest_quarter_first_and_counts_every_record(db):
    from indicators.store.records import listing

    for day, female in (
        (date(2018, 11, 5), 1),
        (date(2019, 5, 2), 2),
        (date(2019, 5, 20), 3),
        (date(2020, 2, 3), 4),
    ):
        make_training(db, "KEC", start_date=day, female=female)
    listed, total = listing(db, ["KEC"], kind="trainings", limit=3)
    assert total == 4 and [(r.quarter, r.line.female) for r in listed] == [
        ("FY2020Q2", 4),
        ("FY2019Q3", 3),
        ("FY2019Q3", 2),
    ]
    every, _ = listing(db, ["KEC"], kind="trainings", limit=None)
    assert [r.line.female for r in every] == [4, 3, 2, 1]
