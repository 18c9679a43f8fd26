"""Records found and restored on the Activities page, in Chromium on the demo data: a record found by its
reference, a voided record listed with "Show voided", refused without a reason and restored with one, after
which the figures read back from the store count it again; each state of the page clean under axe-core."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from tests.browser.conftest import accessibility_problems, ensure_user, sign_in
from tests.browser.test_controls import text_of, until_text, wait
from tests.browser.test_dashboard import click, settled, shoot, wait_for
from tests.conftest import console_problems

pytestmark = pytest.mark.browser


def _rows(browser) -> list[str]:
    return [
        cell.text
        for cell in browser.find_elements(By.CSS_SELECTOR, "#activities-grid .ag-row [col-id='reference']")
    ]


def _search(browser, text: str) -> None:
    box = browser.find_element(By.ID, "activities-search")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    box.clear()
    box.send_keys(text, Keys.ENTER)


def test_a_record_is_found_by_its_reference(browser, shipped_server, shipped_store):
    from sqlalchemy import select

    from indicators.store.models import Awareness, Programme

    ensure_user(shipped_store, "amina", "officer")
    sign_in(browser, shipped_server, "amina")
    with shipped_store.Session() as session:
        wanted = session.scalars(
            select(Awareness.reference)
            .join(Programme)
            .where(Programme.code == "PVR")
            .order_by(Awareness.quarter, Awareness.id)
        ).first()
    browser.get(shipped_server + "/activities")
    wait_for(browser, "activities-grid")
    settled(browser)
    _search(browser, wanted.lower())
    wait(browser, lambda d: "search=" in d.current_url and _rows(d) == [wanted])
    settled(browser)
    assert text_of(browser, "activities-count") == f"1 record matching “{wanted.lower()}”."
    shoot(browser, "activities-search")
    assert accessibility_problems(browser) == []
    assert console_problems(browser) == []


def test_a_voided_record_is_listed_and_restored_with_a_reason_and_counts_again(
    browser, shipped_server, shipped_store
):
    from sqlalchemy import delete, select

    from importers import corrections
    from indicators.figures.figures import figures
    from indicators.store.models import AuditEvent, Programme, RecordCorrection, Training

    with shipped_store.Session() as session:
        record = session.scalars(
            select(Training)
            .join(Programme)
            .where(Programme.code == "KEC")
            .order_by(Training.quarter.desc(), Training.id.desc())
        ).first()
        record_id, reference, quarter, people = (
            record.id,
            record.reference,
            record.quarter,
            record.female + record.male,
        )

    def trained():
        with shipped_store.Session() as session:
            found = figures(session, "KEC", quarter).indicators
            return next(i for i in found if i.indicator.code == "KEC-4.2").quarter.actual

    before = trained()
    with shipped_store.begin() as session:
        assert corrections.void(
            session,
            "trainings",
            record_id,
            by="amina",
            reason="Duplicate record",
            comment="entered twice, we thought",
        ).ok
    assert trained() == before - people
    ensure_user(shipped_store, "amina", "officer")
    sign_in(browser, shipped_server, "amina")
    browser.get_log("browser")
    try:
        browser.get(shipped_server + "/activities?programme=KEC")
        wait_for(browser, "activities-grid")
        settled(browser)
        _search(browser, reference)
        wait(browser, lambda d: "search=" in d.current_url)
        settled(browser)
        assert _rows(browser) == [] and "0 records matching" in text_of(browser, "activities-count")
        click(browser, browser.find_element(By.CSS_SELECTOR, "label[for='activities-voided']"))
        wait(browser, lambda d: "voided=1" in d.current_url and _rows(d) == [reference])
        settled(browser)
        assert (
            "Voided by amina"
            in browser.find_element(By.CSS_SELECTOR, "#activities-grid [col-id='detail']").text
            or "Voided by amina" in browser.find_element(By.CSS_SELECTOR, "#activities-grid").text
        )
        assert accessibility_problems(browser) == []
        click(
            browser,
            browser.find_element(
                By.CSS_SELECTOR, "#activities-grid .ag-row[row-index='0'] input[type=checkbox]"
            ),
        )
        click(browser, browser.find_element(By.ID, "activities-correct"))
        wait_for(browser, "activities-restore")
        settled(browser)
        assert browser.find_element(By.ID, "activities-restore").text == f"Restore Training {reference}"
        assert "Voided by amina" in text_of(browser, "activities-restore-why")
        click(
            browser, browser.find_element(By.ID, "activities-restore")
        )  # no reason: refused, nothing stored
        until_text(browser, "activities-restore-result", "Not restored")
        assert "is-invalid" in browser.find_element(By.ID, "activities-restore-reason").get_attribute("class")
        assert trained() == before - people
        assert accessibility_problems(browser) == []

        Select(browser.find_element(By.ID, "activities-restore-reason")).select_by_visible_text(
            "Voided by mistake"
        )
        browser.find_element(By.ID, "activities-restore-comment").send_keys("the attendance sheet was found")
        click(browser, browser.find_element(By.ID, "activities-restore"))
        wait(browser, lambda d: "saved=" in d.current_url and "voided=1" not in d.current_url)
        until_text(browser, "activities-correction-saved", f"Training {reference} restored")
        settled(browser)
        shoot(browser, "activities-restored")
        assert _rows(browser) == [reference]
        assert trained() == before
        with shipped_store.Session() as session:
            assert session.get(Training, record_id).reference == reference
            event = session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "record-restored")
                .order_by(AuditEvent.id.desc())
            ).first()
        assert (event.username, event.target, event.detail["reason"]) == (
            "amina",
            f"Training {reference}",
            "Voided by mistake",
        )
        assert accessibility_problems(browser) == []
        assert console_problems(browser) == []
    finally:
        with shipped_store.begin() as session:
            if session.get(Training, record_id) is None:
                from importers import restoring

                entry = session.scalars(
                    select(RecordCorrection).where(
                        RecordCorrection.record_id == record_id, RecordCorrection.field == "void"
                    )
                ).first()
                assert restoring.restore(
                    session,
                    entry.id,
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
