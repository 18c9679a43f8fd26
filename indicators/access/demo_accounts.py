"""Demo accounts, so a fresh ``make run`` can be signed in to: one per role, created only in a store with
no user at all, each with a random password printed once and kept in ``<data dir>/demo-accounts.txt``."""

from __future__ import annotations

import secrets
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indicators.access import accounts, audit
from indicators.store.models import User

DEMO_ACCOUNTS = (
    ("demo.manager", "manager", None),
    ("demo.officer", "officer", None),
    ("demo.admin", "admin", None),
    ("demo.usaid", "donor", "USAID"),
    ("demo.state", "donor", "U.S. Department of State"),
)
FILENAME = "demo-accounts.txt"


def create(session: Session, data_dir: Path) -> list[tuple[str, str, str]]:
    """Create the demo accounts if the store has no user; returns (name, role, password) of those made."""
    if session.scalar(select(func.count(User.id))):
        return []
    made = []
    for name, role, donor in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(9)
        accounts.add_user(session, name, password, role, donor)
        audit.record(session, "demo", "user-added", name, role=role, donor=donor)
        made.append((name, role if donor is None else f"{role}, {donor}", password))
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / FILENAME
    path.write_text(
        "Demo accounts of this store (delete them before real use: they share this file)\n"
        + "".join(f"{name:<14} {password:<14} {role}\n" for name, role, password in made)
    )
    path.chmod(0o600)
    return made
