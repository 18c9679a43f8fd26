"""Shared fixtures: settings and a migrated store per test session, a rolled-back session per test, the
session's Dash app built on them (other suites build apps of their own with ``create_app(settings, store)``),
and headless Chromium."""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

from indicators.programmes import definitions
from indicators.store import migrate
from indicators.store.db import Store
from indicators.store.settings import Settings

DATA = Path(__file__).resolve().parent / "data"
PROGRAMMES = Path(__file__).resolve().parent.parent / "programmes"


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    tmp = tmp_path_factory.mktemp("store")
    url = os.environ.get("CTMONITOR_TEST_DATABASE_URL") or f"sqlite:///{tmp / 'test.sqlite'}"
    return Settings.for_tests(tmp, database_url=url)


@pytest.fixture(scope="session")
def store(settings) -> Store:
    """A store migrated to head with the shipped programme definitions loaded."""
    store = Store(settings)
    if store.engine.dialect.name == "postgresql":
        _fresh_schema(store.engine)
    migrate.upgrade(store.engine)
    with store.begin() as session:
        definitions.load_directory(session, PROGRAMMES)
    yield store
    store.dispose()


def _fresh_schema(engine) -> None:
    """A PostgreSQL test database starts each run empty, as a new SQLite file does."""
    from sqlalchemy import text

    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture
def session(store):
    """A session whose work is rolled back after the test, even what the code under test committed."""
    connection = store.engine.connect()
    transaction = connection.begin()
    from sqlalchemy.orm import Session

    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield session
    session.close()
    transaction.rollback()
    connection.close()


@pytest.fixture(scope="session")
def dash_app(store, settings):
    from app import create_app

    return create_app(settings, store=store)


def chromium_options():
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1366,900",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return options


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by selenium; the browser console is read through its log."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not Path(driver_path).exists():
        pytest.fail("chromedriver is missing: install Debian's chromium and chromium-driver (see .ci/run)")
    driver = webdriver.Chrome(service=Service(driver_path), options=chromium_options())
    yield driver
    driver.quit()


@contextmanager
def serve(app):
    """A Dash app served on a free loopback port in a background thread: yields its base URL."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def live_server(dash_app):
    """The session's Dash app (on the session's store) served on a free loopback port."""
    with serve(dash_app) as base:
        yield base


def console_problems(driver) -> list[str]:
    """Browser console entries worth failing a test for (everything but debug chatter)."""
    return [f"{e['level']}: {e['message']}" for e in driver.get_log("browser") if e["level"] != "DEBUG"]
