"""Corrections in the browser, in Chromium on the demo data: a manager revises a target with its reason, the
figures and status follow and the history shows it; a refused value is marked next to its field and what was
typed stays."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.conftest import accessibility_problems, ensure_user, sign_in
from tests.browser.test_controls import text_of, until_text, wait
from tests.browser.test_dashboard import click, grids_drawn, settled, wait_for
from tests.conftest import console_problems

pytestmark = pytest.mark.browser
TARGET = '[id=\'{"key":"target:FY2019","type":"indicator-edit-target"}\']'


@pytest.fixture(scope="module")
def site(browser, shipped_server, shipped_store):
    size = browser.get_window_size()
    browser.set_window_size(1366, 1400)  # long forms: fewer scrolls under the driver's clicks
    ensure_user(shipped_store, "claire", "manager")
    sign_in(browser, shipped_server, "claire")
    browser.get_log("browser")
    yield shipped_server
    browser.set_window_size(size["width"], size["height"])


def _type(browser, selector: str, text: str) -> None:
    field = browser.find_element(By.CSS_SELECTOR, selector)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", field)
    field.clear()
    field.send_keys(text)


def test_a_revised_target_with_its_reason_recomputes_the_figures_and_shows_in_the_history(
    browser, site, shipped_store
):
    from indicators.figures.figures import figures
    from indicators.programmes import history, logframe

    def kec42():
        with shipped_store.Session() as session:
            return next(
                i for i in figures(session, "KEC", "FY2019Q3").indicators if i.indicator.code == "KEC-4.2"
            )

    before = kec42()
    browser.get(site + "/indicator?code=KEC-4.2&period=FY2019Q3")
    wait_for(browser, "indicator-editor")
    settled(browser)
    try:
        _type(browser, TARGET, "-40")  # refused first: marked next to the field, nothing saved, nothing lost
        click(browser, browser.find_element(By.ID, "indicator-edit-save"))
        until_text(browser, "indicator-edit-result", "Nothing saved")
        feedback = browser.find_element(
            By.CSS_SELECTOR, TARGET.replace("indicator-edit-target", "indicator-edit-feedback")
        )
        assert feedback.is_displayed() and "a number of 0 or more" in feedback.text
        assert browser.find_element(By.CSS_SELECTOR, TARGET).get_attribute("value") == "-40"
        assert "is-invalid" in browser.find_element(By.ID, "indicator-edit-comment").get_attribute("class")
        assert kec42().year_to_date.target == before.year_to_date.target

        _type(browser, TARGET, "2000")
        Select(browser.find_element(By.ID, "indicator-edit-reason")).select_by_visible_text(
            "Donor-approved modification"
        )
        _type(browser, "#indicator-edit-comment", "Award modification 3")
        click(browser, browser.find_element(By.ID, "indicator-edit-save"))
        wait(browser, lambda d: "saved=" in d.current_url)
        until_text(browser, "edit-saved", "KEC-4.2: FY2019 target: 400 → 2000")
        settled(browser)
        after = kec42()
        with shipped_store.Session() as session:
            kept = history.changes(session, "KEC-4.2")[0]
        assert (kept.changed_by, kept.reason, kept.comment) == (
            "claire",
            "Donor-approved modification",
            "Award modification 3",
        )
        assert after.year_to_date.target == 2000 and after.status == "Behind" != before.status
        assert "target 2,000" in text_of(browser, "indicator-tiles") and "Behind" in text_of(
            browser, "indicator-tiles"
        )
        assert (
            "claire · FY2019 target: 400 → 2000 · Donor-approved modification: Award modification 3"
            in text_of(browser, "indicator-changes")
        )
        assert accessibility_problems(browser) == []
        assert console_problems(browser) == []
    finally:  # put the demo target back for the other tests, whether or not the browser got as far as saving
        with shipped_store.begin() as session:
            if logframe.load(session, "KEC-4.2").target_for("FY2019") != before.year_to_date.target:
                logframe.edit(
                    session,
                    "KEC-4.2",
                    by="test",
                    reason="Data correction",
                    comment="test undone",
                    targets={"FY2019": str(before.year_to_date.target)},
                )


def test_the_targets_grid_saves_all_or_nothing(browser, site, shipped_store):
    from selenium.webdriver.common.keys import Keys

    from indicators.programmes import logframe

    browser.get(site + "/programme?code=PVR&period=FY2019Q3")
    wait_for(browser, "programme-targets-grid")
    settled(browser)
    grids_drawn(browser)

    def put(row: int, column: str, value: str):
        cell = browser.find_element(
            By.CSS_SELECTOR, f"#programme-targets-grid .ag-row[row-index='{row}'] [col-id='{column}']"
        )
        click(browser, cell)
        field = browser.switch_to.active_element
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys(value, Keys.ENTER)

    try:
        put(0, "FY2020", "130")
        put(1, "FY2020", "-5")  # one refused value: nothing is saved
        Select(browser.find_element(By.ID, "programme-targets-reason")).select_by_visible_text(
            "Budget realignment"
        )
        _type(browser, "#programme-targets-comment", "Budget revision 2")
        click(browser, browser.find_element(By.ID, "programme-targets-save"))
        until_text(browser, "programme-targets-result", "PVR-2.1 FY2020: a number of 0 or more")
        with shipped_store.Session() as session:
            assert logframe.load(session, "PVR-1.1").target_for("FY2020") == 100
        put(1, "FY2020", "3500")
        click(browser, browser.find_element(By.ID, "programme-targets-save"))
        wait(browser, lambda d: "saved=" in d.current_url)
        until_text(browser, "edit-saved", "PVR-1.1: FY2020 target: 100 → 130")
        assert "PVR-2.1: FY2020 target: 3000 → 3500" in text_of(browser, "edit-saved")
        with shipped_store.Session() as session:
            assert logframe.load(session, "PVR-2.1").target_for("FY2020") == 3500
        assert console_problems(browser) == []
    finally:
        with shipped_store.begin() as session:
            logframe.edit(
                session,
                "PVR-1.1",
                by="test",
                reason="Data correction",
                comment="undone",
                targets={"FY2020": "100"},
            )
            logframe.edit(
                session,
                "PVR-2.1",
                by="test",
                reason="Data correction",
                comment="undone",
                targets={"FY2020": "3000"},
            )


def test_a_result_entered_directly_is_stored_and_listed_with_who_entered_it(browser, site, shipped_store):
    from sqlalchemy import delete, select

    from indicators.store.models import Programme, ResultValue
    from tests.builders import make_programme

    with shipped_store.begin() as session:
        make_programme(session)
    try:
        browser.get(site + "/results?programme=TST")
        wait_for(browser, "results-enter")
        settled(browser)
        Select(browser.find_element(By.ID, "results-indicator")).select_by_value("TST-1.2")
        Select(browser.find_element(By.ID, "results-period")).select_by_value("FY2019Q3")
        _type(browser, "#results-value", "about 80")  # refused: the importer's message, under the field
        click(browser, browser.find_element(By.ID, "results-enter"))
        until_text(browser, "results-outcome", "Not entered")
        assert "is-invalid" in browser.find_element(By.ID, "results-value").get_attribute("class")
        assert browser.find_element(By.ID, "results-value-feedback").is_displayed()
        _type(browser, "#results-value", "82.5")
        _type(browser, "#results-comment", "Exit survey, 40 respondents")
        click(browser, browser.find_element(By.ID, "results-enter"))
        until_text(browser, "results-outcome", "TST-1.2 · FY2019Q3: 82.5% entered by claire.")
        grids_drawn(browser)
        wait(browser, lambda d: "Exit survey, 40 respondents" in text_of(d, "results-list"))
        assert "claire" in text_of(browser, "results-list") and "82.5%" in text_of(browser, "results-list")
        with shipped_store.Session() as session:
            stored = session.scalars(select(ResultValue).join(Programme).where(Programme.code == "TST")).all()
        assert [(r.quarter, r.value, r.comment) for r in stored] == [
            ("FY2019Q3", 82.5, "Exit survey, 40 respondents")
        ]
        assert accessibility_problems(browser) == []
        assert console_problems(browser) == []
    finally:
        with shipped_store.begin() as session:
            programme = session.scalar(select(Programme).where(Programme.code == "TST"))
            session.execute(delete(ResultValue).where(ResultValue.programme_id == programme.id))
            session.delete(programme)
