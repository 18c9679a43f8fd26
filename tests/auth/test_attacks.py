"""What an attacker tries next, and must fail at: guessing the current password on ``/password`` (throttled and
audited like sign-in), flooding the API with made-up tokens (throttled per address, one counted audit entry),
pages refused through Dash's page router (audited), weak or own-name passwords on every path that sets one,
and a proxy's word about HTTPS (HSTS only when the proxy is trusted)."""

from __future__ import annotations

import dataclasses
import secrets
from datetime import datetime

import pytest
from sqlalchemy import func, select

from dashboard import _auth
from indicators.access import accounts, audit
from indicators.store.models import AuditEvent, AuditTally
from tests.auth.conftest import PASSWORD, client_from, form_token, open_page, sign_in

WEAK = ["password12", "1234567890", "aaaaaaaaaa", "qwertyuiop", "iloveyou12"]


@pytest.fixture
def quiet(monkeypatch):
    """The waits the views ask for, counted instead of waited."""
    asked: list[float] = []
    monkeypatch.setattr(_auth, "sleep", asked.append)
    return asked


@pytest.fixture
def checks(monkeypatch):
    """Every argon2 check made, as the password tried."""
    made: list[str] = []
    verify = accounts._verify
    monkeypatch.setattr(
        accounts, "_verify", lambda hashed, password: made.append(password) or verify(hashed, password)
    )
    return made


def signed_in(demo_app, demo_store, name: str):
    with demo_store.begin() as db:
        accounts.add_user(db, name, PASSWORD, "manager")
    client = client_from(demo_app)
    assert sign_in(client, name).status_code == 302
    return client


def change(client, current: str, new: str = "a new and long passphrase"):
    page = client.get("/password").get_data(as_text=True)
    return client.post(
        "/password", data={"csrf_token": form_token(page), "current": current, "new": new, "again": new}
    )


def test_guessing_the_current_password_is_slowed_locked_and_audited(demo_app, demo_store, quiet, checks):
    client = signed_in(demo_app, demo_store, "stolen.session")
    checks.clear()
    answers = [change(client, f"guess-{n}") for n in range(5)]
    assert [a.status_code for a in answers] == [401] * 5
    assert all("The current password is wrong." in a.get_data(as_text=True) for a in answers[:4])
    assert "locked for 15 minutes" in answers[4].get_data(as_text=True)
    assert quiet == [1.0, 2.0]  # from the third failure on, as at sign-in
    more = [change(client, guess) for guess in ("guess-5", PASSWORD)]  # even the right one, during the lock
    assert all("try again in 15 minutes" in a.get_data(as_text=True) for a in more)
    assert checks == [f"guess-{n}" for n in range(5)]  # nothing past the fifth is checked
    assert sign_in(client_from(demo_app), "stolen.session").status_code == 401  # the name is locked
    with demo_store.Session() as db:
        refused = audit.recent(db, 10, action="password-refused", username="stolen.session")
        user = accounts.get_user(db, "stolen.session")
    assert len(refused) == 7 and {e.detail["purpose"] for e in refused} == {"password change"}
    assert refused[0].detail["reason"].startswith("Too many failed sign-ins") and refused[0].detail["ip"]
    assert accounts.verify_password(user, PASSWORD)  # unchanged


def test_a_flood_of_made_up_tokens_is_throttled_and_counted_once(demo_app, demo_store, monkeypatch):
    from dashboard._api import REFUSALS_PER_MINUTE

    monkeypatch.setattr(audit, "utcnow", lambda: datetime(2027, 2, 10, 9, 41, 30))  # one minute throughout
    client = client_from(demo_app, "203.0.113.77")
    with demo_store.Session() as db:
        events_before = db.scalar(select(func.count(AuditEvent.id)))
    answers = [
        client.get("/api/v1/programmes", headers={"Authorization": f"Bearer ctm_{secrets.token_urlsafe(32)}"})
        for _ in range(REFUSALS_PER_MINUTE + 30)
    ]
    answers.append(client.get("/api/v1/programmes"))  # no token at all: the same count
    statuses = [a.status_code for a in answers]
    assert statuses == [401] * REFUSALS_PER_MINUTE + [429] * 31
    assert answers[-1].is_json and answers[-1].headers["Retry-After"] == "30"
    other = client_from(demo_app, "198.51.100.4")
    assert other.get("/api/v1/programmes").status_code == 401  # another address is not held back
    with demo_store.Session() as db:
        events_after = db.scalar(select(func.count(AuditEvent.id)))
        tallies = db.scalars(select(AuditTally).where(AuditTally.key == "203.0.113.77")).all()
    assert events_after == events_before  # not a row per request
    assert [(t.action, t.count, t.window_start) for t in tallies] == [
        ("api-refused", REFUSALS_PER_MINUTE + 31, datetime(2027, 2, 10, 9, 41))
    ]


def test_a_counted_entry_is_never_removed_or_counted_down(demo_store):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    with demo_store.begin() as db:
        audit.tally(db, "api-refused", "192.0.2.50", now=datetime(2027, 2, 10, 10, 0, 5))
        audit.tally(db, "api-refused", "192.0.2.50", now=datetime(2027, 2, 10, 10, 0, 6))
    for statement in (
        "DELETE FROM audit_tally WHERE key = '192.0.2.50'",
        "UPDATE audit_tally SET count = 1 WHERE key = '192.0.2.50'",
        "UPDATE audit_tally SET key = '10.0.0.1' WHERE key = '192.0.2.50'",
    ):
        with pytest.raises(DBAPIError, match="audit trail cannot be changed"), demo_store.begin() as db:
            db.execute(text(statement))
    with demo_store.Session() as db:
        assert db.scalar(select(AuditTally.count).where(AuditTally.key == "192.0.2.50")) == 2


def test_the_audit_page_lists_the_counted_entries(client_as, demo_store):
    from tests.auth.conftest import components

    with demo_store.begin() as db:
        audit.tally(db, "api-refused", "192.0.2.99", now=datetime(2027, 2, 11, 8, 0, 1))
    page = open_page(client_as("manager"), "/audit?action=api-refused").get_json()
    rows = next(c for c in components(page) if c["props"].get("id") == "audit-grid")["props"]["rowData"]
    assert {
        "at": "2027-02-11 08:00:00",
        "user": "anonymous",
        "action": "API request without a valid token",
        "target": "192.0.2.99",
        "detail": "requests: 1 · last: 2027-02-11 08:00:01",
    } in rows


@pytest.mark.parametrize(
    "path, target, reason",
    [
        ("/audit", "page /audit", "page not available to the role (page router)"),
        ("/programme?code=PVR", "programme PVR", "programme not visible to the account (page router)"),
    ],
)
def test_the_page_routers_refusals_are_audited(client_as, demo_store, path, target, reason):
    client = client_as("donor-usaid")
    with demo_store.Session() as db:
        before = db.scalar(select(func.max(AuditEvent.id)))
    drawn = open_page(client, path)
    assert "Not available to your" in drawn.get_data(as_text=True)
    with demo_store.Session() as db:
        new = db.scalars(select(AuditEvent).where(AuditEvent.id > before)).all()
    assert [(e.username, e.action, e.target, e.detail["reason"]) for e in new] == [
        ("dana", "access-refused", target, reason)
    ]


def test_weak_and_own_name_passwords_are_refused_on_every_path(
    demo_app, demo_store, tmp_path, monkeypatch, capsys
):
    from tests.builders import fresh_store, run_command

    with demo_store.begin() as db:  # the store itself (demo accounts, tests, scripts)
        for weak in WEAK + ["Amani.Uwera2027", "uwera-in-kigali"]:
            with pytest.raises(accounts.AccountError, match="common|different characters|user name"):
                accounts.add_user(db, "amani.uwera", weak, "officer")
    settings = fresh_store(tmp_path)  # the command line
    for weak in WEAK + ["nshuti.claude!"]:
        monkeypatch.setenv("CTMONITOR_PASSWORD", weak)
        assert run_command(settings, "users", "add", "nshuti.claude", "--role", "officer") == 1
        assert capsys.readouterr().err.startswith("ctmonitor users add: the password ")
    client = signed_in(demo_app, demo_store, "gatete.eric")  # the password page
    for weak in WEAK + ["Gatete!Eric!2027"]:
        answer = change(client, PASSWORD, weak)
        assert answer.status_code == 400 and "The password " in answer.get_data(as_text=True)
    with demo_store.Session() as db:
        assert accounts.verify_password(accounts.get_user(db, "gatete.eric"), PASSWORD)
    assert change(client, PASSWORD, "tea fields above nyungwe").status_code == 302


@pytest.mark.parametrize(
    "proxies, headers, base, hsts",
    [
        (1, {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}, "http://localhost", True),
        (0, {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}, "http://localhost", False),
        (1, {"X-Forwarded-Proto": "http"}, "http://localhost", False),
        (0, {}, "https://localhost", True),  # served over HTTPS directly
        (0, {}, "http://localhost", False),
    ],
)
def test_hsts_only_over_https_as_seen_directly_or_by_a_trusted_proxy(
    demo_store, demo_settings, proxies, headers, base, hsts
):
    from app import create_app

    app = create_app(dataclasses.replace(demo_settings, proxies=proxies), store=demo_store)
    client = client_from(app)
    for path in ("/login", "/api/v1/openapi.json", "/assets/app.css"):
        answer = client.get(path, headers=headers, base_url=base)
        assert answer.status_code == 200
        if hsts:
            assert answer.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        else:
            assert "Strict-Transport-Security" not in answer.headers
