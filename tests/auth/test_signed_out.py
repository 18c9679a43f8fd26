"""Signed out, nothing but the sign-in form: pages redirect to it, Dash's endpoints and callbacks (downloads
included) answer 401, and no answer carries a programme's data."""

from __future__ import annotations

import pytest

from tests.auth.conftest import dash_post

SECRET_WORDS = ("KEC", "PVR", "GIFT", "Strengthening", "USAID", "programme-iptt", "rowData")


@pytest.mark.parametrize(
    "path", ["/", "/programme?code=KEC&period=FY2019Q3", "/reports", "/upload", "/audit", "/no/such/page"]
)
def test_pages_redirect_to_the_sign_in_form_keeping_where_one_was_going(demo_app, path):
    client = demo_app.server.test_client()
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    followed = client.get(response.headers["Location"])
    assert followed.status_code == 200 and 'id="login-form"' in followed.get_data(as_text=True)
    # the way back survives the round trip, query and all
    assert f'name="next" value="{path.replace("&", "&amp;")}"' in followed.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/_dash-layout",
        "/_dash-dependencies",
        "/_reload-hash",
        "/_dash-component-suites/dash/dcc/dash_core_components.js",
        "/programme?code=KEC",
    ],
)
def test_dash_endpoints_and_scripts_answer_401_without_data(demo_app, path):
    response = demo_app.server.test_client().get(path, headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.get_json() == {"error": "Sign in first."}


@pytest.mark.parametrize(
    "output, inputs, state",
    [
        (
            ".._pages_content.children..._pages_store.data..",
            [("_pages_location", "pathname", "/programme"), ("_pages_location", "search", "?code=KEC")],
            [],
        ),
        (
            "..reports-file.data...reports-done.children..",
            [("reports-download", "n_clicks", 1)],
            [("reports-state", "data", {"programme": "KEC", "period": "FY2019Q3", "format": "csv"})],
        ),
        ("activities-download.data", [("activities-csv", "n_clicks", 1)], []),
        ("upload-template-download.data", [], []),
        (
            "..indicator-records.rowData...indicator-records-note.children..",
            [("indicator-records-scope", "value", "all")],
            [("indicator-context", "data", {"code": "PVR-3.1", "period": "FY2019Q3"})],
        ),
    ],
)
def test_callbacks_and_downloads_answer_401_without_data(demo_app, output, inputs, state):
    response = dash_post(demo_app.server.test_client(), output, inputs, state, csrf=None)
    assert response.status_code == 401
    text = response.get_data(as_text=True)
    assert not any(word in text for word in SECRET_WORDS)


def test_the_sign_in_form_and_the_stylesheets_are_public(demo_app):
    client = demo_app.server.test_client()
    page = client.get("/login")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert not any(word in page.get_data(as_text=True) for word in SECRET_WORDS[:5])
    assert client.get("/assets/app.css").status_code == 200


def test_signing_out_needs_the_token_and_then_forgets_the_user(client_as):
    from tests.auth.conftest import components

    client = client_as("manager")
    assert client.get("/_dash-layout").status_code == 200
    # a sign-out without the session's token (another site's form) changes nothing
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 302
    assert client.get("/_dash-layout").status_code == 200
    # the navbar's sign-out form carries the session's token
    token = next(
        c["props"]["value"]
        for c in components(client.get("/_dash-layout").get_json())
        if c["props"].get("name") == "csrf_token"
    )
    assert token == client.get_cookie("_csrf_token").value
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/_dash-layout").status_code == 401
