"""Dashboard fixtures (see tests/dashboard/fixtures.py): a seeded store swapped into the one Dash app."""

from tests.dashboard.fixtures import demo_app, demo_settings, demo_store, request_context  # noqa: F401
