"""figures(): report periods, fiscal-year boundaries, partial years, pro-rating, status bands, LOP targets,
the calendar-year programme, provenance and the number of queries. Expectations are computed by hand."""

from contextlib import contextmanager
from datetime import date, datetime
from fractions import Fraction

import pytest
from sqlalchemy import event, select

from indicators.figures.figures import FiguresError, elapsed_share, figures, status
from indicators.numbers import format_value, whole
from indicators.periods import parse
from indicators.reporting.narratives import set_narrative
from indicators.status import AHEAD, BEHIND, ON_TRACK
from indicators.store.models import Indicator, Target
from tests.builders import make_case, make_policy_step, make_research_step, make_training, make_upload


def line(report, code):
    return next(f for f in report.indicators if f.indicator.code == code)


# --- report periods ----------------------------------------------------------------------------------------


def test_typed_period_is_read_in_the_programme_calendar(db):
    report = figures(db, " kec ", "fy19q3")
    assert (report.programme.code, report.period.code, report.year.code) == ("KEC", "FY2019Q3", "FY2019")
    assert figures(db, "KEC", "2019Q3").period.code == "FY2019Q3"
    assert figures(db, "KEC", parse("FY2019Q3")).period.code == "FY2019Q3"
    assert [f.indicator.code for f in report.indicators] == [
        "KEC-1.1",
        "KEC-2.1",
        "KEC-3.1",
        "KEC-4.1",
        "KEC-4.2",
        "KEC-4.3",
        "KEC-5.1",
        "KEC-5.2",
    ]


@pytest.mark.parametrize(
    "programme, period, message",
    [
        ("KEC", "FY2019", r"FY2019 is a year.*FY2017Q2 … FY2020Q3"),
        ("KEC", "LOP", r"LOP is the life of project.*FY2017Q2 … FY2020Q3"),
        ("KEC", "FY2017Q1", r"FY2017Q1 is outside KEC, which runs from FY2017Q2 to FY2020Q3"),
        ("KEC", "FY2020Q4", r"FY2020Q4 is outside KEC, which runs from FY2017Q2 to FY2020Q3"),
        ("PVR", "FY2018Q1", r"FY2018Q1 is outside PVR, which runs from FY2018Q2 to FY2020Q3"),
        ("KEC", "next quarter", r"not a period.*FY2017Q2 … FY2020Q3"),
        ("GIFT", "FY2012Q1", r"calendar quarters"),
        ("GIFT", "2012", r"2012 is a year.*2011Q4 … 2013Q1"),
        ("GIFT", "2013Q2", r"2013Q2 is outside GIFT, which runs from 2011Q4 to 2013Q1"),
        ("XYZ", "FY2019Q3", r"unknown programme 'XYZ'; known programmes: GIFT, KEC, PVR"),
    ],
)
def test_refused_periods_name_the_programme_quarters(db, programme, period, message):
    with pytest.raises(FiguresError, match=message):
        figures(db, programme, period)


# --- fiscal-year boundary and partial years -------------------------------------------------------------------


def test_30_september_and_1_october_fall_in_different_fiscal_years(db):
    make_training(db, "KEC", start_date=date(2018, 9, 30))
    make_training(db, "KEC", start_date=date(2018, 10, 1))
    fy18q4 = line(figures(db, "KEC", "FY2018Q4"), "KEC-4.1")
    assert (fy18q4.quarter.actual, fy18q4.year_to_date.actual, fy18q4.lop_to_date.actual) == (1, 1, 1)
    assert fy18q4.year_to_date.target == 10  # FY2018's
    fy19q1 = line(figures(db, "KEC", "FY2019Q1"), "KEC-4.1")
    assert (fy19q1.quarter.actual, fy19q1.year_to_date.actual, fy19q1.lop_to_date.actual) == (1, 1, 2)
    assert fy19q1.year_to_date.target == 10  # FY2019's
    assert fy19q1.year_quarters == {"FY2019Q1": 1, "FY2019Q2": None, "FY2019Q3": None, "FY2019Q4": None}


def test_kec_first_fiscal_year_starts_in_january_2017(db):
    make_training(db, "KEC", start_date=date(2017, 2, 10), female=20, male=20)
    kec42 = line(figures(db, "KEC", "FY2017Q2"), "KEC-4.2")
    assert kec42.year_quarters == {"FY2017Q1": None, "FY2017Q2": 40, "FY2017Q3": None, "FY2017Q4": None}
    ytd = kec42.year_to_date
    assert (ytd.actual, ytd.target, ytd.percent_of_target) == (40, 120, 33)
    # FY2017 is 1 Jan – 30 Sep 2017 for KEC (273 days), 90 elapsed: 120 × 90/273 = 39.56 -> 101% On track
    # (over the whole fiscal year it would be 120 × 182/365 = 59.8 -> 67% Behind)
    assert elapsed_share(parse("FY2017"), parse("FY2017Q2"), date(2017, 1, 1), date(2020, 6, 30)) == Fraction(
        90, 273
    )
    assert ytd.status == ON_TRACK
    lop = kec42.lop_to_date
    # LOP 1 Jan 2017 – 30 Jun 2020 is 1277 days: 1120 × 90/1277 = 78.9 -> 40 is 51% Behind
    assert (lop.actual, lop.target, lop.percent_of_target, lop.status) == (40, 1120, 4, BEHIND)
    assert kec42.status == ON_TRACK  # the row's status follows the year's target


def test_pvr_first_fiscal_year_starts_in_february_2018(db):
    make_training(db, "PVR", start_date=date(2018, 2, 15), female=16, male=20)
    pvr11 = line(figures(db, "PVR", "FY2018Q2"), "PVR-1.1")
    assert pvr11.year_quarters == {"FY2018Q1": None, "FY2018Q2": 36, "FY2018Q3": None, "FY2018Q4": None}
    # FY2018 is 1 Feb – 30 Sep 2018 (242 days), 59 elapsed: 150 × 59/242 = 36.57 -> 98% On track
    ytd = pvr11.year_to_date
    assert (ytd.actual, ytd.target, ytd.percent_of_target, ytd.status) == (36, 150, 24, ON_TRACK)
    # LOP 1 Feb 2018 – 30 Jun 2020 is 881 days: 450 × 59/881 = 30.14 -> 119% Ahead
    lop = pvr11.lop_to_date
    assert (lop.actual, lop.target, lop.percent_of_target, lop.status) == (36, 450, 8, AHEAD)


def test_last_fiscal_year_ends_with_the_programme(db):
    for day in (date(2019, 10, 10), date(2019, 12, 1), date(2020, 2, 3), date(2020, 3, 30)):
        make_training(db, "KEC", start_date=day)
    kec41 = line(figures(db, "KEC", "FY2020Q2"), "KEC-4.1")
    # FY2020 is 1 Oct 2019 – 30 Jun 2020 (274 days), 183 elapsed: 6 × 183/274 = 4.007 -> 100% On track
    # (over the whole fiscal year it would be 3 -> 133% Ahead)
    assert (kec41.year_to_date.actual, kec41.year_to_date.target, kec41.year_to_date.status) == (
        4,
        6,
        ON_TRACK,
    )
    last = line(figures(db, "KEC", "FY2020Q3"), "KEC-4.1")
    assert last.year_quarters == {"FY2020Q1": 2, "FY2020Q2": 2, "FY2020Q3": 0, "FY2020Q4": None}
    assert last.year_to_date.status == BEHIND  # 4 of 6 with the whole year elapsed: 67%


# --- targets and status ----------------------------------------------------------------------------------------


def test_lop_to_date_is_against_the_lop_target_not_the_sum_of_year_targets(db):
    for i in range(10):
        make_training(db, "KEC", start_date=date(2017, 3 + i, 1))  # Mar–Dec 2017
    kec42 = line(figures(db, "KEC", "FY2018Q4"), "KEC-4.2")
    assert kec42.lop_to_date.target == 1120  # not FY2017 + FY2018 = 520
    indicator = db.scalar(select(Indicator).where(Indicator.code == "KEC-4.1"))
    db.scalar(select(Target).where(Target.indicator_id == indicator.id, Target.period == "LOP")).value = 20
    db.flush()
    kec41 = line(figures(db, "KEC", "FY2018Q4"), "KEC-4.1")
    lop = kec41.lop_to_date
    # 20 × 638/1277 days = 9.99 -> 10 is 100% On track (against 4 + 10 year targets it would be 71%)
    assert (lop.actual, lop.target, lop.percent_of_target, lop.status) == (10, 20, 50, ON_TRACK)


@pytest.mark.parametrize(
    "actual, target, share, expected",
    [
        (84.6, 100, 1, ON_TRACK),  # 84.6 -> 85: within 15
        (84.4, 100, 1, BEHIND),  # 84.4 -> 84
        (84.5, 100, 1, ON_TRACK),  # half up
        (85.4, 100, 1, ON_TRACK),  # a 14.6% deviation is shown as 15% and banded as 15%
        (115.4, 100, 1, ON_TRACK),
        (115.5, 100, 1, AHEAD),
        (423, 1000, Fraction(1, 2), ON_TRACK),  # 84.6% of the pro-rated 500
        (0, 0, 1, ON_TRACK),
        (1, 0, 1, AHEAD),
        (5, None, 1, None),
        (None, 80, 1, None),
    ],
)
def test_status_rounds_once_then_bands(actual, target, share, expected):
    assert status(actual, target, share) == expected


def test_whole_rounds_half_up():
    assert [whole(x) for x in (16.5, 17.5, 84.49, 84.5, Fraction(169, 2))] == [17, 18, 84, 85, 85]


@pytest.mark.parametrize("passed, expected", [(1692, ON_TRACK), (1688, BEHIND)])
def test_percent_indicator_is_not_pro_rated(db, passed, expected):
    make_training(db, "KEC", start_date=date(2018, 10, 20), female=1250, male=1250, passed_post_test=passed)
    kec43 = line(figures(db, "KEC", "FY2019Q1"), "KEC-4.3")
    # 1692/2500 = 67.68% of an 80% target = 84.6 -> 85 On track; 1688/2500 = 67.52% -> 84.4 -> 84 Behind
    assert kec43.year_to_date.status == expected
    assert kec43.year_to_date.percent_of_target == (85 if passed == 1692 else 84)


def test_zero_target(db):
    kec11 = line(figures(db, "KEC", "FY2018Q2"), "KEC-1.1")
    assert (kec11.year_to_date.target, kec11.year_to_date.percent_of_target, kec11.year_to_date.status) == (
        0,
        None,
        ON_TRACK,
    )
    make_research_step(db, "KEC", stage="Published", date=date(2018, 1, 10))
    kec11 = line(figures(db, "KEC", "FY2018Q2"), "KEC-1.1")
    assert (kec11.year_to_date.actual, kec11.year_to_date.percent_of_target, kec11.status) == (1, None, AHEAD)
    # a milestone is judged against its full target: 1 of 1 is On track, not Ahead of a pro-rated target
    assert kec11.lop_to_date.percent_of_target == 100 and kec11.lop_to_date.status == ON_TRACK
    assert (kec11.lop_to_date.target_to_date, kec11.lop_to_date.percent_of_target_to_date) == (1, 100)
    assert kec11.needs_narrative  # the year's target was 0: a year early is Ahead


def test_a_milestone_is_not_behind_before_its_year_ends_nor_ahead_the_day_it_is_reached(db):
    # KEC-2.1: 1 law, policy or procedure adopted in FY2019 (a stage measure)
    q1 = line(figures(db, "KEC", "FY2019Q1"), "KEC-2.1")
    assert (q1.year_to_date.actual, q1.year_to_date.target_to_date, q1.status) == (0, 1, ON_TRACK)
    assert q1.year_to_date.percent_of_target_to_date == 0
    make_policy_step(db, "KEC", instrument="Anti-trafficking law", stage="Adopted", date=date(2019, 5, 2))
    q3 = line(figures(db, "KEC", "FY2019Q3"), "KEC-2.1")
    assert (q3.year_to_date.actual, q3.year_to_date.target_to_date, q3.status) == (1, 1, ON_TRACK)
    assert not q3.needs_narrative


def test_a_milestone_missed_when_its_year_ends_is_behind(db):
    q3 = line(figures(db, "KEC", "FY2019Q3"), "KEC-1.1")  # 1 study due in FY2019, none published
    assert q3.status == ON_TRACK
    q4 = line(figures(db, "KEC", "FY2019Q4"), "KEC-1.1")
    assert (q4.year_to_date.actual, q4.year_to_date.target_to_date, q4.status) == (0, 1, BEHIND)


def test_target_to_date_is_the_pro_rated_target_the_status_is_judged_against(db):
    make_training(db, "KEC", start_date=date(2019, 4, 10), female=150, male=150)
    kec42 = line(figures(db, "KEC", "FY2019Q3"), "KEC-4.2")
    # FY2019: 400 × 273/365 days elapsed at 30 June = 299.18, given as 299 people (whole things); 300 of it
    # is 100% On track, though 75% of the full year's target
    ytd = kec42.year_to_date
    assert ytd.percent_of_target == 75
    assert (
        ytd.target_to_date == 299
        and isinstance(ytd.target_to_date, int)
        and ytd.percent_of_target_to_date == 100
    )
    assert ytd.status == ON_TRACK
    assert format_value(ytd.target_to_date) == "299"


def test_a_quarter_target_is_the_year_target_by_the_same_days(db):
    from indicators.figures.figures import quarter_target
    from indicators.store.models import Programme

    kec = db.scalar(select(Programme).where(Programme.code == "KEC"))
    args = (kec.start_date, kec.end_date, "number", {"type": "sum"})
    # FY2017 is clipped to 1 January – 30 September 2017 (273 days); Q2 holds 90 of them
    assert quarter_target(120, parse("FY2017Q2"), *args) == pytest.approx(120 * 90 / 273)
    quarters = [parse(f"FY2019Q{n}") for n in range(1, 5)]
    assert sum(quarter_target(400, q, *args) for q in quarters) == pytest.approx(400)
    assert (
        quarter_target(80, parse("FY2019Q2"), kec.start_date, kec.end_date, "percent", {"type": "ratio"})
        == 80
    )
    assert (
        quarter_target(1, parse("FY2019Q2"), kec.start_date, kec.end_date, "number", {"type": "stage"})
        is None
    )


def test_quarters_and_categories_have_no_targets(db):
    make_training(db, "KEC", start_date=date(2019, 4, 10))
    kec42 = line(figures(db, "KEC", "FY2019Q3"), "KEC-4.2")
    assert (kec42.quarter.target, kec42.quarter.percent_of_target, kec42.quarter.status) == (None, None, None)
    for category in kec42.disaggregations:
        for figure in (category.quarter, category.year_to_date, category.lop_to_date):
            assert (figure.target, figure.percent_of_target, figure.status) == (None, None, None)


# --- the calendar-year programme ----------------------------------------------------------------------------


def test_gift_calendar_quarters_and_lop_only_targets(db):
    make_training(
        db, "GIFT", start_date=date(2011, 11, 5), female=3, male=5, target_group="Civil society organisations"
    )
    make_training(
        db,
        "GIFT",
        start_date=date(2012, 2, 10),
        female=10,
        male=15,
        target_group="Local government officials",
    )
    make_training(db, "GIFT", start_date=date(2012, 3, 1), female=2, male=8, target_group="Law enforcement")
    report = figures(db, "GIFT", "2012Q1")
    assert (report.period.code, report.year.code) == ("2012Q1", "2012")
    gift11 = line(report, "GIFT-1.1")
    assert gift11.year_quarters == {"2012Q1": 25, "2012Q2": None, "2012Q3": None, "2012Q4": None}
    assert (gift11.year_to_date.actual, gift11.year_to_date.target, gift11.year_to_date.status) == (
        25,
        None,
        None,
    )
    lop = gift11.lop_to_date
    # 33 of 200 = 16.5% -> 17; LOP 1 Oct 2011 – 31 Mar 2013 is 548 days, 183 elapsed: 200 × 183/548 = 66.8
    # -> 49% Behind
    assert (lop.actual, lop.target, lop.percent_of_target, lop.status) == (33, 200, 17, BEHIND)
    assert gift11.status == BEHIND  # no year target: the LOP status
    gift21 = line(report, "GIFT-2.1")
    assert gift21.lop_to_date.actual == 10
    assert [(c.disaggregation, c.category, c.lop_to_date.actual) for c in gift21.disaggregations] == [
        ("sex", "Female", 2),
        ("sex", "Male", 8),
        ("target_group", "Law enforcement", 10),
    ]
    first = line(figures(db, "GIFT", "2011Q4"), "GIFT-1.1")
    assert first.year_quarters == {"2011Q1": None, "2011Q2": None, "2011Q3": None, "2011Q4": 8}


# --- provenance, narratives, queries ---------------------------------------------------------------------------


def test_data_as_of_is_the_latest_upload_feeding_the_programme(db):
    april = make_upload(db, uploaded_at=datetime(2019, 5, 2, 10))
    july = make_upload(db, uploaded_at=datetime(2019, 7, 8, 15, 30))
    other = make_upload(db, uploaded_at=datetime(2019, 9, 1))
    make_upload(db, uploaded_at=datetime(2019, 10, 1), outcome="refused")
    assert figures(db, "KEC", "FY2019Q3").data_as_of is None
    make_training(db, "KEC", start_date=date(2019, 4, 2), upload_id=april.id)
    make_case(db, "PVR", date_identified=date(2019, 4, 2), upload_id=other.id)
    make_policy_step(db, "KEC", date=date(2019, 6, 2), upload_id=july.id)
    assert figures(db, "KEC", "FY2019Q3").data_as_of == datetime(2019, 7, 8, 15, 30)
    assert figures(db, "PVR", "FY2019Q3").data_as_of == datetime(2019, 9, 1)
    # A later upload feeding only a later quarter is not part of the FY2019Q3 report's data.
    later = make_upload(db, uploaded_at=datetime(2020, 1, 10))
    make_training(db, "KEC", start_date=date(2019, 11, 5), upload_id=later.id)
    assert figures(db, "KEC", "FY2019Q3").data_as_of == datetime(2019, 7, 8, 15, 30)
    assert figures(db, "KEC", "FY2020Q1").data_as_of == datetime(2020, 1, 10)


def test_narrative_is_shown_with_the_figures(db):
    make_training(db, "KEC", start_date=date(2019, 4, 2))
    assert line(figures(db, "KEC", "FY2019Q3"), "KEC-4.2").needs_narrative
    set_narrative(db, "KEC-4.2", "FY19Q3", "  Trainings moved to July after the elections.  ", "manager")
    report = figures(db, "KEC", "FY2019Q3")
    kec42 = line(report, "KEC-4.2")
    assert kec42.narrative == "Trainings moved to July after the elections."
    assert not kec42.needs_narrative
    assert line(report, "KEC-4.1").narrative is None
    assert line(figures(db, "KEC", "FY2019Q4"), "KEC-4.2").narrative is None


def test_indicator_and_programme_info(db):
    report = figures(db, "KEC", "FY2019Q3")
    assert report.programme.start_date == date(2017, 1, 1) and report.programme.calendar == "fiscal"
    info = line(report, "KEC-4.2").indicator
    assert info.targets == {"FY2017": 120, "FY2018": 400, "FY2019": 400, "FY2020": 200, "LOP": 1120}
    assert (info.result_code, info.result_level, info.standard_indicator) == ("4", "output", "PS.5.3-15")
    assert info.disaggregations == ["sex", "target_group"]


@contextmanager
def counting(session):
    statements = []
    connection = session.connection()

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(connection, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", count)


def test_query_count_does_not_grow_with_the_quarters(db):
    for year in range(2017, 2021):
        make_training(db, "KEC", start_date=date(year, 2, 1), passed_post_test=5)
        make_policy_step(db, "KEC", date=date(year, 3, 1), instrument=f"Instrument {year}")
    figures(db, "KEC", "FY2017Q2")  # warm the session
    with counting(db) as first:
        figures(db, "KEC", "FY2017Q2")  # 1 quarter
    with counting(db) as last:
        figures(db, "KEC", "FY2020Q3")  # 14 quarters
    assert len(first) == len(last)
    assert len(last) <= 8 + 6  # one statement per indicator, plus programme, targets, narratives, uploads


# --- every quarter at once -----------------------------------------------------------------------------------


def test_figures_by_quarter_are_each_quarters_own_figures(db):
    """One read of the sums gives, for every quarter so far, exactly what ``figures`` gives for it: counts,
    sums, a ratio, a milestone, a case indicator attributed by referral, entered numbers and percentages."""
    import random

    from indicators.figures.figures import figures_by_quarter
    from tests.builders import make_awareness, make_programme, make_result_value

    make_programme(db)
    rng = random.Random(42)
    for n in range(40):
        day = date(2018, 10, 1) + (date(2020, 9, 1) - date(2018, 10, 1)) * rng.random()
        make_training(
            db,
            "TST",
            start_date=day,
            female=rng.randint(0, 20),
            male=rng.randint(0, 20),
            target_group=rng.choice(["Media", "Law enforcement"]),
            district=rng.choice(["Huye", "Gasabo"]),
            passed_post_test=rng.choice([None, rng.randint(0, 10)]),
        )
        make_training(db, "KEC", start_date=day, female=rng.randint(0, 20), male=rng.randint(0, 20))
        make_awareness(db, "KEC", date=day, setting=rng.choice(["Community", "School"]))
        make_case(
            db,
            "PVR",
            date_identified=day,
            sex=rng.choice(["Female", "Male"]),
            referral_date=day if rng.random() < 0.6 else None,
        )
    make_policy_step(
        db, "TST", date=date(2019, 2, 1), instrument="SOP", stage="Drafted", instrument_type="Guidelines"
    )
    make_policy_step(
        db, "TST", date=date(2019, 8, 1), instrument="SOP", stage="Validated", instrument_type="Guidelines"
    )
    make_result_value(db, "TST-1.1", "FY2019Q2", 12, "sex", "Female")
    make_result_value(db, "TST-1.1", "FY2019Q4", 30)
    make_result_value(db, "TST-1.2", "FY2019Q3", 70.5)
    make_result_value(db, "TST-1.2", "FY2019", 72)
    set_narrative(db, "TST-2.1", "FY2019Q3", "Fewer tests were given in Q3.", "claire")
    for code, report in (("TST", "FY2020Q3"), ("KEC", "FY2019Q4"), ("PVR", "FY2020Q2")):
        every = figures_by_quarter(db, code, report)
        assert list(every)[-1] == report and len(every) > 3
        for quarter, by_quarter in every.items():
            alone = figures(db, code, quarter)
            assert by_quarter.indicators == alone.indicators, (code, quarter)
            assert (by_quarter.period, by_quarter.year) == (alone.period, alone.year)
        assert every[report].data_as_of == figures(db, code, report).data_as_of
