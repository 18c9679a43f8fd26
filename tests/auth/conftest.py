"""Sign-in and roles over HTTP: the session's demo app on the seeded demo store (tests/conftest.py), Flask
test clients signed in through the real form, and Dash callbacks POSTed as the browser POSTs them (with the
CSRF header)."""

from __future__ import annotations

import itertools
import json
import re

import pytest

from tests.stores import USERS, put_back

PASSWORD = "correct horse battery staple"
CALLBACK = "/_dash-update-component"


@pytest.fixture(scope="package", autouse=True)
def demo_store_as_seeded_after(demo_store):
    """The users, sign-offs, uploads and tokens these tests commit stay in tests/auth: the suites after them
    find the demo store as seeded."""
    with put_back(demo_store):
        yield


@pytest.fixture(scope="package")
def users(demo_store):
    """One user per role (names as in tests/stores.USERS), each with ``PASSWORD``."""
    from indicators.access import accounts

    with demo_store.begin() as session:
        for username, role, donor in USERS.values():
            accounts.add_user(session, username, PASSWORD, role, donor)
    return {key: username for key, (username, _role, _donor) in USERS.items()}


_addresses = itertools.count(1)


def client_from(app, address: str | None = None):
    """A test client whose requests come from a client address of its own (198.18.0.0/15, the range kept
    for tests), so that the failures one test provokes are not counted against another's sign-ins."""
    client = app.server.test_client()
    number = next(_addresses)
    client.environ_base["REMOTE_ADDR"] = address or f"198.18.{number // 250}.{number % 250 + 1}"
    return client


def form_token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client, username: str, password: str = PASSWORD, next_url: str = "/"):
    token = form_token(client.get("/login").get_data(as_text=True))
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token, "next": next_url}
    )


@pytest.fixture
def client_as(demo_app, users):
    """``client_as("donor-usaid")``: a test client signed in as that role's user."""

    def make(key: str | None = None):
        client = demo_app.server.test_client()
        if key is not None:
            response = sign_in(client, users[key])
            assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return make


def dash_post(client, output: str, inputs=(), state=(), *, csrf: str | None = "cookie"):
    """POST one callback as Dash's renderer does. ``output`` is the callback's key (``id.prop`` or
    ``..a.p...b.q..``); inputs and state are ``(id, property, value)``, or a list of them for a
    pattern-matching ``ALL``."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    outputs = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1].split("@")[0]} for p in parts]
    body = {
        "output": output,
        "outputs": outputs if output.startswith("..") else outputs[0],
        "inputs": [_dependency(item) for item in inputs],
        "state": [_dependency(item) for item in state],
        "changedPropIds": [
            _prop_id(*(item[0] if isinstance(item, list) else item)[:2]) for item in inputs[:1]
        ],
    }
    headers = {}
    if csrf == "cookie":
        cookie = client.get_cookie("_csrf_token")
        headers["X-CSRFToken"] = cookie.value if cookie else ""
    elif csrf is not None:
        headers["X-CSRFToken"] = csrf
    return client.post(CALLBACK, json=body, headers=headers)


def callback_key(app, starts: str) -> str:
    """The app's key of the callback whose outputs start so (keys of ``allow_duplicate`` outputs end in a hash)."""
    return next(key for key in app.callback_map if key.startswith(starts))


def _dependency(item):
    if isinstance(item, list):
        return [_dependency(one) for one in item]
    component_id, prop, value = item
    return {"id": component_id, "property": prop, "value": value}


def _prop_id(component_id, prop) -> str:
    if isinstance(component_id, dict):
        component_id = json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return f"{component_id}.{prop}"


def components(tree):
    """Every component (``{"type", "namespace", "props"}``) in a layout or callback answer, depth first."""
    if isinstance(tree, dict):
        if "namespace" in tree and "props" in tree:
            yield tree
        for value in tree.values():
            yield from components(value)
    elif isinstance(tree, list):
        for item in tree:
            yield from components(item)


def open_page(client, path: str):
    """The page router's callback for ``path`` (``/programme?code=KEC``), as the browser asks for a page."""
    pathname, _, search = path.partition("?")
    return dash_post(
        client,
        ".._pages_content.children..._pages_store.data..",
        inputs=[
            ("_pages_location", "pathname", pathname),
            ("_pages_location", "search", f"?{search}" if search else ""),
        ],
    )
