"""Browser fixtures: a store filled with ``ctmonitor demo``'s data set, an app built on it and served
(``demo_server``), and signing in through the real form (the users live in whichever store the app serves)."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.dashboard.fixtures import demo_app, demo_settings, make_store, request_context  # noqa: F401

PASSWORD = "correct horse battery staple"


def _demo(session, settings):
    """The demo data set, stored through the importer as ``ctmonitor demo`` does."""
    from importers import demo

    report = demo.load(session, settings)
    assert report.ok, report.as_text()


@pytest.fixture(scope="session")
def demo_store(demo_settings):  # noqa: F811  (the fixture of that name, from fixtures.py)
    store = make_store(demo_settings, _demo)
    yield store
    store.dispose()


@pytest.fixture(scope="session")
def demo_server(demo_app):  # noqa: F811  (the fixture of that name, from fixtures.py)
    """The demo app served on a free loopback port: its base URL."""
    from tests.conftest import serve

    with serve(demo_app) as base:
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
def as_user(browser, demo_server):
    """``as_user(store, name, role, donor=None)``: that user exists in ``store`` and the browser is signed in."""

    def sign(store, username, role, donor=None):
        ensure_user(store, username, role, donor)
        sign_in(browser, demo_server, username)

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
