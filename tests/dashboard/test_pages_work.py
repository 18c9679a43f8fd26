"""The working pages' layouts (Activities, Upload, Reports, Data quality, Victims profile) as a function of
their URL query, rendered inside a request to the seeded app; the overview pages are in ``test_pages``."""

from __future__ import annotations

import dash
import pytest

from tests.dashboard.test_pages import find, ids, texts

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


def test_a_donor_is_not_shown_the_narratives_to_write_before_sending(pages, request_context):
    """The missing narratives are a note to IOM's staff before the report goes out; the donor reading the
    same quarter sees its figures and its sign-off, not the note."""
    with request_context(as_user="donor-usaid"):
        page = pages.reports.layout(programme="KEC", period="FY2019Q3")
    assert find(page, "reports-heading") is not None
    assert find(page, "reports-flagged") is None
    assert "without a deviation narrative" not in texts(page) and "donor will ask" not in texts(page)


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
