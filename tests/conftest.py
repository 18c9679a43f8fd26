"""Shared fixtures, each defined once, every store loaded from the suite's own programme files
(tests/data/programmes, see tests/stores.py):

- ``settings``, ``store``, ``session``, ``dash_app``: a migrated store with the programmes and no records, a
  rolled-back session per test, and the session's Dash app built on them;
- ``demo_settings``, ``demo_store``, ``demo_app``, ``request_context``: a store of its own filled with the
  deterministic records of tests/dashboard/seed.py (so tests can name the figures they expect), an app built on
  it, and code run as inside one signed-in request;
- ``shipped_settings``, ``shipped_store``, ``shipped_app``: the product as shipped, the programmes/ files with
  ``ctmonitor demo``'s data, for the browser tests that drive it;
- ``fresh``: a store of its own per test, committed to for real (SQLite, or a schema of the test PostgreSQL);
- ``browser``: headless Chromium.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy

from indicators.store.db import Store
from indicators.store.settings import Settings
from tests.stores import PROGRAMMES, SHIPPED_PROGRAMMES, USERS, make_store, settings_for


def pytest_configure(config) -> None:
    """Commands the tests run (in-process or as the installed ``ctmonitor``) read the programme files from the
    environment, as a deployment does: there too they are the suite's own."""
    os.environ["CTMONITOR_PROGRAMMES_DIR"] = str(PROGRAMMES)


# Tests that time work on the wall clock or race requests at a served app: under pytest-xdist they all run on one
# worker, one file after another, never beside each other (see pytest_xdist_make_scheduler).
TIMING = (
    "tests/test_accounts.py",
    "tests/test_sign_in_burst.py",
    "tests/importers/test_bounds.py",
    "tests/auth/test_upload_reading.py",
)


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, absent under -p no:xdist
def pytest_xdist_make_scheduler(config, log):
    """Run in parallel (``make test``: pytest-xdist, ``--dist loadfile``), each test file goes whole to one worker,
    so its module fixtures are built once and its tests keep their order; the ``TIMING`` files go together to one.
    (xdist's own ``xdist_group`` marks do nothing with this pytest: they rename node ids through an attribute
    pytest no longer reads.)"""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class FilesAndTiming(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return "timing" if path in TIMING else path

    return FilesAndTiming(config, log)


def pytest_report_header(config) -> str:
    """Where IOM's reference material is looked for (tests/shared.py), said before a single test runs."""
    from tests.shared import shared_dir, where

    found = shared_dir().joinpath("reference").is_dir()
    return f"shared reference material: {where()}" + (
        "" if found else ", MISSING: the tests reading it will fail"
    )


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    tmp = tmp_path_factory.mktemp("store")
    url = os.environ.get("CTMONITOR_TEST_DATABASE_URL")
    if url and url.startswith("postgresql"):
        url = _session_schema(tmp, url)
    return settings_for(tmp, database_url=url or f"sqlite:///{tmp / 'test.sqlite'}")


@pytest.fixture(scope="session")
def store(settings) -> Iterator[Store]:
    """A store migrated to head with the suite's programme definitions loaded."""
    store = make_store(settings)
    yield store
    store.dispose()


def _session_schema(tmp: Path, url: str) -> str:
    """The session's store on the test PostgreSQL, emptied first as a new SQLite file starts empty: the public
    schema, or a schema of its own for each pytest-xdist worker (``make test`` runs one per core)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    schema = f"ctm_session_{worker}" if worker else "public"
    admin = Store(settings_for(tmp, database_url=url))
    with admin.engine.begin() as connection:
        connection.execute(sqlalchemy.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(sqlalchemy.text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    return _in_schema(url, schema) if worker else url


def _in_schema(url: str, schema: str) -> str:
    """``url`` with ``schema`` first on its search path: tables are made and found there."""
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


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


@pytest.fixture
def fresh(tmp_path):
    """A store of its own, committed to for real: a SQLite file, or a new schema on the test PostgreSQL."""
    url = os.environ.get("CTMONITOR_TEST_DATABASE_URL")
    schema = None
    if url and url.startswith("postgresql"):
        schema = f"ctm_{uuid.uuid4().hex[:10]}"
        admin = Store(settings_for(tmp_path, database_url=url))
        with admin.engine.begin() as connection:
            connection.execute(sqlalchemy.text(f"CREATE SCHEMA {schema}"))
        admin.dispose()
        url = _in_schema(url, schema)
    settings = settings_for(tmp_path, database_url=url or f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    store = make_store(settings)
    yield store
    store.dispose()
    if schema:
        admin = Store(settings_for(tmp_path, database_url=os.environ["CTMONITOR_TEST_DATABASE_URL"]))
        with admin.engine.begin() as connection:
            connection.execute(sqlalchemy.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(scope="session")
def dash_app(store, settings):
    from app import create_app

    return create_app(settings, store=store)


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory) -> Settings:
    return settings_for(tmp_path_factory.mktemp("demo-store"))


@pytest.fixture(scope="session")
def demo_store(demo_settings) -> Iterator[Store]:
    """The suite's programmes with the records of tests/dashboard/seed.py, their case codes pseudonymised as the
    importer keeps them. Shared by the whole session: a test that commits to it puts back what it changed."""
    from tests.dashboard.seed import seed

    store = make_store(demo_settings, seed)
    yield store
    store.dispose()


@pytest.fixture(scope="session")
def demo_app(demo_store, demo_settings):
    """A Dash app of its own, built on the demo store and its settings."""
    from app import create_app

    return create_app(demo_settings, store=demo_store)


@pytest.fixture
def request_context(demo_app):
    """Run code as inside one request to the demo app by a signed-in user of ``USERS`` (a manager unless told
    otherwise), as callbacks and layouts always are."""
    from flask_login import login_user

    from dashboard._auth import SignedInUser

    @contextmanager
    def context(path: str = "/", as_user: str = "manager"):
        username, role, donor = USERS[as_user]
        with demo_app.server.test_request_context(path):
            login_user(SignedInUser(0, username, role, donor))
            yield

    return context


def _demo_data(session, settings: Settings) -> None:
    """The demo data set, stored through the importer as ``ctmonitor demo`` does."""
    from importers import demo

    report = demo.load(session, settings)
    assert report.ok, report.as_text()


@pytest.fixture(scope="session")
def shipped_settings(tmp_path_factory) -> Settings:
    return Settings.for_tests(tmp_path_factory.mktemp("shipped-store"), programmes_dir=SHIPPED_PROGRAMMES)


@pytest.fixture(scope="session")
def shipped_store(shipped_settings) -> Iterator[Store]:
    """What ``ctmonitor init`` and ``ctmonitor demo`` make: the shipped programme files and the demo data."""
    store = make_store(shipped_settings, _demo_data)
    yield store
    store.dispose()


@pytest.fixture(scope="session")
def shipped_app(shipped_store, shipped_settings):
    """A Dash app of its own, built on the shipped store."""
    from app import create_app

    return create_app(shipped_settings, store=shipped_store)


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
