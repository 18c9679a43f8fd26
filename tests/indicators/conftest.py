"""Figures tests start from no records at all, inside the per-test rolled-back session."""

import pytest

from tests.builders import clear_records


@pytest.fixture
def db(session):
    clear_records(session)
    return session
