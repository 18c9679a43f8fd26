"""Nothing typed is lost, in Chromium on the demo data: a narrative typed and left by changing the quarter is
kept in the browser for its indicator and quarter, named on the other quarter's page, put back when its quarter
is opened again, and gone once saved; a correction left for another record comes back the same way. Each state
is clean under axe-core and the page's Content-Security-Policy."""

from __future__ import annotations

import json

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import accessibility_problems, ensure_user, sign_in
from tests.browser.test_controls import text_of, until_text, wait
from tests.browser.test_dashboard import click, grids_drawn, settled, wait_for
from tests.conftest import console_problems

pytestmark = pytest.mark.browser


def choose(browser, dropdown_id: str, value: str) -> None:
    click(browser, browser.find_element(By.ID, dropdown_id))
    option = WebDriverWait(browser, 10).until(
        EC.element_to_be_clickable(
            (By.XPATH, f"//label[contains(@class, 'dash-dropdown-option')][.//input[@value='{value}']]")
        )
    )
    option.click()


def kept(browser, page: str) -> dict:
    return json.loads(browser.execute_script(f"return localStorage.getItem('{page}-drafts')") or "null") or {}


def test_a_narrative_left_by_changing_quarter_is_kept_and_put_back(browser, shipped_server, shipped_store):
    from indicators.reporting.narratives import get_narrative, set_narrative

    ensure_user(shipped_store, "mary", "manager")
    sign_in(browser, shipped_server, "mary")
    browser.get_log("browser")
    typed = "Two trainings moved to July: the trainers were at the border post."
    try:
        browser.get(shipped_server + "/indicator?code=KEC-4.1&period=FY2019Q3")
        box = wait_for(browser, "indicator-narrative")
        settled(browser)
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
        box.send_keys(typed)
        wait(browser, lambda d: any(v["values"] == [typed] for v in kept(d, "indicator-narrative").values()))
        choose(browser, "indicator-quarter", "FY2019Q2")
        wait(browser, lambda d: "period=FY2019Q2" in d.current_url)
        until_text(
            browser,
            "indicator-narrative-draft",
            "Kept in this browser, not saved: narrative for KEC-4.1 · FY2019 Q3",
        )
        settled(browser)
        assert browser.find_element(By.ID, "indicator-narrative").get_attribute("value") != typed
        assert accessibility_problems(browser) == []

        click(browser, browser.find_element(By.CSS_SELECTOR, "#indicator-narrative-draft a"))
        wait(browser, lambda d: "period=FY2019Q3" in d.current_url)
        wait(browser, lambda d: d.find_element(By.ID, "indicator-narrative").get_attribute("value") == typed)
        until_text(browser, "indicator-narrative-draft", "Unsaved draft put back")
        settled(browser)
        card = browser.find_element(
            By.XPATH, "//*[@id='indicator-narrative']/ancestor::div[contains(@class, 'card')]"
        )
        card.screenshot("/tmp/shots/narrative-draft-put-back.png")
        assert accessibility_problems(browser) == []
        with shipped_store.Session() as session:
            assert get_narrative(session, "KEC-4.1", "FY2019Q3") is None  # kept in the browser only

        click(browser, browser.find_element(By.ID, "indicator-save"))
        until_text(browser, "indicator-saved", "Saved the narrative for KEC-4.1")
        wait(browser, lambda d: not any("FY2019Q3" in key for key in kept(d, "indicator-narrative")))
        browser.refresh()
        wait(browser, lambda d: d.find_element(By.ID, "indicator-narrative").get_attribute("value") == typed)
        settled(browser)
        assert text_of(browser, "indicator-narrative-draft") == ""
        with shipped_store.Session() as session:
            assert get_narrative(session, "KEC-4.1", "FY2019Q3") == typed
        assert console_problems(browser) == []
    finally:
        browser.execute_script("localStorage.clear()")
        with shipped_store.begin() as session:
            set_narrative(session, "KEC-4.1", "FY2019Q3", "", "test")


def test_a_draft_is_discarded_on_request_and_never_shown_to_another_user(
    browser, shipped_server, shipped_store
):
    ensure_user(shipped_store, "mary", "manager")
    ensure_user(shipped_store, "ivan", "manager")
    sign_in(browser, shipped_server, "mary")
    try:
        browser.get(shipped_server + "/indicator?code=KEC-4.2&period=FY2019Q3")
        box = wait_for(browser, "indicator-narrative")
        settled(browser)
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
        box.send_keys("mary's unsaved words")
        wait(browser, lambda d: kept(d, "indicator-narrative"))
        browser.refresh()
        until_text(browser, "indicator-narrative-draft", "Unsaved draft put back")
        click(browser, browser.find_element(By.ID, "indicator-narrative-draft-discard"))
        wait(browser, lambda d: d.find_element(By.ID, "indicator-narrative").get_attribute("value") == "")
        wait(browser, lambda d: kept(d, "indicator-narrative") == {})

        box = browser.find_element(By.ID, "indicator-narrative")
        box.send_keys("mary's second thoughts")
        wait(browser, lambda d: kept(d, "indicator-narrative"))
        sign_in(
            browser, shipped_server, "ivan"
        )  # the same browser, another user: mary's draft is not put back
        browser.get(shipped_server + "/indicator?code=KEC-4.2&period=FY2019Q3")
        wait_for(browser, "indicator-narrative")
        settled(browser)
        assert browser.find_element(By.ID, "indicator-narrative").get_attribute("value") == ""
        assert text_of(browser, "indicator-narrative-draft") == ""
        assert console_problems(browser) == []
    finally:
        browser.execute_script("localStorage.clear()")


def test_a_correction_left_for_another_page_comes_back_until_saved(browser, shipped_server, shipped_store):
    from sqlalchemy import delete, select

    from importers import corrections
    from indicators.store.models import Programme, RecordCorrection, Training

    with shipped_store.Session() as session:
        record = session.scalars(
            select(Training).join(Programme).where(Programme.code == "GIFT").order_by(Training.id)
        ).first()
        record_id, female, reference = record.id, record.female, record.reference
    ensure_user(shipped_store, "amina", "officer")
    sign_in(browser, shipped_server, "amina")
    browser.get_log("browser")
    opened = shipped_server + f"/activities?programme=GIFT&record=trainings:{record_id}"
    female_field = '[id=\'{"field":"female","type":"activities-correction-field"}\']'
    try:
        browser.get(opened)
        wait_for(browser, "activities-correction-panel")
        settled(browser)
        field = browser.find_element(By.CSS_SELECTOR, female_field)
        field.clear()
        field.send_keys(str(female + 2))
        browser.find_element(By.ID, "activities-correction-comment").send_keys("register, page 4")
        wait(
            browser,
            lambda d: any(k.endswith(f"trainings:{record_id}") for k in kept(d, "activities-correction")),
        )
        click(browser, browser.find_element(By.LINK_TEXT, "Portfolio"))  # away through the navbar
        wait(browser, lambda d: d.current_url.rstrip("/") == shipped_server)
        browser.get(opened)
        until_text(browser, "activities-correction-draft", f"correction of Training {reference}")
        settled(browser)
        assert browser.find_element(By.CSS_SELECTOR, female_field).get_attribute("value") == str(female + 2)
        assert (
            browser.find_element(By.ID, "activities-correction-comment").get_attribute("value")
            == "register, page 4"
        )
        assert accessibility_problems(browser) == []
        from selenium.webdriver.support.ui import Select

        Select(browser.find_element(By.ID, "activities-correction-reason")).select_by_visible_text(
            "Typing error"
        )
        click(browser, browser.find_element(By.ID, "activities-correction-save"))
        wait(browser, lambda d: "saved=" in d.current_url)
        wait(
            browser,
            lambda d: not any(k.endswith(f"trainings:{record_id}") for k in kept(d, "activities-correction")),
        )
        with shipped_store.Session() as session:
            assert session.get(Training, record_id).female == female + 2
        assert console_problems(browser) == []
    finally:
        browser.execute_script("localStorage.clear()")
        with shipped_store.begin() as session:
            if session.get(Training, record_id).female != female:
                assert corrections.correct(
                    session,
                    "trainings",
                    record_id,
                    {"female": str(female)},
                    by="test",
                    reason="Other",
                    comment="test undone",
                    settings=shipped_store.settings,
                ).ok
            session.execute(
                delete(RecordCorrection).where(
                    RecordCorrection.record_id == record_id, RecordCorrection.kind == "trainings"
                )
            )


def test_target_changes_typed_into_the_grid_survive_a_reload(browser, shipped_server, shipped_store):
    from selenium.webdriver.common.keys import Keys

    ensure_user(shipped_store, "mary", "manager")
    sign_in(browser, shipped_server, "mary")
    browser.get_log("browser")
    cell = "#programme-targets-grid .ag-row[row-index='0'] [col-id='FY2020']"
    try:
        browser.get(shipped_server + "/programme?code=PVR&period=FY2019Q3")
        wait_for(browser, "programme-targets-grid")
        settled(browser)
        grids_drawn(browser)
        before = browser.find_element(By.CSS_SELECTOR, cell).text
        click(browser, browser.find_element(By.CSS_SELECTOR, cell))
        field = browser.switch_to.active_element
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys("140", Keys.ENTER)
        wait(browser, lambda d: kept(d, "programme-targets"))
        browser.refresh()
        wait_for(browser, "programme-targets-grid")
        grids_drawn(browser)  # the page opens at its top again: the user scrolls down to the targets
        wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, cell).text == "140")
        until_text(browser, "programme-targets-draft", "target changes to PVR")
        settled(browser)
        assert accessibility_problems(browser) == []
        click(browser, browser.find_element(By.ID, "programme-targets-draft-discard"))
        wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, cell).text == before)
        wait(browser, lambda d: kept(d, "programme-targets") == {})
        assert console_problems(browser) == []
    finally:
        browser.execute_script("localStorage.clear()")
