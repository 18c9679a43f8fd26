"""Signing in and each role's reach in headless Chromium, on the demo data set: the sign-in form and its
refusals, a USAID donor officer who sees KEC and nothing of PVR, pages refused to a role, a narrative an
officer cannot write, a manager signing a quarter off, the audit trail, and signing out. Screenshots go to
/tmp/shots/auth-*.png."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import PASSWORD, ensure_user, sign_in
from tests.browser.test_dashboard import click, local_only, settled, shoot, wait_for
from tests.conftest import console_problems

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(browser, shipped_server, shipped_store):
    size = browser.get_window_size()
    browser.set_window_size(1366, 768)
    for username, role, donor in (
        ("dana", "donor", "USAID"),
        ("olivier", "officer", None),
        ("claire", "manager", None),
    ):
        ensure_user(shipped_store, username, role, donor)
    yield shipped_server
    browser.set_window_size(size["width"], size["height"])


def main_text(browser) -> str:
    return browser.find_element(By.TAG_NAME, "main").text


def test_the_sign_in_form_refuses_a_wrong_password_and_keeps_where_one_was_going(browser, site):
    browser.get(site + "/assets/app.css")
    browser.delete_all_cookies()
    browser.get(site + "/reports?programme=KEC&period=FY2019Q3")
    WebDriverWait(browser, 20).until(lambda d: "/login" in d.current_url)
    wait_for(browser, "login-form")
    shoot(browser, "auth-sign-in")
    browser.find_element(By.ID, "login-username").send_keys("dana")
    browser.find_element(By.ID, "login-password").send_keys("not the password")
    browser.find_element(By.ID, "login-submit").click()
    alert = WebDriverWait(browser, 20).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "#login-form .alert"))
    )
    assert alert.text == "Unknown user name or wrong password."
    assert browser.find_element(By.ID, "login-username").get_attribute("value") == "dana"
    shoot(browser, "auth-sign-in-refused")
    # the refusal is answered 401 (which the console reports) so that log watchers can count failures
    assert [p for p in console_problems(browser) if "401" not in p] == []
    browser.find_element(By.ID, "login-password").send_keys(PASSWORD)
    browser.find_element(By.ID, "login-submit").click()
    WebDriverWait(browser, 20).until(lambda d: "/reports?programme=KEC&period=FY2019Q3" in d.current_url)
    wait_for(browser, "reports-heading")
    settled(browser)
    assert console_problems(browser) == []


def test_a_usaid_donor_officer_sees_kec_and_nothing_of_pvr(browser, site):
    sign_in(browser, site, "dana")
    wait_for(browser, "home-card-KEC")
    settled(browser)
    assert not browser.find_elements(By.ID, "home-card-PVR") and not browser.find_elements(
        By.ID, "home-card-GIFT"
    )
    navbar = browser.find_element(By.CSS_SELECTOR, "nav.navbar")
    links = {a.get_attribute("href").removeprefix(site) for a in navbar.find_elements(By.TAG_NAME, "a")}
    assert "/programme?code=KEC" in links and not any("PVR" in link or "GIFT" in link for link in links)
    assert {"/upload", "/activities", "/quality", "/audit", "/victims"}.isdisjoint(links)
    assert "donor · USAID" in navbar.text
    shoot(browser, "auth-donor-portfolio")
    assert "PVR" not in main_text(browser) and "Department of State" not in main_text(browser)
    assert local_only(browser, site) == []
    assert console_problems(browser) == []


@pytest.mark.parametrize("path", ["/upload", "/activities", "/quality", "/audit", "/victims"])
def test_a_donor_officer_gets_the_refusal_card(browser, site, path):
    sign_in(browser, site, "dana")
    browser.get(site + path)
    card = wait_for(browser, "access-refused")
    settled(browser)
    assert "Not available to your role" in card.text and "dana (donor)" in card.text
    assert not browser.find_elements(By.CSS_SELECTOR, ".ag-root, #upload-file")
    if path == "/upload":
        shoot(browser, "auth-donor-upload")
    # the page request itself is answered 403 (and audited), which the console reports; nothing else
    assert [
        p
        for p in console_problems(browser)
        if f"{path} - Failed to load resource" not in p or "status of 403" not in p
    ] == []


def test_a_donor_officer_typing_another_donors_programme_gets_nothing_of_it(browser, site):
    sign_in(browser, site, "dana")
    for path in ("/programme?code=PVR", "/indicator?code=PVR-3.1", "/reports?programme=PVR"):
        browser.get(site + path)
        card = WebDriverWait(browser, 20).until(
            EC.presence_of_element_located((By.ID, "access-not-available"))
        )
        settled(browser)
        assert "Not available to your account" in card.text
        assert "Strengthening" not in main_text(browser) and "PVR-3.1 ·" not in main_text(browser)
        # answered 403 (and audited): the console reports that page request, and nothing else
        assert [p for p in console_problems(browser) if "status of 403" not in p] == []
    shoot(browser, "auth-donor-pvr-not-available")


def test_a_donor_and_an_officer_read_the_narrative_but_cannot_write_it(browser, site):
    for username in ("dana", "olivier"):
        sign_in(browser, site, username)
        browser.get(site + "/indicator?code=KEC-5.1&period=FY2019Q3")
        wait_for(browser, "indicator-chart")
        settled(browser)
        assert not browser.find_elements(By.ID, "indicator-narrative")
        assert not browser.find_elements(By.ID, "indicator-save")
        assert "Deviation narrative" in main_text(browser)
        if username == "dana":
            shoot(browser, "auth-donor-indicator")
        assert console_problems(browser) == []


def test_a_manager_signs_a_quarter_off_and_it_shows(browser, site, shipped_store):
    from indicators.figures import signoff

    sign_in(browser, site, "claire")
    browser.get(site + "/reports?programme=PVR&period=FY2018Q3")
    wait_for(browser, "reports-signoff-button")
    settled(browser)
    click(browser, browser.find_element(By.ID, "reports-signoff-button"))
    WebDriverWait(browser, 20).until(
        lambda d: "Tick the box" in d.find_element(By.ID, "reports-signoff-result").text
    )
    click(
        browser,
        browser.find_element(
            By.CSS_SELECTOR, "#reports-signoff-confirm, label[for='reports-signoff-confirm']"
        ),
    )
    with shipped_store.Session() as session:
        missing = signoff.missing_narratives(session, "PVR", "FY2018Q3")
    if missing:  # the page lists them and asks for an acknowledgement
        click(browser, browser.find_element(By.CSS_SELECTOR, "label[for='reports-signoff-acknowledge']"))
    click(browser, browser.find_element(By.ID, "reports-signoff-button"))
    WebDriverWait(browser, 60).until(
        lambda d: (
            "Signed off PVR · FY2018 Q3 by claire" in d.find_element(By.ID, "reports-signoff-result").text
        )
    )
    with shipped_store.Session() as session:
        kept = signoff.signed_report(session, "PVR", "FY2018Q3")
    assert kept.report_format == "ppr" and kept.report[:2] == b"PK"  # the State Department's format
    browser.get(site + "/reports?programme=PVR&period=FY2018Q3&format=ppr")
    signed = wait_for(browser, "reports-signed")
    settled(browser)
    assert "PVR · FY2018 Q3 was signed off by claire on" in signed.text
    assert "the report as signed off, kept byte for byte" in main_text(browser)
    browser.set_window_size(1366, 1000)
    shoot(browser, "auth-manager-signed-off")
    browser.set_window_size(1366, 768)
    assert console_problems(browser) == []


def test_the_audit_trail_shows_the_sign_off_then_signing_out(browser, site):
    sign_in(browser, site, "claire")
    browser.get(site + "/audit?action=sign-off")
    wait_for(browser, "audit-grid")
    WebDriverWait(browser, 20).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#audit-grid .ag-row")))
    settled(browser)
    assert "PVR FY2018Q3" in browser.find_element(By.ID, "audit-grid").text
    shoot(browser, "auth-audit")
    assert console_problems(browser) == []
    click(browser, browser.find_element(By.ID, "nav-sign-out"))
    WebDriverWait(browser, 20).until(lambda d: d.current_url.endswith("/login"))
    browser.get(site + "/audit")
    WebDriverWait(browser, 20).until(lambda d: "/login?next=/audit" in d.current_url)
