"""Percentages entered directly with their numerator and denominator (33 of 40 respondents), through the
results sheet: checked as the sheet's rules say, stored with their parts, and recomputed for the year and the
life of project from the summed parts; entries with a value alone (old data) stay readable as before."""

from __future__ import annotations

from fractions import Fraction

import pytest
from sqlalchemy import select

from indicators.figures.figures import figures
from indicators.numbers import format_value
from indicators.store.models import ResultValue
from tests.builders import make_programme

HEADER = "Indicator,Period,Value,Numerator,Denominator,Disaggregation,Comment\n"


def results(*rows: str) -> bytes:
    return (HEADER + "".join(row + "\n" for row in rows)).encode()


def line(db, code: str, quarter: str):
    return next(i for i in figures(db, "TST", quarter).indicators if i.indicator.code == code)


@pytest.fixture
def tst(db):
    make_programme(db)


def test_the_year_and_lop_are_recomputed_from_the_summed_parts(db, load, tst):
    report = load(
        "survey.csv",
        results("TST-1.2,FY2019Q1,,33,40,,exit survey", "TST-1.2,FY2019Q2,,10,20,,exit survey"),
        programme="TST",
    )
    assert report.ok, report.as_text()
    stored = db.execute(
        select(
            ResultValue.quarter, ResultValue.value, ResultValue.numerator, ResultValue.denominator
        ).order_by(ResultValue.quarter)
    ).all()
    assert stored == [("FY2019Q1", 82.5, 33, 40), ("FY2019Q2", 50, 10, 20)]
    tst = line(db, "TST-1.2", "FY2019Q2")
    assert (tst.quarter.actual, tst.quarter.numerator, tst.quarter.denominator) == (50, 10, 20)
    assert tst.year_to_date.actual == pytest.approx(float(Fraction(43, 60) * 100))
    assert (tst.year_to_date.numerator, tst.year_to_date.denominator) == (43, 60)
    assert (
        format_value(tst.year_to_date.actual, "percent") == "71.7%"
    )  # not 50% (the latest), not 66.3% (mean)
    assert format_value(tst.lop_to_date.actual, "percent") == "71.7%"


def test_a_value_beside_its_parts_must_agree_with_them(db, load, tst):
    agreeing = load("a.csv", results("TST-1.2,FY2019Q1,82.5%,33,40,,"), programme="TST")
    assert agreeing.ok, agreeing.as_text()
    report = load("b.csv", results("TST-1.2,FY2019Q2,80,33,40,,"), programme="TST")
    assert [str(p) for p in report.errors] == ["b!C2: found '80'; expected 82.5 (33 of 40), or a blank cell"]


@pytest.mark.parametrize(
    "row, cell, expected",
    [
        ("TST-1.2,FY2019Q1,,33,,,", "E2", "the denominator beside the numerator"),
        ("TST-1.2,FY2019Q1,,,40,,", "D2", "the numerator beside the denominator"),
        ("TST-1.2,FY2019Q1,,41,40,,", "D2", "a number from 0 to the denominator (40)"),
        ("TST-1.2,FY2019Q1,,0,0,,", "E2", "a number above 0"),
        ("TST-1.1,FY2019Q1,,3,4,,", "D2", "TST-1.1 is a number, entered as a value"),
        (
            "TST-1.2,FY2019Q1,,,,,",
            "C2",
            "a number (for a percentage: a value, or its numerator and denominator)",
        ),
    ],
)
def test_parts_that_do_not_make_a_percentage_are_refused_naming_the_cell(db, load, tst, row, cell, expected):
    report = load("bad.csv", results(row), programme="TST")
    assert not report.ok and db.scalar(select(ResultValue.id)) is None
    assert [p.cell for p in report.errors] == [cell] and expected in report.errors[0].expected


def test_entries_with_a_value_alone_are_taken_as_entered(db, load, tst):
    report = load("old.csv", results("TST-1.2,FY2019Q1,70,,,,", "TST-1.2,FY2019Q2,,10,20,,"), programme="TST")
    assert report.ok, report.as_text()
    tst = line(db, "TST-1.2", "FY2019Q2")
    assert (
        tst.quarter.actual == 50 and tst.year_to_date.actual == 50
    )  # not every quarter has parts: the latest
    assert line(db, "TST-1.2", "FY2019Q1").quarter.actual == 70
