"""What Dash sends every browser with the page (its "validation layout", to check callbacks against): the
components callbacks name, as type and id only. Dash's own would be every page as drawn for the first
visitor after a start, figures, records and upload history included, sent to everyone."""

from __future__ import annotations

import json
import re

from dashboard._access import callback_ids
from tests.auth.conftest import components


def dash_config(client) -> dict:
    page = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    return json.loads(
        re.search(r'id="_dash-config" type="application/json">(.*?)</script>', page, re.DOTALL).group(1)
    )


def test_the_validation_layout_holds_ids_and_types_only(client_as, demo_app):
    config = dash_config(client_as("donor-usaid"))
    skeleton = config["validation_layout"]
    found = [c for c in components(skeleton)][1:]  # the wrapping Div first
    assert found and all(
        set(c["props"]) <= {"id", "children"} and not c["props"].get("children") for c in found
    )
    assert {c["props"]["id"] for c in found} == callback_ids(demo_app)
    text = json.dumps(config)
    for leak in ("PVR", "KEC", "Strengthening", "USAID", "rowData", "trainings_march.xlsx", "figure"):
        assert leak not in text


def test_every_callback_id_is_in_it_so_the_browser_checks_them_all(demo_app, client_as):
    skeleton = dash_config(client_as("manager"))["validation_layout"]
    ids = {c["props"].get("id") for c in components(skeleton)}
    for key, spec in demo_app.callback_map.items():
        for dep in spec["inputs"] + spec.get("state", []):
            if not dep["id"].startswith("{"):
                assert dep["id"] in ids, (key, dep["id"])


def test_every_callback_belongs_to_a_page_by_its_prefix(demo_app):
    """Component ids are prefixed by their page, so an id says which page (and roles) it is for."""
    import dash

    prefixes = {
        entry["module"]: entry["module"].split(".")[-1] + "-" for entry in dash.page_registry.values()
    }
    for key, spec in demo_app.callback_map.items():
        module = getattr(spec.get("callback"), "__module__", None)
        if module in prefixes:
            ids = [key.strip(".").split("...")[0].rsplit(".", 1)[0]] + [d["id"] for d in spec["inputs"]]
            assert all(i.startswith(prefixes[module]) or prefixes[module][:-1] in i for i in ids), key


def test_components_a_page_draws_only_in_some_states_are_still_in_it(demo_app, client_as, monkeypatch):
    """Once the quarter the Reports page opens on is signed off, it draws no sign-off button; Dash must
    still know the button, or every browser reports the sign-off callback as broken."""
    from datetime import datetime
    from types import SimpleNamespace

    from dashboard import _access, reports

    client_as("manager")  # the app has served a request: its callbacks are all registered
    signed = SimpleNamespace(
        signed_by="claire",
        signed_at=datetime(2026, 1, 5, 9),
        report_format="iptt",
        report_filename="x.xlsx",
        report_sha256="0" * 64,
        version=1,
    )
    monkeypatch.setattr(reports.signoff, "signed_report", lambda *args: signed)
    skeleton = _access.validation_skeleton(demo_app).to_plotly_json()
    ids = {c.id for c in skeleton["props"]["children"]}
    assert {"reports-signoff-button", "reports-signoff-confirm", "reports-signoff-result"} <= ids
    assert ids == callback_ids(demo_app)


def test_the_first_request_after_a_start_records_no_refused_page(demo_store, demo_settings, users):
    """Dash draws every page once, on the first request a newly started app serves, to make its validation
    layout (``validation_skeleton`` takes its place): those drawings are nobody's visit. A donor signing in
    on a server just started, the sign-in form its first request, is recorded as signing in, not as refused
    the staff's pages and the anonymous visitor before as refused every page."""
    from sqlalchemy import func, select

    from app import create_app
    from indicators.store.models import AuditEvent
    from tests.auth.conftest import client_from, sign_in

    def refusals() -> int:
        with demo_store.Session() as session:
            return session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "access-refused")
            )

    before = refusals()
    started = create_app(demo_settings, store=demo_store)
    client = client_from(started)
    assert sign_in(client, users["donor-usaid"]).status_code == 302  # its GET of the form: the first request
    assert client.get("/", headers={"Accept": "text/html"}).status_code == 200
    assert refusals() == before
    # what the app does draw stays guarded: the Audit trail asked for by the donor is refused and recorded
    client.get("/audit", headers={"Accept": "text/html"})
    assert refusals() == before + 1
