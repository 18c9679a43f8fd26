"""Each measure, filter, attribution date and disaggregation, on small hand-counted data."""

from datetime import date

import pytest
from sqlalchemy import select

from indicators.figures.categories import canonical, order_categories
from indicators.figures.figures import FiguresError, figures
from indicators.figures.measures import UNKNOWN
from indicators.store.models import Training
from tests.builders import (
    make_awareness,
    make_case,
    make_meeting,
    make_policy_step,
    make_programme,
    make_research_step,
    make_result_value,
    make_training,
    make_upload,
    refresh_sums,
)


def line(report, code):
    return next(f for f in report.indicators if f.indicator.code == code)


def cats(figure_line, disaggregation, attribute="lop_to_date"):
    return {
        c.category: getattr(c, attribute).actual
        for c in figure_line.disaggregations
        if c.disaggregation == disaggregation
    }


def order(figure_line, disaggregation):
    return [c.category for c in figure_line.disaggregations if c.disaggregation == disaggregation]


def test_count_per_quarter_year_and_lop(db):
    for day in (
        date(2018, 8, 1),
        date(2018, 9, 30),
        date(2018, 11, 5),
        date(2019, 4, 1),
        date(2019, 5, 5),
        date(2019, 6, 30),
        date(2019, 7, 1),
    ):
        make_training(db, "KEC", start_date=day)
    kec41 = line(figures(db, "KEC", "FY2019Q3"), "KEC-4.1")
    assert kec41.quarter.actual == 3  # 1 Apr, 5 May, 30 Jun
    assert kec41.year_to_date.actual == 4  # + 5 Nov 2018 (FY2019Q1)
    assert kec41.lop_to_date.actual == 6  # + Aug and 30 Sep 2018; 1 Jul 2019 is after the report quarter
    assert kec41.year_quarters == {"FY2019Q1": 1, "FY2019Q2": 0, "FY2019Q3": 3, "FY2019Q4": None}


def test_count_with_text_filter_trimmed_and_case_insensitive(db):
    make_meeting(db, "KEC", date=date(2019, 4, 2), body="Technical Committee")
    make_meeting(db, "KEC", date=date(2019, 5, 2), body="  technical committee ")
    make_meeting(db, "KEC", date=date(2019, 5, 9), body="Steering Committee")
    assert line(figures(db, "KEC", "FY2019Q3"), "KEC-3.1").quarter.actual == 2


def test_sum_split_by_sex_and_grouped_by_target_group(db):
    make_training(db, "KEC", start_date=date(2019, 4, 2), female=12, male=8, target_group="Law enforcement")
    make_training(db, "KEC", start_date=date(2019, 4, 9), female=1, male=4, target_group="law enforcement ")
    make_training(
        db, "KEC", start_date=date(2019, 5, 2), female=5, male=15, target_group="Immigration officers"
    )
    make_training(db, "KEC", start_date=date(2019, 6, 2), female=3, male=2, target_group="  ")
    kec42 = line(figures(db, "KEC", "FY2019Q3"), "KEC-4.2")
    assert kec42.quarter.actual == 50
    assert cats(kec42, "sex", "quarter") == {"Female": 21, "Male": 29}
    assert cats(kec42, "target_group", "quarter") == {
        "Law enforcement": 25,
        "Immigration officers": 20,
        UNKNOWN: 5,
    }
    assert order(kec42, "target_group") == ["Law enforcement", "Immigration officers", UNKNOWN]
    for disaggregation in ("sex", "target_group"):
        for attribute in ("quarter", "year_to_date", "lop_to_date"):
            assert sum(cats(kec42, disaggregation, attribute).values()) == getattr(kec42, attribute).actual


def test_sex_split_lists_female_and_male_even_without_data(db):
    kec51 = line(figures(db, "KEC", "FY2019Q3"), "KEC-5.1")
    assert [(c.disaggregation, c.category, c.lop_to_date.actual) for c in kec51.disaggregations] == [
        ("sex", "Female", 0),
        ("sex", "Male", 0),
    ]


def test_awareness_filter_and_camp_disaggregation(db):
    make_awareness(
        db,
        "PVR",
        date=date(2019, 4, 3),
        setting="Refugee camp",
        camp="Mahama",
        district="Kirehe",
        female=30,
        male=20,
    )
    make_awareness(
        db,
        "PVR",
        date=date(2019, 4, 10),
        setting="refugee camp",
        camp="Kiziba",
        district="Karongi",
        female=10,
        male=10,
    )
    make_awareness(db, "PVR", date=date(2019, 4, 12), setting="Community", female=100, male=100)
    make_awareness(db, "PVR", date=date(2019, 4, 20), setting="Refugee camp", camp=None, female=5, male=5)
    pvr21 = line(figures(db, "PVR", "FY2019Q3"), "PVR-2.1")
    assert pvr21.quarter.actual == 80
    assert cats(pvr21, "sex", "quarter") == {"Female": 45, "Male": 35}
    assert cats(pvr21, "camp", "quarter") == {"Mahama": 50, "Kiziba": 20, UNKNOWN: 10}
    assert order(pvr21, "camp") == ["Mahama", "Kiziba", UNKNOWN]


def test_cases_status_list_filter_and_column_disaggregations(db):
    make_case(
        db, "PVR", date_identified=date(2019, 4, 5), sex="Female", age_group="Adult", nationality="Burundi"
    )
    make_case(
        db,
        "PVR",
        date_identified=date(2019, 4, 6),
        sex="Male",
        age_group="Child",
        nationality="Congo, The Democratic Republic of the",
        status=" actual victim",
    )
    make_case(db, "PVR", date_identified=date(2019, 5, 6), sex="Unknown", age_group="Unknown", nationality="")
    make_case(db, "PVR", date_identified=date(2019, 5, 7), sex="Female", status="Not a victim")
    pvr31 = line(figures(db, "PVR", "FY2019Q3"), "PVR-3.1")
    assert pvr31.quarter.actual == 3
    assert cats(pvr31, "sex") == {"Female": 1, "Male": 1, UNKNOWN: 1}
    assert cats(pvr31, "age_group") == {"Child": 1, "Adult": 1, UNKNOWN: 1}
    assert order(pvr31, "age_group") == ["Child", "Adult", UNKNOWN]
    assert order(pvr31, "nationality") == ["Burundi", "Congo, The Democratic Republic of the", UNKNOWN]


def test_referrals_count_in_the_quarter_of_the_referral_date(db):
    make_case(db, "PVR", date_identified=date(2019, 3, 20), referral_date=date(2019, 4, 2))
    make_case(db, "PVR", date_identified=date(2019, 4, 20), referral_date=date(2019, 7, 1))
    make_case(db, "PVR", date_identified=date(2019, 4, 21))  # not referred
    report = figures(db, "PVR", "FY2019Q3")
    assert line(report, "PVR-3.1").quarter.actual == 2  # identified in Apr–Jun
    pvr32 = line(report, "PVR-3.2")
    assert pvr32.quarter.actual == 1  # referred 2 April; the 1 July referral is FY2019Q4
    assert pvr32.year_quarters == {"FY2019Q1": 0, "FY2019Q2": 0, "FY2019Q3": 1, "FY2019Q4": None}
    assert line(figures(db, "PVR", "FY2019Q4"), "PVR-3.2").year_to_date.actual == 2


def test_only_possible_or_actual_victims_count_as_referred(db):
    make_case(db, "PVR", date_identified=date(2019, 4, 2), referral_date=date(2019, 4, 9))
    make_case(
        db, "PVR", date_identified=date(2019, 4, 3), referral_date=date(2019, 4, 9), status="Actual victim"
    )
    make_case(
        db, "PVR", date_identified=date(2019, 4, 4), referral_date=date(2019, 4, 9), status="Not a victim"
    )
    report = figures(db, "PVR", "FY2019Q3")
    assert line(report, "PVR-3.2").quarter.actual == 2  # the person found not to be a victim is not counted
    assert line(report, "PVR-3.1").quarter.actual == 2


def test_policy_counted_once_in_the_quarter_it_is_first_adopted(db):
    law = "Law on the prevention of trafficking in persons"
    make_policy_step(db, "KEC", instrument=law, stage="Drafted", date=date(2018, 5, 2))
    make_policy_step(db, "KEC", instrument=law, stage="Validated", date=date(2018, 8, 2))
    make_policy_step(db, "KEC", instrument=law, stage="Adopted", date=date(2018, 9, 20))  # FY2018Q4
    # re-stated later, spelt differently: not a second adoption
    make_policy_step(
        db,
        "KEC",
        instrument="  LAW ON THE PREVENTION OF  TRAFFICKING in persons",
        stage="adopted",
        date=date(2019, 2, 1),
    )
    plan = "National action plan 2019-2024"
    make_policy_step(
        db,
        "KEC",
        instrument=plan,
        instrument_type="National action plan",
        stage="Drafted",
        date=date(2018, 11, 5),
    )
    make_policy_step(
        db,
        "KEC",
        instrument=plan,
        instrument_type="National action plan",
        stage="Adopted",
        date=date(2019, 5, 15),
    )
    make_policy_step(
        db,
        "KEC",
        instrument="SOP on referral",
        instrument_type="Standard operating procedures",
        stage="Validated",
        date=date(2019, 6, 1),
    )
    fy18q4 = line(figures(db, "KEC", "FY2018Q4"), "KEC-2.1")
    assert (fy18q4.quarter.actual, fy18q4.year_to_date.actual, fy18q4.lop_to_date.actual) == (1, 1, 1)
    assert line(figures(db, "KEC", "FY2019Q2"), "KEC-2.1").quarter.actual == 0
    kec21 = line(figures(db, "KEC", "FY2019Q3"), "KEC-2.1")
    assert (kec21.quarter.actual, kec21.year_to_date.actual, kec21.lop_to_date.actual) == (1, 1, 2)
    assert kec21.year_quarters == {"FY2019Q1": 0, "FY2019Q2": 0, "FY2019Q3": 1, "FY2019Q4": None}
    assert cats(kec21, "instrument_type") == {"Law": 1, "National action plan": 1}
    assert cats(kec21, "instrument_type", "year_to_date") == {"Law": 0, "National action plan": 1}


def test_stage_or_beyond_counts_a_skipped_stage(db):
    make_programme(db)
    make_policy_step(
        db,
        "TST",
        instrument="Referral SOP",
        instrument_type="Standard operating procedures",
        stage="Adopted",
        date=date(2019, 2, 4),
    )  # never recorded as Validated: counts in FY2019Q2
    make_policy_step(
        db,
        "TST",
        instrument="Guidelines on shelters",
        instrument_type="Guidelines",
        stage="Validated",
        date=date(2018, 11, 4),
    )
    make_policy_step(
        db,
        "TST",
        instrument="Guidelines on shelters",
        instrument_type="Guidelines",
        stage="Adopted",
        date=date(2019, 5, 4),
    )
    tst = line(figures(db, "TST", "FY2019Q3"), "TST-3.1")
    assert tst.year_quarters == {"FY2019Q1": 1, "FY2019Q2": 1, "FY2019Q3": 0, "FY2019Q4": None}
    assert cats(tst, "instrument_type") == {"Standard operating procedures": 1, "Guidelines": 1}


def test_research_title_counted_when_published(db):
    title = "Trafficking in persons in Rwanda: a baseline study"
    make_research_step(db, "KEC", title=title, stage="Inception", date=date(2018, 3, 1))
    make_research_step(db, "KEC", title=title, stage="Validated", date=date(2019, 1, 10))
    make_research_step(db, "KEC", title=title, stage="Published", date=date(2019, 4, 20))
    make_research_step(db, "KEC", title=title.upper(), stage="Published", date=date(2019, 8, 1))
    kec11 = line(figures(db, "KEC", "FY2019Q4"), "KEC-1.1")
    assert kec11.year_quarters == {"FY2019Q1": 0, "FY2019Q2": 0, "FY2019Q3": 1, "FY2019Q4": 0}
    assert kec11.lop_to_date.actual == 1


def test_ratio_is_recomputed_from_sums_never_averaged(db):
    make_training(db, "KEC", start_date=date(2018, 11, 5), female=5, male=5, passed_post_test=9)  # 9/10
    make_training(db, "KEC", start_date=date(2019, 2, 5), female=50, male=50, passed_post_test=40)  # 40/100
    make_training(db, "KEC", start_date=date(2019, 2, 6), female=100, male=0)  # no test given: left out
    kec43 = line(figures(db, "KEC", "FY2019Q2"), "KEC-4.3")
    assert kec43.quarter.actual == 40
    assert kec43.year_quarters == {"FY2019Q1": 90, "FY2019Q2": 40, "FY2019Q3": None, "FY2019Q4": None}
    ytd = kec43.year_to_date
    assert (ytd.numerator, ytd.denominator) == (49, 110)
    assert ytd.actual == pytest.approx(44.5454545)  # 49/110, not (90 + 40) / 2 = 65
    assert ytd.percent_of_target == 56  # 44.55 / 80
    assert kec43.lop_to_date.actual == pytest.approx(44.5454545)


def test_ratio_categories_each_from_their_own_sums(db):
    make_programme(db)
    make_training(
        db,
        "TST",
        start_date=date(2018, 11, 5),
        female=5,
        male=5,
        passed_post_test=9,
        target_group="Law enforcement",
    )
    make_training(
        db,
        "TST",
        start_date=date(2019, 2, 5),
        female=50,
        male=50,
        passed_post_test=40,
        target_group="Immigration officers",
    )
    make_training(
        db,
        "TST",
        start_date=date(2019, 2, 8),
        female=5,
        male=5,
        passed_post_test=3,
        target_group="Law enforcement",
    )
    tst = line(figures(db, "TST", "FY2019Q2"), "TST-2.1")
    assert tst.year_to_date.actual == pytest.approx(52 / 120 * 100)
    by_group = {c.category: c.year_to_date for c in tst.disaggregations if c.disaggregation == "target_group"}
    assert by_group["Law enforcement"].actual == 60  # 12/20
    assert (by_group["Law enforcement"].numerator, by_group["Law enforcement"].denominator) == (12, 20)
    assert by_group["Immigration officers"].actual == 40
    quarter_groups = {
        c.category: c.quarter.actual for c in tst.disaggregations if c.disaggregation == "target_group"
    }
    assert quarter_groups == {"Law enforcement": 30, "Immigration officers": 40}
    q1 = line(figures(db, "TST", "FY2019Q1"), "TST-2.1")
    assert {
        c.category: c.quarter.actual for c in q1.disaggregations if c.disaggregation == "target_group"
    } == {"Law enforcement": 90}
    assert order(tst, "district") == ["Gasabo"]


def test_ratio_with_no_denominator_is_none(db):
    kec43 = line(figures(db, "KEC", "FY2019Q2"), "KEC-4.3")
    assert kec43.quarter.actual is None and kec43.year_to_date.actual is None
    assert kec43.year_to_date.percent_of_target is None and kec43.year_to_date.status is None
    assert kec43.year_quarters == {"FY2019Q1": None, "FY2019Q2": None, "FY2019Q3": None, "FY2019Q4": None}


def test_corrected_reupload_changes_the_figure_instead_of_doubling_it(db):
    first = make_upload(db, filename="trainings-april.xlsx")
    make_training(
        db,
        "KEC",
        reference="TR-2019-014",
        start_date=date(2019, 4, 10),
        female=10,
        male=10,
        upload_id=first.id,
    )
    assert line(figures(db, "KEC", "FY2019Q3"), "KEC-4.2").quarter.actual == 20
    # the importer's update of the row with the same Reference
    corrected = make_upload(db, filename="trainings-april-corrected.xlsx")
    row = db.scalar(select(Training).where(Training.reference == "TR-2019-014"))
    row.female, row.male, row.upload_id, row.row_hash = 12, 10, corrected.id, "corrected"
    db.flush()
    refresh_sums(db, row)  # as the importer does in its transaction
    report = figures(db, "KEC", "FY2019Q3")
    assert line(report, "KEC-4.2").quarter.actual == 22
    assert line(report, "KEC-4.1").quarter.actual == 1


def test_direct_entry_sums_and_categories(db):
    make_programme(db)
    make_result_value(db, "TST-1.1", "FY2019Q1", 10)
    make_result_value(db, "TST-1.1", "FY2019Q1", 6, "sex", "Female")
    make_result_value(db, "TST-1.1", "FY2019Q1", 3, "Sex", "male")  # one short of the total: Unknown 1
    make_result_value(db, "TST-1.1", "FY2019Q2", 4, "sex", "Female")  # no total: the categories' sum
    make_result_value(db, "TST-1.1", "FY2019Q2", 4, "sex=Male")
    tst = line(figures(db, "TST", "FY2019Q2"), "TST-1.1")
    assert (tst.quarter.actual, tst.year_to_date.actual) == (8, 18)
    assert cats(tst, "sex", "year_to_date") == {"Female": 10, "Male": 7, UNKNOWN: 1}
    assert order(tst, "sex") == ["Female", "Male", UNKNOWN]
    assert tst.year_to_date.target == 100


def test_direct_entry_percent_taken_as_entered(db):
    make_programme(db)
    make_result_value(db, "TST-1.2", "FY2019Q1", 70)
    make_result_value(db, "TST-1.2", "FY2019Q2", 85)
    tst = line(figures(db, "TST", "FY2019Q2"), "TST-1.2")
    assert tst.quarter.actual == 85
    assert tst.year_quarters == {"FY2019Q1": 70, "FY2019Q2": 85, "FY2019Q3": None, "FY2019Q4": None}
    assert tst.year_to_date.actual == 85  # the latest, never the average 77.5
    assert tst.year_to_date.percent_of_target == 106 and tst.year_to_date.status == "On track"
    make_result_value(db, "TST-1.2", "FY2019", 78)  # a figure entered for the year itself wins
    assert line(figures(db, "TST", "FY2019Q2"), "TST-1.2").year_to_date.actual == 78


def test_unknown_filter_column_is_a_clear_error(db):
    make_programme(
        db,
        code="BAD",
        results=[
            {
                "code": "1",
                "level": "output",
                "category": "Capacity building",
                "statement": "s",
                "indicators": [
                    {
                        "code": "BAD-1",
                        "name": "n",
                        "unit": "number",
                        "source": {"kind": "trainings", "filter": {"venue": "Kigali"}},
                        "measure": {"type": "count"},
                    }
                ],
            }
        ],
    )
    with pytest.raises(FiguresError, match="BAD-1.*'venue'"):
        figures(db, "BAD", "FY2019Q1")


def test_canonical_and_order():
    assert canonical("target_group", " law ENFORCEMENT ") == "Law enforcement"
    assert canonical("sex", None) == canonical("sex", "  ") == canonical("nationality", "unknown") == UNKNOWN
    assert canonical("nationality", "Burundi ") == "Burundi"
    assert order_categories("setting", ["Unknown", "School", "Community", "Tent"]) == [
        "Community",
        "School",
        "Tent",
        "Unknown",
    ]
    assert order_categories("nationality", ["Unknown", "Rwanda", "Burundi"]) == [
        "Burundi",
        "Rwanda",
        "Unknown",
    ]


def test_the_column_headers_the_measures_name_are_the_importers_own():
    """``KindSpec.headers`` (the indicator side) says what the importer's layouts head each column."""
    from importers.kinds import LAYOUTS
    from indicators.store.kinds import KINDS

    for spec in KINDS:
        layout = next(layout for layout in LAYOUTS if layout.kind == spec.key and not layout.variant)
        labels = {column.field: column.label for column in layout.columns}
        assert spec.sheet == layout.title, spec.key
        assert spec.headers and {c: labels.get(c) for c, _ in spec.headers} == dict(spec.headers), spec.key
        model_columns = set(spec.table.c.keys())
        assert {c for c, _ in spec.headers} <= model_columns, spec.key
        stored = {c.field for c in layout.columns if c.stored and c.field in model_columns} - {"reference"}
        assert stored <= {c for c, _ in spec.headers}, (spec.key, stored - {c for c, _ in spec.headers})
