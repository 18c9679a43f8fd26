"""The Accounts page: administrators only (the page, its data and its actions), every change audited and
ending the user's sessions at once, a one-time password shown once, and no administrator locking
themselves out by a slip."""

from __future__ import annotations

import pytest

from indicators.access import accounts, audit
from tests.auth.conftest import PASSWORD, components, dash_post, open_page, sign_in

DISABLE = "accounts-result.children"


def key(demo_app, starts: str, button: str) -> str:
    """The callback key of the action whose input is ``button`` (outputs are shared, so keys carry a hash)."""
    return next(
        k
        for k, spec in demo_app.callback_map.items()
        if k.startswith(starts) and any(i["id"] == button for i in spec["inputs"])
    )


def act(demo_app, client, button: str, user: str | None, *extra):
    return dash_post(
        client,
        key(demo_app, "..accounts-result.children", button),
        [(button, "n_clicks", 1)],
        [("accounts-user", "value", user), *extra],
    )


@pytest.fixture
def person(demo_app, demo_store, request):
    """An officer of this test's own, signed in in a browser of theirs."""
    name = f"p-{request.node.name[-40:]}"
    with demo_store.begin() as db:
        accounts.add_user(db, name, PASSWORD, "officer")
    browser = demo_app.server.test_client()
    assert sign_in(browser, name).status_code == 302
    return name, browser


def test_the_page_lists_users_for_an_administrator(client_as, users):
    tree = open_page(client_as("admin"), "/accounts").get_json()
    grid = next(c for c in components(tree) if c["props"].get("id") == "accounts-grid")
    rows = {row["username"]: row for row in grid["props"]["rowData"]}
    assert rows[users["donor-usaid"]]["role"] == "donor" and rows[users["donor-usaid"]]["donor"] == "USAID"
    assert rows[users["admin"]]["state"] == "active"
    for row in rows.values():  # no password is listed: the word appears only as a state, "one-time password"
        assert PASSWORD not in str(row)
        # a user of another test may be named after it ("p-test_…_password…"): the name is left out here
        shown = {field: value for field, value in row.items() if field != "username"}
        assert "password" not in str(shown).lower() or "one-time" in row["state"], row


@pytest.mark.parametrize("role", ["manager", "officer", "donor-usaid"])
def test_no_one_else_may_act(demo_app, client_as, person, role, demo_store):
    name, browser = person
    response = act(demo_app, client_as(role), "accounts-disable", name)
    assert response.status_code == 403
    assert browser.get("/_dash-layout").status_code == 200
    with demo_store.Session() as db:
        assert accounts.get_user(db, name).active


def test_disabling_ends_the_users_sessions_and_is_audited(demo_app, client_as, users, person, demo_store):
    name, browser = person
    response = act(demo_app, client_as("admin"), "accounts-disable", name)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and f"{name} is disabled" in text
    assert browser.get("/_dash-layout").status_code == 401
    assert sign_in(demo_app.server.test_client(), name).status_code == 401
    with demo_store.Session() as db:
        event = audit.recent(db, 1, action="user-disabled")[0]
    assert (event.username, event.target, event.detail["via"]) == (users["admin"], name, "accounts page")
    rows = response.get_json()["response"]["accounts-grid"]["rowData"]
    assert next(row for row in rows if row["username"] == name)["state"] == "disabled"
    enabled = act(demo_app, client_as("admin"), "accounts-enable", name)
    assert f"{name} can sign in again." in enabled.get_data(as_text=True)
    assert sign_in(demo_app.server.test_client(), name).status_code == 302


def test_a_reset_shows_a_one_time_password_once_and_the_user_must_change_it(
    demo_app, client_as, person, demo_store
):
    name, browser = person
    response = act(demo_app, client_as("admin"), "accounts-reset", name).get_json()
    code = next(c for c in components(response) if c["props"].get("id") == "accounts-one-time")
    one_time = code["props"]["children"]
    assert browser.get("/_dash-layout").status_code == 401
    fresh = demo_app.server.test_client()
    assert sign_in(fresh, name, one_time).headers["Location"] == "/password"
    assert fresh.get("/_dash-layout").status_code == 403
    with demo_store.Session() as db:
        event = audit.recent(db, 1, action="password-reset")[0]
    assert event.target == name and one_time not in str(event.detail)


def test_a_role_change_holds_at_once(demo_app, client_as, person, demo_store):
    name, browser = person
    response = act(
        demo_app,
        client_as("admin"),
        "accounts-set-role",
        name,
        ("accounts-role", "value", "donor"),
        ("accounts-donor", "value", "USAID"),
    )
    assert f"{name} is now donor for USAID" in response.get_data(as_text=True)
    assert browser.get("/_dash-layout").status_code == 401
    again = demo_app.server.test_client()
    assert sign_in(again, name).status_code == 302
    assert "Not available to your role" in open_page(again, "/upload").get_data(as_text=True)
    with demo_store.Session() as db:
        event = audit.recent(db, 1, action="role-changed")[0]
    assert event.detail["before"] == "officer" and (event.detail["role"], event.detail["donor"]) == (
        "donor",
        "USAID",
    )


def test_a_bad_role_change_says_why_and_changes_nothing(demo_app, client_as, person, demo_store):
    name, _browser = person
    response = act(
        demo_app,
        client_as("admin"),
        "accounts-set-role",
        name,
        ("accounts-role", "value", "donor"),
        ("accounts-donor", "value", None),
    )
    assert "A donor user needs --donor" in response.get_data(as_text=True)
    with demo_store.Session() as db:
        assert accounts.get_user(db, name).role == "officer"


@pytest.mark.parametrize(
    "button, extra",
    [
        ("accounts-disable", ()),
        ("accounts-reset", ()),
        ("accounts-set-role", (("accounts-role", "value", "officer"), ("accounts-donor", "value", None))),
    ],
)
def test_an_administrator_cannot_lock_themself_out_here(
    demo_app, client_as, users, demo_store, button, extra
):
    response = act(demo_app, client_as("admin"), button, users["admin"], *extra)
    assert "your own account here" in response.get_data(as_text=True)
    with demo_store.Session() as db:
        user = accounts.get_user(db, users["admin"])
        assert user.active and user.role == "admin" and not user.must_change_password
