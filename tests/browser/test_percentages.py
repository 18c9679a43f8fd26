"""A percentage entered directly as its numerator and denominator, in Chromium: 33 of 40 respondents in one
quarter and 10 of 20 in the next give the year 43 of 60, 71.7%, on the Indicator page and in the figures read
back from the store (not 50%, the latest quarter, nor 66.3%, the mean of the two)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.conftest import accessibility_problems, ensure_user, sign_in
from tests.browser.test_controls import text_of, until_text, wait
from tests.browser.test_dashboard import click, settled, wait_for
from tests.conftest import console_problems

pytestmark = pytest.mark.browser


def _type(browser, element_id: str, text: str) -> None:
    field = browser.find_element(By.ID, element_id)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", field)
    field.clear()
    field.send_keys(text)


def test_33_of_40_and_10_of_20_give_the_year_43_of_60(browser, shipped_server, shipped_store):
    from sqlalchemy import delete, select

    from indicators.figures.figures import figures
    from indicators.numbers import format_value
    from indicators.store.models import Programme, ResultValue
    from tests.builders import make_programme

    with shipped_store.begin() as session:
        make_programme(session)
    ensure_user(shipped_store, "amina", "officer")
    sign_in(browser, shipped_server, "amina")
    browser.get_log("browser")
    try:
        browser.get(shipped_server + "/results?programme=TST")
        wait_for(browser, "results-enter")
        settled(browser)
        assert not browser.find_element(By.ID, "results-numerator").is_displayed()  # TST-1.1 is a number
        Select(browser.find_element(By.ID, "results-indicator")).select_by_value("TST-1.2")
        wait(browser, lambda d: d.find_element(By.ID, "results-numerator").is_displayed())
        assert "recomputed from the summed parts" in text_of(browser, "results-parts")
        for quarter, top, base, shown in (("FY2019Q1", "33", "40", "82.5%"), ("FY2019Q2", "10", "20", "50%")):
            Select(browser.find_element(By.ID, "results-period")).select_by_value(quarter)
            until_text(browser, "results-enter", f"Enter the result for TST-1.2 · {quarter}")
            _type(browser, "results-numerator", top)
            _type(browser, "results-denominator", base)
            _type(browser, "results-comment", "exit survey")
            click(browser, browser.find_element(By.ID, "results-enter"))
            until_text(
                browser,
                "results-outcome",
                f"TST-1.2 · {quarter}: {shown} ({top} of {base}) entered by amina.",
            )
            settled(browser)
        assert accessibility_problems(browser) == []
        with shipped_store.Session() as session:
            year = next(
                i for i in figures(session, "TST", "FY2019Q2").indicators if i.indicator.code == "TST-1.2"
            )
        assert (year.year_to_date.numerator, year.year_to_date.denominator) == (43, 60)
        assert format_value(year.year_to_date.actual, "percent") == "71.7%"

        browser.get(shipped_server + "/indicator?code=TST-1.2&period=FY2019Q2")
        wait_for(browser, "indicator-tiles")
        settled(browser)
        tiles = text_of(browser, "indicator-tiles")
        assert "FY TO DATE\n71.7%" in tiles.upper() and "LIFE OF PROJECT TO DATE\n71.7%" in tiles.upper()
        assert console_problems(browser) == []
    finally:
        with shipped_store.begin() as session:
            programme = session.scalar(select(Programme).where(Programme.code == "TST"))
            session.execute(delete(ResultValue).where(ResultValue.programme_id == programme.id))
            session.delete(programme)
