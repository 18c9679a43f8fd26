"""Accounts, the audit trail and sign-off closures, at the store level."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from indicators.access import accounts, audit
from indicators.figures import signoff
from indicators.store.models import AuditEvent, Programme

PASSWORD = "correct horse battery"


def authenticate(session, *args, **kwargs):
    """``accounts.authenticate`` inside the test's transaction (its count is flushed, not committed)."""
    return accounts.authenticate(session, *args, commit=session.flush, **kwargs)


def test_password_is_hashed_with_argon2(session):
    user = accounts.add_user(session, "claire", PASSWORD, "manager")
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    assert accounts.verify_password(user, PASSWORD)
    assert not accounts.verify_password(user, PASSWORD + "!")


def test_donor_user_needs_a_known_donor(session):
    with pytest.raises(accounts.AccountError, match="needs --donor"):
        accounts.add_user(session, "d1", PASSWORD, "donor")
    with pytest.raises(accounts.AccountError, match="known donors"):
        accounts.add_user(session, "d1", PASSWORD, "donor", donor="World Bank")
    assert accounts.add_user(session, "d1", PASSWORD, "donor", donor="USAID").donor == "USAID"
    with pytest.raises(accounts.AccountError, match="at least 10"):
        accounts.add_user(session, "short", "abc", "officer")


def test_failures_slow_then_lock_even_the_right_password(session):
    accounts.add_user(session, "olivier", PASSWORD, "officer")
    now = datetime(2026, 1, 5, 9, 0)
    delays = [authenticate(session, "olivier", "wrong", now=now).delay for _ in range(4)]
    assert delays == [0, 0, 1.0, 2.0]
    locked = authenticate(session, "olivier", "wrong", now=now)
    assert locked.user is None and "locked for 15 minutes" in locked.message
    still = authenticate(session, "olivier", PASSWORD, now=now + timedelta(minutes=10))
    assert still.user is None and "try again in 5 minutes" in still.message
    later = authenticate(session, "olivier", PASSWORD, now=now + timedelta(minutes=16))
    assert later.user is not None and later.user.username == "olivier"


def test_guesses_racing_a_real_sign_in_keep_their_count(session, monkeypatch):
    """While the right password is being checked, other guesses for the name are reserved and checked: the
    sign-in gives back only its own place and forgets nothing, so the guessers reach the lock after five wrong
    passwords checked in all (the right one is not one of them)."""
    from indicators.access import throttle

    accounts.add_user(session, "olivier", PASSWORD, "officer")
    now = datetime(2026, 1, 5, 9, 0)
    verify, checked = accounts._verify, []

    def racing(password_hash, password):
        checked.append(password)
        if password == PASSWORD:  # three guesses reserved (and checked, wrongly, a moment later) meanwhile
            for _ in range(3):
                assert throttle.reserve(session, "name:olivier", accounts.LOCK_AFTER, now).reserved
        return verify(password_hash, password)

    monkeypatch.setattr(accounts, "_verify", racing)
    assert authenticate(session, "olivier", "wrong-1", now=now).user is None
    assert authenticate(session, "olivier", PASSWORD, now=now).user is not None
    for _ in range(3):  # the racing guesses turn out wrong
        throttle.failed(session, "name:olivier")
    fifth = authenticate(session, "olivier", "wrong-2", now=now)
    assert (
        fifth.user is None
        and fifth.message == "Too many failed sign-ins: this account is locked for 15 minutes."
    )
    later = [authenticate(session, "olivier", f"wrong-{n}", now=now) for n in range(3, 6)]
    assert all(r.user is None and "Too many failed sign-ins" in r.message for r in later)
    right = authenticate(session, "olivier", PASSWORD, now=now)
    assert right.user is None and "try again in 15 minutes" in right.message
    assert checked == ["wrong-1", PASSWORD, "wrong-2"]  # with the three racing guesses: five wrong in all


def test_a_right_password_does_not_count_towards_the_lock(session):
    """Only failures lock a name: checks that succeed give their place back, even while others are running."""
    from indicators.access import throttle

    accounts.add_user(session, "olivier", PASSWORD, "officer")
    now = datetime(2026, 1, 5, 9, 0)
    for _ in range(4):  # four right passwords still being checked when a fifth arrives
        assert throttle.reserve(session, "name:olivier", accounts.LOCK_AFTER, now).reserved
    assert authenticate(session, "olivier", PASSWORD, now=now).user is not None
    full = throttle.reserve(session, "name:olivier", accounts.LOCK_AFTER, now)
    assert full.reserved and (full.failures, full.pending) == (5, 5)
    assert not throttle.reserve(session, "name:olivier", accounts.LOCK_AFTER, now).reserved  # waits, no lock
    for _ in range(5):
        throttle.succeeded(session, "name:olivier", forget=True)
    assert all(authenticate(session, "olivier", PASSWORD, now=now).user is not None for _ in range(8))


def test_a_sign_in_with_no_other_attempt_since_forgets_the_failures(session):
    accounts.add_user(session, "olivier", PASSWORD, "officer")
    now = datetime(2026, 1, 5, 9, 0)
    for _ in range(3):
        authenticate(session, "olivier", "wrong", now=now)
    assert authenticate(session, "olivier", PASSWORD, now=now).user is not None
    delays = [authenticate(session, "olivier", "wrong", now=now).delay for _ in range(4)]
    assert delays == [0, 0, 1.0, 2.0]


def test_unknown_names_are_throttled_the_same_way(session):
    now = datetime(2026, 1, 5, 9, 0)
    results = [authenticate(session, "nobody", "x", now=now) for _ in range(5)]
    assert [r.message for r in results[:4]] == ["Unknown user name or wrong password."] * 4
    assert "locked" in results[4].message


def test_audit_trail_cannot_be_edited_or_deleted(session):
    event = audit.record(session, "claire", "narrative", "KEC-4.2 FY2019Q3", text="Fewer trainings")
    with pytest.raises(DBAPIError, match="audit trail cannot be changed"), session.begin_nested():
        session.execute(text("UPDATE audit_event SET username = 'mallory' WHERE id = :id"), {"id": event.id})
    with pytest.raises(DBAPIError, match="audit trail cannot be changed"), session.begin_nested():
        session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": event.id})
    assert session.scalar(select(AuditEvent.username).where(AuditEvent.id == event.id)) == "claire"


def test_sign_off_closes_its_quarter_and_every_earlier_one(session):
    kec = session.scalar(select(Programme).where(Programme.code == "KEC"))
    with pytest.raises(signoff.MissingNarratives, match="KEC-3.1, KEC-4.1"):  # nothing stored: all behind
        signoff.sign_off(session, "KEC", "fy19q3", "claire", b"report bytes", "iptt", "KEC FY2019Q3.xlsx")
    missing = signoff.missing_narratives(session, "KEC", "FY2019Q3")
    record = signoff.sign_off(
        session, "KEC", "fy19q3", "claire", b"report bytes", "iptt", "KEC FY2019Q3.xlsx", acknowledged=missing
    )
    assert record.period == "FY2019Q3" and len(record.report_sha256) == 64
    closed = signoff.closures(session, kec.id, {"FY2019Q1", "FY2019Q3", "FY2019Q4", "FY2017Q2"})
    assert set(closed) == {"FY2019Q1", "FY2019Q3", "FY2017Q2"}
    message = closed["FY2019Q1"].message()
    assert message.startswith("FY2019Q1 is closed: FY2019Q3 was signed off by claire on ")
    with pytest.raises(signoff.SignOffError, match="already signed off by claire"):
        signoff.sign_off(session, "KEC", "FY2019Q3", "amina", b"other", "iptt", "x.xlsx")
    with pytest.raises(signoff.SignOffError, match="not a reporting quarter"):
        signoff.sign_off(session, "KEC", "FY2021Q1", "claire", b"x", "iptt", "x.xlsx")
    assert signoff.signed_report(session, "KEC", "FY2019Q3").report == b"report bytes"
    assert [e.action for e in audit.recent(session, action="sign-off")][:1] == ["sign-off"]


def _timed(session, name: str, password: str, address: str) -> float:
    import time

    started = time.perf_counter()
    result = authenticate(session, name, password, address=address)
    assert result.user is None
    return time.perf_counter() - started


def test_a_wrong_password_costs_the_same_for_known_unknown_and_disabled_names(session):
    accounts.add_user(session, "known.user", PASSWORD, "officer")
    accounts.add_user(session, "gone.user", PASSWORD, "officer")
    accounts.set_active(session, "gone.user", False)
    # Interleaved, each from its own address and under the lock; the fastest of each kind, since other work
    # on the machine only ever adds time.
    known, unknown, disabled = [], [], []
    for n in range(4):
        known.append(_timed(session, "known.user", f"wrong-{n}", f"10.0.0.{n}"))
        unknown.append(_timed(session, f"nobody-{n}", "wrong", f"10.0.1.{n}"))
        disabled.append(_timed(session, "gone.user", PASSWORD, f"10.0.2.{n}"))
    known, unknown, disabled = min(known), min(unknown), min(disabled)
    assert known > 0.03 and unknown > 0.03  # an argon2 check, not a table look-up
    assert 0.5 < unknown / known < 2 and 0.5 < disabled / known < 2


def test_the_dummy_hash_has_the_parameters_real_hashes_get():
    from argon2 import PasswordHasher

    assert not PasswordHasher().check_needs_rehash(accounts.DUMMY_HASH)
    assert not accounts._verify(accounts.DUMMY_HASH, "")


def test_an_address_is_locked_after_its_failures_across_names(session, monkeypatch):
    monkeypatch.setattr(accounts, "ADDRESS_LOCK_AFTER", 4)
    now = datetime(2026, 1, 5, 9, 0)
    accounts.add_user(session, "amina", PASSWORD, "officer")
    results = [authenticate(session, f"guess-{n}", "x", now=now, address="203.0.113.9") for n in range(5)]
    assert [r.message for r in results[:4]] == ["Unknown user name or wrong password."] * 4
    assert results[4].message == "Too many failed sign-ins from this address: try again in 15 minutes."
    locked = authenticate(session, "amina", PASSWORD, now=now, address="203.0.113.9")
    assert locked.user is None and "from this address" in locked.message
    elsewhere = authenticate(session, "amina", PASSWORD, now=now, address="198.51.100.7")
    assert elsewhere.user is not None and elsewhere.user.last_sign_in_at == now


def test_a_successful_sign_in_takes_back_its_count_for_the_address(session, monkeypatch):
    monkeypatch.setattr(accounts, "ADDRESS_LOCK_AFTER", 3)
    accounts.add_user(session, "busy", PASSWORD, "officer")
    now = datetime(2026, 1, 5, 9, 0)
    for _ in range(6):  # colleagues signing in all day from one office address never lock it
        assert authenticate(session, "busy", PASSWORD, now=now, address="192.0.2.1").user is not None


def test_changes_by_an_administrator_end_the_users_sessions(session):
    from indicators.access import sessions
    from indicators.store.models import UserSession

    user = accounts.add_user(session, "dana", PASSWORD, "donor", donor="USAID")
    limits = {"idle_timeout": timedelta(hours=8), "lifetime": timedelta(days=7)}

    def live() -> str:
        token = sessions.start(session, user)
        assert sessions.resolve(session, token, **limits) is user
        return token

    token = live()
    accounts.set_role(session, "dana", "officer")
    assert sessions.resolve(session, token, **limits) is None and (user.role, user.donor) == ("officer", None)
    token = live()
    _user, one_time = accounts.reset_password(session, "dana")
    assert sessions.resolve(session, token, **limits) is None and user.must_change_password
    assert accounts.verify_password(user, one_time) and not accounts.verify_password(user, PASSWORD)
    token = live()
    accounts.set_active(session, "dana", False)
    assert sessions.resolve(session, token, **limits) is None
    token = sessions.start(session, user)
    assert sessions.resolve(session, token, **limits) is None  # a disabled user's session opens nothing
    accounts.set_active(session, "dana", True)
    with pytest.raises(accounts.AccountError, match="already enabled"):
        accounts.set_active(session, "dana", True)
    with pytest.raises(accounts.AccountError, match="no user named 'nobody'"):
        accounts.set_role(session, "nobody", "officer")
    with pytest.raises(accounts.AccountError, match="known donors"):
        accounts.set_role(session, "dana", "donor", "World Bank")
    token = live()
    accounts.change_password(session, user, one_time, "chosen by herself at last")
    assert sessions.resolve(session, token, **limits) is None and not user.must_change_password
    assert session.scalar(select(UserSession.id).where(UserSession.user_id == user.id)) is None


def test_guesses_that_filled_every_place_beside_a_sign_in_are_not_forgotten(session, monkeypatch):
    """The attacker's race, settled in the order that used to open it: four wrong guesses and the real
    password take the five places together, more guesses wait for a place, the four fail first, then the
    sign-in succeeds. Forgetting the four failures then let the waiting guesses through to five more checks;
    one more is checked, and it locks the name."""
    from datetime import timedelta

    from indicators.access import throttle

    accounts.add_user(session, "olivier", PASSWORD, "officer")
    now = datetime(2026, 1, 5, 9, 0)
    key, limit = "name:olivier", accounts.LOCK_AFTER
    assert all(throttle.reserve(session, key, limit, now).reserved for _ in range(limit))
    throttle.waiting(session, key, now + timedelta(milliseconds=50))  # a guess waiting for a place
    for _ in range(limit - 1):
        throttle.failed(session, key)
    throttle.succeeded(session, key, forget=True, since=now)
    checked: list[str] = []
    verify = accounts._verify
    monkeypatch.setattr(
        accounts, "_verify", lambda hashed, password: checked.append(password) or verify(hashed, password)
    )
    later = now + timedelta(seconds=1)
    for n in range(20):  # the guesses that were waiting for a place
        authenticate(session, "olivier", f"guess-{n}", now=later)
    assert checked == ["guess-0"]
    assert authenticate(session, "olivier", PASSWORD, now=later).user is None  # locked, even to the right one


def test_four_typos_then_the_right_password_are_forgotten(session):
    """A person, not a race: four mistypes one after the other, then the right password. The failures are
    forgotten, so one more typo later is only a wrong password, and the right one still signs in."""
    from datetime import timedelta

    accounts.add_user(session, "olivier", PASSWORD, "officer")
    now = datetime(2026, 1, 5, 9, 0)
    for n in range(4):
        authenticate(session, "olivier", "wrong", now=now + timedelta(seconds=n))
    assert authenticate(session, "olivier", PASSWORD, now=now + timedelta(seconds=5)).user is not None
    assert authenticate(session, "olivier", "wrong", now=now + timedelta(seconds=6)).user is None
    assert authenticate(session, "olivier", PASSWORD, now=now + timedelta(seconds=7)).user is not None
