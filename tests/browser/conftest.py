"""Browser fixtures: the shipped product (``shipped_store``, tests/conftest.py: the programmes/ files with
``ctmonitor demo``'s data) served on a free port (``shipped_server``), and signing in through the real form
(the users live in whichever store the app serves).

The browser tests drive what a programme manager sees after ``ctmonitor demo``, so they run on the shipped
programme files: together with tests/test_shipped_programmes.py they are what checks those files."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import serve

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def shipped_server(shipped_app):
    """The shipped app served on a free loopback port: its base URL."""
    with serve(shipped_app) as base:
        yield base


def ensure_user(store, username: str, role: str, donor: str | None = None) -> None:
    """The user, with the test password, in ``store`` (added once)."""
    from sqlalchemy import select

    from indicators.access import accounts
    from indicators.store.models import User

    with store.begin() as session:
        if session.scalar(select(User.id).where(User.username == username)) is None:
            accounts.add_user(session, username, PASSWORD, role, donor)


def sign_in(browser, base: str, username: str, password: str = PASSWORD) -> None:
    """Sign in through the sign-in form, as whoever was signed in before is forgotten."""
    browser.get(base + "/assets/app.css")  # on the site (for its cookies) but no page whose callbacks run
    browser.delete_all_cookies()
    browser.get(base + "/login")
    browser.find_element(By.ID, "login-username").send_keys(username)
    browser.find_element(By.ID, "login-password").send_keys(password)
    browser.find_element(By.ID, "login-submit").click()
    WebDriverWait(browser, 20).until(lambda d: "/login" not in d.current_url)
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "nav-user"))
    assert browser.find_element(By.ID, "nav-user").text == username


@pytest.fixture
def as_user(browser, shipped_server):
    """``as_user(store, name, role, donor=None)``: that user exists in ``store`` and the browser is signed in."""

    def sign(store, username, role, donor=None):
        ensure_user(store, username, role, donor)
        sign_in(browser, shipped_server, username)

    return sign


WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def accessibility_problems(browser) -> list[str]:
    """axe-core's WCAG 2.1 A and AA violations on the page the browser shows, one line per rule."""
    from pathlib import Path

    import axe_playwright_python

    browser.execute_script(
        (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
    )
    browser.set_script_timeout(60)
    violations = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}}).then(r => done(r.violations));",
        WCAG_AA,
    )
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:5]]}" for v in violations]
