"""The quarter's report sections on the Reports page, in Chromium on the demo data: a manager writes them and the
Word report downloaded from the same page carries them; an officer reads them with no way to save; a quarter
signed off while the manager's page is open refuses the save and keeps what was kept."""

from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.by import By

from tests.browser.conftest import accessibility_problems, ensure_user, sign_in
from tests.browser.test_controls import text_of, until_text, wait
from tests.browser.test_corrections import _type
from tests.browser.test_dashboard import click, settled, wait_for
from tests.conftest import console_problems
from tests.exports.docx_reading import highlighted, open_report, part

pytestmark = pytest.mark.browser
QUARTER = "FY2020Q2"


def _page(browser, base: str, fmt: str = "report") -> None:
    browser.get(base + f"/reports?programme=KEC&period={QUARTER}&format={fmt}")
    wait_for(browser, "reports-sections")
    settled(browser)


def test_a_manager_writes_the_sections_and_the_word_report_carries_them(
    browser, shipped_server, shipped_store, tmp_path
):
    from sqlalchemy import delete

    from indicators.reporting import sections
    from indicators.store.models import QuarterSection

    ensure_user(shipped_store, "claire", "manager")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    try:
        sign_in(browser, shipped_server, "claire")
        browser.get_log("browser")
        _page(browser, shipped_server)
        _type(
            browser,
            browser.find_element(By.ID, "reports-section-highlights"),
            "Refugee leaders in Mahama asked for more sessions.",
        )
        _type(
            browser, browser.find_element(By.ID, "reports-section-plans"), "Sessions in Kiziba and Nyabiheke."
        )
        click(browser, browser.find_element(By.ID, "reports-sections-save"))
        until_text(browser, "reports-sections-result", "Saved for KEC · FY2020 Q2")
        assert "plans for the next quarter (version 1)" in text_of(browser, "reports-sections-result")
        with shipped_store.Session() as session:
            shown = {s.key: s.text for s in sections.sections_for(session, "KEC", QUARTER)}
        assert shown == {
            "highlights": "Refugee leaders in Mahama asked for more sessions.",
            "challenges": None,
            "plans": "Sessions in Kiziba and Nyabiheke.",
        }
        assert accessibility_problems(browser) == []

        browser.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
        _page(browser, shipped_server)
        assert "Quarterly report (Word)" in text_of(browser, "reports-download")
        click(browser, browser.find_element(By.ID, "reports-download"))
        target = downloads / f"KEC_{QUARTER}_report.docx"
        wait(browser, lambda d: target.exists() and target.stat().st_size > 0, timeout=60)
        time.sleep(0.5)  # the browser renames its partial file into place
        document = open_report(target.read_bytes())
        assert part(document, "Highlights of the quarter").text == shown["highlights"]
        assert part(document, "Plans for the next quarter").text.strip() == shown["plans"]
        (gap,) = [p for p in part(document, "Challenges and lessons learned").paragraphs if p.text]
        assert highlighted(gap) and gap.text.startswith("[To be written")
        assert console_problems(browser) == []
    finally:
        with shipped_store.begin() as session:
            session.execute(delete(QuarterSection))


def test_an_officer_reads_and_a_closed_quarter_refuses_the_sections(browser, shipped_server, shipped_store):
    from sqlalchemy import delete

    from indicators.figures import signoff
    from indicators.reporting import sections
    from indicators.store.models import QuarterSection, SignOff

    ensure_user(shipped_store, "claire", "manager")
    ensure_user(shipped_store, "amina", "officer")
    with shipped_store.begin() as session:
        sections.set_section(
            session, "KEC", QUARTER, "challenges", "Fuel shortages delayed two trainings.", "claire"
        )
    try:
        sign_in(browser, shipped_server, "amina")
        browser.get_log("browser")
        _page(browser, shipped_server, fmt="iptt")
        assert "Only programme managers and administrators write these sections" in text_of(
            browser, "reports-sections-readonly"
        )
        assert "Fuel shortages delayed two trainings." in text_of(browser, "reports-section-read-challenges")
        assert not browser.find_elements(By.ID, "reports-sections-save")
        assert not browser.find_elements(By.TAG_NAME, "textarea")
        assert console_problems(browser) == []

        sign_in(browser, shipped_server, "claire")
        browser.get_log("browser")
        _page(browser, shipped_server, fmt="iptt")
        with shipped_store.begin() as session:  # signed off while the manager's page is open
            signoff.sign_off(
                session,
                "KEC",
                QUARTER,
                "claire",
                b"sent",
                "iptt",
                f"KEC_{QUARTER}_iptt.xlsx",
                acknowledged=signoff.missing_narratives(session, "KEC", QUARTER),
            )
        _type(browser, browser.find_element(By.ID, "reports-section-challenges"), "Rewritten after sending.")
        click(browser, browser.find_element(By.ID, "reports-sections-save"))
        until_text(
            browser, "reports-sections-result", f"Nothing saved for KEC · FY2020 Q2: KEC {QUARTER} is closed"
        )
        with shipped_store.Session() as session:
            assert (
                sections.sections_for(session, "KEC", QUARTER)[1].text
                == "Fuel shortages delayed two trainings."
            )
        _page(browser, shipped_server, fmt="iptt")  # drawn again: read-only, saying why
        assert f"KEC {QUARTER} is closed" in text_of(browser, "reports-sections-readonly")
        assert not browser.find_elements(By.ID, "reports-sections-save")
        assert console_problems(browser) == []
    finally:
        with shipped_store.begin() as session:
            session.execute(delete(QuarterSection))
            session.execute(delete(SignOff).where(SignOff.period == QUARTER))
