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


def test_an_officer_corrects_a_count_and_a_signed_off_quarter_refuses_it(
    browser, shipped_server, shipped_store
):
    from sqlalchemy import delete, select

    from importers import corrections
    from indicators.figures import signoff
    from indicators.figures.figures import figures
    from indicators.store.models import AuditEvent, Programme, RecordCorrection, SignOff, Training

    ensure_user(shipped_store, "amina", "officer")
    sign_in(browser, shipped_server, "amina")
    browser.get_log("browser")
    with shipped_store.Session() as session:  # the grid lists the newest training first
        record = session.scalars(
            select(Training)
            .join(Programme, Programme.id == Training.programme_id)
            .where(Programme.code == "KEC")
            .order_by(Training.quarter.desc(), Training.start_date.desc(), Training.id.desc())
        ).first()
        record_id, female, quarter, row = record.id, record.female, record.quarter, record.source_row
        reference = record.reference

    def trained():
        with shipped_store.Session() as session:
            found = figures(session, "KEC", quarter).indicators
            return next(i for i in found if i.indicator.code == "KEC-4.2").quarter.actual

    before = trained()
    browser.get(shipped_server + "/activities?programme=KEC&kind=trainings")
    wait_for(browser, "activities-grid")
    settled(browser)
    click(
        browser,
        browser.find_element(By.CSS_SELECTOR, "#activities-grid .ag-row[row-index='0'] input[type=checkbox]"),
    )
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
        shown = [
            e.text for e in browser.find_elements(By.CSS_SELECTOR, ".invalid-feedback") if e.is_displayed()
        ]
        assert "found 'three'; expected a whole number ≥ 0" in shown
        with shipped_store.Session() as session:
            assert session.get(Training, record_id).female == female

        _type(browser, field(browser, "female"), str(female + 7))
        Select(browser.find_element(By.ID, "activities-correction-reason")).select_by_visible_text(
            "Typing error"
        )
        _type(
            browser, browser.find_element(By.ID, "activities-correction-comment"), "attendance sheet, page 2"
        )
        click(browser, browser.find_element(By.ID, "activities-correction-save"))
        wait(browser, lambda d: "saved=" in d.current_url)
        until_text(browser, "activities-correction-saved", f"Female participants: {female} → {female + 7}")
        settled(browser)
        assert "amina" in text_of(browser, "activities-correction-history")
        with shipped_store.Session() as session:
            assert session.get(Training, record_id).female == female + 7
            event = session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "record-corrected")
                .order_by(AuditEvent.id.desc())
            ).first()
        assert trained() == before + 7
        assert (event.username, event.target, event.detail["reason"]) == (
            "amina",
            f"Training {reference}",
            "Typing error",
        )
        corrected = browser.find_element(
            By.CSS_SELECTOR, "#activities-grid .ag-row[row-index='0'] [col-id='corrected']"
        )
        assert corrected.text == "corrected"
        assert accessibility_problems(browser) == []
        assert console_problems(browser) == []

        with shipped_store.begin() as session:  # the quarter is signed off: the record refuses any correction
            signoff.sign_off(
                session,
                "KEC",
                quarter,
                "claire",
                b"kept",
                "iptt",
                "kept.xlsx",
                acknowledged=signoff.missing_narratives(session, "KEC", quarter),
            )
        browser.get(shipped_server + f"/activities?programme=KEC&kind=trainings&record=trainings:{record_id}")
        wait_for(browser, "activities-correction-panel")
        settled(browser)
        _type(browser, field(browser, "female"), str(female))
        Select(browser.find_element(By.ID, "activities-correction-reason")).select_by_visible_text(
            "Typing error"
        )
        _type(browser, browser.find_element(By.ID, "activities-correction-comment"), "back again")
        click(browser, browser.find_element(By.ID, "activities-correction-save"))
        until_text(browser, "activities-correction-result", f"KEC {quarter} is closed")
        assert "signed off by claire" in text_of(browser, "activities-correction-result")
        with shipped_store.Session() as session:
            assert session.get(Training, record_id).female == female + 7
        assert trained() == before + 7
    finally:
        with shipped_store.begin() as session:
            session.execute(delete(SignOff).where(SignOff.period == quarter))
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
            session.execute(delete(RecordCorrection).where(RecordCorrection.record_id == record_id))


def test_re_uploading_keeps_a_correction_and_brings_back_only_the_ticked_row(
    browser, shipped_server, shipped_store, tmp_path
):
    from sqlalchemy import delete, func, select

    from importers import corrections
    from importers.pipeline import import_file
    from indicators.store.models import RecordCorrection, Training
    from tests.browser.test_dashboard import _choose_file, _trainings_csv

    sheet = _trainings_csv(
        tmp_path / "gift_trainings.csv",
        [
            "RU-1,GIFT,12/03/2012,Gasabo,Police,Identification of victims,12,9",
            "RU-2,GIFT,14/03/2012,Huye,Media,Reporting on trafficking,4,6",
        ],
    )
    with (
        shipped_store.begin() as session
    ):  # stored as an upload, then one count corrected and one record voided
        assert import_file(
            session, sheet.read_bytes(), sheet.name, settings=shipped_store.settings, uploaded_by="amina"
        ).ok
        first, second = (
            session.scalar(select(Training.id).where(Training.reference == r)) for r in ("RU-1", "RU-2")
        )
        assert corrections.correct(
            session,
            "trainings",
            first,
            {"female": "21"},
            by="amina",
            reason="Typing error",
            comment="register",
            settings=shipped_store.settings,
        ).ok
        assert corrections.void(
            session, "trainings", second, by="amina", reason="Did not take place", comment="cancelled"
        ).ok
    ensure_user(shipped_store, "amina", "officer")
    sign_in(browser, shipped_server, "amina")
    browser.get_log("browser")
    try:
        browser.get(shipped_server + "/upload")
        wait_for(browser, "upload-file")
        settled(browser)
        _choose_file(browser, sheet)
        until_text(browser, "upload-conflicts", "Corrected in the browser since (2)")
        settled(browser)
        listed = text_of(browser, "upload-conflicts")
        assert (
            "gift_trainings row 2 (RU-1): Female participants: the file has 12, corrected to 21 by amina"
            in listed
        )
        assert "gift_trainings row 3 (RU-2): the record was voided" in listed
        labels = browser.find_elements(By.CSS_SELECTOR, "#upload-conflicts label.form-check-label")
        click(browser, next(label for label in labels if "RU-2" in label.text))  # bring the voided one back
        click(browser, browser.find_element(By.ID, "upload-commit"))
        until_text(browser, "upload-result", "Stored gift_trainings.csv")
        result = text_of(browser, "upload-result")
        assert "(RU-1)" in result and "the correction is kept" in result
        assert "(RU-2)" in result and "it is stored again from the file" in result
        with shipped_store.Session() as session:
            stored = dict(
                session.execute(
                    select(Training.reference, Training.female).where(
                        Training.reference.in_(["RU-1", "RU-2"])
                    )
                ).all()
            )
            in_force = session.scalar(
                select(func.count(RecordCorrection.id)).where(
                    RecordCorrection.reference.in_(["RU-1", "RU-2"]), RecordCorrection.superseded_at.is_(None)
                )
            )
        assert stored == {"RU-1": 21, "RU-2": 4} and in_force == 1
        assert console_problems(browser) == []
    finally:
        with shipped_store.begin() as session:
            session.execute(delete(RecordCorrection).where(RecordCorrection.reference.in_(["RU-1", "RU-2"])))
            session.execute(delete(Training).where(Training.reference.in_(["RU-1", "RU-2"])))
