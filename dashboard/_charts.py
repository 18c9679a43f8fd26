"""Plotly figures the pages share: one look (fonts, colours, margins), no external resources.

Figures are written as Plotly's own JSON (plain dicts: ``{"data": [...], "layout": {...}}``), which
``dcc.Graph`` sends as it is: building them as ``plotly.graph_objects`` validates every property and copies
the template each time, which cost a page tens of milliseconds per chart. The tests check them against
``go.Figure``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from dash import dcc

from dashboard._components import CHART_COLOURS, GRAPH_CONFIG, SMALL_GRAPH_CONFIG, format_number
from indicators import i18n
from indicators.i18n import _
from indicators.report import NOT_PUBLISHED

FONT = {
    "family": "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
    "size": 12,
    "color": "#212529",
}
SMALL_COUNT = 5  # a count axis up to this is ticked at whole numbers (``_whole_ticks``)


def graph(id: str, figure, *, small: bool = False) -> dcc.Graph:
    """A chart whose box has the figure's height, so it resizes with the window without collapsing its card;
    the plotly logo off, plotly.js served by Dash itself (never a CDN). ``figure``: a dict or a
    ``go.Figure``."""
    height = figure["layout"].get("height") if isinstance(figure, dict) else figure.layout.height
    return dcc.Graph(
        id=id,
        figure=figure,
        config=SMALL_GRAPH_CONFIG if small else GRAPH_CONFIG,
        style={"height": f"{height or 320}px"},
    )


@cache
def template() -> dict:
    """Plotly's "plotly_white" look, as JSON, for the trace types drawn here; read once per process and never
    changed (every figure refers to this one dict)."""
    import plotly.io as pio

    white = pio.templates["plotly_white"].to_plotly_json()
    drawn = {t: white["data"][t] for t in ("bar", "scatter") if t in white["data"]}
    return {"layout": white["layout"], "data": drawn}


def base_layout(*, height: float = 320, showlegend: bool = True, **extra) -> dict:
    """Legend below the plot, so the mode bar (top right, on hover) never covers it. ``extra`` is added to it
    (an axis given is merged into the axis's defaults)."""
    layout: dict[str, Any] = {
        "template": template(),
        "font": FONT,
        "height": height,
        "margin": {"l": 8, "r": 8, "t": 24, "b": 8},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "showlegend": showlegend,
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.12, "xanchor": "left", "x": 0},
        "hoverlabel": {"font": FONT},
        "separators": ".,",
        "xaxis": {"automargin": True},
        "yaxis": {"automargin": True, "rangemode": "tozero", "gridcolor": "#e9ecef"},
    }
    for key, value in extra.items():
        layout[key] = {**layout[key], **value} if key in ("xaxis", "yaxis", "legend") else value
    return layout


def percent_suffix() -> str:
    """What follows a percentage on a value axis, as the pages write shares (``i18n.format_percent``): "20%"
    in English, "20 %" (a no-break space) in French."""
    return i18n.babel_locale(i18n.language()).percent_formats[None].suffix[0]


def _texts(values, unit: str, withheld: list | None = None) -> list[str]:
    """Hover texts rounded by the one rule every output follows (81.25 is 81.3%); a value withheld from this
    reader reads as its label ("<5", "*")."""
    withheld = withheld or [None] * len(values)
    return [label or format_number(v, unit) for v, label in zip(values, withheld)]


def _x_axis(count: int) -> dict:
    """The quarters' axis and the legend under it: labels slanted when there are many."""
    return {
        "xaxis": {"type": "category", "tickangle": -45 if count > 8 else 0},
        "legend": {"y": -0.25 if count > 8 else -0.12},
    }


def _whole_ticks(unit: str, *series: list) -> dict:
    """A count's value axis ticked at whole numbers when its values are small: left to itself, Plotly ticks an
    axis from 0 to 1 at 0.2, 0.4, … (a fifth of a study). Empty for a percentage and for larger counts."""
    values = [v for values in series for v in values if v is not None]
    if unit == "percent" or not values or max(values) > SMALL_COUNT:
        return {}
    return {"tick0": 0, "dtick": 1}


def quarter_chart(rows: list[dict], unit: str) -> dict:
    """Each quarter's actual (bars) against the quarter's target (a labelled line), on one value axis. The
    quarter's target is the year's target by the quarter's days (``indicators.figures.figures.quarter_target``);
    a milestone has none, so no target line is drawn, nor listed in the legend."""
    quarters = [r["quarter"] for r in rows]
    percent = unit == "percent"
    actual = [r["actual"] for r in rows]
    data: list[dict[str, Any]] = [
        {
            "type": "bar",
            "x": quarters,
            "y": actual,
            "name": _("Quarter actual"),
            "marker": {"color": CHART_COLOURS["actual"]},
            "hovertext": _texts(actual, unit, [r.get("withheld", {}).get("actual") for r in rows]),
            "hovertemplate": "%{x}<br>" + _("actual") + " %{hovertext}<extra></extra>",
        }
    ]
    targets = [r["target"] for r in rows]
    if any(t is not None for t in targets):
        data.append(
            {
                "type": "scatter",
                "x": quarters,
                "y": targets,
                "name": _("Year's target") if percent else _("Quarter target"),
                "mode": "lines+markers",
                "line": {"color": CHART_COLOURS["target"], "width": 2, "shape": "hv"},
                "marker": {"symbol": "line-ew-open", "size": 14},
                "connectgaps": False,
                "hovertext": _texts(targets, unit),
                "hovertemplate": "%{x}<br>" + _("target") + " %{hovertext}<extra></extra>",
            }
        )
    axes = _x_axis(len(rows))
    axes["yaxis"] = {
        "title": {"text": _("% per quarter") if percent else _("per quarter")},
        "ticksuffix": percent_suffix() if percent else "",
        **_whole_ticks(unit, actual, targets),
    }
    return {"data": data, "layout": base_layout(height=320, bargap=0.35, **axes)}


def cumulative_chart(rows: list[dict], unit: str, lop_target: float | None) -> dict:
    """The life-of-project actual to date (a line) against the LOP target (a labelled level) and, for counts,
    the LOP target pro-rated to each quarter's end (what the status is judged against), on one value axis."""
    quarters = [r["quarter"] for r in rows]
    percent = unit == "percent"
    cumulative = [r["cumulative"] for r in rows]
    data = [
        {
            "type": "scatter",
            "x": quarters,
            "y": cumulative,
            "name": _("LOP actual to date"),
            "mode": "lines+markers",
            "line": {"color": CHART_COLOURS["cumulative"], "width": 3},
            "hovertext": _texts(cumulative, unit, [r.get("withheld", {}).get("cumulative") for r in rows]),
            "hovertemplate": "%{x}<br>" + _("LOP to date") + " %{hovertext}<extra></extra>",
        }
    ]
    due = [r.get("lop_target_to_date") for r in rows]
    if not percent and any(d is not None for d in due):
        data.append(
            {
                "type": "scatter",
                "x": quarters,
                "y": due,
                "name": _("LOP target to date"),
                "mode": "lines",
                "line": {"color": CHART_COLOURS["lop"], "dash": "dot", "width": 2},
                "hovertext": _texts(due, unit),
                "hovertemplate": "%{x}<br>" + _("LOP target to date") + " %{hovertext}<extra></extra>",
            }
        )
    extra = _x_axis(len(rows))
    extra["yaxis"] = {
        "title": {"text": _("% to date") if percent else _("life of project to date")},
        "ticksuffix": percent_suffix() if percent else "",
        **_whole_ticks(unit, cumulative, due, [lop_target]),
    }
    if lop_target is not None and quarters:
        data.append(
            {
                "type": "scatter",
                "x": [quarters[0], quarters[-1]],
                "y": [lop_target, lop_target],
                "name": _("LOP target"),
                "mode": "lines",
                "line": {"color": CHART_COLOURS["lop"], "dash": "dash", "width": 2},
                "hovertext": _texts([lop_target] * 2, unit),
                "hovertemplate": _("LOP target") + " %{hovertext}<extra></extra>",
            }
        )
        extra["annotations"] = [
            {
                "x": quarters[-1],
                "y": lop_target,
                "text": _("LOP target {value}").format(value=format_number(lop_target, unit)),
                "showarrow": False,
                "xanchor": "right",
                "yanchor": "bottom",
                "font": {"size": 11, "color": "#495057"},
            }
        ]
    return {"data": data, "layout": base_layout(height=300, **extra)}


def category_chart(
    categories: list[str],
    quarter: list,
    year: list,
    lop: list,
    unit: str,
    *,
    quarter_label: str,
    year_label: str,
    withheld: list | None = None,
) -> dict:
    """One disaggregation: each category's quarter, year-to-date and LOP-to-date actuals; ``withheld``: per
    period, what each category reads instead when withheld from this reader (a period with nothing
    published is left out)."""
    withheld = withheld or [None, None, None]
    series = (
        (quarter_label, quarter, CHART_COLOURS["quarter"]),
        (year_label, year, CHART_COLOURS["year"]),
        (_("LOP to date"), lop, CHART_COLOURS["lop_cat"]),
    )
    data = [
        {
            "type": "bar",
            "y": categories,
            "x": values,
            "name": name,
            "orientation": "h",
            "marker": {"color": colour},
            "hovertext": _texts(values, unit, labels),
            "hovertemplate": "%{y}: %{hovertext}<extra>" + name + "</extra>",
        }
        for (name, values, colour), labels in zip(series, withheld)
        if not labels or any(label != NOT_PUBLISHED for label in labels)
    ]
    layout = base_layout(
        height=max(220, 110 + 26 * len(categories) * 1.6),
        barmode="group",
        bargap=0.2,
        xaxis={"rangemode": "tozero", "gridcolor": "#e9ecef", **_whole_ticks(unit, quarter, year, lop)},
    )
    layout["yaxis"] = {"automargin": True, "autorange": "reversed"}  # categories read top down, no grid
    return {"data": data, "layout": layout}


def share_chart(labels: list[str], shares: list[float | None]) -> dict:
    """Shares of the known values, as horizontal bars; suppressed shares are left out of the chart."""
    shown = [(label, share) for label, share in zip(labels, shares, strict=True) if share is not None]
    data = [
        {
            "type": "bar",
            "y": [label for label, _ in shown],
            "x": [share for _, share in shown],
            "orientation": "h",
            "marker": {"color": CHART_COLOURS["actual"]},
            "text": [format_number(share, "percent") for _, share in shown],
            "textposition": "auto",
            "hovertemplate": "%{y}: %{text}<extra></extra>",
        }
    ]
    layout = base_layout(
        height=max(150, 60 + 34 * len(shown)),
        showlegend=False,
        bargap=0.35,
        xaxis={"range": [0, 100], "ticksuffix": percent_suffix()},
    )
    layout["yaxis"] = {"automargin": True, "autorange": "reversed"}  # labels read top down, no grid
    return {"data": data, "layout": layout}
