"""Accounts in the browser: an administrator gives a user a one-time password on the Accounts page, the user
signs in with it, must choose their own on the password page, and goes on; every page under the
Content-Security-Policy with a clean console."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import ensure_user, sign_in
from tests.browser.test_dashboard import click, settled, shoot, wait_for
from tests.conftest import console_problems

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(browser, shipped_server, shipped_store):
    size = browser.get_window_size()
    browser.set_window_size(1366, 768)
    ensure_user(shipped_store, "ada", "admin")
    ensure_user(shipped_store, "newcomer", "officer")
    yield shipped_server
    browser.set_window_size(size["width"], size["height"])


def choose(browser, dropdown_id: str, value: str) -> None:
    click(browser, browser.find_element(By.ID, dropdown_id))
    option = WebDriverWait(browser, 10).until(
        EC.element_to_be_clickable(
            (By.XPATH, f"//label[contains(@class, 'dash-dropdown-option')][.//input[@value='{value}']]")
        )
    )
    option.click()


def test_a_one_time_password_from_the_accounts_page_must_be_changed_at_first_sign_in(browser, site):
    sign_in(browser, site, "ada")
    browser.get(site + "/accounts")
    wait_for(browser, "accounts-grid")
    settled(browser)
    choose(browser, "accounts-user", "newcomer")
    click(browser, browser.find_element(By.ID, "accounts-reset"))
    one_time = wait_for(browser, "accounts-one-time").text
    shoot(browser, "accounts-one-time-password")
    assert len(one_time) >= 12 and console_problems(browser) == []

    browser.get(site + "/assets/app.css")
    browser.delete_all_cookies()
    browser.get(site + "/login")
    browser.find_element(By.ID, "login-username").send_keys("newcomer")
    browser.find_element(By.ID, "login-password").send_keys(one_time)
    browser.find_element(By.ID, "login-submit").click()
    WebDriverWait(browser, 20).until(lambda d: d.current_url.endswith("/password"))
    assert "set by an administrator for one use" in browser.find_element(By.ID, "password-form").text
    shoot(browser, "password-forced")
    browser.find_element(By.ID, "password-current").send_keys(one_time)
    browser.find_element(By.ID, "password-new").send_keys("my very own passphrase")
    browser.find_element(By.ID, "password-again").send_keys("my very own passphrase")
    browser.find_element(By.ID, "password-submit").click()
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "nav-user"))
    assert browser.find_element(By.ID, "nav-user").text == "newcomer"
    settled(browser)
    assert console_problems(browser) == []


def test_the_password_page_is_two_clicks_from_every_page(browser, site):
    sign_in(browser, site, "ada")
    click(browser, browser.find_element(By.ID, "nav-account-page"))
    WebDriverWait(browser, 20).until(lambda d: d.current_url.endswith("/account"))
    click(browser, wait_for(browser, "account-password"))
    WebDriverWait(browser, 20).until(lambda d: d.current_url.endswith("/password"))
    wait_for(browser, "password-back")
    shoot(browser, "password-page")
    assert console_problems(browser) == []
