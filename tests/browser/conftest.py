"""Browser fixtures: a store filled with ``ctmonitor demo``'s data set, swapped into the served app."""

import pytest

from tests.dashboard.fixtures import demo_app, demo_settings, make_store, request_context  # noqa: F401
from tests.dashboard.seed import seed


def _demo(session, settings):
    """The demo data set, stored through the importer as ``ctmonitor demo`` does (the builder before it)."""
    try:
        from importers import demo
    except ImportError:
        seed(session, settings)
        return
    report = demo.load(session, settings)
    assert report.ok, report.as_text()


@pytest.fixture(scope="session")
def demo_store(demo_settings):  # noqa: F811  (the fixture of that name, from fixtures.py)
    store = make_store(demo_settings, _demo)
    yield store
    store.dispose()
