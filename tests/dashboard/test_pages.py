"""Every page's layout as a function of its URL query, rendered inside a request to the seeded app."""

from __future__ import annotations

import dash
import pytest
from dash.exceptions import PreventUpdate

# Page modules register themselves with Dash, which needs the app first: they are imported in ``pages``.
PAGE_NAMES = (
    "home",
    "programme",
    "indicator",
    "activities",
    "upload",
    "reports",
    "quality",
    "victims",
    "audit",
)


def texts(component) -> str:
    """Every string in a component tree, space-separated (what a reader would see, roughly)."""
    found: list[str] = []

    def walk(node):
        if node is None:
            return
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, (int, float)):
            found.append(str(node))
        elif isinstance(node, (list, tuple)):
            for child in node:
                walk(child)
        elif hasattr(node, "children"):
            walk(getattr(node, "children", None))
            for prop in ("label", "header", "placeholder", "value"):
                value = getattr(node, prop, None)
                if isinstance(value, str):
                    found.append(value)

    walk(component)
    return " ".join(found)


def ids(component) -> set[str]:
    found = set()

    def walk(node):
        if isinstance(node, (list, tuple)):
            for child in node:
                walk(child)
        elif hasattr(node, "to_plotly_json"):
            node_id = getattr(node, "id", None)
            if isinstance(node_id, str):
                found.add(node_id)
            walk(getattr(node, "children", None))

    walk(component)
    return found


def find(component, node_id):
    def walk(node):
        if isinstance(node, (list, tuple)):
            for child in node:
                hit = walk(child)
                if hit is not None:
                    return hit
        elif hasattr(node, "to_plotly_json"):
            if getattr(node, "id", None) == node_id:
                return node
            return walk(getattr(node, "children", None))
        return None

    return walk(component)


# --- portfolio -------------------------------------------------------------------------------------


def test_portfolio_has_a_card_per_programme_with_status_and_gift_phases(pages, request_context):
    with request_context():
        page = pages.home.layout()
    found = ids(page)
    assert {"home-card-KEC", "home-card-PVR", "home-card-GIFT"} <= found
    text = texts(page)
    for expected in (
        "USAID",
        "U.S. Department of State",
        "UN.GIFT",
        "Phase One",
        "Phase Two",
        "US$302,226",
        "US$460,000",
        "Funding gap",
        "Latest upload",
        "kec_activities_2019.xlsx",
        "Ahead",
        "On track",
        "Behind",
        "Elapsed",
    ):
        assert expected in text, expected
    assert "Something went wrong" not in text


def test_portfolio_elapsed_share_is_as_of_the_last_quarter_with_data(pages, request_context):
    with request_context():
        text = texts(pages.home.layout())
    # the seeded records end in FY2019Q4 (30 Sep 2019); GIFT's in its last quarter
    assert "as of 30 Sep 2019" in text
    assert "100% as of 31 Mar 2013" in text


# --- programme -------------------------------------------------------------------------------------


def test_programme_shows_the_tree_and_the_iptt_for_the_quarter_asked(pages, request_context):
    with request_context():
        page = pages.programme.layout(code="KEC", period="FY2019Q3")
    text = texts(page)
    assert "FY2019 Q3: 1 April – 30 June 2019" in text
    for column in (
        "No.",
        "Standard indicator",
        "FY target",
        "Q1",
        "Q4",
        "FY actual to date",
        "% of FY target",
        "LOP target",
        "LOP actual to date",
        "% of LOP target",
        "Status",
        "Deviation narrative",
    ):
        assert column in text
    found = ids(page)
    for code in ("KEC-1.1", "KEC-2.1", "KEC-3.1", "KEC-4.1", "KEC-4.2", "KEC-4.3", "KEC-5.1", "KEC-5.2"):
        assert f"programme-row-{code}" in found
    assert "programme-result-G" in found and "PS.5.3-15" in text
    assert find(page, "programme-quarter").value == "FY2019Q3"


def test_programme_rows_link_to_their_indicator_for_the_same_quarter(pages, request_context):
    with request_context():
        row = find(pages.programme.layout(code="KEC", period="FY2019Q3"), "programme-row-KEC-4.2")
    link = row.children[0].children
    assert link.href == "/indicator?code=KEC-4.2&period=FY2019Q3"


def test_programme_defaults_to_the_last_complete_quarter_and_reads_loose_codes(pages, request_context):
    with request_context():
        default = pages.programme.layout(code="pvr")
        loose = pages.programme.layout(code="KEC", period="fy19q2")
    assert find(default, "programme-quarter").value == "FY2020Q3"  # the programme has ended
    assert find(loose, "programme-quarter").value == "FY2019Q2"


def test_programme_unknown_code_is_a_not_found_card_and_a_bad_quarter_a_notice(pages, request_context):
    with request_context():
        missing = texts(pages.programme.layout(code="NOPE"))
        outside = texts(pages.programme.layout(code="KEC", period="FY2030Q1"))
    assert "Not found" in missing and "NOPE" in missing
    assert "“FY2030Q1” is not a quarter of KEC" in outside


def test_calendar_programme_labels_the_year_columns_as_years(pages, request_context):
    with request_context():
        text = texts(pages.programme.layout(code="GIFT", period="2012Q3"))
    assert "Year target" in text and "2012 Q3" in text


def test_choosing_a_quarter_changes_the_url(pages, request_context):
    with request_context():
        assert (
            pages.programme.choose_quarter("FY2019Q2", "?code=KEC&period=FY2019Q3")
            == "?code=KEC&period=FY2019Q2"
        )
        with pytest.raises(PreventUpdate):
            pages.programme.choose_quarter("FY2019Q3", "?code=KEC&period=FY2019Q3")


# --- indicator -------------------------------------------------------------------------------------


def test_indicator_page_has_reference_chart_disaggregations_records_and_narrative(pages, request_context):
    with request_context():
        page = pages.indicator.layout(code="KEC-4.2", period="FY2019Q3")
    found = ids(page)
    assert {
        "indicator-reference",
        "indicator-chart",
        "indicator-by-sex",
        "indicator-by-target_group",
        "indicator-records",
        "indicator-narrative",
        "indicator-save",
    } <= found
    text = texts(page)
    for expected in ("Definition", "Baseline", "PS.5.3-15", "FY2019", "LOP", "1,120", "Sum of female + male"):
        assert expected in text, expected
    chart = find(page, "indicator-chart").figure  # one value axis: quarters against their own targets
    assert [trace["name"] for trace in chart["data"]] == ["Quarter actual", "Quarter target"]
    assert list(chart["data"][0]["x"])[-1] == "FY2019Q3" and "yaxis2" not in chart["layout"]
    # FY2019 Q3's target is 400 × 91/365 days, the same days the status is pro-rated by
    assert chart["data"][1]["y"][-1] == pytest.approx(400 * 91 / 365)
    cumulative = find(page, "indicator-cumulative").figure
    assert [t["name"] for t in cumulative["data"]] == [
        "LOP actual to date",
        "LOP target to date",
        "LOP target",
    ]
    assert cumulative["data"][2]["y"][0] == 1120
    assert "LOP target 1,120" in cumulative["layout"]["annotations"][0]["text"]
    records = find(page, "indicator-records").rowData
    assert records and all(r["counted_in"] == "FY2019Q3" for r in records)
    assert {"upload_filename", "source_sheet", "source_row"} <= set(records[0])
    assert "id" not in records[0] and "row_hash" not in records[0]


def test_case_records_never_show_who(pages, request_context):
    with request_context():
        page = pages.indicator.layout(code="PVR-3.1", period="FY2019Q2")
    records = find(page, "indicator-records").rowData
    assert records
    for row in records:
        assert not {"reference", "age", "nationality", "location", "date_identified"} & set(row)
    assert "PVR-C0" not in repr(records)


def test_indicator_unknown_code_is_not_found(pages, request_context):
    with request_context():
        assert "Not found" in texts(pages.indicator.layout(code="KEC-9.9"))


def test_records_scope_switches_between_the_quarter_and_all(pages, request_context):
    context = {"code": "KEC-4.2", "period": "FY2019Q3"}
    with request_context():
        quarter_rows, _ = pages.indicator.change_records_scope("quarter", context)
        all_rows, note = pages.indicator.change_records_scope("all", context)
    assert len(all_rows) > len(quarter_rows) > 0
    assert "upload, sheet and row" in note


def test_saving_a_narrative_shows_in_the_figures(pages, request_context, demo_store):
    from indicators.figures.figures import figures

    context = {"code": "KEC-5.1", "period": "FY2019Q3"}
    with request_context():
        try:
            message = pages.indicator.save_narrative(
                1, "Campaign moved to Q4 after the rains.", context, "FY2019Q3"
            )
            assert message.id == "indicator-saved-done"  # the browser then drops the text's draft
            assert texts(message) == "Saved the narrative for KEC-5.1 · FY2019 Q3 at " + texts(message)[-6:]
            with demo_store.Session() as session:
                item = next(
                    i for i in figures(session, "KEC", "FY2019Q3").indicators if i.indicator.code == "KEC-5.1"
                )
            assert item.narrative == "Campaign moved to Q4 after the rains." and not item.needs_narrative
        finally:
            pages.indicator.save_narrative(1, "", context, "FY2019Q3")


def test_a_narrative_is_not_saved_while_the_page_is_changing_quarter(pages, request_context, demo_store):
    from indicators.reporting.narratives import get_narrative

    context = {"code": "KEC-5.1", "period": "FY2019Q3"}
    with request_context():
        message = pages.indicator.save_narrative(1, "Meant for another quarter.", context, "FY2019Q2")
    assert (
        "Nothing saved" in texts(message)
        and "FY2019Q2" in texts(message)
        and not getattr(message, "id", None)
    )
    with demo_store.Session() as session:
        assert get_narrative(session, "KEC-5.1", "FY2019Q3") is None
        assert get_narrative(session, "KEC-5.1", "FY2019Q2") is None


def test_choosing_a_quarter_on_the_indicator_page(pages, request_context):
    with request_context():
        assert (
            pages.indicator.choose_quarter("FY2019Q1", {"code": "KEC-4.2", "period": "FY2019Q3"})
            == "?code=KEC-4.2&period=FY2019Q1"
        )


# --- activities ------------------------------------------------------------------------------------


def test_activities_lists_records_with_provenance_and_no_cases(pages, request_context):
    with request_context():
        page = pages.activities.layout()
    rows = find(page, "activities-grid").rowData
    assert rows and {r["kind"] for r in rows} >= {"Training", "Awareness", "Meeting", "Policy step"}
    assert "Case" not in {r["kind"] for r in rows}
    assert all(r["upload"] and r["sheet"] and r["row"] for r in rows)


def test_activities_filters_come_from_the_url(pages, request_context):
    with request_context():
        page = pages.activities.layout(programme="PVR", kind="trainings", quarter="FY2019Q3", district=None)
    rows = find(page, "activities-grid").rowData
    assert rows and all(
        r["programme"] == "PVR" and r["kind"] == "Training" and r["quarter"] == "FY2019Q3" for r in rows
    )
    assert find(page, "activities-quarter").value == "FY2019Q3"


def test_activities_filter_callback_writes_the_url_and_resets_the_quarter_with_the_programme(
    pages, request_context
):
    current = {"programme": "KEC", "kind": None, "quarter": "FY2019Q3", "district": None}
    with request_context(as_user="officer"):
        assert (
            pages.activities.filter_records("PVR", None, "FY2019Q3", None, "", 0, False, current)
            == "?programme=PVR"
        )
        assert (
            pages.activities.filter_records(
                "KEC", "trainings", "FY2019Q3", None, " KEC-TR ", 1, True, current
            )
            == "?programme=KEC&kind=trainings&quarter=FY2019Q3&search=KEC-TR&voided=1"
        )


# --- upload ----------------------------------------------------------------------------------------


def test_upload_page_has_the_drop_zone_templates_and_history(pages, request_context):
    with request_context():
        page = pages.upload.layout()
    found = ids(page)
    assert {"upload-file", "upload-programme", "upload-preview", "upload-commit", "upload-history"} <= found
    history = find(page, "upload-history").rowData
    assert any(r["outcome"] == "refused" for r in history)
    assert find(page, "upload-commit").disabled is True


def test_a_dry_run_shows_each_sheet_as_understood(pages, request_context):
    import base64
    from pathlib import Path

    data = (Path(__file__).resolve().parents[1] / "data" / "errors.xlsx").read_bytes()
    contents = "data:application/octet-stream;base64," + base64.b64encode(data).decode()
    with request_context(as_user="officer"):
        preview, disabled, checked, _result, _status, label = pages.upload.check_file(
            contents, "KEC", "errors.xlsx"
        )
    text = texts(preview)
    assert disabled is True and checked is None  # errors: nothing to commit
    assert label == "Commit errors.xlsx for KEC"
    # not 0 new, 0 updated…: the rows read and the rows with errors
    counts = find(preview, "upload-counts")
    assert "Rows read" in texts(counts) and "Rows with errors" in texts(counts) and "New" not in texts(counts)
    assert "38 rows read" in find(preview, "upload-verdict").children
    # with errors, the sheet, its header row and row count and its rows as understood are still shown
    assert "Sheet ‘Trainings’ → Trainings · header in row 1 · 38 rows" in text
    assert "The first 20 rows as understood" in text and "Sheet ‘Policies’ → Policies" in text
    assert "✗ not understood" in text and "Errors (22)" in text


def test_a_dry_run_report_is_shown_as_tables(pages):
    from importers.report import ImportReport, Problem

    report = ImportReport(
        ok=False,
        outcome="dry-run",
        filename="t.xlsx",
        sha256="a" * 64,
        size=100,
        kinds=["trainings"],
        errors=[Problem("Trainings", "H14", "twelve", "a whole number ≥ 0")],
        warnings=[Problem("Trainings", "A40", "Total", "a data row")],
        counts={"trainings": {"new": 3, "updated": 1, "unchanged": 0, "skipped": 2}},
    )
    text = texts(pages.upload.render_report(report, committed=False))
    for expected in (
        "1 error in t.xlsx",
        "Trainings",
        "H14",
        "twelve",
        "a whole number ≥ 0",
        "Warnings (1)",
        "A40",
        "New",
        "Skipped",
    ):
        assert expected in text, expected


def test_upload_decode_reads_the_browser_data_url(pages):
    assert pages.upload.decode("data:application/octet-stream;base64,aGVsbG8=") == b"hello"
    with pytest.raises(ValueError):
        pages.upload.decode("garbage")


# --- reports ---------------------------------------------------------------------------------------


def test_reports_lists_indicators_needing_a_narrative_before_the_download(pages, request_context):
    with request_context():
        page = pages.reports.layout(programme="KEC", period="FY2019Q3")
    flagged = texts(find(page, "reports-flagged"))
    assert "KEC-5.1" in flagged and "without a deviation narrative" in flagged
    assert "KEC-4.3" not in flagged  # on track
    assert find(page, "reports-format").value == "iptt"  # USAID's default
    assert "KEC_FY2019Q3_iptt.xlsx" in texts(page)


def test_reports_choice_changes_the_url(pages, request_context):
    state = {"programme": "KEC", "period": "FY2019Q3", "format": "iptt"}
    with request_context():
        assert (
            pages.reports.choose("KEC", "FY2019Q3", "csv", state)
            == "?programme=KEC&period=FY2019Q3&format=csv"
        )
        assert pages.reports.choose("PVR", "FY2019Q3", "iptt", state) == "?programme=PVR"


@pytest.mark.parametrize("fmt, start", [("iptt", b"PK"), ("csv", b"programme,indicator"), ("iati", b"<?xml")])
def test_report_download_goes_through_the_exports(pages, request_context, fmt, start):
    with request_context():
        sent, message = pages.reports.download(
            1, {"programme": "KEC", "period": "FY2019Q3", "format": fmt}, "KEC", "FY2019Q3", fmt
        )
    import base64

    data = base64.b64decode(sent["content"]) if sent.get("base64") else sent["content"].encode()
    assert data.startswith(start)
    name = {"iptt": "IPTT", "csv": "CSV", "iati": "IATI XML"}[fmt]
    assert sent["filename"].startswith("KEC_FY2019Q3_")
    assert texts(message).startswith(f"Downloaded KEC · FY2019 Q3 · {name}: {sent['filename']} (")


def test_a_download_pressed_while_the_page_changes_quarter_sends_nothing(pages, request_context):
    with request_context():
        sent, message = pages.reports.download(
            1, {"programme": "KEC", "period": "FY2019Q3", "format": "iptt"}, "KEC", "FY2019Q2", "iptt"
        )
    assert sent is dash.no_update and "Nothing downloaded: the page is changing to FY2019Q2" in texts(message)


# --- quality ---------------------------------------------------------------------------------------


def test_quality_lists_gaps_outliers_uploads_and_unknowns(pages, request_context):
    with request_context():
        page = pages.quality.layout()
    outliers = texts(find(page, "quality-outliers"))
    assert "500 participants" in outliers and "median" in outliers and "Trainings row 12" in outliers
    assert "trainings_march.xlsx" in texts(find(page, "quality-uploads"))
    assert "Trainings!H14: found 'twelve'; expected a whole number ≥ 0" in texts(
        find(page, "quality-uploads")
    )
    assert "refused" in texts(find(page, "quality-uploads"))
    assert "PVR-3.1" in texts(find(page, "quality-unknowns"))
    assert "KEC-3.1" in texts(find(page, "quality-gaps"))


# --- victims ---------------------------------------------------------------------------------------


def test_victims_page_shows_aggregates_only(pages, request_context):
    with request_context():
        page = pages.victims.layout()
    text = texts(page)
    for section in (
        "victims-nationality",
        "victims-sex",
        "victims-age_group",
        "victims-exploitation",
        "victims-destination",
    ):
        assert section in ids(page)
    assert "Burundi" in text and "Share of known" in text
    assert "<5" not in text  # staff see exact figures
    assert "PVR-C" not in repr(page.to_plotly_json())
    with request_context(as_user="donor-state"):
        donor = texts(pages.victims.layout(programme="PVR"))
    assert "<5" in donor and "Counts under 5" in donor


def test_a_donor_sees_no_count_below_the_threshold_on_the_victims_page(pages, request_context):
    import re

    with request_context(as_user="donor-state"):
        page = pages.victims.layout(programme="PVR")
    for dimension in ("nationality", "sex", "age_group", "destination"):
        table = find(page, f"victims-{dimension}")
        cells = [t for t in texts(table).split() if re.fullmatch(r"[\d,]+", t)]
        assert cells and all(int(c.replace(",", "")) >= 5 for c in cells), (dimension, cells)


def _bar_values(page, name):
    if f"indicator-by-{name}" not in ids(page):  # nothing to draw: every figure of the card withheld
        return []
    figure = find(page, f"indicator-by-{name}").figure
    figure = figure.to_plotly_json() if hasattr(figure, "to_plotly_json") else figure
    return [x for trace in figure["data"] for x in trace["x"] if x is not None]


def test_a_donor_reads_no_small_case_count_on_the_indicator_page(pages, request_context):
    import re

    with request_context():
        staff = pages.indicator.layout(code="PVR-3.1", period="FY2019Q4")
    small = [x for name in ("sex", "age_group", "nationality") for x in _bar_values(staff, name) if 0 < x < 5]
    assert small  # the seeded cases do give small counts: staff see them exactly
    with request_context(as_user="donor-state"):
        donor = pages.indicator.layout(code="PVR-3.1", period="FY2019Q4")
    for name in ("sex", "age_group", "nationality"):
        assert not [x for x in _bar_values(donor, name) if 0 < x < 5]
        table = texts(find(donor, f"indicator-table-{name}"))
        numbers = [int(t.replace(",", "")) for t in table.split() if re.fullmatch(r"[\d,]+", t)]
        assert not [n for n in numbers if 0 < n < 5], (name, table)
    assert "<5" in texts(donor) and "indicator-table-sex" not in ids(staff)


def test_a_donor_reads_victims_by_category_for_the_life_of_project_as_it_stands(pages, request_context):
    """For a quarter before the last with a figure, a donor's cards say where the categories are published
    instead of drawing empty charts; at the last one, the LOP column gives them (small ones withheld)."""
    import re

    with request_context(as_user="donor-state"):
        earlier = pages.indicator.layout(code="PVR-3.1", period="FY2018Q4")
        latest = pages.indicator.layout(code="PVR-3.1", period="FY2020Q3")
    assert "indicator-by-sex" not in ids(earlier)
    assert "published for the life of project to date only" in texts(earlier)
    rows = texts(find(latest, "indicator-table-sex"))
    lop = [int(n.replace(",", "")) for n in re.findall(r"\b[\d,]+\b", rows)]
    assert lop and all(n >= 5 for n in lop) and "indicator-by-sex" in ids(latest)
