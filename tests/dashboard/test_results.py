"""Direct results entry: an entry goes through the results sheet's own rules, is refused field by field with
the importer's messages, corrects an earlier entry of the same indicator, quarter and category, respects
signed-off quarters, and is listed with who entered it."""

from __future__ import annotations

import importlib

import dash
import pytest
from sqlalchemy import delete, func, select

from indicators.figures import signoff
from indicators.store.models import Programme, ResultValue
from tests.dashboard.test_pages import texts


@pytest.fixture(scope="module")
def page(demo_app, demo_store):
    """The Direct results page, with a programme measuring two indicators by direct entry in the store."""
    from tests.builders import make_programme

    with demo_store.begin() as session:
        make_programme(session)
    yield importlib.import_module("dashboard.results")
    with demo_store.begin() as session:
        programme = session.scalar(select(Programme).where(Programme.code == "TST"))
        session.execute(delete(ResultValue).where(ResultValue.programme_id == programme.id))
        session.delete(programme)


def enter(
    page, request_context, indicator, period, value, disaggregation, comment, who="officer", parts=("", "")
):
    with request_context(as_user=who):
        return page.enter(1, indicator, period, value, *parts, disaggregation, comment, {"programme": "TST"})


def test_the_form_offers_the_indicators_measured_by_direct_entry(page, request_context):
    from tests.dashboard.test_pages import find

    with request_context(as_user="officer"):
        drawn = page.layout(programme="TST")
    assert [o["value"] for o in find(drawn, "results-indicator").options] == ["TST-1.1", "TST-1.2"]
    assert find(drawn, "results-period").options[0]["value"] == "FY2020Q4"  # newest first


def test_an_entry_is_stored_listed_and_corrected_by_a_second(page, request_context, demo_store):
    outcome, listing, *_ = enter(
        page, request_context, "TST-1.1", "FY2019Q3", "12", "sex=Female", "Partner report"
    )
    assert texts(outcome) == "TST-1.1 · FY2019Q3: 12 entered by olivier."
    rows = listing.rowData
    with request_context(as_user="officer"):
        assert page.name_the_entry("TST-1.1", "FY2019Q3", {"units": {"TST-1.1": "number"}}) == (
            "Enter the result for TST-1.1 · FY2019Q3",
            {"display": "none"},
            "",
            "",
        )
    assert [(r["indicator"], r["period"], r["category"], r["value"], r["by"], r["source"]) for r in rows] == [
        ("TST-1.1", "FY2019Q3", "sex=Female", "12", "olivier", "browser")
    ]
    outcome, listing, *_ = enter(
        page, request_context, "TST-1.1", "FY2019Q3", "14", "sex=Female", "Corrected", who="manager"
    )
    assert texts(outcome) == "TST-1.1 · FY2019Q3: 14 corrected by claire."
    with demo_store.Session() as session:
        stored = session.scalars(select(ResultValue).join(Programme).where(Programme.code == "TST")).all()
    assert [(r.quarter, r.category, r.value, r.comment) for r in stored] == [
        ("FY2019Q3", "Female", 14, "Corrected")
    ]


@pytest.mark.parametrize(
    "values, field, message",
    [
        (("TST-1.1", "FY2019", "3", "", ""), "period", "a reporting quarter of TST"),
        (("TST-1.1", "FY2019Q3", "many", "", ""), "value", "a number"),
        (
            ("TST-1.1", "FY2019Q3", "3", "nationality=Burundi", ""),
            "disaggregation",
            "a disaggregation of TST-1.1",
        ),
        (("TST-9.9", "FY2019Q3", "3", "", ""), "indicator", "an indicator code of TST"),
    ],
)
def test_a_refused_entry_is_marked_under_its_field_with_the_sheets_message(
    page, request_context, demo_store, values, field, message
):
    from indicators.store.models import Upload

    with demo_store.Session() as session:
        uploads = session.scalar(select(func.count(Upload.id)))
    outcome, listing, *marks = enter(page, request_context, *values)
    invalid, feedback = dict(zip(page.FIELDS, marks[:7])), dict(zip(page.FIELDS, marks[7:]))
    assert "Not entered" in texts(outcome) and listing is not None
    assert invalid[field] is True and message in feedback[field]
    assert [name for name, bad in invalid.items() if bad] == [field]
    with demo_store.Session() as session:  # a refused entry is no refused upload
        assert session.scalar(select(func.count(Upload.id))) == uploads


def test_a_signed_off_quarter_refuses_an_entry_naming_the_sign_off(page, request_context, demo_store):
    with demo_store.begin() as session:
        record = signoff.sign_off(
            session,
            "TST",
            "FY2019Q4",
            "claire",
            b"r",
            "iptt",
            "r.xlsx",
            acknowledged=signoff.missing_narratives(session, "TST", "FY2019Q4"),
        )
    try:
        outcome, *_ = enter(page, request_context, "TST-1.2", "FY2019Q2", "75", "", "")
        assert "TST FY2019Q2 is closed: FY2019Q4 was signed off by claire" in texts(outcome)
    finally:
        with demo_store.begin() as session:
            session.delete(session.get(type(record), record.id))


def test_a_percentage_entered_as_its_parts_says_so_and_the_year_is_recomputed(
    page, request_context, demo_store
):
    from indicators.figures.figures import figures
    from indicators.numbers import format_value

    with request_context(as_user="officer"):
        label, style, *parts = page.name_the_entry("TST-1.2", None, {"units": {"TST-1.2": "percent"}})
        assert (label, style) == ("Enter the result for TST-1.2", {}) and parts == [dash.no_update] * 2
        drawn = page.layout(programme="TST")
    assert "recomputed from the summed parts" in texts(drawn)
    outcome, listing, *_ = enter(
        page, request_context, "TST-1.2", "FY2020Q1", "", "", "exit survey", parts=("33", "40")
    )
    assert texts(outcome) == "TST-1.2 · FY2020Q1: 82.5% (33 of 40) entered by olivier."
    enter(page, request_context, "TST-1.2", "FY2020Q2", "", "", "exit survey", parts=("10", "20"))
    with demo_store.Session() as session:
        year = next(
            i for i in figures(session, "TST", "FY2020Q2").indicators if i.indicator.code == "TST-1.2"
        )
    assert format_value(year.year_to_date.actual, "percent") == "71.7%"
    assert {r["parts"] for r in listing.rowData if r["period"] == "FY2020Q1"} == {"33 of 40"}
