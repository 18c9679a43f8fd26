"""Dashboard fixtures (see tests/dashboard/fixtures.py): a seeded store and an app built on it."""

from tests.dashboard.fixtures import demo_app, demo_settings, demo_store, request_context  # noqa: F401
