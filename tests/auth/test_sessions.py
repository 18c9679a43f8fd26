"""Sessions end on the server: a copy of the session cookie taken before sign-out, a password change, a role
change or a disabled account opens nothing afterwards (neither ``/_dash-layout`` nor a narrative save); idle
and absolute time limits hold whatever the cookie says; a one-time password must be changed first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from indicators.access import accounts, audit
from indicators.reporting.narratives import get_narrative, set_narrative
from indicators.store.models import UserSession, utcnow
from tests.auth.conftest import PASSWORD, dash_post, form_token, sign_in

NARRATIVE = (
    "indicator-saved.children",
    [("indicator-save", "n_clicks", 1)],
    [
        ("indicator-narrative", "value", "Written with a stolen cookie."),
        ("indicator-context", "data", {"code": "KEC-4.2", "period": "FY2019Q3"}),
        ("indicator-quarter", "value", "FY2019Q3"),
    ],
)


@pytest.fixture
def manager(demo_app, demo_store, request):
    """A manager of this test's own (the test changes or disables them), signed in."""
    name = f"m-{request.node.name[-40:]}"
    with demo_store.begin() as db:
        accounts.add_user(db, name, PASSWORD, "manager")
    client = demo_app.server.test_client()
    assert sign_in(client, name).status_code == 302
    return name, client


def replay(demo_app, client):
    """A second browser holding copies of ``client``'s cookies, as an attacker who copied them would."""
    other = demo_app.server.test_client()
    for name in ("session", "_csrf_token"):
        other.set_cookie(name, client.get_cookie(name).value)
    return other


def opens_nothing(demo_store, copy) -> None:
    assert copy.get("/_dash-layout").status_code == 401
    assert dash_post(copy, *NARRATIVE).status_code == 401
    with demo_store.Session() as db:
        assert get_narrative(db, "KEC-4.2", "FY2019Q3") != "Written with a stolen cookie."


def test_a_cookie_copied_before_signing_out_opens_nothing_afterwards(demo_app, demo_store, manager):
    name, client = manager
    copy = replay(demo_app, client)
    assert copy.get("/_dash-layout").status_code == 200  # the copy works while the session lives
    token = client.get_cookie("_csrf_token").value
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    opens_nothing(demo_store, copy)
    with demo_store.Session() as db:
        assert [e.action for e in audit.recent(db, 2, username=name)] == ["sign-out", "sign-in"]


def test_a_password_change_ends_every_other_copy_but_keeps_the_browser_that_made_it(
    demo_app, demo_store, manager
):
    name, client = manager
    copy = replay(demo_app, client)
    page = client.get("/password").get_data(as_text=True)
    answer = client.post(
        "/password",
        data={
            "csrf_token": form_token(page),
            "current": PASSWORD,
            "new": "a brand new passphrase",
            "again": "a brand new passphrase",
        },
    )
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    opens_nothing(demo_store, copy)
    assert client.get("/_dash-layout").status_code == 200
    fresh = demo_app.server.test_client()
    assert sign_in(fresh, name).status_code == 401  # the old password is gone
    assert sign_in(fresh, name, "a brand new passphrase").status_code == 302
    with demo_store.Session() as db:
        assert audit.recent(db, 1, action="password-changed", username=name)[0].target == name


def test_a_wrong_current_password_changes_nothing(demo_app, demo_store, manager):
    name, client = manager
    page = client.get("/password").get_data(as_text=True)
    answer = client.post(
        "/password",
        data={
            "csrf_token": form_token(page),
            "current": "not it at all",
            "new": "a brand new passphrase",
            "again": "a brand new passphrase",
        },
    )
    assert answer.status_code == 401 and "The current password is wrong." in answer.get_data(as_text=True)
    assert client.get("/_dash-layout").status_code == 200
    assert sign_in(demo_app.server.test_client(), name).status_code == 302


@pytest.mark.parametrize("change", ["role", "disable"])
def test_a_role_change_or_disabling_ends_every_session_at_once(demo_app, demo_store, manager, change):
    name, client = manager
    copy = replay(demo_app, client)
    with demo_store.begin() as db:
        if change == "role":
            accounts.set_role(db, name, "donor", "USAID")
        else:
            accounts.set_active(db, name, False)
    opens_nothing(demo_store, copy)
    assert client.get("/_dash-layout").status_code == 401
    with demo_store.Session() as db:
        assert (
            db.scalar(select(UserSession.id).where(UserSession.user_id == accounts.get_user(db, name).id))
            is None
        )


@pytest.mark.parametrize(
    "column, age",
    [("last_seen", timedelta(hours=8, minutes=1)), ("created_at", timedelta(days=7, minutes=1))],
)
def test_idle_and_old_sessions_end_whatever_the_cookie_says(demo_app, demo_store, manager, column, age):
    name, client = manager
    assert client.get("/_dash-layout").status_code == 200
    with demo_store.begin() as db:
        user_id = accounts.get_user(db, name).id
        db.execute(update(UserSession).where(UserSession.user_id == user_id).values({column: utcnow() - age}))
    assert client.get("/_dash-layout").status_code == 401
    with demo_store.Session() as db:
        assert db.scalar(select(UserSession.id).where(UserSession.user_id == user_id)) is None


def test_a_session_just_inside_the_idle_timeout_lives_on(demo_app, demo_store, manager):
    name, client = manager
    with demo_store.begin() as db:
        user_id = accounts.get_user(db, name).id
        db.execute(
            update(UserSession)
            .where(UserSession.user_id == user_id)
            .values(last_seen=utcnow() - timedelta(hours=7, minutes=50))
        )
    assert client.get("/_dash-layout").status_code == 200
    with demo_store.Session() as db:  # the request counts as use: the idle clock starts again
        seen = db.scalar(select(UserSession.last_seen).where(UserSession.user_id == user_id))
    assert utcnow() - seen < timedelta(minutes=1)


def test_the_store_keeps_only_a_digest_of_the_cookies_token(demo_store, manager):
    name, client = manager
    cookie = client.get_cookie("session").value
    with demo_store.Session() as db:
        digests = list(
            db.scalars(
                select(UserSession.token_hash).where(UserSession.user_id == accounts.get_user(db, name).id)
            )
        )
    assert len(digests) == 1 and len(digests[0]) == 64 and digests[0] not in cookie


def test_a_one_time_password_must_be_changed_before_anything_else(demo_app, demo_store):
    with demo_store.begin() as db:
        accounts.add_user(db, "newcomer", PASSWORD, "officer")
        _user, one_time = accounts.reset_password(db, "newcomer")
    client = demo_app.server.test_client()
    answer = sign_in(client, "newcomer", one_time, next_url="/activities")
    assert answer.status_code == 302 and answer.headers["Location"] == "/password"
    assert client.get("/", headers={"Accept": "text/html"}).headers["Location"] == "/password"
    refused = client.get("/_dash-layout")
    assert refused.status_code == 403 and refused.get_json() == {"error": "Choose a new password first."}
    page = client.get("/password").get_data(as_text=True)
    assert "set by an administrator for one use" in page
    same = client.post(
        "/password",
        data={"csrf_token": form_token(page), "current": one_time, "new": one_time, "again": one_time},
    )
    assert same.status_code == 400 and "must differ" in same.get_data(as_text=True)
    done = client.post(
        "/password",
        data={
            "csrf_token": form_token(page),
            "current": one_time,
            "new": "my own passphrase",
            "again": "my own passphrase",
        },
    )
    assert done.status_code == 302
    assert client.get("/_dash-layout").status_code == 200
    with demo_store.Session() as db:
        assert accounts.get_user(db, "newcomer").must_change_password is False
        event = audit.recent(db, 1, action="password-changed", username="newcomer")[0]
    assert event.detail["one_time"] is True


def test_narratives_saved_by_a_live_session_still_work(client_as, demo_store):
    try:
        response = dash_post(
            client_as("manager"),
            NARRATIVE[0],
            NARRATIVE[1],
            [("indicator-narrative", "value", "Saved by the manager."), *NARRATIVE[2][1:]],
        )
        assert response.status_code == 200
        with demo_store.Session() as db:
            assert get_narrative(db, "KEC-4.2", "FY2019Q3") == "Saved by the manager."
    finally:
        with demo_store.begin() as db:
            set_narrative(db, "KEC-4.2", "FY2019Q3", "", "test")


def test_the_time_limits_are_settings(demo_settings, demo_store, tmp_path):
    import dataclasses

    from app import create_app
    from indicators.store.settings import Settings

    env = {
        "CTMONITOR_DATA_DIR": str(tmp_path),
        "CTMONITOR_SECRET_KEY": "k",
        "CTMONITOR_SESSION_IDLE_HOURS": "1",
        "CTMONITOR_SESSION_LIFETIME_DAYS": "0.5",
    }
    read = Settings.from_env(env)
    assert (read.session_idle_timeout, read.session_lifetime) == (timedelta(hours=1), timedelta(hours=12))
    assert Settings.from_env(
        {"CTMONITOR_DATA_DIR": str(tmp_path), "CTMONITOR_SECRET_KEY": "k"}
    ).session_idle_timeout == timedelta(hours=8)
    # an app of its own, on the same store, with the idle limit read above
    app = create_app(
        dataclasses.replace(demo_settings, session_idle_timeout=read.session_idle_timeout), store=demo_store
    )
    name = "m-idle-hour"
    with demo_store.begin() as db:
        accounts.add_user(db, name, PASSWORD, "manager")
    client = app.server.test_client()
    assert sign_in(client, name).status_code == 302
    assert client.get("/_dash-layout").status_code == 200
    with demo_store.begin() as db:
        user_id = accounts.get_user(db, name).id
        db.execute(
            update(UserSession)
            .where(UserSession.user_id == user_id)
            .values(last_seen=utcnow() - timedelta(minutes=61))
        )
    assert client.get("/_dash-layout").status_code == 401
