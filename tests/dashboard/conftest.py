"""Dashboard fixtures: the page modules, imported once the demo app is built (the store and app fixtures are
tests/conftest.py's)."""

import importlib
from types import SimpleNamespace

import pytest

from tests.dashboard.test_pages import PAGE_NAMES
from tests.stores import put_back


@pytest.fixture(scope="package", autouse=True)
def demo_store_as_seeded_after(demo_store):
    """What these tests commit (a user, a corrected record, a revised target) stays in tests/dashboard."""
    with put_back(demo_store):
        yield


@pytest.fixture(scope="module")
def pages(demo_app):
    """The dashboard's page modules by name (``pages.results``), registered with the demo app: every page of
    ``PAGE_NAMES``, the Results page and the administrators' Accounts page."""
    names = (*PAGE_NAMES, "results", "accounts")
    return SimpleNamespace(**{name: importlib.import_module(f"dashboard.{name}") for name in names})
