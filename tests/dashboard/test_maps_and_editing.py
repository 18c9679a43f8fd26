"""The pages' newer parts: the district maps, the reference sheets on the Reports and Indicator pages, and who
gets the logframe editors; rendered inside a request to the seeded app."""

from __future__ import annotations

import pytest

from tests.dashboard.test_pages import find, ids, texts

# --- maps ------------------------------------------------------------------------------------------


def _districts_drawn(figure) -> dict[str, dict]:
    """District name -> its first polygon trace (fill colour, hover text, pattern) in a map figure."""
    data = figure.to_plotly_json()["data"] if hasattr(figure, "to_plotly_json") else figure["data"]
    out = {}
    for trace in data:
        if trace.get("fill") == "toself":
            out.setdefault(trace["name"], trace)
    return out


def test_the_logframe_maps_a_chosen_indicator_by_district(pages, request_context, demo_store):
    from dashboard._map import ATTRIBUTION, NOTHING
    from indicators.figures import places

    with request_context():
        page = pages.programme.layout(code="KEC", period="FY2019Q3", map="KEC-5.1", span="year")
    drawn = _districts_drawn(find(page, "programme-map").figure)
    assert len(drawn) == 30 and ATTRIBUTION in texts(page)
    with demo_store.Session() as session:
        expected = {d: p.value for d, p in places.by_district(session, "KEC-5.1", "FY2019Q3", "year").items()}
    assert expected and len(expected) < 30
    for district, trace in drawn.items():
        if district in expected:
            assert trace["fillcolor"] != NOTHING and district in trace["text"]
            assert f"{expected[district]:,.0f} people reached" in trace["text"]
        else:  # nothing recorded is said, not drawn as a zero of the colour scale
            assert trace["fillcolor"] == NOTHING and trace["text"].endswith("nothing recorded")
    assert (
        find(page, "programme-map-indicator").value == "KEC-5.1"
        and find(page, "programme-map-span").value == "year"
    )
    with request_context():
        assert (
            pages.programme.choose_map(
                "KEC-4.2",
                "lop",
                {"map": "KEC-5.1", "span": "year"},
                "?code=KEC&period=FY2019Q3&map=KEC-5.1&span=year",
            )
            == "?code=KEC&period=FY2019Q3&map=KEC-4.2&span=lop"
        )


def test_the_victims_map_withholds_small_districts_from_donors(pages, request_context, demo_store):
    from indicators.figures import places

    with demo_store.Session() as session:
        found, _ = places.victims_by_district(session, "PVR")
    small = {d for d, p in found.items() if 0 < p.value < 5}
    assert small, "the seeded cases should leave some district with fewer than 5 victims"
    with request_context():
        staff = _districts_drawn(find(pages.victims.layout(programme="PVR"), "victims-map").figure)
    assert not any("fillpattern" in t for t in staff.values())  # staff see every count
    with request_context(as_user="donor-state"):
        donor = _districts_drawn(find(pages.victims.layout(programme="PVR"), "victims-map").figure)
    for district in small:
        assert "fillpattern" in donor[district] and "<5 victims (withheld)" in donor[district]["text"]
        assert str(int(found[district].value)) not in donor[district]["text"].split(":", 1)[1]
    # no camp inside a district, and a district's share is of every victim, not of the districts shown
    assert not [t for t in donor.values() if "camp" in t["text"]]
    everyone = sum(p.value for p in found.values())
    assert any("% of the total" in t["text"] for t in donor.values())
    for district, trace in donor.items():
        if "% of the total" in trace["text"]:
            share = float(trace["text"].split(" · ")[1].split("%")[0])
            assert share == round(100 * found[district].value / everyone, 1), (district, trace["text"])


def test_the_reports_page_downloads_the_reference_sheets_without_a_quarter(pages, request_context):
    import base64

    with request_context():
        page = pages.reports.layout(programme="KEC", period="FY2019Q3", format="pirs")
        sent, message = pages.reports.download(
            1, {"programme": "KEC", "period": "FY2019Q3", "format": "pirs"}, "KEC", "FY2019Q3", "pirs"
        )
    assert find(page, "reports-download").children == "Download KEC · PIRS"
    assert sent["filename"] == "KEC_pirs.xlsx" and base64.b64decode(sent["content"])[:2] == b"PK"
    assert texts(message).startswith("Downloaded KEC · PIRS: KEC_pirs.xlsx (")


def test_the_indicator_page_shows_the_reference_sheet_and_its_changes(pages, request_context, demo_store):
    from sqlalchemy import select

    from indicators.programmes import history
    from indicators.store.models import Indicator

    with request_context():
        before = pages.indicator.layout(code="KEC-4.2", period="FY2019Q3")
    assert "No change since the indicator was defined." in texts(find(before, "indicator-changes"))
    assert "Attendance sheets signed at each training" in texts(find(before, "indicator-pirs"))
    with demo_store.begin() as session:
        indicator = session.scalar(select(Indicator).where(Indicator.code == "KEC-4.2"))
        change = history.record(
            session,
            indicator,
            "target",
            400,
            450,
            by="amina",
            period="FY2019",
            reason="Donor-approved modification",
            comment="Modification 3 of the award",
        )
    try:
        with request_context():
            after = pages.indicator.layout(code="KEC-4.2", period="FY2019Q3")
        shown = texts(find(after, "indicator-changes"))
        assert (
            "amina · FY2019 target: 400 → 450" in shown
            and "Donor-approved modification: Modification 3" in shown
        )
    finally:
        with demo_store.begin() as session:
            session.delete(session.get(type(change), change.id))


@pytest.mark.parametrize(
    "who, drawn", [("manager", True), ("admin", True), ("officer", False), ("donor-usaid", False)]
)
def test_only_managers_and_administrators_get_the_logframe_editors(pages, request_context, who, drawn):
    with request_context(as_user=who):
        indicator_page = pages.indicator.layout(code="KEC-4.2", period="FY2019Q3")
        programme_page = pages.programme.layout(code="KEC", period="FY2019Q3")
    assert ("indicator-editor" in ids(indicator_page)) is drawn
    assert ("programme-targets" in ids(programme_page)) is drawn


def test_a_donor_downloads_the_csv_through_the_disclosure_plan_and_the_award_workbook_exact(
    pages, request_context
):
    """The State Department's officer on the Reports page: the CSV carries no victim count below 5 (and victims'
    categories for the life of project only); the SF-PPR-B workbook, the award's deliverable, is exact."""
    import base64
    import csv
    import io

    from openpyxl import load_workbook

    state = {"programme": "PVR", "period": "FY2019Q4", "format": "csv"}
    with request_context(as_user="donor-state"):
        sent, _ = pages.reports.download(1, state, "PVR", "FY2019Q4", "csv")
        workbook, _ = pages.reports.download(1, dict(state, format="ppr"), "PVR", "FY2019Q4", "ppr")
    with request_context():
        exact, _ = pages.reports.download(1, state, "PVR", "FY2019Q4", "csv")
        staff_workbook, _ = pages.reports.download(1, dict(state, format="ppr"), "PVR", "FY2019Q4", "ppr")
    rows = list(csv.DictReader(io.StringIO(base64.b64decode(sent["content"]).decode())))
    victims = [r for r in rows if r["indicator"] in ("PVR-3.1", "PVR-3.2")]
    shown = [float(r["actual"]) for r in victims if r["actual"] not in ("", "<5", "*")]
    assert shown and not [v for v in shown if 0 < v < 5]
    assert not [r for r in victims if r["disaggregation"] and r["period"] != "LOP"]
    staff_rows = list(csv.DictReader(io.StringIO(base64.b64decode(exact["content"]).decode())))
    assert [
        r
        for r in staff_rows
        if r["indicator"].startswith("PVR-3") and r["actual"] not in ("",) and 0 < float(r["actual"]) < 5
    ]  # staff see the small counts the donor does not

    def numbers(download):
        book = load_workbook(io.BytesIO(base64.b64decode(download["content"])))
        return [
            c.value
            for ws in book
            for row in ws.iter_rows()
            for c in row
            if isinstance(c.value, (int, float)) and not isinstance(c.value, bool)
        ]

    # the award's workbook: the same exact figures, small ones included, whoever downloads it
    assert numbers(workbook) == numbers(staff_workbook) and [n for n in numbers(workbook) if 0 < n < 5]


def test_the_victims_map_counts_a_quarter_its_year_or_to_date_for_staff_and_to_date_for_donors(
    pages, request_context, demo_store
):
    from sqlalchemy import func, select

    from indicators.figures import victims as counted
    from indicators.store.models import Case, Programme

    with demo_store.Session() as session:
        pvr = session.scalar(select(Programme).where(Programme.code == "PVR"))
        in_quarter = session.scalar(
            select(func.count())
            .select_from(Case)
            .where(
                Case.programme_id == pvr.id,
                Case.quarter == "FY2019Q3",
                Case.status.in_(counted.VICTIM_STATUSES),
            )
        )
    with request_context():
        page = pages.victims.layout(programme="PVR", span="quarter", period="FY2019Q3")
        moved = pages.victims.choose_period(
            "year",
            "FY2019Q3",
            {"span": "quarter", "period": "FY2019Q3"},
            "?programme=PVR&span=quarter&period=FY2019Q3",
        )
    drawn = _districts_drawn(find(page, "victims-map").figure)
    values = [int(t["text"].split(": ")[1].split()[0]) for t in drawn.values() if "victims" in t["text"]]
    assert sum(values) == in_quarter > 0  # the quarter's victims, every one placed in the demo data
    assert (
        find(page, "victims-map-span").value == "quarter"
        and find(page, "victims-map-quarter").value == "FY2019Q3"
    )
    assert moved == "?programme=PVR&span=year&period=FY2019Q3"
    with request_context(as_user="donor-state"):
        donor = pages.victims.layout(programme="PVR", span="quarter", period="FY2019Q3")
    assert "victims-map-span" not in ids(
        donor
    ) and "published by district for the whole project only" in texts(find(donor, "victims-map-period"))
