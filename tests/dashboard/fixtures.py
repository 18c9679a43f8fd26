"""Fixtures shared by tests/dashboard and tests/browser (each conftest imports them).

``demo_store`` is a store of its own, migrated, with the shipped programmes and realistic records:
tests/dashboard fills it with the deterministic builder of ``tests/dashboard/seed.py`` (so its tests can
name the figures they expect); tests/browser overrides it with ``importers.demo``, the data a programme
manager sees with ``ctmonitor demo``. ``demo_app`` is an app built on that store and its settings.
``request_context`` runs code as inside one request of a signed-in user (a manager unless told otherwise),
as callbacks and layouts always are.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest

from indicators.programmes import definitions
from indicators.store import migrate
from indicators.store.db import Store
from indicators.store.settings import Settings
from tests.dashboard.seed import seed

PROGRAMMES = Path(__file__).resolve().parent.parent.parent / "programmes"


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory) -> Settings:
    tmp = tmp_path_factory.mktemp("dashboard-store")
    return Settings.for_tests(tmp)


def make_store(settings: Settings, fill) -> Store:
    """A migrated store with the shipped programmes, filled by ``fill(session, settings)``."""
    store = Store(settings)
    migrate.upgrade(store.engine)
    with store.begin() as session:
        definitions.load_directory(session, PROGRAMMES)
    with store.begin() as session:
        fill(session, settings)
    return store


@pytest.fixture(scope="session")
def demo_store(demo_settings) -> Store:
    store = make_store(demo_settings, seed)
    yield store
    store.dispose()


@pytest.fixture(scope="session")
def demo_app(demo_store, demo_settings):
    """A Dash app of its own, built on the demo store and its settings."""
    from app import create_app

    return create_app(demo_settings, store=demo_store)


USERS = {
    "manager": ("claire", "manager", None),
    "admin": ("ada", "admin", None),
    "officer": ("olivier", "officer", None),
    "donor-usaid": ("dana", "donor", "USAID"),
    "donor-state": ("stella", "donor", "U.S. Department of State"),
}


@pytest.fixture
def request_context(demo_app):
    """Run code as inside one request to the app by a signed-in user (what callbacks and layouts expect)."""
    from flask_login import login_user

    from dashboard._auth import SignedInUser

    @contextmanager
    def context(path: str = "/", as_user: str = "manager"):
        username, role, donor = USERS[as_user]
        with demo_app.server.test_request_context(path):
            login_user(SignedInUser(0, username, role, donor))
            yield

    return context
