"""A count's value axis is ticked at whole numbers while its values are small; a percentage and a larger count
are left to Plotly's own ticks. Each figure stays a valid Plotly figure."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard import _charts

QUARTERS = ["FY2019Q3", "FY2019Q4", "FY2020Q1"]


def _rows(actuals, targets):
    return [
        {
            "quarter": q,
            "actual": a,
            "target": t,
            "cumulative": sum(actuals[: n + 1]),
            "lop_target_to_date": None,
        }
        for n, (q, a, t) in enumerate(zip(QUARTERS, actuals, targets))
    ]


def test_a_few_studies_are_ticked_one_by_one():
    rows = _rows([0, 1, 0], [0.25, 0.25, 0.25])
    for figure in (_charts.quarter_chart(rows, "number"), _charts.cumulative_chart(rows, "number", 1)):
        axis = go.Figure(figure).layout.yaxis
        assert (axis.tick0, axis.dtick) == (0, 1)


def test_hundreds_of_people_and_percentages_keep_plotlys_ticks():
    hundreds = _rows([120, 340, 95], [200, 200, 200])
    shares = _rows([0.5, 1, 0.8], [1, 1, 1])
    for figure in (
        _charts.quarter_chart(hundreds, "number"),
        _charts.cumulative_chart(hundreds, "number", 1000),
        _charts.quarter_chart(shares, "percent"),
        _charts.cumulative_chart(shares, "percent", 1),
    ):
        assert go.Figure(figure).layout.yaxis.dtick is None


def test_a_large_lop_target_alone_keeps_plotlys_ticks():
    """The axis reaches the LOP target drawn on it: 3 trainings so far against 40 are not ticked one by one."""
    figure = _charts.cumulative_chart(_rows([1, 2, 0], [5, 5, 5]), "number", 40)
    assert go.Figure(figure).layout.yaxis.dtick is None


def test_a_disaggregation_of_a_few_is_ticked_one_by_one():
    labels = {"quarter_label": "FY2020 Q3", "year_label": "FY2020"}
    few = _charts.category_chart(["Female", "Male"], [0, 1], [1, 2], [2, 3], "number", **labels)
    many = _charts.category_chart(["Female", "Male"], [10, 12], [40, 52], [90, 130], "number", **labels)
    assert (go.Figure(few).layout.xaxis.tick0, go.Figure(few).layout.xaxis.dtick) == (0, 1)
    assert go.Figure(many).layout.xaxis.dtick is None
