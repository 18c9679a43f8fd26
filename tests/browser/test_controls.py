"""Every selector redraws what depends on it, and every action acts on what the page shows, in Chromium on the
demo data set. Each test reads back what only a redrawn page can show: the IPTT's heading and figures, the
narrative stored for the chosen quarter, the downloaded file and its cover, the quarter signed off in the
store, the rows a filter leaves. Back and Forward, and a shared URL, give the same view."""

from __future__ import annotations

import time
from io import BytesIO

import openpyxl
import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import accessibility_problems, ensure_user, sign_in
from tests.browser.test_dashboard import click, settled, wait_for
from tests.conftest import console_problems

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(browser, shipped_server, shipped_store):
    size = browser.get_window_size()
    browser.set_window_size(1366, 900)
    for username, role, donor in (
        ("claire", "manager", None),
        ("olivier", "officer", None),
        ("dana", "donor", "USAID"),
        ("stella", "donor", "U.S. Department of State"),
    ):
        ensure_user(shipped_store, username, role, donor)
    sign_in(browser, shipped_server, "claire")
    browser.get_log("browser")
    yield shipped_server
    browser.set_window_size(size["width"], size["height"])


def choose(browser, dropdown_id: str, value: str) -> None:
    """Pick an option of a Dash dropdown as a user does: open it, click the option."""
    click(browser, browser.find_element(By.ID, dropdown_id))
    option = WebDriverWait(browser, 10).until(
        EC.element_to_be_clickable(
            (By.XPATH, f"//label[contains(@class, 'dash-dropdown-option')][.//input[@value='{value}']]")
        )
    )
    option.click()


def text_of(browser, element_id: str) -> str:
    return browser.find_element(By.ID, element_id).text


def wait(browser, condition, timeout: int = 20):
    """Wait for ``condition(browser)``; elements replaced while the page is redrawn are looked up again."""
    return WebDriverWait(
        browser, timeout, ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)
    ).until(condition)


def until_text(browser, element_id: str, expected: str, timeout: int = 20) -> None:
    wait(browser, lambda d: expected in d.find_element(By.ID, element_id).text, timeout)


def iptt_cell(browser, code: str, column: int) -> str:
    return browser.find_elements(By.CSS_SELECTOR, f"#programme-row-{code.replace('.', chr(92) + '.')} td")[
        column
    ].text


def figure(store, programme: str, quarter: str, code: str):
    from indicators.figures.figures import figures

    with store.Session() as session:
        return next(i for i in figures(session, programme, quarter).indicators if i.indicator.code == code)


def test_the_logframe_follows_its_quarter_back_and_forward(browser, site, shipped_store):
    from indicators.numbers import format_value

    browser.get(site + "/programme?code=KEC&period=FY2019Q3")
    wait_for(browser, "programme-iptt")
    settled(browser)
    assert "FY2019 Q3: 1 April – 30 June 2019" in text_of(browser, "programme-iptt-heading")
    choose(browser, "programme-quarter", "FY2018Q2")
    until_text(browser, "programme-iptt-heading", "FY2018 Q2: 1 January – 31 March 2018")
    settled(browser)
    assert "period=FY2018Q2" in browser.current_url and "code=KEC" in browser.current_url
    # the figures are the quarter's own: KEC-4.2's FY actual to date (column 11) as the figures give it
    assert iptt_cell(browser, "KEC-4.2", 10) == format_value(
        figure(shipped_store, "KEC", "FY2018Q2", "KEC-4.2").year_to_date.actual
    )
    assert "period=FY2018Q2" in browser.find_element(By.ID, "programme-report-link").get_attribute("href")
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#programme-tree a")]
    assert links and all("period=FY2018Q2" in href for href in links)

    browser.back()
    until_text(browser, "programme-iptt-heading", "FY2019 Q3: 1 April – 30 June 2019")
    assert iptt_cell(browser, "KEC-4.2", 10) == format_value(
        figure(shipped_store, "KEC", "FY2019Q3", "KEC-4.2").year_to_date.actual
    )
    browser.forward()
    until_text(browser, "programme-iptt-heading", "FY2018 Q2: 1 January – 31 March 2018")
    settled(browser)
    shared = browser.current_url  # the same URL opened afresh gives the same view
    browser.get(shared)
    until_text(browser, "programme-iptt-heading", "FY2018 Q2: 1 January – 31 March 2018")
    settled(browser)
    assert console_problems(browser) == []


def test_a_narrative_is_saved_for_the_quarter_the_page_shows(browser, site, shipped_store):
    from indicators.reporting.narratives import get_narrative, set_narrative

    browser.get(site + "/indicator?code=KEC-5.2&period=FY2019Q2")
    wait_for(browser, "indicator-narrative")
    settled(browser)
    choose(browser, "indicator-quarter", "FY2019Q3")
    until_text(browser, "indicator-save", "Save narrative for KEC-5.2 · FY2019 Q3")
    settled(browser)
    assert "Quarter FY2019 Q3" in text_of(browser, "indicator-tiles").replace("QUARTER", "Quarter")
    chart_quarters = browser.execute_script(
        "return document.getElementById('indicator-chart').querySelector('.js-plotly-plot').data[0].x"
    )
    assert chart_quarters[-1] == "FY2019Q3"
    box = browser.find_element(By.ID, "indicator-narrative")
    box.clear()
    box.send_keys("Events moved to July after the district elections.")
    click(browser, browser.find_element(By.ID, "indicator-save"))
    until_text(browser, "indicator-saved", "Saved the narrative for KEC-5.2 · FY2019 Q3")
    try:
        with shipped_store.Session() as session:
            assert (
                get_narrative(session, "KEC-5.2", "FY2019Q3")
                == "Events moved to July after the district elections."
            )
            assert get_narrative(session, "KEC-5.2", "FY2019Q2") is None
    finally:
        with shipped_store.begin() as session:
            set_narrative(session, "KEC-5.2", "FY2019Q3", "", "test")
    assert console_problems(browser) == []


def test_the_report_downloaded_is_the_one_chosen(browser, site, tmp_path):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    browser.get(site + "/reports?programme=KEC&period=FY2019Q3")
    wait_for(browser, "reports-download")
    settled(browser)
    choose(browser, "reports-programme", "GIFT")
    until_text(browser, "reports-heading", "GIFT")
    settled(browser)
    choose(browser, "reports-quarter", "2012Q3")
    until_text(browser, "reports-heading", "GIFT · 2012 Q3: 1 July – 30 September 2012")
    settled(browser)
    assert "programme=GIFT" in browser.current_url and "period=2012Q3" in browser.current_url
    assert text_of(browser, "reports-download") == "Download GIFT · 2012 Q3 · IPTT"
    click(browser, browser.find_element(By.ID, "reports-download"))
    target = downloads / "GIFT_2012Q3_iptt.xlsx"
    WebDriverWait(browser, 30).until(lambda d: target.exists() and target.stat().st_size > 0)
    time.sleep(0.5)  # the browser renames its partial file into place
    cover = openpyxl.load_workbook(BytesIO(target.read_bytes()))["Cover"]
    facts = {cover.cell(r, 1).value: cover.cell(r, 2).value for r in range(1, cover.max_row + 1)}
    assert facts["Reporting period"] == "2012 Q3: 1 July – 30 September 2012"
    assert facts["Programme"].startswith("GIFT · ")
    until_text(browser, "reports-done", "Downloaded GIFT · 2012 Q3 · IPTT: GIFT_2012Q3_iptt.xlsx")
    assert [p.name for p in downloads.iterdir()] == ["GIFT_2012Q3_iptt.xlsx"]
    assert console_problems(browser) == []


def test_the_quarter_signed_off_is_the_one_chosen_and_missing_narratives_are_acknowledged(
    browser, site, shipped_store
):
    from indicators.access import audit
    from indicators.figures import signoff

    browser.get(site + "/reports?programme=KEC&period=FY2017Q3")
    wait_for(browser, "reports-signoff-button")
    settled(browser)
    choose(browser, "reports-quarter", "FY2017Q4")
    until_text(browser, "reports-signoff-button", "Sign off KEC · FY2017 Q4")
    settled(browser)
    with shipped_store.Session() as session:
        missing = signoff.missing_narratives(session, "KEC", "FY2017Q4")
    assert missing, "the demo data should leave an indicator of FY2017 Q4 without a narrative"
    assert ", ".join(missing) in text_of(browser, "reports-signoff")
    click(browser, browser.find_element(By.CSS_SELECTOR, "label[for='reports-signoff-confirm']"))
    click(browser, browser.find_element(By.ID, "reports-signoff-button"))
    until_text(browser, "reports-signoff-result", "not signed off")  # the narratives were not acknowledged
    with shipped_store.Session() as session:
        assert signoff.signed_report(session, "KEC", "FY2017Q4") is None
    click(browser, browser.find_element(By.CSS_SELECTOR, "label[for='reports-signoff-acknowledge']"))
    click(browser, browser.find_element(By.ID, "reports-signoff-button"))
    until_text(browser, "reports-signoff-result", "Signed off KEC · FY2017 Q4 by claire", timeout=60)
    assert f"without narratives for {', '.join(missing)}" in text_of(browser, "reports-signoff-result")
    with shipped_store.Session() as session:
        assert signoff.signed_report(session, "KEC", "FY2017Q4") is not None
        assert signoff.signed_report(session, "KEC", "FY2017Q3") is None
        event = audit.recent(session, 1, action="sign-off", username="claire")[0]
    assert event.target == "KEC FY2017Q4" and event.detail["signed_off_without_narratives"] == missing
    assert console_problems(browser) == []


def _count(browser) -> int:
    words = text_of(browser, "activities-count").split()
    return int(words[-2].replace(",", "")) if "of" in words else int(words[0].replace(",", ""))


def test_activity_filters_filter_at_once(browser, site, shipped_store):
    from sqlalchemy import func, select

    from indicators.store.models import Programme, Training

    with shipped_store.Session() as session:
        trainings = session.scalar(
            select(func.count()).select_from(Training).join(Programme).where(Programme.code == "KEC")
        )
    browser.get(site + "/activities?programme=KEC")
    wait_for(browser, "activities-grid")
    settled(browser)
    everything = _count(browser)
    choose(browser, "activities-kind", "trainings")
    WebDriverWait(browser, 20).until(lambda d: "kind=trainings" in d.current_url)
    wait(browser, lambda d: _count(d) == trainings)
    settled(browser)
    kinds = {
        cell.text
        for cell in browser.find_elements(By.CSS_SELECTOR, "#activities-grid .ag-row [col-id='kind']")
    }
    assert kinds == {"Training"} and everything > trainings
    browser.back()
    wait(browser, lambda d: _count(d) == everything)
    assert console_problems(browser) == []


def test_audit_filters_filter_at_once(browser, site, shipped_store):
    from indicators.access import audit

    with shipped_store.Session() as session:
        sign_ins = len(audit.recent(session, 2000, action="sign-in"))
    browser.get(site + "/audit")
    wait_for(browser, "audit-grid")
    settled(browser)
    choose(browser, "audit-action", "sign-in")
    WebDriverWait(browser, 20).until(lambda d: "action=sign-in" in d.current_url)
    wait(browser, lambda d: text_of(d, "audit-count").startswith(f"{sign_ins:,} entr"))
    settled(browser)
    whats = {
        cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#audit-grid .ag-row [col-id='action']")
    }
    assert whats == {audit.ACTIONS["sign-in"]}
    assert console_problems(browser) == []


@pytest.mark.parametrize(
    "username, pages",
    [
        (
            "olivier",
            [
                "/",
                "/programme?code=PVR&period=FY2019Q3",
                "/indicator?code=PVR-2.1&period=FY2019Q3",
                "/activities?programme=PVR",
                "/upload",
                "/reports?programme=PVR",
                "/quality",
                "/victims",
            ],
        ),
        (
            "stella",
            [
                "/",
                "/programme?code=PVR&period=FY2019Q3",
                "/indicator?code=PVR-3.1&period=FY2019Q3",
                "/reports?programme=PVR",
                "/victims",
            ],
        ),
    ],
)
def test_officers_and_donors_pages_pass_wcag_aa(browser, site, username, pages):
    sign_in(browser, site, username)
    try:
        for path in pages:
            browser.get(site + path)
            WebDriverWait(browser, 20).until(
                EC.presence_of_element_located((By.CSS_SELECTOR, "main h1, main h2"))
            )
            settled(browser)
            assert accessibility_problems(browser) == [], path
            assert console_problems(browser) == [], path
    finally:
        sign_in(browser, site, "claire")


def test_a_programme_out_of_a_donors_scope_says_so_and_is_403(browser, site):
    sign_in(browser, site, "stella")
    try:
        browser.get(site + "/programme?code=KEC&period=FY2019Q3")
        refused = wait_for(browser, "access-not-available")
        settled(browser)
        assert "KEC is not available to your account" in refused.text
        assert "Improving knowledge" not in browser.find_element(By.TAG_NAME, "main").text
        problems = console_problems(browser)  # the browser reports the page's own 403, and nothing else
        assert len(problems) == 1 and "status of 403" in problems[0] and "/programme?code=KEC" in problems[0]
        assert accessibility_problems(browser) == []
    finally:
        sign_in(browser, site, "claire")


def test_a_dropdown_is_reached_and_used_with_the_keyboard(browser, site):
    from selenium.webdriver.common.keys import Keys

    browser.get(site + "/programme?code=KEC&period=FY2019Q3")
    wait_for(browser, "programme-iptt")
    settled(browser)
    picker = browser.find_element(By.ID, "programme-quarter")
    assert picker.get_attribute("tabindex") == "0"
    browser.execute_script("arguments[0].focus()", picker)
    picker.send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: picker.get_attribute("aria-expanded") == "true")
    wait(browser, lambda d: d.switch_to.active_element.get_attribute("value"))  # focus is on an option
    for _ in range(15):  # down the list, newest first, to FY2019 Q1
        if browser.switch_to.active_element.get_attribute("value") == "FY2019Q1":
            break
        browser.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
        time.sleep(0.1)
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    until_text(browser, "programme-iptt-heading", "FY2019 Q1: 1 October – 31 December 2018")
    settled(browser)
    assert console_problems(browser) == []


def test_the_district_map_follows_its_selectors_and_fetches_nothing_from_outside(
    browser, site, shipped_store
):
    from indicators.figures import places
    from indicators.numbers import format_value
    from tests.browser.test_dashboard import local_only

    browser.get(site + "/programme?code=KEC&period=FY2019Q3")
    wait_for(browser, "programme-map")
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#programme-map path.js-fill")) >= 30)
    settled(browser)
    assert "District boundaries © WASAC Ltd., CC BY 4.0" in text_of(browser, "programme-where")
    click(
        browser,
        browser.find_element(
            By.CSS_SELECTOR, "label[for='_dbcprivate_radioitems_programme-map-span_input_lop']"
        ),
    )
    wait(browser, lambda d: "span=lop" in d.current_url)
    with shipped_store.Session() as session:
        lop = places.by_district(session, "KEC-4.1", "FY2019Q3", "lop")
    expected = f"{format_value(sum(p.value for p in lop.values()))} counter-trafficking trainings held in {len(lop)} of"
    until_text(browser, "programme-map-summary", expected)
    settled(browser)
    browser.back()
    wait(browser, lambda d: "span=lop" not in d.current_url)
    assert local_only(browser, site) == []
    assert console_problems(browser) == []
