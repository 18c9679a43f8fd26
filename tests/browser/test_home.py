"""The portfolio in headless Chromium on the bare store (programmes, no records): the three programmes, a
clean console, local assets only. Signed in as a programme manager, through the sign-in form."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import ensure_user, sign_in
from tests.conftest import console_problems

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", autouse=True)
def signed_in(browser, live_server, store):
    ensure_user(store, "browser-manager", "manager")
    sign_in(browser, live_server, "browser-manager")
    browser.get_log("browser")


def test_home_lists_the_three_programmes(browser, live_server):
    browser.get(live_server + "/")
    WebDriverWait(browser, 20).until(EC.presence_of_element_located((By.ID, "home-card-KEC")))
    text = browser.find_element(By.ID, "home-cards").text
    for expected in (
        "KEC",
        "USAID",
        "PVR",
        "U.S. Department of State",
        "GIFT",
        "UN.GIFT",
        "Oct 2011 – Mar 2013",
        "none yet",
    ):
        assert expected in text
    counts = browser.find_elements(By.CSS_SELECTOR, "#home-status-KEC .status-count-number")
    assert sum(int(c.text) for c in counts) <= 8  # KEC's eight indicators, those with a target
    assert console_problems(browser) == []


def test_every_asset_is_served_locally(browser, live_server):
    browser.get(live_server + "/")
    WebDriverWait(browser, 20).until(EC.presence_of_element_located((By.ID, "home-card-KEC")))
    sources = browser.execute_script(
        "return [...document.querySelectorAll('script[src], link[href]')].map(e => e.src || e.href)"
    )
    assert sources and all(s.startswith(live_server) for s in sources), sources
    # Bootstrap's own styles are applied (the navbar is a flex container).
    navbar = browser.find_element(By.CSS_SELECTOR, "nav.navbar")
    assert navbar.value_of_css_property("display") == "flex"
