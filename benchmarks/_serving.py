"""Helpers for the benchmarks that serve the app: a bench user in the million-record store."""

from __future__ import annotations

from sqlalchemy import select

from indicators import accounts
from indicators.db import Store
from indicators.models import User

BENCH_USER, BENCH_PASSWORD = "bench.manager", "bench-password-2026"


def ensure_user(store: Store) -> None:
    with store.begin() as session:
        if session.scalar(select(User).where(User.username == BENCH_USER)) is None:
            accounts.add_user(session, BENCH_USER, BENCH_PASSWORD, "manager")
