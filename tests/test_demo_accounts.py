"""Demo accounts: a fresh store can be signed in to, and an existing user base is never touched."""

import stat

from sqlalchemy import delete, func, select

from indicators.access import accounts, demo_accounts
from indicators.store.models import User


def test_demo_accounts_one_per_role_only_in_a_store_without_users(session, tmp_path):
    session.execute(delete(User))
    made = demo_accounts.create(session, tmp_path)
    assert [(name, role) for name, role, _ in made] == [
        ("demo.manager", "manager"),
        ("demo.officer", "officer"),
        ("demo.admin", "admin"),
        ("demo.usaid", "donor, USAID"),
        ("demo.state", "donor, U.S. Department of State"),
    ]
    for name, _, password in made:
        assert accounts.authenticate(session, name, password, commit=session.flush).user.username == name
    kept = tmp_path / demo_accounts.FILENAME
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert all(password in kept.read_text() for _, _, password in made)
    assert demo_accounts.create(session, tmp_path) == []  # users exist: nothing made
    assert session.scalar(select(func.count(User.id))) == 5
