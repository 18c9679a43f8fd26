"""The test suite's own programmes and stores: settings pointing at tests/data/programmes, and stores migrated
and loaded from them through the loader production uses.

The suite never reads the shipped programmes/ directory, except tests/test_shipped_programmes.py (which checks
the shipped files themselves) and the browser tests (which drive the product as ``ctmonitor demo`` ships it).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.orm import Session

from indicators.programmes import definitions
from indicators.store import migrate
from indicators.store.db import Store
from indicators.store.settings import REPO_ROOT, Settings

DATA = Path(__file__).resolve().parent / "data"
PROGRAMMES = DATA / "programmes"
SHIPPED_PROGRAMMES = REPO_ROOT / "programmes"

# The demo store's users, one per role: key -> (username, role, donor).
USERS = {
    "manager": ("claire", "manager", None),
    "admin": ("ada", "admin", None),
    "officer": ("olivier", "officer", None),
    "donor-usaid": ("dana", "donor", "USAID"),
    "donor-state": ("stella", "donor", "U.S. Department of State"),
}


def settings_for(directory: Path, **overrides) -> Settings:
    """Test settings in ``directory`` whose programme files are the suite's own (what ``ctmonitor init`` loads)."""
    overrides.setdefault("programmes_dir", PROGRAMMES)
    return Settings.for_tests(directory, **overrides)


def make_store(
    settings: Settings,
    fill: Callable[[Session, Settings], None] | None = None,
    programmes: Path | None = None,
) -> Store:
    """A store migrated to head with ``programmes`` loaded (default: the settings' programme files), then
    filled by ``fill(session, settings)`` in a transaction of its own."""
    store = Store(settings)
    migrate.upgrade(store.engine)
    with store.begin() as session:
        definitions.load_directory(session, programmes or settings.programmes_dir)
    if fill is not None:
        with store.begin() as session:
            fill(session, settings)
    return store


@contextmanager
def put_back(store: Store) -> Iterator[None]:
    """Whatever is committed to the (SQLite) ``store`` inside the block is undone when it ends: the database is
    copied aside first and copied back after, through SQLite's backup API. For a suite that commits for real
    (sign-ins, sign-offs, uploads through the app) on a store other suites share."""
    path = Path(store.engine.url.database or "")
    saved = path.with_name(f"{path.stem}.put-back{path.suffix}")
    store.engine.dispose()
    _copy(path, saved)
    try:
        yield
    finally:
        store.engine.dispose()
        _copy(saved, path)
        saved.unlink()


def _copy(source: Path, target: Path) -> None:
    reading, writing = sqlite3.connect(source), sqlite3.connect(target)
    try:
        reading.backup(writing)
    finally:
        reading.close()
        writing.close()
