"""Abuse through HTTP: guessing passwords is slowed then locked (even the right password is refused while
locked), callbacks need the session's CSRF token, the way back after signing in never leaves the site, too
large a request is refused at the door, and no answer carries a traceback, a setting or SQL."""

from __future__ import annotations

import pytest

from dashboard import _auth, _csp
from tests.auth.conftest import PASSWORD, callback_key, dash_post, form_token, sign_in


@pytest.fixture
def delays(monkeypatch):
    """The waits the sign-in view asks for, counted instead of waited."""
    asked: list[float] = []
    monkeypatch.setattr(_auth, "sleep", asked.append)
    return asked


def test_failed_sign_ins_are_slowed_then_locked_even_for_the_right_password(demo_app, demo_store, delays):
    from indicators.access import accounts, audit

    with demo_store.begin() as session:
        accounts.add_user(session, "guessed", PASSWORD, "officer")
    client = demo_app.server.test_client()
    answers = [sign_in(client, "guessed", f"wrong-{n}") for n in range(4)]
    assert [a.status_code for a in answers] == [401] * 4
    assert all("Unknown user name or wrong password." in a.get_data(as_text=True) for a in answers)
    assert delays == [1.0, 2.0]  # from the third failure on
    fifth = sign_in(client, "guessed", "wrong-5")
    assert fifth.status_code == 401 and "locked for 15 minutes" in fifth.get_data(as_text=True)
    right = sign_in(client, "guessed", PASSWORD)
    assert right.status_code == 401 and "Too many failed sign-ins: try again in 15 minutes" in right.get_data(
        as_text=True
    )
    assert client.get("/_dash-layout").status_code == 401
    with demo_store.Session() as session:
        refused = audit.recent(session, 10, action="sign-in-refused", username="guessed")
    assert len(refused) == 6 and refused[0].detail["reason"].startswith("Too many failed sign-ins")


def test_the_lock_holds_for_any_spelling_of_the_name(demo_app, demo_store, delays):
    client = demo_app.server.test_client()
    for n in range(5):
        sign_in(client, "Nobody-At-All", f"guess-{n}")
    locked = sign_in(client, "  nobody-at-all ", "guess-6")
    assert "Too many failed sign-ins" in locked.get_data(as_text=True)


def test_a_sign_in_needs_the_forms_own_token(demo_app, users):
    client = demo_app.server.test_client()
    client.get("/login")
    response = client.post(
        "/login", data={"username": users["manager"], "password": PASSWORD, "csrf_token": "x"}
    )
    assert response.status_code == 400 and "The form expired" in response.get_data(as_text=True)
    assert client.get("/_dash-layout").status_code == 401


@pytest.mark.parametrize("header", [None, "", "forged-token"])
def test_callbacks_without_the_sessions_csrf_token_are_refused(client_as, header):
    client = client_as("manager")
    response = dash_post(
        client,
        "programme-url.search",
        [("programme-quarter", "value", "FY2019Q2")],
        [("programme-url", "search", "?code=KEC&period=FY2019Q3")],
        csrf=header,
    )
    assert response.status_code == 403
    assert response.get_json() == {"error": "The page is out of date: reload it and try again."}
    good = dash_post(
        client,
        "programme-url.search",
        [("programme-quarter", "value", "FY2019Q2")],
        [("programme-url", "search", "?code=KEC&period=FY2019Q3")],
    )
    assert good.status_code == 200 and "FY2019Q2" in good.get_data(as_text=True)


def test_the_csrf_cookie_is_for_this_site_only(client_as):
    cookie = client_as("manager").get_cookie("_csrf_token")
    assert cookie.same_site == "Strict" and cookie.secure and not cookie.http_only  # Dash's renderer reads it


def test_the_session_cookie_is_http_only_secure_and_same_site(demo_app, users):
    client = demo_app.server.test_client()
    response = sign_in(client, users["manager"])
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in header and "Secure" in header and "SameSite=Lax" in header


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "https://evil.example/",
        "http:evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        " //evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/login",
        "/logout",
        "///evil.example",
        "/%0a/evil.example\n",
        "",
    ],
)
def test_the_way_back_after_signing_in_never_leaves_the_site(target):
    assert _auth.safe_next(target) == "/"


@pytest.mark.parametrize("target", ["/", "/programme?code=KEC&period=FY2019Q3", "/indicator?code=KEC-4.2"])
def test_the_way_back_keeps_a_path_on_the_site(target):
    assert _auth.safe_next(target) == target


def test_signing_in_sends_one_back_only_to_a_page_of_the_site(demo_app, users):
    client = demo_app.server.test_client()
    response = sign_in(client, users["manager"], next_url="//evil.example/phish")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    client = demo_app.server.test_client()
    response = sign_in(client, users["manager"], next_url="/reports?programme=KEC&period=FY2019Q3")
    assert response.headers["Location"] == "/reports?programme=KEC&period=FY2019Q3"


def test_a_request_over_the_limit_is_refused_at_the_door(client_as, demo_app, demo_settings, monkeypatch):
    from app import request_limit

    limit = demo_app.server.config["MAX_CONTENT_LENGTH"]
    assert (
        limit == request_limit(demo_settings.upload_limit) == int(demo_settings.upload_limit * 4 / 3) + 2**20
    )
    client = client_as("officer")
    monkeypatch.setitem(demo_app.server.config, "MAX_CONTENT_LENGTH", 64 * 1024)
    contents = "data:text/csv;base64," + "A" * (80 * 1024)
    response = dash_post(
        client,
        callback_key(demo_app, "..upload-preview.children"),
        [("upload-file", "contents", contents), ("upload-programme", "value", None)],
        [("upload-file", "filename", "big.csv")],
    )
    assert response.status_code == 413
    assert "larger than ctmonitor accepts" in response.get_json()["error"]


def test_the_drop_zone_allows_the_whole_upload_limit(demo_app, demo_settings, request_context):
    from dashboard import upload
    from tests.dashboard.test_pages import find

    with request_context(as_user="officer"):
        zone = find(upload.layout(), "upload-file")
    assert zone.max_size == demo_settings.upload_limit
    assert "20.0 MB" in str(zone.children.to_plotly_json())


def test_a_failure_on_the_server_says_nothing_of_it(client_as, demo_app, monkeypatch):
    def broken():
        raise RuntimeError(
            "(sqlite3.OperationalError) SELECT password_hash FROM app_user; secret=test-secret-key"
        )

    client = client_as("manager")
    monkeypatch.setitem(demo_app.server.view_functions, "/_dash-layout", broken)
    response = client.get("/_dash-layout")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert response.get_json() == {
        "error": "Something went wrong on the server. It has been logged; try again later."
    }
    for secret in ("SELECT", "sqlite", "Traceback", "secret", "password"):
        assert secret not in text


def test_a_failing_callback_answers_with_a_toast_not_a_traceback(client_as, monkeypatch):
    import dashboard.indicator

    def broken(*args, **kwargs):
        raise RuntimeError("SELECT * FROM app_user")

    monkeypatch.setattr(dashboard.indicator, "record_rows", broken)
    response = dash_post(
        client_as("manager"),
        "..indicator-records.rowData...indicator-records-note.children..",
        [("indicator-records-scope", "value", "all")],
        [("indicator-context", "data", {"code": "KEC-4.2", "period": "FY2019Q3"})],
    )
    text = response.get_data(as_text=True)
    assert "That did not work" in text
    assert "SELECT" not in text and "Traceback" not in text


def test_the_sign_in_page_escapes_what_was_typed(demo_app, delays):
    client = demo_app.server.test_client()
    page = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login",
        data={
            "username": "<script>alert(1)</script>",
            "password": "x",
            "csrf_token": form_token(page),
            "next": '"><script>x</script>',
        },
    )
    text = response.get_data(as_text=True)
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_answers_carry_security_headers_and_data_is_never_cached(client_as, demo_app):
    client = client_as("manager")
    for path in ("/login", "/_dash-layout", "/"):
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Content-Security-Policy"] == _csp.policy(demo_app)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/assets/app.css").headers.get("Cache-Control", "")


def test_signing_out_when_already_signed_out_is_harmless(demo_app):
    response = demo_app.server.test_client().post("/logout", data={"csrf_token": ""})
    assert response.status_code == 302 and response.headers["Location"] == "/login"


@pytest.mark.parametrize(
    "value, secure", [(None, True), ("1", True), ("0", False), ("false", False), ("no", False)]
)
def test_secure_cookies_are_the_default_and_can_be_turned_off(tmp_path, value, secure):
    from indicators.store.settings import Settings

    env = {"CTMONITOR_DATA_DIR": str(tmp_path), "CTMONITOR_SECRET_KEY": "k"}
    if value is not None:
        env["CTMONITOR_SECURE_COOKIES"] = value
    assert Settings.from_env(env).secure_cookies is secure


def test_the_content_security_policy_allows_only_this_sites_scripts_and_dashs_own_inline_ones(client_as):
    import base64
    import hashlib
    import re

    page = client_as("manager").get("/", headers={"Accept": "text/html"})
    header = page.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in header.split(";"))
    scripts = directives["script-src"].split()
    assert scripts[0] == "'self'" and all(s.startswith("'sha256-") for s in scripts[1:])
    assert "unsafe" not in directives["script-src"] and "http" not in header and "*" not in header
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert directives["default-src"] == "'self'" and directives["form-action"] == "'self'"
    # Every inline script of the page Dash serves is one the policy names by its hash: the browser runs them.
    served = re.sub(
        r"<!--.*?-->", "", page.get_data(as_text=True), flags=re.DOTALL
    )  # Internet Explorer's comment
    inline = re.findall(
        r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", served, re.DOTALL
    )
    assert inline
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in scripts
