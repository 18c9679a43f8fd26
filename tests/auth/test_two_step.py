"""Two-step sign-in over HTTP: set up with the password, a QR code and a code; then no session without a code
after the password, a code good once, recovery codes good once, wrong codes throttled and audited, and a role
that must use it confined to its set-up page until it is on."""

from __future__ import annotations

import dataclasses
import re
import time

import pyotp
import pytest

from indicators.access import accounts, audit, two_step
from tests.auth.conftest import PASSWORD, client_from, form_token, sign_in

SETUP = "/account/two-step"


@pytest.fixture(autouse=True)
def quiet(monkeypatch):
    monkeypatch.setattr("dashboard._auth.sleep", lambda seconds: None)


def person(demo_app, demo_store, name: str, role: str = "manager"):
    with demo_store.begin() as db:
        accounts.add_user(db, name, PASSWORD, role)
    client = client_from(demo_app)
    assert sign_in(client, name).status_code == 302
    return client


def post(client, path: str, **fields):
    token = form_token(client.get(path).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **fields})


def set_up(client) -> tuple[str, list[str]]:
    """Through the pages, as a person does: the secret read from the page, the recovery codes shown."""
    scan = post(client, SETUP, step="begin", password=PASSWORD).get_data(as_text=True)
    assert "<svg" in scan and 'id="two-step-qr"' in scan
    secret = re.search(r'id="two-step-secret">([A-Z2-7 ]+)<', scan).group(1).replace(" ", "")
    done = post(client, SETUP, step="confirm", code=pyotp.TOTP(secret).now()).get_data(as_text=True)
    codes = re.findall(r"<li><code>([a-z2-7-]+)</code></li>", done)
    assert len(codes) == 10
    return secret, codes


def next_code(secret: str) -> str:
    """The code of the next 30-second step (accepted: one step of clock drift either way)."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def test_setting_up_needs_the_password_and_a_right_code(demo_app, demo_store):
    client = person(demo_app, demo_store, "tess.manager")
    refused = post(client, SETUP, step="begin", password="not my password")
    assert refused.status_code == 401 and "The current password is wrong." in refused.get_data(as_text=True)
    scan = post(client, SETUP, step="begin", password=PASSWORD).get_data(as_text=True)
    secret = re.search(r'id="two-step-secret">([A-Z2-7 ]+)<', scan).group(1).replace(" ", "")
    wrong = post(
        client, SETUP, step="confirm", code="000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
    )
    assert wrong.status_code == 401 and "That code is not right" in wrong.get_data(as_text=True)
    assert "<svg" in wrong.get_data(as_text=True)  # the same secret, to try again
    done = post(client, SETUP, step="confirm", code=pyotp.TOTP(secret).now())
    assert done.status_code == 200 and len(re.findall(r"<li><code>", done.get_data(as_text=True))) == 10
    assert client.get("/_dash-layout").status_code == 200  # this browser carries on
    with demo_store.Session() as db:
        user = accounts.get_user(db, "tess.manager")
        actions = [e.action for e in audit.recent(db, 4, username="tess.manager")]
    assert (
        user.totp_secret == secret and user.totp_pending is None and two_step.recovery_codes_left(user) == 10
    )
    assert actions == ["two-step-enabled", "two-step-refused", "password-refused", "sign-in"]


def test_no_session_without_the_code_and_a_code_is_good_once(demo_app, demo_store):
    client = person(demo_app, demo_store, "ines.manager")
    secret, _codes = set_up(client)
    fresh = client_from(demo_app)
    answer = sign_in(fresh, "ines.manager", next_url="/programme?code=KEC")
    assert answer.status_code == 302 and answer.headers["Location"] == "/login/code"
    assert fresh.get("/_dash-layout").status_code == 401  # the password alone opens nothing
    used = post(fresh, "/login/code", code=pyotp.TOTP(secret).now())  # the code set-up already used
    assert used.status_code == 401 and fresh.get("/_dash-layout").status_code == 401
    good = post(fresh, "/login/code", code=next_code(secret))
    assert good.status_code == 302 and good.headers["Location"] == "/programme?code=KEC"
    assert fresh.get("/_dash-layout").status_code == 200
    again = client_from(demo_app)
    sign_in(again, "ines.manager")
    assert post(again, "/login/code", code=next_code(secret)).status_code == 401  # that step is spent too
    with demo_store.Session() as db:
        signed = audit.recent(db, 1, action="sign-in", username="ines.manager")[0]
    assert signed.detail["second_step"] == "code"


def test_a_recovery_code_signs_in_once(demo_app, demo_store):
    client = person(demo_app, demo_store, "jean.manager")
    _secret, codes = set_up(client)
    first = client_from(demo_app)
    sign_in(first, "jean.manager")
    assert post(first, "/login/code", code=codes[3].upper().replace("-", " ")).status_code == 302
    second = client_from(demo_app)
    sign_in(second, "jean.manager")
    assert post(second, "/login/code", code=codes[3]).status_code == 401
    with demo_store.Session() as db:
        used = audit.recent(db, 1, action="recovery-code-used", username="jean.manager")[0]
        assert two_step.recovery_codes_left(accounts.get_user(db, "jean.manager")) == 9
    assert used.detail["left"] == 9 and codes[3] not in str(used.detail)


def test_wrong_codes_are_locked_after_five_and_audited(demo_app, demo_store):
    client = person(demo_app, demo_store, "kwame.manager")
    secret, _codes = set_up(client)
    guesser = client_from(demo_app)
    sign_in(guesser, "kwame.manager")
    right = {pyotp.TOTP(secret).at(time.time() + d) for d in (-30, 0, 30)}
    guesses = [f"{n:06d}" for n in range(100000, 100100) if f"{n:06d}" not in right][:6]
    answers = [post(guesser, "/login/code", code=guess) for guess in guesses[:5]]
    assert [a.status_code for a in answers] == [401] * 5
    assert "locked for 15 minutes" in answers[-1].get_data(as_text=True)
    locked = post(guesser, "/login/code", code=next_code(secret))
    assert locked.status_code == 401 and "try again in 15 minutes" in locked.get_data(as_text=True)
    assert guesser.get("/_dash-layout").status_code == 401
    with demo_store.Session() as db:
        refused = audit.recent(db, 10, action="two-step-refused", username="kwame.manager")
    assert len(refused) == 6


def test_a_role_that_must_use_it_sees_only_the_set_up_page(demo_store, demo_settings):
    from app import create_app

    app = create_app(dataclasses.replace(demo_settings, require_totp=("admin", "manager")), store=demo_store)
    client = person(app, demo_store, "lea.admin", role="admin")
    page = client.get("/programme?code=KEC", headers={"Accept": "text/html"})
    assert page.status_code == 302 and page.headers["Location"] == SETUP
    assert client.get("/_dash-layout").status_code == 403
    assert "Your role signs in in two steps" in client.get(SETUP).get_data(as_text=True)
    secret, _codes = set_up(client)
    assert client.get("/_dash-layout").status_code == 200
    on = client.get(SETUP).get_data(as_text=True)
    assert "cannot be turned off" in on and 'id="two-step-off"' not in on
    refused = client.post(
        SETUP,
        data={
            "csrf_token": client.get_cookie("_csrf_token").value,
            "step": "off",
            "password": PASSWORD,
            "code": next_code(secret),
        },
    )  # the form, forged
    assert refused.status_code == 200 and "cannot be turned off" in refused.get_data(as_text=True)
    with demo_store.Session() as db:
        assert two_step.enabled(accounts.get_user(db, "lea.admin"))
    officer = person(app, demo_store, "mo.officer", role="officer")  # a role not listed signs in as before
    assert officer.get("/_dash-layout").status_code == 200


def test_turning_it_off_needs_the_password_and_a_code(demo_app, demo_store, demo_settings, capsys):
    from tests.builders import run_command

    client = person(demo_app, demo_store, "nadia.manager")
    secret, _codes = set_up(client)
    assert post(client, SETUP, step="off", password="wrong", code=next_code(secret)).status_code == 401
    assert post(client, SETUP, step="off", password=PASSWORD, code="123").status_code == 401
    assert post(client, SETUP, step="off", password=PASSWORD, code=next_code(secret)).status_code == 302
    with demo_store.Session() as db:
        assert not two_step.enabled(accounts.get_user(db, "nadia.manager"))
    set_up(client)
    assert run_command(demo_settings, "users", "reset-two-step", "nadia.manager") == 0  # a lost phone
    assert "turned off" in capsys.readouterr().out
    assert client.get("/_dash-layout").status_code == 401  # their sessions ended
    assert sign_in(client_from(demo_app), "nadia.manager").headers["Location"] == "/"
