"""Two-step sign-in in headless Chromium, where administrators and managers must use it
(CTMONITOR_REQUIRE_TOTP=admin,manager): a new administrator is held on the set-up page, reads the secret shown
beside the QR code (as one types it into an app; the code is computed here with pyotp), turns it on, keeps
the recovery codes, and from then on signs in with the password and a code. Also: My account shows it on, the
console stays clean, and the set-up pages pass axe-core's WCAG 2.1 AA checks. Screenshots: /tmp/shots/two-step-*.png."""

from __future__ import annotations

import dataclasses
import time

import pyotp
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import PASSWORD, accessibility_problems, ensure_user
from tests.browser.test_dashboard import click, settled, shoot, wait_for
from tests.conftest import console_problems, serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def strict_site(shipped_store, shipped_settings):
    """The demo data served by an app whose administrators and managers must sign in in two steps."""
    from app import create_app

    app = create_app(
        dataclasses.replace(shipped_settings, require_totp=("admin", "manager")), store=shipped_store
    )
    with serve(app) as base:
        yield base


def type_into(browser, element_id: str, text: str) -> None:
    field = wait_for(browser, element_id)
    field.clear()
    field.send_keys(text)


def password_step(browser, base: str, username: str) -> None:
    browser.get(base + "/assets/app.css")
    browser.delete_all_cookies()
    browser.get(base + "/login")
    type_into(browser, "login-username", username)
    type_into(browser, "login-password", PASSWORD)
    browser.find_element(By.ID, "login-submit").click()


def test_an_administrator_sets_up_two_step_sign_in_then_signs_in_with_a_code(
    browser, strict_site, shipped_store
):
    ensure_user(shipped_store, "tessa.admin", "admin")
    password_step(browser, strict_site, "tessa.admin")
    WebDriverWait(browser, 20).until(lambda d: d.current_url.endswith("/account/two-step"))
    assert "Your role signs in in two steps" in browser.find_element(By.TAG_NAME, "main").text
    browser.get(strict_site + "/programme?code=KEC")  # nothing else opens meanwhile
    WebDriverWait(browser, 20).until(lambda d: d.current_url.endswith("/account/two-step"))
    assert accessibility_problems(browser) == []
    type_into(browser, "two-step-password", PASSWORD)
    browser.find_element(By.ID, "two-step-begin").click()
    qr = wait_for(browser, "two-step-qr").find_element(By.TAG_NAME, "svg")
    assert qr.size["width"] >= 150 and qr.is_displayed()
    secret = browser.find_element(By.ID, "two-step-secret").text.replace(" ", "")
    shoot(browser, "two-step-scan")
    assert accessibility_problems(browser) == []
    totp = pyotp.TOTP(secret)
    type_into(browser, "two-step-code", "000000" if totp.now() != "000000" else "111111")
    browser.find_element(By.ID, "two-step-confirm").click()
    alert = WebDriverWait(browser, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#two-step-form .alert")
    )
    assert "That code is not right" in alert[0].text
    assert [p for p in console_problems(browser) if "401" not in p] == []  # refusals are 401s, nothing else
    type_into(browser, "two-step-code", totp.now())
    browser.find_element(By.ID, "two-step-confirm").click()
    codes = wait_for(browser, "two-step-recovery").find_elements(By.TAG_NAME, "li")
    assert len(codes) == 10
    recovery = codes[0].text
    shoot(browser, "two-step-recovery-codes")
    click(browser, browser.find_element(By.ID, "two-step-continue"))
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "nav-user"))
    browser.get(strict_site + "/account")
    state = wait_for(browser, "account-two-step-state")
    WebDriverWait(browser, 20).until(lambda d: "On:" in state.text)
    assert "Recovery codes left: 10." in state.text
    settled(browser)
    assert console_problems(browser) == []

    # signing in again: the password, then a code (the next step's: the set-up spent this one)
    password_step(browser, strict_site, "tessa.admin")
    WebDriverWait(browser, 20).until(lambda d: d.current_url.endswith("/login/code"))
    shoot(browser, "two-step-code")
    type_into(browser, "two-step-code", totp.at(time.time() + 30))
    browser.find_element(By.ID, "code-submit").click()
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "nav-user"))
    assert browser.find_element(By.ID, "nav-user").text == "tessa.admin"
    settled(browser)
    assert console_problems(browser) == []

    # and with a recovery code, once
    password_step(browser, strict_site, "tessa.admin")
    WebDriverWait(browser, 20).until(lambda d: d.current_url.endswith("/login/code"))
    type_into(browser, "two-step-code", recovery)
    browser.find_element(By.ID, "code-submit").click()
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "nav-user"))
    password_step(browser, strict_site, "tessa.admin")
    WebDriverWait(browser, 20).until(lambda d: d.current_url.endswith("/login/code"))
    type_into(browser, "two-step-code", recovery)
    browser.find_element(By.ID, "code-submit").click()
    alert = WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#code-form .alert"))
    assert "That code is not right" in alert[0].text
    assert [p for p in console_problems(browser) if "401" not in p] == []
