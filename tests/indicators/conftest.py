"""Figures tests start from no records at all, inside the per-test rolled-back session; ``cases`` imports the
filled HTCDS sheets the disclosure tests attack."""

import pytest

from tests.builders import clear_records
from tests.importers.htcds_filled import WITH_VALIDATION, edited, fill, people


@pytest.fixture
def db(session):
    clear_records(session)
    return session


@pytest.fixture
def cases(session, settings):
    """The official HTCDS sheet filled as caseworkers fill it, then its edited copy, imported for PVR."""
    from importers.pipeline import import_file

    clear_records(session)
    rows = people()
    again, _ = edited(rows)
    for name, sheet in (("cases.xlsx", rows), ("cases (corrected).xlsx", again)):
        report = import_file(session, fill(WITH_VALIDATION, sheet), name, settings=settings, programme="PVR")
        assert report.ok, report.errors
    return session
