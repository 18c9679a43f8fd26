"""Password guessing against a served app, many requests at once (threads over real HTTP): no server error, at
most five wrong passwords checked for a name before the lock, the right password refused during it, a client
address guessing across names locked too, and right passwords arriving together never locking anyone. Run on
SQLite and, with CTMONITOR_TEST_DATABASE_URL, PostgreSQL."""

from __future__ import annotations

import re
import threading

import pytest
import requests
from sqlalchemy import func, select

from indicators.access import accounts
from indicators.store.models import AuditEvent, UserSession

PASSWORD = "correct horse battery staple"


@pytest.fixture
def served(fresh):
    """An app built on the fresh store and its settings, served over real HTTP."""
    from app import create_app
    from tests.conftest import serve

    with serve(create_app(fresh.settings, store=fresh)) as base:
        yield base, fresh


@pytest.fixture
def checks(monkeypatch):
    """Every argon2 check the server makes, as (hash checked, password tried)."""
    made: list[tuple[str, str]] = []
    lock = threading.Lock()
    verify = accounts._verify

    def counted(password_hash, password):
        with lock:
            made.append((password_hash, password))
        return verify(password_hash, password)

    monkeypatch.setattr(accounts, "_verify", counted)
    monkeypatch.setattr("dashboard._auth.sleep", lambda seconds: None)  # slowing is tested elsewhere
    return made


def burst(base: str, attempts: list[tuple[str, str]]) -> list[tuple[int, str]]:
    """Each (name, password) from its own browser, every POST released at the same moment."""
    start = threading.Barrier(len(attempts))
    answers: list = [None] * len(attempts)

    def attempt(index, name, password):
        try:
            page = requests.get(f"{base}/login", timeout=30)
            cookie = page.cookies.get("session")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            start.wait(timeout=30)
            answer = requests.post(
                f"{base}/login",
                data={"username": name, "password": password, "csrf_token": token, "next": "/"},
                cookies={"session": cookie},
                allow_redirects=False,
                timeout=60,
            )
            answers[index] = (answer.status_code, answer.text)
        except Exception as exc:  # noqa: BLE001 — reported by the assertion below
            answers[index] = (0, repr(exc))

    threads = [threading.Thread(target=attempt, args=(i, *a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def test_twenty_guesses_at_once_get_five_checks_then_the_lock_holds(served, checks):
    base, store = served
    with store.begin() as db:
        user = accounts.add_user(db, "claire", PASSWORD, "manager")
        real_hash = user.password_hash
    answers = burst(base, [("claire", f"guess-{n}") for n in range(20)])
    assert sorted({status for status, _ in answers}) == [401], answers
    assert len([1 for h, _ in checks if h == real_hash]) == 5
    assert (
        sum("Too many failed sign-ins" in text for _, text in answers) == 16
    )  # the fifth locks; 15 never checked
    right = burst(base, [("claire", PASSWORD)])
    assert right[0][0] == 401 and "Too many failed sign-ins: try again in 15 minutes." in right[0][1]
    assert len(checks) == 5
    with store.Session() as db:
        refused = db.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "sign-in-refused"))
        signed_in = db.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "sign-in"))
    assert (refused, signed_in) == (21, 0)


def test_the_right_password_among_many_wrong_ones_gets_no_extra_wrong_check(served, checks):
    base, store = served
    with store.begin() as db:
        accounts.add_user(db, "olivier", PASSWORD, "officer")
    answers = burst(base, [("olivier", f"guess-{n}") for n in range(23)] + [("olivier", PASSWORD)])
    statuses = [status for status, _ in answers]
    assert set(statuses) <= {302, 401} and statuses.count(302) <= 1, answers
    assert len([password for _, password in checks if password != PASSWORD]) == 5
    if statuses.count(302) == 0:  # the right password came too late: it was refused unchecked
        assert PASSWORD not in [password for _, password in checks]
    # the fifth wrong one locks; every other attempt is refused unchecked
    assert sum("Too many failed sign-ins" in text for _, text in answers) == 24 - 5 - statuses.count(302) + 1


def test_six_right_passwords_at_once_all_sign_in_and_lock_nothing(served, checks):
    """Six browsers of one person (or one office) signing in together: each is checked, each gets a session,
    none is counted as a failure, and the name's next five wrong guesses still get five checks."""
    base, store = served
    with store.begin() as db:
        accounts.add_user(db, "amani", PASSWORD, "manager")
    answers = burst(base, [("amani", PASSWORD)] * 6)
    assert [status for status, _ in answers] == [302] * 6, answers
    assert [password for _, password in checks] == [PASSWORD] * 6
    with store.Session() as db:
        refused = db.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "sign-in-refused"))
        signed_in = db.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "sign-in"))
        sessions = db.scalar(select(func.count(UserSession.id)))
    assert (refused, signed_in, sessions) == (0, 6, 6)
    again = burst(base, [("amani", PASSWORD)] * 6)  # and again: nothing was left counted
    assert [status for status, _ in again] == [302] * 6, again
    wrong = burst(base, [("amani", f"guess-{n}") for n in range(5)])
    assert sum("locked for 15 minutes" in text for _, text in wrong) == 1
    assert len([password for _, password in checks if password != PASSWORD]) == 5


def test_first_attempts_at_once_for_a_new_name_never_fail_on_the_store(served, checks):
    base, _store = served
    answers = burst(base, [("nobody-yet", "x" * 12)] * 12)
    assert [status for status, _ in answers] == [401] * 12, answers
    assert len(checks) == 5 and {h for h, _ in checks} == {accounts.DUMMY_HASH}


def test_an_address_guessing_across_names_is_locked(served, checks, monkeypatch):
    base, store = served
    monkeypatch.setattr(accounts, "ADDRESS_LOCK_AFTER", 8)
    with store.begin() as db:
        accounts.add_user(db, "stella", PASSWORD, "manager")
    answers = burst(base, [(f"name-{n}", "guess") for n in range(12)])
    assert sorted({status for status, _ in answers}) == [401]
    assert sum("from this address" in text for _, text in answers) == 4
    assert len(checks) == 8
    right = burst(base, [("stella", PASSWORD)])  # a name never tried, from the locked address
    assert right[0][0] == 401 and "Too many failed sign-ins from this address" in right[0][1]
    assert len(checks) == 8
