"""The audit trail: who did what, when, for sign-ins, narratives, uploads, user changes and downloads; shown to
managers and administrators, newest first, filtered by action and user; never changed."""

from __future__ import annotations

import base64

from sqlalchemy import select

from indicators.access import audit
from indicators.store.models import AuditEvent
from tests.auth.conftest import callback_key, components, dash_post, open_page
from tests.builders import fresh_store, run_command


def test_a_narrative_edit_is_recorded_with_before_and_after(session):
    from indicators.reporting.narratives import set_narrative

    set_narrative(session, "KEC-4.2", "FY2019Q3", "First version.", "claire")
    set_narrative(session, "KEC-4.2", "FY2019Q3", "First version.", "claire")  # unchanged: nothing to record
    set_narrative(session, "KEC-4.2", "fy19q3", "Second version.", "amina")
    set_narrative(session, "KEC-4.2", "FY2019Q3", "", "amina")
    events = audit.recent(session, 10, action="narrative")
    assert [(e.username, e.target, e.detail["change"]) for e in events] == [
        ("amina", "KEC-4.2 FY2019Q3", "deleted"),
        ("amina", "KEC-4.2 FY2019Q3", "changed"),
        ("claire", "KEC-4.2 FY2019Q3", "added"),
    ]
    assert events[1].detail["before"] == "First version." and events[1].detail["after"] == "Second version."


def test_committing_an_upload_is_recorded_stored_or_refused(client_as, demo_store, demo_app):
    from indicators.figures import signoff
    from indicators.store.models import SignOff

    good = (
        "Reference,Project,Start date,District,Target group,Topic,Female participants,Male participants\n"
        "AU-1,GIFT,12/03/2012,Gasabo,Police,Identification of victims,12,9\n"
    )
    late = good.replace("AU-1", "AU-2").replace("12/03/2012", "14/02/2012")
    client = client_as("officer")

    def dry_run_then_commit(name, text, between=lambda: None):
        contents = "data:text/csv;base64," + base64.b64encode(text.encode()).decode()
        checked = dash_post(
            client,
            callback_key(demo_app, "..upload-preview.children"),
            [("upload-file", "contents", contents), ("upload-programme", "value", None)],
            [("upload-file", "filename", name)],
        ).get_json()["response"]
        between()
        dash_post(
            client,
            callback_key(demo_app, "..upload-result.children"),
            [("upload-commit", "n_clicks", 1)],
            [
                ("upload-file", "contents", contents),
                ("upload-file", "filename", name),
                ("upload-programme", "value", None),
                ("upload-checked", "data", checked["upload-checked"]["data"]),
                [],
            ],
        )

    def quarter_signed_off_meanwhile():  # a manager signs 2012Q1 off between the dry run and the commit
        with demo_store.begin() as session:
            signoff.sign_off(
                session,
                "GIFT",
                "2012Q1",
                "claire",
                b"report",
                "csv",
                "GIFT 2012Q1.csv",
                acknowledged=signoff.missing_narratives(session, "GIFT", "2012Q1"),
            )

    dry_run_then_commit("audit_good.csv", good)
    try:
        dry_run_then_commit("audit_late.csv", late, quarter_signed_off_meanwhile)
    finally:
        with demo_store.begin() as session:
            session.query(SignOff).filter(SignOff.period == "2012Q1").delete()
    with demo_store.Session() as session:
        stored = audit.recent(session, 1, action="upload-stored", username="olivier")[0]
        refused = audit.recent(session, 1, action="upload-refused", username="olivier")[0]
    assert stored.target == "audit_good.csv" and stored.detail["outcome"] == "stored"
    assert stored.detail["counts"]["trainings"]["new"] == 1 and len(stored.detail["sha256"]) == 64
    assert refused.target == "audit_late.csv" and refused.detail["errors"] == 1
    assert "GIFT 2012Q1 is closed: 2012Q1 was signed off by claire" in refused.detail["first_error"]
    assert "Identification of victims" not in str(
        refused.detail
    )  # no cell value: it could come from a case sheet


def test_a_dry_run_is_not_recorded(client_as, demo_store, demo_app):
    with demo_store.Session() as session:
        before = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    text = "Reference,Project,Start date,District,Target group,Topic,Female,Male\nAU-9,GIFT,12/03/2012,Huye,Media,x,1,1\n"
    dash_post(
        client_as("officer"),
        callback_key(demo_app, "..upload-preview.children"),
        [
            ("upload-file", "contents", "data:text/csv;base64," + base64.b64encode(text.encode()).decode()),
            ("upload-programme", "value", None),
        ],
        [("upload-file", "filename", "dry.csv")],
    )
    with demo_store.Session() as session:
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.id > before)).all()
    assert not {"upload-stored", "upload-refused"} & set(actions)


def test_adding_a_user_is_recorded(tmp_path, monkeypatch, capsys):
    from indicators.store.db import Store

    settings = fresh_store(tmp_path)
    monkeypatch.setenv("CTMONITOR_PASSWORD", "correct horse battery")
    assert run_command(settings, "users", "add", "dana", "--role", "donor", "--donor", "USAID") == 0
    store = Store(settings)
    with store.Session() as session:
        event = audit.recent(session, 1, action="user-added")[0]
    store.dispose()
    assert event.target == "dana" and event.detail["role"] == "donor" and event.detail["donor"] == "USAID"
    assert "correct horse" not in str(event.detail)


def test_signing_in_and_out_is_recorded(client_as, demo_store):
    client = client_as("admin")
    token = client.get_cookie("_csrf_token").value
    client.post("/logout", data={"csrf_token": token})
    with demo_store.Session() as session:
        actions = [e.action for e in audit.recent(session, 2, username="ada")]
    assert actions == ["sign-out", "sign-in"]


def test_the_audit_page_lists_newest_first_and_filters_by_action_and_user(client_as):
    client = client_as("manager")
    donor = client_as("donor-state")  # one more sign-in, by someone else, and a refusal
    assert dash_post(donor, "upload-template-download.data").status_code == 403
    page = open_page(client, "/audit").get_json()
    grid = next(c for c in components(page) if c["props"].get("id") == "audit-grid")
    rows = grid["props"]["rowData"]
    assert rows and rows == sorted(rows, key=lambda r: r["at"], reverse=True)
    assert {"Signed in", "Access refused"} <= {r["action"] for r in rows}
    filtered = open_page(client, "/audit?action=sign-in&user=stella").get_json()
    rows = next(c for c in components(filtered) if c["props"].get("id") == "audit-grid")["props"]["rowData"]
    assert rows and {(r["user"], r["action"]) for r in rows} == {("stella", "Signed in")}
    url = dash_post(
        client,
        "audit-url.search",
        [("audit-action", "value", "sign-off"), ("audit-user", "value", None)],
        [("audit-state", "data", {"action": None, "user": None})],
    )
    assert url.get_json()["response"]["audit-url"]["search"] == "?action=sign-off"


def test_the_audit_page_cuts_long_details():
    from dashboard.audit import detail_text

    assert (
        detail_text({"format": "iptt", "note": None, "counts": {"trainings": {"new": 2}}})
        == "format: iptt · counts: trainings: 2 new"
    )
    assert len(detail_text({"after": "x" * 5000})) == 1000


def test_every_action_recorded_anywhere_has_a_name_on_the_audit_page():
    """The Audit trail page filters by ``audit.ACTIONS``: an action recorded under another key could not be
    chosen there. Every ``audit.record(session, who, "action", ...)`` in the code names a listed action."""
    import ast
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent.parent
    recorded = set()
    for package in ("indicators", "importers", "dashboard", "exports"):
        for path in (repo / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "record"
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "audit"
                    and len(node.args) >= 3
                    and isinstance(node.args[2], ast.Constant)
                ):
                    recorded.add(node.args[2].value)
    assert {"password-refused", "tokens-revoked", "two-step-refused", "sign-in"} <= recorded
    assert recorded - set(audit.ACTIONS) == set()
