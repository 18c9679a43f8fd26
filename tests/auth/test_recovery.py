"""An account's recovery ends its API tokens, as an attacker holding one would find: after a password change, a
reset (Accounts page or command line), a role change or disabling the user, a token made before answers 401,
also while the one-time password is pending; each revocation is audited. Minting a token in the browser needs
the current password, and a token lives at most CTMONITOR_TOKEN_MAX_DAYS."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from indicators.access import accounts, audit, tokens
from indicators.store.models import ApiToken, AuditEvent, utcnow
from tests.auth.conftest import PASSWORD, client_from, dash_post, form_token, sign_in
from tests.auth.test_accounts_page import act

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MINT = "..account-token-made.children...account-tokens.children...account-token-password.value.."


def api(demo_app, token: str) -> int:
    return (
        client_from(demo_app)
        .get("/api/v1/programmes", headers={"Authorization": f"Bearer {token}"})
        .status_code
    )


@pytest.fixture
def holder(demo_app, demo_store, request):
    """An officer of this test's own, signed in, with a token made by an administrator that works."""
    name = f"t-{request.node.name[-36:]}"
    with demo_store.begin() as db:
        accounts.add_user(db, name, PASSWORD, "officer")
        token, _row = tokens.create(db, name, by="admin-on-the-server")
    assert api(demo_app, token) == 200
    client = client_from(demo_app)
    assert sign_in(client, name).status_code == 302
    return name, token, client


def change_own_password(client, current=PASSWORD, new="another long passphrase"):
    page = client.get("/password").get_data(as_text=True)
    return client.post(
        "/password", data={"csrf_token": form_token(page), "current": current, "new": new, "again": new}
    )


def recover(path: str, name: str, client, demo_app, demo_settings, client_as) -> None:
    """Recover ``name``'s account the way ``path`` says, as an administrator (or the user) would."""
    from tests.builders import run_command

    if path == "password change":
        assert change_own_password(client).status_code == 302
    elif path == "reset on the Accounts page":
        assert "One-time password" in act(demo_app, client_as("admin"), "accounts-reset", name).get_data(
            as_text=True
        )
    elif path == "reset on the command line":
        assert run_command(demo_settings, "users", "reset-password", name) == 0
    elif path == "role change on the Accounts page":
        answer = act(
            demo_app,
            client_as("admin"),
            "accounts-set-role",
            name,
            ("accounts-role", "value", "donor"),
            ("accounts-donor", "value", "USAID"),
        )
        assert "is now donor" in answer.get_data(as_text=True)
    elif path == "role change on the command line":
        assert run_command(demo_settings, "users", "set-role", name, "--role", "manager") == 0
    elif path == "disable on the Accounts page":
        assert "is disabled" in act(demo_app, client_as("admin"), "accounts-disable", name).get_data(
            as_text=True
        )
    else:
        assert run_command(demo_settings, "users", "disable", name) == 0


@pytest.mark.parametrize(
    "path, reason",
    [
        ("password change", "password changed"),
        ("reset on the Accounts page", "password reset"),
        ("reset on the command line", "password reset"),
        ("role change on the Accounts page", "role changed"),
        ("role change on the command line", "role changed"),
        ("disable on the Accounts page", "user disabled"),
        ("disable on the command line", "user disabled"),
    ],
)
def test_a_token_ends_with_the_accounts_recovery(
    demo_app, demo_store, demo_settings, client_as, holder, path, reason, capsys
):
    name, token, client = holder
    recover(path, name, client, demo_app, demo_settings, client_as)
    capsys.readouterr()
    assert api(demo_app, token) == 401
    with demo_store.Session() as db:
        revoked = audit.recent(db, 1, action="tokens-revoked", username=None)
        row = db.scalar(select(ApiToken).where(ApiToken.token_hash == tokens.digest(token)))
    assert (
        revoked[0].target == name
        and revoked[0].detail["reason"] == reason
        and revoked[0].detail["count"] == 1
    )
    assert row.revoked_at is not None and tokens.state(row) == "revoked"
    if path == "password change":
        assert client.get("/_dash-layout").status_code == 200  # the browser that changed it carries on
    if "disable" in path:
        with demo_store.begin() as db:
            accounts.set_active(db, name, True)
        assert api(demo_app, token) == 401  # enabling again does not bring a token back


def test_no_token_opens_anything_while_a_one_time_password_is_pending(
    demo_app, demo_store, demo_settings, holder, capsys
):
    from tests.builders import run_command

    name, _token, _client = holder
    assert run_command(demo_settings, "users", "reset-password", name) == 0
    one_time = capsys.readouterr().out.split(": ", 1)[1].split()[0]
    assert run_command(demo_settings, "tokens", "add", "--user", name) == 0  # an administrator on the server
    made = next(w for w in capsys.readouterr().out.split() if w.startswith("ctm_") and not w.endswith("…"))
    assert api(demo_app, made) == 401
    fresh = client_from(demo_app)
    assert sign_in(fresh, name, one_time).headers["Location"] == "/password"
    assert change_own_password(fresh, one_time).status_code == 302
    assert api(demo_app, made) == 401  # choosing the password ended it too


def test_minting_a_token_in_the_browser_needs_the_current_password(demo_app, demo_store, holder, monkeypatch):
    monkeypatch.setattr("dashboard._auth.sleep", lambda seconds: None)
    name, _token, client = holder
    state = [("account-token-name", "value", "stolen session"), ("account-token-days", "value", "30")]
    for sent in (None, "not my password"):
        answer = dash_post(
            client,
            MINT,
            [("account-token-create", "n_clicks", 1)],
            [*state, ("account-token-password", "value", sent)],
        )
        assert answer.status_code == 200 and "The current password is wrong." in answer.get_data(as_text=True)
        assert "ctm_" not in answer.get_data(as_text=True)
    with demo_store.Session() as db:
        assert [t.name for t, _u in tokens.listed(db, name)] == [None]  # only the administrator's
        refused = audit.recent(db, 2, action="password-refused", username=name)
    assert [e.detail["purpose"] for e in refused] == ["API token", "API token"]
    made = dash_post(
        client,
        MINT,
        [("account-token-create", "n_clicks", 1)],
        [*state, ("account-token-password", "value", PASSWORD)],
    ).get_json()["response"]
    text = next(
        w.strip("'\",") for w in str(made["account-token-made"]).split() if w.strip("'\",").startswith("ctm_")
    )
    assert api(demo_app, text) == 200 and made["account-token-password"]["value"] == ""


def test_a_token_lives_at_most_the_longest_lifetime(tmp_path, demo_app, demo_store, holder):
    from tests.builders import fresh_store

    settings = fresh_store(tmp_path)
    env = dict(
        os.environ,
        CTMONITOR_DATABASE_URL=settings.database_url,
        CTMONITOR_DATA_DIR=str(tmp_path),
        CTMONITOR_PASSWORD="correct horse battery",
    )

    def ctmonitor(*argv, **extra):
        return subprocess.run(
            [sys.executable, "-m", "app", *argv],
            capture_output=True,
            text=True,
            cwd=REPO,
            env=dict(env, **extra),
            timeout=120,
            check=False,
        )

    assert ctmonitor("users", "add", "partner", "--role", "donor", "--donor", "USAID").returncode == 0
    huge = ctmonitor("tokens", "add", "--user", "partner", "--expires", "99999999")
    assert huge.returncode == 1 and "Traceback" not in huge.stderr
    assert huge.stderr.strip() == (
        "ctmonitor tokens add: a token lasts at most 365 days (CTMONITOR_TOKEN_MAX_DAYS); "
        "ask for --expires 365 or fewer"
    )
    shorter = ctmonitor(
        "tokens", "add", "--user", "partner", "--expires", "31", CTMONITOR_TOKEN_MAX_DAYS="30"
    )
    assert (
        shorter.returncode == 1 and "at most 30 days" in shorter.stderr and "Traceback" not in shorter.stderr
    )
    default = ctmonitor("tokens", "add", "--user", "partner", CTMONITOR_TOKEN_MAX_DAYS="30")
    assert default.returncode == 0 and "expires" in default.stdout
    from indicators.store.db import Store

    store = Store(settings)
    with store.Session() as db:
        row = db.scalar(select(ApiToken))
    store.dispose()
    assert (row.expires_at - row.created_at).days == 30  # no token without an end
    # a token made before the limit existed, without an end: it stops a year after it was made
    _name, token, _client = holder
    with demo_store.begin() as db:
        db.execute(
            update(ApiToken)
            .where(ApiToken.token_hash == tokens.digest(token))
            .values(expires_at=None, created_at=utcnow() - timedelta(days=366))
        )
    assert api(demo_app, token) == 401


def test_the_audit_trail_never_holds_a_token_sent_in_an_address(demo_app, demo_store, holder, client_as):
    name, token, _client = holder
    client = client_from(demo_app)
    answer = client.get(
        f"/api/v1/programmes/KEC/figures?period=FY2019Q3&access_token={token}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200
    assert client.get(f"/api/v1/programmes?access_token={token}").status_code == 401  # not a way in
    assert client.get(f"/api/v1/programmes?token={token}&x=1").status_code == 401
    client_as("donor-usaid").get(f"/programme?code=PVR&access_token={token}", headers={"Accept": "text/html"})
    with demo_store.Session() as db:
        recorded = db.scalar(
            select(AuditEvent)
            .where(AuditEvent.action == "api-request")
            .where(AuditEvent.username == name)
            .order_by(AuditEvent.id.desc())
        )
        everything = " ".join(f"{e.username} {e.target} {e.detail}" for e in db.scalars(select(AuditEvent)))
    assert recorded.target == "/api/v1/programmes/KEC/figures?period=FY2019Q3&access_token=[redacted]"
    assert token not in everything and token[12:] not in everything
