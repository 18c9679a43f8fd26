"""Periods: names, bounds, parsing, quarter lists and the fiscal-year boundary."""

from datetime import date

import pytest

from indicators import periods
from indicators.periods import CALENDAR, FISCAL, Period, PeriodError


@pytest.mark.parametrize(
    "text, code",
    [
        ("FY2019Q3", "FY2019Q3"),
        ("FY19Q3", "FY2019Q3"),
        ("fy2019 q3", "FY2019Q3"),
        ("FY2019-Q3", "FY2019Q3"),
        (" fy 19 q 3 ", "FY2019Q3"),
        ("FY2019", "FY2019"),
        ("fy19", "FY2019"),
        ("LOP", "LOP"),
        ("lop", "LOP"),
        ("2012Q1", "2012Q1"),
        ("2012 q1", "2012Q1"),
        ("2012", "2012"),
    ],
)
def test_parse_what_people_type(text, code):
    assert periods.parse(text).code == code


def test_plain_quarter_reads_as_fiscal_for_a_fiscal_programme():
    assert periods.parse("2019Q3", calendar=FISCAL).code == "FY2019Q3"
    assert periods.parse("2012Q1", calendar=CALENDAR).code == "2012Q1"


@pytest.mark.parametrize("text", ["", "FY2019Q5", "Q3", "FY2019Q", "2019-07", "next quarter", "FY20191"])
def test_parse_refuses_what_is_not_a_period(text):
    with pytest.raises(PeriodError):
        periods.parse(text)


def test_fiscal_code_refused_for_calendar_programme():
    with pytest.raises(PeriodError, match="calendar quarters"):
        periods.parse("FY2012Q1", calendar=CALENDAR)


@pytest.mark.parametrize(
    "code, start, end",
    [
        ("FY2019Q1", date(2018, 10, 1), date(2018, 12, 31)),
        ("FY2019Q2", date(2019, 1, 1), date(2019, 3, 31)),
        ("FY2019Q3", date(2019, 4, 1), date(2019, 6, 30)),
        ("FY2019Q4", date(2019, 7, 1), date(2019, 9, 30)),
        ("FY2019", date(2018, 10, 1), date(2019, 9, 30)),
        ("FY2020Q2", date(2020, 1, 1), date(2020, 3, 31)),
        ("2012Q1", date(2012, 1, 1), date(2012, 3, 31)),
        ("2011Q4", date(2011, 10, 1), date(2011, 12, 31)),
        ("2012", date(2012, 1, 1), date(2012, 12, 31)),
    ],
)
def test_bounds(code, start, end):
    period = periods.parse(code)
    assert (period.start, period.end) == (start, end)


def test_lop_bounds_come_from_the_programme():
    lop = periods.parse("LOP")
    assert periods.bounds(lop, date(2017, 1, 1), date(2020, 6, 30)) == (date(2017, 1, 1), date(2020, 6, 30))
    with pytest.raises(PeriodError):
        lop.start  # noqa: B018


def test_first_quarter_is_clipped_to_programme_start():
    kec_first = periods.parse("FY2017Q2")
    assert periods.bounds(kec_first, date(2017, 1, 1), date(2020, 6, 30)) == (
        date(2017, 1, 1),
        date(2017, 3, 31),
    )
    pvr_first = periods.parse("FY2018Q2")
    assert periods.bounds(pvr_first, date(2018, 2, 1), date(2020, 6, 30)) == (
        date(2018, 2, 1),
        date(2018, 3, 31),
    )


@pytest.mark.parametrize(
    "day, code",
    [
        (date(2018, 9, 30), "FY2018Q4"),
        (date(2018, 10, 1), "FY2019Q1"),
        (date(2018, 12, 31), "FY2019Q1"),
        (date(2019, 1, 1), "FY2019Q2"),
        (date(2019, 3, 31), "FY2019Q2"),
        (date(2019, 4, 1), "FY2019Q3"),
        (date(2019, 6, 30), "FY2019Q3"),
        (date(2019, 7, 1), "FY2019Q4"),
        (date(2017, 1, 1), "FY2017Q2"),
        (date(2020, 6, 30), "FY2020Q3"),
        (date(2018, 2, 1), "FY2018Q2"),
    ],
)
def test_quarter_of_fiscal(day, code):
    assert periods.quarter_of(day).code == code


@pytest.mark.parametrize(
    "day, code",
    [
        (date(2011, 10, 1), "2011Q4"),
        (date(2011, 12, 31), "2011Q4"),
        (date(2012, 1, 1), "2012Q1"),
        (date(2012, 3, 31), "2012Q1"),
        (date(2013, 3, 31), "2013Q1"),
        (date(2012, 9, 30), "2012Q3"),
    ],
)
def test_quarter_of_calendar(day, code):
    assert periods.quarter_of(day, CALENDAR).code == code


def test_kec_has_fourteen_quarters_from_fy2017q2_to_fy2020q3():
    quarters = [q.code for q in periods.quarters_between(date(2017, 1, 1), date(2020, 6, 30))]
    assert len(quarters) == 14
    assert quarters[0] == "FY2017Q2" and quarters[-1] == "FY2020Q3"
    assert "FY2018Q1" in quarters and quarters.index("FY2018Q1") == quarters.index("FY2017Q4") + 1


def test_pvr_has_ten_quarters_from_fy2018q2_to_fy2020q3():
    quarters = [q.code for q in periods.quarters_between(date(2018, 2, 1), date(2020, 6, 30))]
    assert len(quarters) == 10
    assert (quarters[0], quarters[-1]) == ("FY2018Q2", "FY2020Q3")


def test_gift_calendar_quarters_over_both_phases():
    quarters = [q.code for q in periods.quarters_between(date(2011, 10, 1), date(2013, 3, 31), CALENDAR)]
    assert quarters == ["2011Q4", "2012Q1", "2012Q2", "2012Q3", "2012Q4", "2013Q1"]


def test_years_between():
    assert [y.code for y in periods.years_between(date(2017, 1, 1), date(2020, 6, 30))] == [
        "FY2017",
        "FY2018",
        "FY2019",
        "FY2020",
    ]
    assert [y.code for y in periods.years_between(date(2011, 10, 1), date(2013, 3, 31), CALENDAR)] == [
        "2011",
        "2012",
        "2013",
    ]


def test_year_of_a_quarter_and_its_quarters():
    q3 = periods.parse("FY2019Q3")
    assert q3.fiscal_year.code == "FY2019"
    assert [q.code for q in q3.fiscal_year.quarters()] == ["FY2019Q1", "FY2019Q2", "FY2019Q3", "FY2019Q4"]
    assert periods.next_quarter(periods.parse("FY2019Q4")).code == "FY2020Q1"
    assert periods.previous_quarter(periods.parse("FY2020Q1")).code == "FY2019Q4"


def test_labels_in_words():
    assert periods.parse("FY2019Q3").label() == "FY2019 Q3: 1 April – 30 June 2019"
    assert periods.parse("FY2019Q1").label() == "FY2019 Q1: 1 October – 31 December 2018"
    assert periods.parse("2012Q1").label() == "2012 Q1: 1 January – 31 March 2012"
    assert periods.parse("FY2019").label() == "FY2019: 1 October 2018 – 30 September 2019"


def test_periods_sort_in_time_order():
    codes = ["FY2019Q3", "FY2018Q4", "FY2019Q1"]
    assert [p.code for p in sorted(periods.parse(c) for c in codes)] == ["FY2018Q4", "FY2019Q1", "FY2019Q3"]
    assert Period(FISCAL, 2019, 3) == periods.parse("FY19Q3")
