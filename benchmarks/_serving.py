"""Helpers for the benchmarks that serve the app: a bench user in the million-record store."""

from __future__ import annotations

from sqlalchemy import select

from indicators.access import accounts
from indicators.store.db import Store
from indicators.store.models import User

# Not the user's name, nor a common password: ctmonitor refuses those.
BENCH_USER, BENCH_PASSWORD = "bench.manager", "quiet lantern over kigali 2026"


def ensure_user(store: Store) -> None:
    with store.begin() as session:
        user = session.scalar(select(User).where(User.username == BENCH_USER))
        if user is not None and not accounts.verify_password(user, BENCH_PASSWORD):  # a store cached before
            session.delete(user)
            session.flush()
            user = None
        if user is None:
            accounts.add_user(session, BENCH_USER, BENCH_PASSWORD, "manager")
