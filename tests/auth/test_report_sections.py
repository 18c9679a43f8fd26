"""The Reports page's report sections and the quarterly report's downloads, through the app as a browser calls it:
an officer reads the sections and is refused the save (403, audited, nothing written); a manager saves them;
a closed quarter refuses them; the quarterly report signed off is served byte for byte and says it is final."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import delete

from indicators.access import audit
from indicators.figures import signoff
from indicators.reporting import sections
from indicators.store.models import QuarterSection, SignOff
from tests.auth.conftest import components, dash_post, open_page
from tests.exports.docx_reading import open_report, part, rows

SAVE = "reports-sections-result.children"
DOWNLOAD = "..reports-file.data...reports-done.children.."
QUARTER = "FY2020Q3"  # KEC's last quarter: later than any other test's sign-off, so open unless closed here


@pytest.fixture
def clean(demo_store):
    yield
    with demo_store.begin() as session:
        session.execute(delete(QuarterSection))
        session.execute(delete(SignOff).where(SignOff.period == QUARTER))


def _save(client, texts: dict[str, str]):
    state = {"programme": "KEC", "period": QUARTER, "format": "report", "flagged": []}
    return dash_post(
        client,
        SAVE,
        [("reports-sections-save", "n_clicks", 1)],
        [(f"reports-section-{key}", "value", texts.get(key, "")) for key in sections.SECTIONS]
        + [
            ("reports-state", "data", state),
            ("reports-programme", "value", "KEC"),
            ("reports-quarter", "value", QUARTER),
        ],
    )


def _said(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()["response"]["reports-sections-result"]["children"]["props"]["children"]


def _ids(client, path: str) -> set[str]:
    return {
        c["props"].get("id")
        for c in components(open_page(client, path).get_json())
        if isinstance(c["props"].get("id"), str)
    }


def test_an_officer_reads_the_sections_and_is_refused_the_save(client_as, demo_store, clean):
    with demo_store.begin() as session:
        sections.set_section(session, "KEC", QUARTER, "plans", "Close-out workshop in Kigali.", "claire")
    officer = client_as("officer")
    drawn = _ids(officer, f"/reports?programme=KEC&period={QUARTER}")
    assert {"reports-sections", "reports-sections-readonly", "reports-section-read-plans"} <= drawn
    assert (
        not {f"reports-section-{key}" for key in sections.SECTIONS} & drawn
        and "reports-sections-save" not in drawn
    )
    assert _save(officer, {"plans": "Rewritten by an officer."}).status_code == 403
    with demo_store.Session() as session:
        assert sections.sections_for(session, "KEC", QUARTER)[2].text == "Close-out workshop in Kigali."
        refused = audit.recent(session, 1, action="access-refused", username="olivier")
    assert refused and refused[0].target == "quarter sections"


def test_a_manager_saves_the_sections_and_a_closed_quarter_refuses_them(client_as, demo_store, clean):
    manager = client_as("manager")
    assert {f"reports-section-{key}" for key in sections.SECTIONS} <= _ids(
        manager, f"/reports?programme=KEC&period={QUARTER}"
    )
    said = _said(_save(manager, {"highlights": "Final evaluation done.", "challenges": "Staff turnover."}))
    assert said.startswith("Saved for KEC · FY2020 Q3 at ")
    assert said.endswith("highlights of the quarter (version 1), challenges and lessons learned (version 1).")
    assert _said(
        _save(manager, {"highlights": "Final evaluation done.", "challenges": "Staff turnover."})
    ) == ("Nothing to save for KEC · FY2020 Q3: the sections are as kept.")
    with demo_store.begin() as session:
        signoff.sign_off(
            session,
            "KEC",
            QUARTER,
            "claire",
            b"sent",
            "iptt",
            "KEC_FY2020Q3_iptt.xlsx",
            acknowledged=signoff.missing_narratives(session, "KEC", QUARTER),
        )
    said = _said(_save(manager, {"highlights": "Changed after sending."}))
    assert said.startswith(
        "Nothing saved for KEC · FY2020 Q3: KEC FY2020Q3 is closed: FY2020Q3 was signed off by claire on "
    ) and said.endswith("ask a manager to reopen it.")
    with demo_store.Session() as session:
        assert [s.text for s in sections.sections_for(session, "KEC", QUARTER)] == [
            "Final evaluation done.",
            "Staff turnover.",
            None,
        ]
    assert "reports-sections-readonly" in _ids(manager, f"/reports?programme=KEC&period={QUARTER}")


def test_the_quarterly_report_signed_off_is_served_as_kept_and_says_final(client_as, demo_store, clean):
    from exports.formats import FORMATS
    from indicators.reporting.reporting import make_file

    manager = client_as("manager")
    response = dash_post(
        manager,
        DOWNLOAD,
        [("reports-download", "n_clicks", 1)],
        [
            ("reports-state", "data", {"programme": "KEC", "period": QUARTER, "format": "report"}),
            ("reports-programme", "value", "KEC"),
            ("reports-quarter", "value", QUARTER),
            ("reports-format", "value", "report"),
        ],
    )
    draft = open_report(base64.b64decode(response.get_json()["response"]["reports-file"]["data"]["content"]))
    facts = dict(rows(draft.tables[0]))
    assert facts["Status"] == "Draft" and facts["Prepared by"].endswith("(claire)")
    with demo_store.begin() as session:
        made = make_file(session, "KEC", QUARTER, FORMATS, "report", small_cell=5, signing_by="claire")
        signoff.sign_off(
            session,
            "KEC",
            QUARTER,
            "claire",
            made.data,
            "report",
            FORMATS["report"].filename("KEC", QUARTER),
            acknowledged=signoff.missing_narratives(session, "KEC", QUARTER),
            figures=made.figures,
        )
    for client in (manager, client_as("donor-usaid")):
        answer = dash_post(
            client,
            DOWNLOAD,
            [("reports-download", "n_clicks", 1)],
            [
                ("reports-state", "data", {"programme": "KEC", "period": QUARTER, "format": "report"}),
                ("reports-programme", "value", "KEC"),
                ("reports-quarter", "value", QUARTER),
                ("reports-format", "value", "report"),
            ],
        ).get_json()["response"]
        sent = answer["reports-file"]["data"]
        assert (
            base64.b64decode(sent["content"]) == made.data and sent["filename"] == "KEC_FY2020Q3_report.docx"
        )
        assert "the copy kept at sign-off" in str(answer["reports-done"])
    final = open_report(made.data)
    assert dict(rows(final.tables[0]))["Status"].startswith("Final: signed off by claire on ")
    assert part(final, "Executive summary").level == 1
