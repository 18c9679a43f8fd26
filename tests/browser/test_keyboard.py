"""What keyboard and screen-reader users met, in Chromium: a skip link to the main content first on every page,
the dry run's preview and error tables as scroll regions the keyboard reaches (axe-core clean in that state,
where it found scrollable-region-focusable before), and the Accounts page's buttons naming the user, readable
in every state."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import accessibility_problems, ensure_user, sign_in
from tests.browser.test_controls import until_text, wait
from tests.browser.test_dashboard import _choose_file, _trainings_csv, click, settled, wait_for
from tests.conftest import console_problems

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/", "/programme?code=KEC&period=FY2019Q3", "/activities", "/upload"])
def test_the_first_tab_reaches_a_skip_link_to_the_main_content(browser, shipped_server, shipped_store, path):
    ensure_user(shipped_store, "amina", "officer")
    sign_in(browser, shipped_server, "amina")
    browser.get(shipped_server + path)
    WebDriverWait(browser, 20).until(EC.presence_of_element_located((By.CSS_SELECTOR, "main h1")))
    settled(browser)
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    link = browser.switch_to.active_element
    assert link.get_attribute("id") == "skip-link" and link.text == "Skip to the main content"
    assert link.is_displayed() and link.location["y"] >= 0
    link.send_keys(Keys.ENTER)
    wait(browser, lambda d: d.switch_to.active_element.get_attribute("id") == "main-content")
    assert console_problems(browser) == []


def test_the_dry_run_with_errors_is_clean_under_axe_and_its_tables_are_reached(
    browser, shipped_server, shipped_store, tmp_path
):
    rows = [
        f"KB-{n},KEC,{n + 1:02d}/03/2019,Gasabo,Police,Topic {n},{'twelve' if n == 24 else 12},9"
        for n in range(25)
    ]
    bad = _trainings_csv(tmp_path / "trainings_keyboard.csv", rows)
    ensure_user(shipped_store, "amina", "officer")
    sign_in(browser, shipped_server, "amina")
    browser.get(shipped_server + "/upload")
    wait_for(browser, "upload-file")
    settled(browser)
    _choose_file(browser, bad)
    WebDriverWait(browser, 60).until(EC.presence_of_element_located((By.ID, "upload-errors")))
    settled(browser)
    until_text(
        browser,
        "upload-verdict",
        "1 error in trainings_keyboard.csv (trainings: 25 rows read, 1 with errors)",
    )
    assert "Rows with errors" in browser.find_element(By.ID, "upload-counts").text
    for box in browser.find_elements(By.CSS_SELECTOR, ".preview-box, .problems-box"):
        assert box.get_attribute("tabindex") == "0" and box.get_attribute("aria-label")
    assert accessibility_problems(browser) == []
    assert console_problems(browser) == []


def test_the_accounts_buttons_name_the_user_and_pass_contrast(browser, shipped_server, shipped_store):
    from tests.browser.test_accounts import choose

    ensure_user(shipped_store, "ada", "admin")
    ensure_user(shipped_store, "keyboard.user", "officer")
    sign_in(browser, shipped_server, "ada")
    browser.get(shipped_server + "/accounts")
    wait_for(browser, "accounts-grid")
    settled(browser)
    choose(browser, "accounts-user", "keyboard.user")
    until_text(browser, "accounts-reset", "Reset the password of keyboard.user")
    assert browser.find_element(By.ID, "accounts-disable").text == "Disable keyboard.user"
    assert browser.find_element(By.ID, "accounts-enable").text == "Enable keyboard.user"
    settled(browser)
    assert accessibility_problems(browser) == []
    click(browser, browser.find_element(By.ID, "accounts-disable"))  # the answer names the user again
    until_text(browser, "accounts-result", "keyboard.user is disabled")
    click(browser, browser.find_element(By.ID, "accounts-enable"))
    until_text(browser, "accounts-result", "keyboard.user can sign in again.")
    assert console_problems(browser) == []
