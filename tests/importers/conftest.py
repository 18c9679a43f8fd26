"""Importer fixtures: an empty activity store inside the rolled-back test session, and the test workbooks."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from indicators.store.kinds import KINDS, kind
from indicators.store.models import Upload
from tests.stores import make_store, settings_for

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def db(session):
    """The test session with no activity record and no upload (whatever other tests left is rolled back)."""
    for spec in KINDS:
        session.execute(delete(spec.model))
    session.execute(delete(Upload))
    return session


@pytest.fixture
def load(db, settings):
    """Import a file of tests/data (or given bytes) into the test session."""
    from importers.pipeline import import_file

    def run(name: str, data: bytes | None = None, **options):
        content = (DATA / name).read_bytes() if data is None else data
        return import_file(db, content, name, settings=settings, **options)

    return run


def count(session, name: str) -> int:
    return session.execute(select(func.count()).select_from(kind(name).model)).scalar_one()


def uploads(session) -> list[Upload]:
    return list(session.execute(select(Upload).order_by(Upload.id)).scalars())


@pytest.fixture
def own_store(tmp_path):
    """A store of its own in tmp_path (for tests that commit, read the database file or run the CLI)."""
    settings = settings_for(tmp_path)
    store = make_store(settings)
    yield settings, store
    store.dispose()
