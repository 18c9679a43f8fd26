"""Accounts, the audit trail and sign-off closures, at the store level."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from indicators import accounts, audit, signoff
from indicators.models import AuditEvent, Programme

PASSWORD = "correct horse battery"


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
    delays = [accounts.authenticate(session, "olivier", "wrong", now=now).delay for _ in range(4)]
    assert delays == [0, 0, 1.0, 2.0]
    locked = accounts.authenticate(session, "olivier", "wrong", now=now)
    assert locked.user is None and "locked for 15 minutes" in locked.message
    still = accounts.authenticate(session, "olivier", PASSWORD, now=now + timedelta(minutes=10))
    assert still.user is None and "try again in 5 minutes" in still.message
    later = accounts.authenticate(session, "olivier", PASSWORD, now=now + timedelta(minutes=16))
    assert later.user is not None and later.user.username == "olivier"


def test_unknown_names_are_throttled_the_same_way(session):
    now = datetime(2026, 1, 5, 9, 0)
    results = [accounts.authenticate(session, "nobody", "x", now=now) for _ in range(5)]
    assert [r.message for r in results[:4]] == ["Unknown user name or wrong password."] * 4
    assert "locked" in results[4].message


def test_audit_trail_cannot_be_edited_or_deleted(session):
    event = audit.record(session, "claire", "narrative", "KEC-4.2 FY2019Q3", text="Fewer trainings")
    with pytest.raises(DBAPIError, match="audit trail cannot be changed"):
        with session.begin_nested():
            session.execute(text("UPDATE audit_event SET username = 'mallory' WHERE id = :id"), {"id": event.id})
    with pytest.raises(DBAPIError, match="audit trail cannot be changed"):
        with session.begin_nested():
            session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": event.id})
    assert session.scalar(select(AuditEvent.username).where(AuditEvent.id == event.id)) == "claire"


def test_sign_off_closes_its_quarter_and_every_earlier_one(session):
    kec = session.scalar(select(Programme).where(Programme.code == "KEC"))
    with pytest.raises(signoff.MissingNarratives, match="KEC-3.1, KEC-4.1"):  # nothing stored: all behind
        signoff.sign_off(session, "KEC", "fy19q3", "claire", b"report bytes", "iptt", "KEC FY2019Q3.xlsx")
    missing = signoff.missing_narratives(session, "KEC", "FY2019Q3")
    record = signoff.sign_off(session, "KEC", "fy19q3", "claire", b"report bytes", "iptt", "KEC FY2019Q3.xlsx",
                              acknowledged=missing)
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
