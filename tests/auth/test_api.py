"""The JSON API with personal access tokens: what a token may read is what its user may read, the figures are
the CSV results', every answer is JSON, and every request is rate-limited and in the audit trail."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import datetime, timedelta

import pytest

from indicators.access import audit, tokens
from indicators.store.models import utcnow  # naive UTC, as the store keeps its times

API = "/api/v1"
MINT = "..account-token-made.children...account-tokens.children...account-token-password.value.."
PASSWORD = "correct horse battery staple"  # every test user's (tests/auth/conftest.py)


@pytest.fixture(scope="module")
def minted(demo_store, users):
    """A token per role's user, made as ``ctmonitor tokens add`` makes them."""
    made = {}
    with demo_store.begin() as session:
        for key in ("donor-usaid", "donor-state", "officer", "manager"):
            made[key], _row = tokens.create(session, users[key], by="test", name=f"{key} script")
    return made


def get(demo_app, path: str, token: str | None = None, method: str = "GET"):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return demo_app.server.test_client().open(API + path, method=method, headers=headers)


def test_without_a_token_nothing_is_answered_but_json_401(demo_app, users):
    answer = get(demo_app, "/programmes")
    assert answer.status_code == 401 and answer.is_json
    assert answer.get_json() == {
        "error": "a token is needed: send Authorization: Bearer <token> (ctmonitor tokens add)",
        "status": 401,
    }
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert get(demo_app, "/programmes", "ctm_not-a-real-token").status_code == 401
    # a browser session does not open the API
    client = demo_app.server.test_client()
    from tests.auth.conftest import sign_in

    sign_in(client, users["manager"])
    assert client.get(API + "/programmes").status_code == 401


def test_a_donor_token_reads_its_donors_programmes_only(demo_app, minted):
    listed = get(demo_app, "/programmes", minted["donor-usaid"]).get_json()
    assert [p["code"] for p in listed["programmes"]] == ["KEC"]
    refused = get(demo_app, "/programmes/PVR", minted["donor-usaid"])
    assert (
        refused.status_code == 403
        and refused.get_json()["error"] == "PVR is not available to this token's account"
    )
    assert get(demo_app, "/programmes/PVR/figures?period=FY2019Q3", minted["donor-usaid"]).status_code == 403
    assert get(demo_app, "/programmes/NOPE", minted["donor-usaid"]).status_code == 404
    staff = get(demo_app, "/programmes", minted["officer"]).get_json()
    assert [p["code"] for p in staff["programmes"]] == ["GIFT", "KEC", "PVR"]


def test_a_logframe_with_its_targets(demo_app, minted, demo_store):
    from sqlalchemy import select

    from indicators.store.models import Indicator, Target

    answer = get(demo_app, "/programmes/KEC", minted["donor-usaid"]).get_json()
    assert (
        answer["code"] == "KEC"
        and answer["quarters"][0] == "FY2017Q2"
        and answer["quarters"][-1] == "FY2020Q3"
    )
    indicators = {i["code"]: i for r in answer["results"] for i in r["indicators"]}
    with demo_store.Session() as session:
        stored = session.execute(
            select(Target.period, Target.value).join(Indicator).where(Indicator.code == "KEC-4.2")
        ).all()
    assert {t["period"]: t["value"] for t in indicators["KEC-4.2"]["targets"]} == dict(stored)
    assert (
        indicators["KEC-4.2"]["measure"] == "sum"
        and indicators["KEC-4.2"]["standard_indicator"] == "PS.5.3-15"
    )


@pytest.mark.parametrize("code, period", [("KEC", "FY2019Q3"), ("PVR", "FY2019Q2"), ("GIFT", "2012Q1")])
def test_the_figures_are_exactly_the_csv_results(demo_app, minted, demo_store, code, period):
    from exports.formats import FORMATS
    from indicators.reporting.reporting import report_file

    with demo_store.Session() as session:
        data, _fmt = report_file(session, code, period, FORMATS, "csv", small_cell=5)
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    answer = get(demo_app, f"/programmes/{code}/figures?period={period}", minted["manager"]).get_json()
    assert answer["programme"] == code and answer["period"] == period
    rows = answer["figures"]
    assert len(rows) == len(table)
    for mine, theirs in zip(rows, table, strict=True):
        for key in ("programme", "indicator", "period", "disaggregation", "category"):
            assert mine[key] == theirs[key]
        for key in ("actual", "target"):  # the CSV's text, as JSON numbers; empty as null
            assert (mine[key] is None and theirs[key] == "") or float(theirs[key]) == mine[key]
            assert mine[key] is None or str(mine[key]) == theirs[key]


def test_bad_periods_and_methods_answer_json(demo_app, minted):
    token = minted["manager"]
    year = get(demo_app, "/programmes/KEC/figures?period=FY2019", token)
    assert year.status_code == 400 and "FY2019 is a year, not a quarter" in year.get_json()["error"]
    assert get(demo_app, "/programmes/KEC/figures", token).get_json() == {
        "error": "period is required, e.g. ?period=FY2019Q3",
        "status": 400,
    }
    posted = get(demo_app, "/programmes", token, method="POST")
    assert posted.status_code == 405 and posted.is_json
    unknown = get(demo_app, "/nothing/here", token)
    assert unknown.status_code == 404 and unknown.is_json


def test_activities_are_for_staff_tokens(demo_app, minted, demo_store):
    from dashboard._records import activity_rows

    refused = get(demo_app, "/programmes/KEC/activities?quarter=FY2019Q3", minted["donor-usaid"])
    assert refused.status_code == 403 and "staff" in refused.get_json()["error"]
    answer = get(demo_app, "/programmes/KEC/activities?quarter=FY2019Q3", minted["officer"]).get_json()
    with demo_store.Session() as session:
        _rows, total = activity_rows(session, programme_codes=["KEC"], quarter="FY2019Q3", limit=None)
    assert answer["total"] == total == len(answer["activities"]) > 0
    assert {a["quarter"] for a in answer["activities"]} == {"FY2019Q3"}
    assert all(a["upload"] and a["row"] for a in answer["activities"])


def test_revoked_and_expired_tokens_open_nothing(demo_app, demo_store, users):
    with demo_store.begin() as session:
        live, row = tokens.create(session, users["officer"], by="test")
        old, _ = tokens.create(session, users["officer"], by="test", days=1, now=utcnow() - timedelta(days=2))
    assert get(demo_app, "/programmes", live).status_code == 200
    assert get(demo_app, "/programmes", old).status_code == 401
    with demo_store.begin() as session:
        tokens.revoke(session, row.prefix, by="test")
    revoked = get(demo_app, "/programmes", live)
    assert (
        revoked.status_code == 401
        and revoked.get_json()["error"] == "the token is unknown, revoked or expired"
    )


def test_a_disabled_users_tokens_stop_with_them(demo_app, demo_store):
    from indicators.access import accounts

    with demo_store.begin() as session:
        accounts.add_user(session, "leaving", "correct horse battery staple", "officer")
        text, _ = tokens.create(session, "leaving", by="test")
    assert get(demo_app, "/programmes", text).status_code == 200
    with demo_store.begin() as session:
        accounts.set_active(session, "leaving", False)
    assert get(demo_app, "/programmes", text).status_code == 401


def test_requests_are_rate_limited_per_token_and_recorded(demo_app, demo_store, users, monkeypatch):
    extensions = demo_app.server.extensions
    monkeypatch.setitem(
        extensions,
        "ctmonitor.settings",
        dataclasses.replace(extensions["ctmonitor.settings"], api_rate_limit=3),
    )
    with demo_store.begin() as session:
        first, row = tokens.create(session, users["manager"], by="test", name="busy script")
        second, _ = tokens.create(session, users["manager"], by="test")
    statuses = [get(demo_app, "/programmes", first).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    limited = get(demo_app, "/programmes", first)
    assert limited.is_json and 1 <= int(limited.headers["Retry-After"]) <= 60
    assert get(demo_app, "/programmes", second).status_code == 200  # per token
    with demo_store.Session() as session:
        events = [
            e for e in audit.recent(session, 50, action="api-request") if e.detail.get("token") == row.prefix
        ]
    assert [e.detail["status"] for e in reversed(events)] == [200, 200, 200, 429, 429, 429]
    assert {e.username for e in events} == {users["manager"]} and events[0].target == "/api/v1/programmes"


def test_the_openapi_document_is_valid_and_lists_every_route(demo_app):
    from openapi_spec_validator import validate

    from dashboard._api import ENDPOINTS

    answer = demo_app.server.test_client().get(API + "/openapi.json")
    assert answer.status_code == 200 and answer.is_json
    spec = answer.get_json()
    validate(spec)
    assert (
        set(spec["paths"])
        == {API + e.path for e in ENDPOINTS}
        == {
            f"{API}/programmes",
            f"{API}/programmes/{{code}}",
            f"{API}/programmes/{{code}}/figures",
            f"{API}/programmes/{{code}}/activities",
            f"{API}/programmes/{{code}}/districts",
        }
    )
    figures = spec["paths"][f"{API}/programmes/{{code}}/figures"]["get"]
    assert {p["name"] for p in figures["parameters"]} == {"code", "period"}
    assert figures["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Figures")
    assert "FigureRow" in spec["components"]["schemas"] and "401" in figures["responses"]
    # what a generated client needs: the period's pattern, Retry-After on 429, Allow on 405, error bodies
    period = next(p for p in figures["parameters"] if p["name"] == "period")
    assert period["schema"]["pattern"] and "Retry-After" in figures["responses"]["429"]["headers"]
    assert "Allow" in figures["responses"]["405"]["headers"]
    assert figures["responses"]["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/Problem")


def test_tokens_on_the_command_line_are_shown_once_and_stored_hashed(tmp_path, capsys):
    from indicators.access import accounts
    from indicators.store.db import Store
    from indicators.store.models import ApiToken
    from tests.builders import fresh_store, run_command

    settings = fresh_store(tmp_path)
    store = Store(settings)
    with store.begin() as session:
        accounts.add_user(session, "partner", "correct horse battery", "donor", "USAID")
    assert (
        run_command(settings, "tokens", "add", "--user", "partner", "--expires", "30", "--name", "MEL") == 0
    )
    out = capsys.readouterr().out
    text = next(word for word in out.split() if word.startswith("ctm_") and not word.endswith("…"))
    with store.Session() as session:
        row = session.query(ApiToken).one()
        assert row.token_hash == tokens.digest(text) and text not in repr(row.__dict__)
        assert (row.expires_at - row.created_at).days == 30
    assert run_command(settings, "tokens", "list") == 0
    listing = capsys.readouterr().out
    assert row.prefix + "…" in listing and text not in listing and "active" in listing
    assert run_command(settings, "tokens", "revoke", row.prefix) == 0
    assert "revoked" in capsys.readouterr().out
    assert run_command(settings, "tokens", "add", "--user", "nobody") == 1
    assert "no active user 'nobody'" in capsys.readouterr().err
    with store.Session() as session:
        assert [e.action for e in audit.recent(session, 5) if e.action.startswith("token")] == [
            "token-revoked",
            "token-created",
        ]
    store.dispose()


def test_the_account_page_makes_shows_once_and_revokes_ones_own_tokens(client_as, demo_store, users):
    from tests.auth.conftest import dash_post

    client = client_as("donor-state")
    made = dash_post(
        client,
        MINT,
        [("account-token-create", "n_clicks", 1)],
        [
            ("account-token-name", "value", "State MEL"),
            ("account-token-days", "value", "30"),
            ("account-token-password", "value", PASSWORD),
        ],
    )
    assert made.status_code == 200
    shown = str(made.get_json()["response"]["account-token-made"])
    text = next(w.strip("'\",") for w in shown.split() if w.strip("'\",").startswith("ctm_"))
    assert get(client.application.extensions["ctmonitor.dash"], "/programmes", text).status_code == 200
    with demo_store.Session() as session:
        ((row, owner),) = [
            (t, u) for t, u in tokens.listed(session, users["donor-state"]) if t.name == "State MEL"
        ]
    assert owner == users["donor-state"] and (row.expires_at - row.created_at).days == 30
    assert text not in str(made.get_json()["response"]["account-tokens"])  # the list never shows it again
    # another user cannot revoke it (the revoke callback's outputs carry Dash's allow_duplicate suffix)
    revoke = next(
        key
        for key in client.application.extensions["ctmonitor.dash"].callback_map
        if key.startswith("..account-token-made.children@")
    )
    pressed = [[({"type": "account-token-revoke", "token": row.prefix}, "n_clicks", 1)]]
    other = dash_post(client_as("officer"), revoke, pressed)
    assert "not yours" in str(other.get_json()["response"])
    revoked = dash_post(client, revoke, pressed)
    assert f"Token {row.prefix}… revoked" in str(revoked.get_json()["response"])
    assert get(client.application.extensions["ctmonitor.dash"], "/programmes", text).status_code == 401


def test_a_donor_token_gets_victim_figures_no_attacker_can_narrow_down(demo_app, minted, demo_store):
    """Every quarter's answer to the State Department's token, read together by the tests' own attacker: no
    count below 5 is published and no withheld one can be worked out; the same quarters for staff are exact."""
    from indicators.figures.figures import load_programme, programme_quarters
    from tests.attacker import Attacker

    with demo_store.Session() as session:
        quarters = programme_quarters(load_programme(session, "PVR"))
    attacker = Attacker([(q.start, q.end) for q in quarters], 5, profile_of="PVR-3.1")
    staff_small = 0
    for index, quarter in enumerate(quarters):
        answer = get(demo_app, f"/programmes/PVR/figures?period={quarter.code}", minted["donor-state"])
        assert answer.status_code == 200
        rows = answer.get_json()["figures"]
        victims = [r for r in rows if r["indicator"] in ("PVR-3.1", "PVR-3.2")]
        assert not [r for r in victims if r["actual"] is not None and 0 < r["actual"] < 5]
        assert all((r["actual"] is None) == (r["withheld"] is not None) for r in victims)
        assert not [r for r in victims if r["disaggregation"] and r["period"] != "LOP"]
        attacker.read_api(answer.get_json(), index, ("PVR-3.1", "PVR-3.2"))
        staff = get(demo_app, f"/programmes/PVR/figures?period={quarter.code}", minted["manager"]).get_json()
        staff_small += sum(
            1
            for r in staff["figures"]
            if r["indicator"].startswith("PVR-3") and r["actual"] is not None and 0 < r["actual"] < 5
        )
    assert staff_small > 0, "the demo data must hold small counts for this to mean anything"
    assert [f for f in attacker.facts if f.label], "some victim figure must have been withheld"
    assert attacker.pinned() == []


def test_every_path_under_api_answers_json_and_numbers_and_times_are_as_json_wants(demo_app, minted):
    client = demo_app.server.test_client()
    for path in ("/api", "/api/", "/api/v2/programmes", "/api/v1/nothing/here", "/api/v0"):
        answer = client.get(path, headers={"Authorization": f"Bearer {minted['manager']}"})
        assert answer.status_code == 404 and answer.is_json and answer.get_json()["status"] == 404, path
    for path in ("/api/v1", "/api/v1/"):
        index = client.get(path)
        assert index.status_code == 200 and index.get_json()["openapi"] == "/api/v1/openapi.json"
    posted = client.post("/api/v2/anything")
    assert posted.status_code == 405 and posted.is_json and posted.headers["Allow"] == "GET, HEAD"
    detail = get(demo_app, "/programmes/KEC", minted["manager"]).get_json()
    targets = [t["value"] for r in detail["results"] for i in r["indicators"] for t in i["targets"]]
    assert 1120 in targets and all(isinstance(t, int) for t in targets if float(t).is_integer())
    records = get(demo_app, "/programmes/KEC/activities?quarter=FY2019Q3", minted["manager"]).get_json()
    stamped = [r["uploaded_at"] for r in records["activities"] if r["uploaded_at"]]
    assert stamped and all(datetime.fromisoformat(s).utcoffset() == timedelta(0) for s in stamped)
    figures = get(demo_app, "/programmes/KEC/figures?period=FY2019Q3", minted["manager"]).get_json()[
        "figures"
    ]
    lop = next(
        f for f in figures if f["indicator"] == "KEC-4.2" and f["period"] == "LOP" and not f["category"]
    )
    assert (lop["period_start"], lop["period_end"], lop["unit"]) == ("2017-01-01", "2019-06-30", "number")
    assert lop["indicator_title"].startswith("Number of people trained")


def test_the_maps_figures_by_district_for_staff_and_donors(demo_app, minted, demo_store):
    from indicators.figures import places

    answer = get(
        demo_app, "/programmes/KEC/districts?indicator=KEC-4.2&period=FY2019Q3&span=lop", minted["manager"]
    )
    with demo_store.Session() as session:
        drawn = places.by_district(session, "KEC-4.2", "FY2019Q3", "lop")
        victims, _unknown = places.victims_by_district(session, "PVR")
    assert {d["district"]: d["value"] for d in answer.get_json()["districts"]} == {
        name: place.value for name, place in drawn.items()
    }
    from indicators.figures.geography import districts

    assert all(d["code"] == districts()[d["district"]].code for d in answer.get_json()["districts"])
    staff = get(demo_app, "/programmes/PVR/districts?indicator=victims", minted["manager"]).get_json()
    donor = get(demo_app, "/programmes/PVR/districts?indicator=victims", minted["donor-state"]).get_json()
    assert {d["district"]: d["value"] for d in staff["districts"]} == {n: p.value for n, p in victims.items()}
    small = [d for d in staff["districts"] if 0 < d["value"] < 5]
    assert (
        small
    )  # the demo cases leave districts with fewer than 5 victims: a donor's token does not get them
    by_name = {d["district"]: d for d in donor["districts"]}
    for district in small:
        assert by_name[district["district"]]["value"] is None and by_name[district["district"]]["withheld"]
    assert not [d for d in donor["districts"] if d["value"] is not None and 0 < d["value"] < 5]
    refused = get(demo_app, "/programmes/PVR/districts?indicator=victims&span=quarter", minted["manager"])
    assert refused.status_code == 400 and "counted to date" in refused.get_json()["error"]
    assert (
        get(
            demo_app, "/programmes/KEC/districts?indicator=KEC-4.3&period=FY2019Q3", minted["manager"]
        ).status_code
        == 400
    )  # a percentage has no share per district
