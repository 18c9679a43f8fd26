"""Each role's reach over HTTP, as a browser or a hand-made request would ask: pages through Dash's router,
callbacks and downloads POSTed directly. A donor officer never gets another donor's programme, whatever the
URL or the request body names; pages and callbacks of other roles answer with a refusal, not data."""

from __future__ import annotations

import base64
import json

import pytest

from tests.auth.conftest import components, dash_post, open_page

PVR_TITLE = "Strengthening the identification and protection of victims"


def page_text(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def navbar(client) -> tuple[set[str], set[str]]:
    """The navbar's page links and programme links for this user."""
    tree = client.get("/_dash-layout").get_json()
    hrefs = {c["props"].get("href") for c in components(tree) if c["props"].get("href")}
    pages = {h for h in hrefs if "?" not in h and not h.startswith("#")}  # not the skip link to #main-content
    programmes = {h.split("code=")[1] for h in hrefs if h.startswith("/programme?code=")}
    return pages, programmes


# --- what each role sees -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, pages, programmes",
    [
        (
            "manager",
            {"/", "/activities", "/upload", "/results", "/reports", "/quality", "/victims", "/audit"},
            {"KEC", "PVR", "GIFT"},
        ),
        (
            "admin",
            {
                "/",
                "/activities",
                "/upload",
                "/results",
                "/reports",
                "/quality",
                "/victims",
                "/audit",
                "/accounts",
            },
            {"KEC", "PVR", "GIFT"},
        ),
        (
            "officer",
            {"/", "/activities", "/upload", "/results", "/reports", "/quality", "/victims"},
            {"KEC", "PVR", "GIFT"},
        ),
        ("donor-usaid", {"/", "/reports"}, {"KEC"}),
        ("donor-state", {"/", "/reports", "/victims"}, {"PVR"}),
    ],
)
def test_the_navbar_offers_each_role_its_pages_and_programmes(client_as, role, pages, programmes):
    found_pages, found_programmes = navbar(client_as(role))
    assert "/account" in found_pages  # everyone's own password and API tokens
    assert found_pages - {"/login", "/logout", "/account"} == pages
    assert found_programmes == programmes


@pytest.mark.parametrize(
    "role, path",
    [
        ("donor-usaid", "/upload"),
        ("donor-usaid", "/activities"),
        ("donor-usaid", "/quality"),
        ("donor-usaid", "/audit"),
        ("donor-usaid", "/victims"),
        ("donor-state", "/upload"),
        ("officer", "/audit"),
        ("manager", "/accounts"),
        ("officer", "/accounts"),
        ("donor-usaid", "/accounts"),
    ],
)
def test_pages_of_other_roles_are_a_refusal_card_and_nothing_else(client_as, role, path):
    text = page_text(open_page(client_as(role), path))
    assert "Not available to your role" in text and "access-refused" in text
    for leak in (
        "upload-history",
        "activities-grid",
        "quality-",
        "audit-grid",
        "victims-",
        "rowData",
        "accounts-",
    ):
        assert leak not in text


@pytest.mark.parametrize(
    "role, path, marker",
    [
        ("donor-usaid", "/", "home-card-KEC"),
        ("donor-usaid", "/programme?code=KEC&period=FY2019Q3", "programme-iptt"),
        ("donor-usaid", "/indicator?code=KEC-4.2&period=FY2019Q3", "indicator-records"),
        ("donor-usaid", "/reports?programme=KEC&period=FY2019Q3", "reports-download"),
        ("donor-state", "/victims", "victims-nationality"),
        ("officer", "/upload", "upload-history"),
        ("officer", "/activities", "activities-grid"),
        ("manager", "/audit", "audit-grid"),
        ("admin", "/audit", "audit-grid"),
    ],
)
def test_pages_open_for_the_roles_they_are_for(client_as, role, path, marker):
    text = page_text(open_page(client_as(role), path))
    assert marker in text and "Not available to your role" not in text


def test_a_usaid_officer_sees_kec_and_nothing_of_pvr(client_as):
    client = client_as("donor-usaid")
    portfolio = page_text(open_page(client, "/"))
    assert "home-card-KEC" in portfolio and "PVR" not in portfolio and "GIFT" not in portfolio
    assert "Data as of" in portfolio and ".xlsx" not in portfolio  # internal file names are for staff
    assert ".xlsx" in page_text(open_page(client_as("manager"), "/"))
    for path in (
        "/programme?code=PVR",
        "/programme?code=pvr&period=FY2019Q3",
        "/indicator?code=PVR-3.1",
        "/reports?programme=PVR&period=FY2019Q3&format=ppr",
        "/victims?programme=PVR",
        "/activities?programme=PVR",
    ):
        text = page_text(open_page(client, path))
        assert PVR_TITLE not in text and "PVR-1.1" not in text and "U.S. Department of State" not in text, (
            path
        )


@pytest.mark.parametrize(
    "path, target",
    [
        ("/programme?code=PVR", "programme PVR"),
        ("/programme?code=pvr&period=FY2019Q3", "programme PVR"),
        ("/indicator?code=PVR-3.1", "indicator PVR-3.1"),
        ("/reports?programme=PVR&format=ppr", "programme PVR"),
        ("/audit", "page /audit"),
        ("/victims", "page /victims"),  # pages not for the role, or no case to show
    ],
)
def test_a_page_request_out_of_the_accounts_scope_is_403_recorded_and_says_so(
    client_as, demo_store, path, target
):
    from indicators.access import audit

    client = client_as("donor-usaid")
    with demo_store.Session() as session:
        before = len(audit.recent(session, 500, action="access-refused", username="dana"))
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 403 and PVR_TITLE not in response.get_data(as_text=True)
    with demo_store.Session() as session:
        refusals = audit.recent(session, 500, action="access-refused", username="dana")
    assert len(refusals) == before + 1 and refusals[0].target == target
    assert refusals[0].detail["path"] == path.split("?")[0]
    drawn = json.dumps(open_page(client, path).get_json(), ensure_ascii=False)
    if target.startswith("page"):
        assert "Not available to your role" in drawn
    else:
        assert "Not available to your account" in drawn and f"{target.split()[1]} is not available" in drawn
    assert PVR_TITLE not in drawn
    staff = client_as("manager").get(path, headers={"Accept": "text/html"})
    assert staff.status_code == 200  # staff see every programme


def test_a_code_that_names_nothing_is_not_found_not_refused(client_as):
    client = client_as("donor-usaid")
    assert client.get("/programme?code=NOPE", headers={"Accept": "text/html"}).status_code == 200
    assert "Not found" in page_text(open_page(client, "/programme?code=NOPE"))


# --- callbacks posted by hand ----------------------------------------------------------------------


REFUSED_TO_THE_USAID_OFFICER = [
    # the Programme page's quarter choice, for another donor's programme
    (
        "programme-url.search",
        [("programme-quarter", "value", "FY2019Q2")],
        [("programme-url", "search", "?code=PVR&period=FY2019Q3")],
    ),
    # the Indicator page's records, for another donor's indicator
    (
        "..indicator-records.rowData...indicator-records-note.children..",
        [("indicator-records-scope", "value", "all")],
        [("indicator-context", "data", {"code": "PVR-3.1", "period": "FY2019Q3"})],
    ),
    (
        "indicator-url.search",
        [("indicator-quarter", "value", "FY2019Q2")],
        [("indicator-context", "data", {"code": "PVR-3.1", "period": "FY2019Q3"})],
    ),
    # another donor's report
    (
        "..reports-file.data...reports-done.children..",
        [("reports-download", "n_clicks", 1)],
        [
            ("reports-state", "data", {"programme": "PVR", "period": "FY2019Q3", "format": "ppr"}),
            ("reports-programme", "value", "PVR"),
            ("reports-quarter", "value", "FY2019Q3"),
            ("reports-format", "value", "ppr"),
        ],
    ),
    (
        "reports-url.search",
        [
            ("reports-programme", "value", "PVR"),
            ("reports-quarter", "value", "FY2019Q3"),
            ("reports-format", "value", "ppr"),
        ],
        [("reports-state", "data", {})],
    ),
    # pages that are not for donors at all
    (
        "activities-download.data",
        [("activities-csv", "n_clicks", 1)],
        [
            ("activities-grid", "virtualRowData", None),
            ("activities-grid", "rowData", []),
            ("activities-state", "data", {"programme": "PVR"}),
        ],
    ),
    ("upload-template-download.data", [], []),
    (
        "audit-url.search",
        [("audit-action", "value", "sign-in"), ("audit-user", "value", None)],
        [("audit-state", "data", {})],
    ),
    # a narrative, and a sign-off, even of the donor's own programme
    (
        "indicator-saved.children",
        [("indicator-save", "n_clicks", 1)],
        [
            ("indicator-narrative", "value", "Written by a donor"),
            ("indicator-context", "data", {"code": "KEC-4.2", "period": "FY2019Q3"}),
            ("indicator-quarter", "value", "FY2019Q3"),
        ],
    ),
    (
        "..reports-signoff-result.children...reports-signoff-button.disabled..",
        [("reports-signoff-button", "n_clicks", 1)],
        [
            ("reports-signoff-confirm", "value", True),
            ("reports-signoff-acknowledge", "value", True),
            ("reports-state", "data", {"programme": "KEC", "period": "FY2019Q3", "format": "iptt"}),
            ("reports-programme", "value", "KEC"),
            ("reports-quarter", "value", "FY2019Q3"),
        ],
    ),
    # not a callback of this app at all, or one that runs only in the browser
    ("nav-collapse.is_open", [("nav-toggler", "n_clicks", 1)], [("nav-collapse", "is_open", False)]),
    ("no-such-thing.children", [], []),
]


@pytest.mark.parametrize(
    "output, inputs, state",
    REFUSED_TO_THE_USAID_OFFICER,
    ids=[o.strip(".").split(".")[0] for o, _, _ in REFUSED_TO_THE_USAID_OFFICER],
)
def test_callbacks_refuse_the_usaid_officer_with_403_and_no_data(
    client_as, demo_store, output, inputs, state
):
    from indicators.access import audit

    response = dash_post(client_as("donor-usaid"), output, inputs, state)
    assert response.status_code == 403
    assert response.get_json() == {"error": "This is not available to your role."}
    text = response.get_data(as_text=True)
    assert PVR_TITLE not in text and "PVR-3.1" not in text and "content" not in text
    with demo_store.Session() as session:
        assert audit.recent(session, 1, action="access-refused", username="dana")


def test_the_usaid_officer_downloads_the_kec_report(client_as, demo_store):
    from indicators.access import audit

    response = dash_post(
        client_as("donor-usaid"),
        "..reports-file.data...reports-done.children..",
        [("reports-download", "n_clicks", 1)],
        [
            ("reports-state", "data", {"programme": "KEC", "period": "FY2019Q3", "format": "csv"}),
            ("reports-programme", "value", "KEC"),
            ("reports-quarter", "value", "FY2019Q3"),
            ("reports-format", "value", "csv"),
        ],
    )
    assert response.status_code == 200
    sent = response.get_json()["response"]["reports-file"]["data"]
    content = base64.b64decode(sent["content"]).decode()
    assert sent["filename"] == "KEC_FY2019Q3_csv.csv" and content.startswith("programme,indicator")
    assert "PVR" not in content
    with demo_store.Session() as session:
        event = audit.recent(session, 1, action="report-downloaded", username="dana")[0]
    assert event.target == "KEC FY2019Q3" and event.detail["format"] == "csv"


def test_an_officer_cannot_save_a_narrative_but_a_manager_can(client_as, demo_store):
    from indicators.reporting.narratives import get_narrative, set_narrative

    args = (
        "indicator-saved.children",
        [("indicator-save", "n_clicks", 1)],
        [
            ("indicator-narrative", "value", "Trainings moved to July."),
            ("indicator-context", "data", {"code": "KEC-4.2", "period": "FY2019Q3"}),
            ("indicator-quarter", "value", "FY2019Q3"),
        ],
    )
    assert dash_post(client_as("officer"), *args).status_code == 403
    with demo_store.Session() as session:
        assert get_narrative(session, "KEC-4.2", "FY2019Q3") is None
    officer_page = page_text(open_page(client_as("officer"), "/indicator?code=KEC-4.2&period=FY2019Q3"))
    assert "indicator-save" not in officer_page and "No narrative for this quarter." in officer_page
    try:
        response = dash_post(client_as("manager"), *args)
        assert response.status_code == 200
        saved = response.get_json()["response"]["indicator-saved"]["children"]["props"]["children"]
        assert saved.startswith("Saved the narrative for KEC-4.2 · FY2019 Q3 at")
        with demo_store.Session() as session:
            assert get_narrative(session, "KEC-4.2", "FY2019Q3") == "Trainings moved to July."
        donor_page = page_text(open_page(client_as("donor-usaid"), "/indicator?code=KEC-4.2&period=FY2019Q3"))
        assert "Trainings moved to July." in donor_page and "indicator-save" not in donor_page
    finally:
        with demo_store.begin() as session:
            set_narrative(session, "KEC-4.2", "FY2019Q3", "", "test")


def test_a_template_download_is_for_staff(client_as):
    body = (
        "upload-template-download.data",
        [[({"kind": "trainings", "type": "upload-template"}, "n_clicks", 1)]],
        [],
    )
    response = dash_post(client_as("officer"), *body)
    assert response.status_code == 200
    sent = response.get_json()["response"]["upload-template-download"]["data"]
    assert (
        sent["filename"] == "ctmonitor-template-trainings.xlsx"
        and base64.b64decode(sent["content"])[:2] == b"PK"
    )


def test_a_donor_officer_sees_figures_never_rows_nor_file_names(client_as):
    client = client_as("donor-state")
    page = open_page(client, "/indicator?code=PVR-3.1&period=FY2019Q2")
    ids = {c["props"].get("id") for c in components(page.get_json()) if isinstance(c["props"].get("id"), str)}
    assert {"indicator-records-withheld", "indicator-tiles"} <= ids and "indicator-records" not in ids
    assert "rowData" not in page_text(page)
    response = dash_post(
        client,
        "..indicator-records.rowData...indicator-records-note.children..",
        [("indicator-records-scope", "value", "all")],
        [("indicator-context", "data", {"code": "PVR-3.1", "period": "FY2019Q2"})],
    )
    assert response.status_code == 403 and "rowData" not in response.get_data(as_text=True)
    # nor the records of other indicators, nor the files they came from: the quarter's report lists them
    other = open_page(client, "/indicator?code=PVR-1.1&period=FY2019Q2")
    assert 'indicator-records"' not in other.get_data(as_text=True) and ".xlsx" not in page_text(other)
    assert "PVR · FY2019 Q2 report" in json.dumps(other.get_json(), ensure_ascii=False)
    response = dash_post(
        client,
        "..indicator-records.rowData...indicator-records-note.children..",
        [("indicator-records-scope", "value", "all")],
        [("indicator-context", "data", {"code": "PVR-1.1", "period": "FY2019Q2"})],
    )
    assert response.status_code == 403 and "rowData" not in response.get_data(as_text=True)
    staff = open_page(client_as("manager"), "/indicator?code=PVR-3.1&period=FY2019Q2").get_json()
    assert "indicator-records" in {
        c["props"].get("id") for c in components(staff) if isinstance(c["props"].get("id"), str)
    }
