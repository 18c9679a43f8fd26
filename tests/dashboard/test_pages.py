"""Every page's layout as a function of its URL query, rendered inside a request to the seeded app."""

from __future__ import annotations

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


def components(node):
    """Every Dash component of a layout, depth first."""
    if isinstance(node, (list, tuple)):
        for child in node:
            yield from components(child)
    elif hasattr(node, "to_plotly_json"):
        yield node
        yield from components(getattr(node, "children", None))


def ids(component) -> set[str]:
    return {c.id for c in components(component) if isinstance(getattr(c, "id", None), str)}


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
