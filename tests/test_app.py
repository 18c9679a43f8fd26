"""The app shell: every app built in a process answers the pages' callbacks, with its own settings and store."""

from __future__ import annotations

import dataclasses


def test_a_second_app_in_the_process_has_every_page_callback(dash_app, settings, store):
    from app import create_app

    other = create_app(dataclasses.replace(settings, upload_limit=1024 * 1024), store=store)
    # each really answers: the sign-in page, with the inline scripts' hashes in its policy (and Dash adds its
    # page router's callbacks on an app's first request)
    for app in (dash_app, other):
        answer = app.server.test_client().get("/login")
        assert answer.status_code == 200 and "sha256-" in answer.headers["Content-Security-Policy"]
    assert set(other.callback_map) == set(dash_app.callback_map)
    assert any(key.startswith("indicator-saved.children") for key in other.callback_map)
    assert other.server.config["MAX_CONTENT_LENGTH"] < dash_app.server.config["MAX_CONTENT_LENGTH"]
    assert other.server.extensions["ctmonitor.store"] is store
