"""Plotly figures the pages share: one look (fonts, colours, margins), no external resources."""

from __future__ import annotations

import plotly.graph_objects as go
from dash import dcc

from dashboard._components import CHART_COLOURS, GRAPH_CONFIG, SMALL_GRAPH_CONFIG, format_number

FONT = dict(family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif", size=12,
            color="#212529")


def graph(id: str, figure: go.Figure, *, small: bool = False) -> dcc.Graph:
    """A chart whose box has the figure's height, so it resizes with the window without collapsing its card;
    the plotly logo off, plotly.js served by Dash itself (never a CDN)."""
    return dcc.Graph(id=id, figure=figure, config=SMALL_GRAPH_CONFIG if small else GRAPH_CONFIG,
                     style={"height": f"{figure.layout.height or 320}px"})


def base_layout(fig: go.Figure, *, height: int = 320, legend: bool = True) -> go.Figure:
    """Legend below the plot, so the mode bar (top right, on hover) never covers it."""
    fig.update_layout(
        template="plotly_white", font=FONT, height=height, margin=dict(l=8, r=8, t=24, b=8),
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)", showlegend=legend,
        legend=dict(orientation="h", yanchor="top", y=-0.12, xanchor="left", x=0),
        hoverlabel=dict(font=FONT), separators=".,",
    )
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True, rangemode="tozero", gridcolor="#e9ecef")
    return fig


def _texts(values, unit: str) -> list[str]:
    """Hover texts rounded by the one rule every output follows (81.25 is 81.3%)."""
    return [format_number(v, unit) for v in values]


def _x_axis(fig: go.Figure, count: int) -> None:
    fig.update_layout(xaxis=dict(type="category", tickangle=-45 if count > 8 else 0),
                      legend=dict(y=-0.25 if count > 8 else -0.12))


def quarter_chart(rows: list[dict], unit: str) -> go.Figure:
    """Each quarter's actual (bars) against the quarter's target (a labelled line), on one value axis. The
    quarter's target is the year's target by the quarter's days (``indicators.figures.quarter_target``);
    a milestone has none, so no target line is drawn, nor listed in the legend."""
    quarters = [r["quarter"] for r in rows]
    percent = unit == "percent"
    actual = [r["actual"] for r in rows]
    fig = go.Figure()
    fig.add_bar(x=quarters, y=actual, name="Quarter actual", marker_color=CHART_COLOURS["actual"],
                hovertext=_texts(actual, unit), hovertemplate="%{x}<br>actual %{hovertext}<extra></extra>")
    targets = [r["target"] for r in rows]
    if any(t is not None for t in targets):
        fig.add_scatter(x=quarters, y=targets, name="Year's target" if percent else "Quarter target",
                        mode="lines+markers", line=dict(color=CHART_COLOURS["target"], width=2, shape="hv"),
                        marker=dict(symbol="line-ew-open", size=14), connectgaps=False,
                        hovertext=_texts(targets, unit), hovertemplate="%{x}<br>target %{hovertext}<extra></extra>")
    base_layout(fig, height=320)
    _x_axis(fig, len(rows))
    fig.update_layout(bargap=0.35, yaxis=dict(title="% per quarter" if percent else "per quarter",
                                              ticksuffix="%" if percent else ""))
    return fig


def cumulative_chart(rows: list[dict], unit: str, lop_target: float | None) -> go.Figure:
    """The life-of-project actual to date (a line) against the LOP target (a labelled level) and, for counts,
    the LOP target pro-rated to each quarter's end (what the status is judged against), on one value axis."""
    quarters = [r["quarter"] for r in rows]
    percent = unit == "percent"
    cumulative = [r["cumulative"] for r in rows]
    fig = go.Figure()
    fig.add_scatter(x=quarters, y=cumulative, name="LOP actual to date", mode="lines+markers",
                    line=dict(color=CHART_COLOURS["cumulative"], width=3), hovertext=_texts(cumulative, unit),
                    hovertemplate="%{x}<br>LOP to date %{hovertext}<extra></extra>")
    due = [r.get("lop_target_to_date") for r in rows]
    if not percent and any(d is not None for d in due):
        fig.add_scatter(x=quarters, y=due, name="LOP target to date", mode="lines",
                        line=dict(color=CHART_COLOURS["lop"], dash="dot", width=2), hovertext=_texts(due, unit),
                        hovertemplate="%{x}<br>LOP target to date %{hovertext}<extra></extra>")
    if lop_target is not None and quarters:
        fig.add_scatter(x=[quarters[0], quarters[-1]], y=[lop_target, lop_target], name="LOP target",
                        mode="lines", line=dict(color=CHART_COLOURS["lop"], dash="dash", width=2),
                        hovertext=_texts([lop_target] * 2, unit), hovertemplate="LOP target %{hovertext}<extra></extra>")
        fig.add_annotation(x=quarters[-1], y=lop_target, text=f"LOP target {format_number(lop_target, unit)}",
                           showarrow=False, xanchor="right", yanchor="bottom", font=dict(size=11, color="#495057"))
    base_layout(fig, height=300)
    _x_axis(fig, len(rows))
    fig.update_layout(yaxis=dict(title="% to date" if percent else "life of project to date",
                                 ticksuffix="%" if percent else ""))
    return fig


def category_chart(categories: list[str], quarter: list, year: list, lop: list, unit: str, *,
                   quarter_label: str, year_label: str) -> go.Figure:
    """One disaggregation: each category's quarter, year-to-date and LOP-to-date actuals."""
    fig = go.Figure()
    for name, values, colour in ((quarter_label, quarter, CHART_COLOURS["quarter"]),
                                 (year_label, year, CHART_COLOURS["year"]),
                                 ("LOP to date", lop, CHART_COLOURS["lop_cat"])):
        fig.add_bar(y=categories, x=values, name=name, orientation="h", marker_color=colour,
                    hovertext=_texts(values, unit), hovertemplate="%{y}: %{hovertext}<extra>" + name + "</extra>")
    base_layout(fig, height=max(220, 110 + 26 * len(categories) * 1.6))
    fig.update_layout(barmode="group", bargap=0.2)
    fig.update_yaxes(autorange="reversed", rangemode=None, gridcolor=None)
    fig.update_xaxes(rangemode="tozero", gridcolor="#e9ecef")
    return fig


def share_chart(labels: list[str], shares: list[float | None]) -> go.Figure:
    """Shares of the known values, as horizontal bars; suppressed shares are left out of the chart."""
    shown = [(label, share) for label, share in zip(labels, shares, strict=True) if share is not None]
    fig = go.Figure(go.Bar(
        y=[label for label, _ in shown], x=[share for _, share in shown], orientation="h",
        marker_color=CHART_COLOURS["actual"], text=[format_number(share, "percent") for _, share in shown],
        textposition="auto", hovertemplate="%{y}: %{text}<extra></extra>"))
    base_layout(fig, height=max(150, 60 + 34 * len(shown)), legend=False)
    fig.update_layout(bargap=0.35)
    fig.update_yaxes(autorange="reversed", rangemode=None, gridcolor=None)
    fig.update_xaxes(range=[0, 100], ticksuffix="%")
    return fig
