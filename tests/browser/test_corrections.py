"""An officer corrects one record on the Activities page, in Chromium on the demo data: a refused value is marked
under its field and kept as typed; the saved correction changes the stored record and the figures, shows in the
grid and the audit trail; once its quarter is signed off, the same record refuses any correction."""

from __future__ import annotations

import json

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.conftest import accessibility_problems, ensure_user, sign_in
from tests.browser.test_controls import text_of, until_text, wait
from tests.browser.test_dashboard import click, settled, wait_for
from tests.conftest import console_problems

pytestmark = pytest.mark.browser


def field(browser, name: str):
    pattern = json.dumps({"field": name, "type": "activities-correction-field"}, separators=(",", ":"))
    return browser.find_element(By.CSS_SELECTOR, f"[id='{pattern}']")


def _type(browser, element, text: str) -> None:
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.clear()
    element.send_keys(text)


def test_an_officer_corrects_a_count_and_a_signed_off_quarter_refuses_it(browser, demo_server, demo_store):
    from sqlalchemy import delete, select

    from importers import corrections
    from indicators import signoff
    from indicators.figures import figures
    from indicators.models import AuditEvent, Programme, RecordCorrection, SignOff, Training

    ensure_user(demo_store, "amina", "officer")
    sign_in(browser, demo_server, "amina")
    browser.get_log("browser")
    with demo_store.Session() as session:  # the grid lists the newest training first
        record = session.scalars(select(Training).join(Programme, Programme.id == Training.programme_id)
                                 .where(Programme.code == "KEC").order_by(Training.quarter.desc(), Training.start_date.desc(),
                                           Training.id.desc())).first()
        record_id, female, quarter, row = record.id, record.female, record.quarter, record.source_row

    def trained():
        with demo_store.Session() as session:
            found = figures(session, "KEC", quarter).indicators
            return next(i for i in found if i.indicator.code == "KEC-4.2").quarter.actual

    before = trained()
    browser.get(demo_server + "/activities?programme=KEC&kind=trainings")
    wait_for(browser, "activities-grid")
    settled(browser)
    click(browser, browser.find_element(By.CSS_SELECTOR,
                                        "#activities-grid .ag-row[row-index='0'] input[type=checkbox]"))
    click(browser, browser.find_element(By.ID, "activities-correct"))
    wait(browser, lambda d: f"record=trainings%3A{record_id}" in d.current_url)
    wait_for(browser, "activities-correction-panel")
    settled(browser)
    assert f"row {row}" in text_of(browser, "activities-correction-provenance")
    try:
        _type(browser, field(browser, "female"), "three")  # refused: the importer's message under the field
        click(browser, browser.find_element(By.ID, "activities-correction-save"))
        until_text(browser, "activities-correction-result", "Nothing saved")
        assert "is-invalid" in field(browser, "female").get_attribute("class")
        assert field(browser, "female").get_attribute("value") == "three"
        shown = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".invalid-feedback") if e.is_displayed()]
        assert "found 'three'; expected a whole number ≥ 0" in shown
        with demo_store.Session() as session:
            assert session.get(Training, record_id).female == female

        _type(browser, field(browser, "female"), str(female + 7))
        Select(browser.find_element(By.ID, "activities-correction-reason")).select_by_visible_text("Typing error")
        _type(browser, browser.find_element(By.ID, "activities-correction-comment"), "attendance sheet, page 2")
        click(browser, browser.find_element(By.ID, "activities-correction-save"))
        wait(browser, lambda d: "saved=" in d.current_url)
        until_text(browser, "activities-correction-saved", f"Female participants: {female} → {female + 7}")
        settled(browser)
        assert "amina" in text_of(browser, "activities-correction-history")
        with demo_store.Session() as session:
            assert session.get(Training, record_id).female == female + 7
            event = session.scalars(select(AuditEvent).where(AuditEvent.action == "record-corrected")
                                    .order_by(AuditEvent.id.desc())).first()
        assert trained() == before + 7
        assert (event.username, event.target, event.detail["reason"]) == (
            "amina", f"trainings #{record_id}", "Typing error")
        corrected = browser.find_element(By.CSS_SELECTOR, "#activities-grid .ag-row[row-index='0'] [col-id='corrected']")
        assert corrected.text == "corrected"
        assert accessibility_problems(browser) == []
        assert console_problems(browser) == []

        with demo_store.begin() as session:  # the quarter is signed off: the record refuses any correction
            signoff.sign_off(session, "KEC", quarter, "claire", b"kept", "iptt", "kept.xlsx",
                             acknowledged=signoff.missing_narratives(session, "KEC", quarter))
        browser.get(demo_server + f"/activities?programme=KEC&kind=trainings&record=trainings:{record_id}")
        wait_for(browser, "activities-correction-panel")
        settled(browser)
        _type(browser, field(browser, "female"), str(female))
        Select(browser.find_element(By.ID, "activities-correction-reason")).select_by_visible_text("Typing error")
        _type(browser, browser.find_element(By.ID, "activities-correction-comment"), "back again")
        click(browser, browser.find_element(By.ID, "activities-correction-save"))
        until_text(browser, "activities-correction-result", f"KEC {quarter} is closed")
        assert "signed off by claire" in text_of(browser, "activities-correction-result")
        with demo_store.Session() as session:
            assert session.get(Training, record_id).female == female + 7
        assert trained() == before + 7
    finally:
        with demo_store.begin() as session:
            session.execute(delete(SignOff).where(SignOff.period == quarter))
            if session.get(Training, record_id).female != female:
                assert corrections.correct(session, "trainings", record_id, {"female": str(female)}, by="test",
                                           reason="Other", comment="test undone",
                                           settings=demo_store.settings).ok
            session.execute(delete(RecordCorrection).where(RecordCorrection.record_id == record_id))
