"""A signed-off quarter reopened, corrected and signed off again, in Chromium on the demo data: the manager
reopens it with a reason, an officer corrects a training of the quarter, the Logframe page says the figures
differ from the report as sent and links to the comparison, whose panel names the indicator with as sent → now;
the manager signs off again, and both versions download byte for byte as kept."""

from __future__ import annotations

import json
import time

import openpyxl
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.conftest import accessibility_problems, ensure_user, sign_in
from tests.browser.test_controls import text_of, until_text, wait
from tests.browser.test_corrections import _type, field
from tests.browser.test_dashboard import click, settled, wait_for
from tests.conftest import console_problems

pytestmark = pytest.mark.browser


def _sign_off_as_the_page_does(store, quarter: str):
    """Version 1: the report in KEC's format made, kept with its figures, as the Reports page's sign-off does."""
    from exports.formats import FORMATS
    from indicators.figures import signoff
    from indicators.reporting.reporting import make_file

    with store.begin() as session:
        made = make_file(session, "KEC", quarter, FORMATS, "iptt", small_cell=5)
        signoff.sign_off(
            session,
            "KEC",
            quarter,
            "claire",
            made.data,
            "iptt",
            FORMATS["iptt"].filename("KEC", quarter),
            acknowledged=signoff.missing_narratives(session, "KEC", quarter),
            figures=made.figures,
        )


def _sent(kept: dict, indicator: str, period: str) -> str:
    """The total of an indicator for a period in the figures kept with a version."""
    return next(row[5] for row in kept["rows"] if row[1:5] == [indicator, period, "", ""])


def _downloaded(browser, downloads, version: int, name: str) -> bytes:
    """Press "Download version N" and read the file the browser saved."""
    target = downloads / name
    button = json.dumps({"type": "reports-version", "version": version}, separators=(",", ":"))
    click(browser, browser.find_element(By.CSS_SELECTOR, f"[id='{button}']"))
    wait(browser, lambda d: target.exists() and target.stat().st_size > 0, timeout=30)
    time.sleep(0.5)  # the browser renames its partial file into place
    return target.read_bytes()


def test_reopen_correct_sign_off_again_and_download_both_versions(
    browser, shipped_server, shipped_store, tmp_path
):
    from sqlalchemy import delete, select

    from importers import corrections
    from indicators.figures import signoff
    from indicators.store.models import AuditEvent, Programme, RecordCorrection, SignOff, Training

    with shipped_store.Session() as session:  # the Activities grid lists the newest training first
        record = session.scalars(
            select(Training)
            .join(Programme, Programme.id == Training.programme_id)
            .where(Programme.code == "KEC")
            .order_by(Training.quarter.desc(), Training.start_date.desc(), Training.id.desc())
        ).first()
        record_id, female, quarter, reference = record.id, record.female, record.quarter, record.reference
    label = f"{quarter[:6]} {quarter[6:]}"
    ensure_user(shipped_store, "claire", "manager")
    ensure_user(shipped_store, "amina", "officer")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    _sign_off_as_the_page_does(shipped_store, quarter)
    try:
        sign_in(browser, shipped_server, "claire")
        browser.get_log("browser")
        browser.get(shipped_server + f"/reports?programme=KEC&period={quarter}")
        wait_for(browser, "reports-reopen-button")
        settled(browser)
        assert "version 1" in text_of(browser, "reports-signed")
        click(browser, browser.find_element(By.ID, "reports-reopen-button"))  # no reason: refused
        until_text(browser, "reports-reopen-result", f"Write why KEC · {label} is reopened")
        with shipped_store.Session() as session:
            assert signoff.signed_report(session, "KEC", quarter).version == 1
        reason = "USAID asked on 3 March for the trainings of the quarter to be corrected"
        _type(browser, browser.find_element(By.ID, "reports-reopen-reason"), reason)
        click(browser, browser.find_element(By.ID, "reports-reopen-button"))
        until_text(browser, "reports-reopen-result", f"Reopened KEC · {label}")
        with shipped_store.Session() as session:
            first = signoff.versions(session, "KEC", quarter)[0]
            kept_v1, kept_figures = first.report, first.figures
            assert (first.reopened_by, first.reopen_reason, first.in_force) == ("claire", reason, False)
            event = session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "sign-off-reopened")
                .order_by(AuditEvent.id.desc())
            ).first()
        assert (event.username, event.target, event.detail["reason"]) == ("claire", f"KEC {quarter}", reason)

        sign_in(browser, shipped_server, "amina")  # the officer corrects a training of the reopened quarter
        browser.get(shipped_server + f"/activities?programme=KEC&kind=trainings&record=trainings:{record_id}")
        wait_for(browser, "activities-correction-panel")
        settled(browser)
        _type(browser, field(browser, "female"), str(female + 7))
        Select(browser.find_element(By.ID, "activities-correction-reason")).select_by_visible_text(
            "Typing error"
        )
        _type(
            browser, browser.find_element(By.ID, "activities-correction-comment"), "attendance sheet, page 2"
        )
        click(browser, browser.find_element(By.ID, "activities-correction-save"))
        wait(browser, lambda d: "saved=" in d.current_url)
        with shipped_store.Session() as session:
            assert session.get(Training, record_id).female == female + 7

        sign_in(browser, shipped_server, "claire")
        browser.get(shipped_server + f"/programme?code=KEC&period={quarter}")
        wait_for(browser, "programme-signed")
        settled(browser)
        notice = text_of(browser, "programme-signed")
        assert "Reopened by claire" in notice and "version 1" in notice and "KEC-4.2" in notice
        click(browser, browser.find_element(By.ID, "programme-signed-link"))
        wait_for(browser, "reports-changes")
        settled(browser)
        assert browser.current_url.endswith("#reports-changes")
        sent = int(_sent(kept_figures, "KEC-4.2", quarter))
        row = next(
            r
            for r in browser.find_elements(By.CSS_SELECTOR, "#reports-changes tr.change")
            if r.find_element(By.TAG_NAME, "th").text == "KEC-4.2"
        )
        figures, why = (c.text for c in row.find_elements(By.TAG_NAME, "td"))
        assert f"{quarter} · total: actual {sent} → {sent + 7}" in figures.splitlines()
        assert f"Training {reference} corrected (female {female} → {female + 7}) by amina" in why
        assert accessibility_problems(browser) == []

        click(browser, browser.find_element(By.CSS_SELECTOR, "label[for='reports-signoff-confirm']"))
        if browser.find_elements(By.CSS_SELECTOR, ".signoff-acknowledge"):
            click(browser, browser.find_element(By.CSS_SELECTOR, "label[for='reports-signoff-acknowledge']"))
        click(browser, browser.find_element(By.ID, "reports-signoff-button"))
        until_text(browser, "reports-signoff-result", "version 2", timeout=60)
        assert "KEC-4.2" in text_of(browser, "reports-signoff-result")
        with shipped_store.Session() as session:
            second = signoff.signed_report(session, "KEC", quarter)
            kept_v2, changed = second.report, second.changed
        assert (
            second.version == 2
            and "KEC-4.2" in changed
            and _sent(second.figures, "KEC-4.2", quarter) == str(sent + 7)
        )

        browser.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
        browser.get(shipped_server + f"/reports?programme=KEC&period={quarter}")
        wait_for(browser, "reports-versions")
        settled(browser)
        got_v1 = _downloaded(browser, downloads, 1, f"KEC_{quarter}_iptt_v1.xlsx")
        got_v2 = _downloaded(browser, downloads, 2, f"KEC_{quarter}_iptt_v2.xlsx")
        assert got_v1 == kept_v1 and got_v2 == kept_v2 and got_v1 != got_v2
        cover = openpyxl.load_workbook(downloads / f"KEC_{quarter}_iptt_v2.xlsx")["Cover"]
        facts = {cover.cell(r, 1).value: cover.cell(r, 2).value for r in range(1, cover.max_row + 1)}
        assert "replaces version 1" in facts["Revised"] and "KEC-4.2" in facts["Revised"]
        assert reason in facts["Revised"]
        assert "Revised" not in {
            cover.cell(r, 1).value
            for r in range(1, 40)
            for cover in [openpyxl.load_workbook(downloads / f"KEC_{quarter}_iptt_v1.xlsx")["Cover"]]
        }
        assert console_problems(browser) == []
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
