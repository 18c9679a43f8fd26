"""Plotly figures the pages share: one look (fonts, colours, margins), no external resources."""

from __future__ import annotations

import plotly.graph_objects as go
from dash import dcc

from dashboard._components import CHART_COLOURS, GRAPH_CONFIG, SMALL_GRAPH_CONFIG

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


def series_chart(rows: list[dict], unit: str, lop_target: float | None) -> go.Figure:
    """Quarterly actual against the quarter's share of the year's target (bars), and the life-of-project
    actual to date against the LOP target (line, right axis)."""
    quarters = [r["quarter"] for r in rows]
    percent = unit == "percent"
    suffix = "%" if percent else ""
    fig = go.Figure()
    fig.add_bar(x=quarters, y=[r["target"] for r in rows], name="Quarter target" if not percent else "Year target",
                marker_color=CHART_COLOURS["target"],
                hovertemplate="%{x}<br>target %{y:,.4~f}" + suffix + "<extra></extra>")
    fig.add_bar(x=quarters, y=[r["actual"] for r in rows], name="Quarter actual", marker_color=CHART_COLOURS["actual"],
                hovertemplate="%{x}<br>actual %{y:,.4~f}" + suffix + "<extra></extra>")
    fig.add_scatter(x=quarters, y=[r["cumulative"] for r in rows], name="LOP actual to date", mode="lines+markers",
                    line=dict(color=CHART_COLOURS["cumulative"], width=3), yaxis="y2" if not percent else "y",
                    hovertemplate="%{x}<br>LOP to date %{y:,.4~f}" + suffix + "<extra></extra>")
    if lop_target is not None:
        fig.add_scatter(x=[quarters[0], quarters[-1]] if quarters else [], y=[lop_target, lop_target],
                        name="LOP target", mode="lines", line=dict(color=CHART_COLOURS["lop"], dash="dash", width=2),
                        yaxis="y2" if not percent else "y",
                        hovertemplate="LOP target %{y:,.4~f}" + suffix + "<extra></extra>")
    base_layout(fig, height=380)
    fig.update_layout(barmode="group", bargap=0.25, xaxis=dict(type="category", tickangle=-45 if len(rows) > 8 else 0),
                      legend=dict(y=-0.25 if len(rows) > 8 else -0.12))
    if not percent:
        fig.update_layout(
            yaxis=dict(title="per quarter"),
            yaxis2=dict(title="life of project to date", overlaying="y", side="right", showgrid=False,
                        rangemode="tozero", tickformat=",.0f"),
        )
    else:
        fig.update_layout(yaxis=dict(title="%", range=[0, 105]))
    return fig


def category_chart(categories: list[str], quarter: list, year: list, lop: list, unit: str, *,
                   quarter_label: str, year_label: str) -> go.Figure:
    """One disaggregation: each category's quarter, year-to-date and LOP-to-date actuals."""
    suffix = "%" if unit == "percent" else ""
    fig = go.Figure()
    for name, values, colour in ((quarter_label, quarter, CHART_COLOURS["quarter"]),
                                 (year_label, year, CHART_COLOURS["year"]),
                                 ("LOP to date", lop, CHART_COLOURS["lop_cat"])):
        fig.add_bar(y=categories, x=values, name=name, orientation="h", marker_color=colour,
                    hovertemplate="%{y}: %{x:,.4~f}" + suffix + "<extra>" + name + "</extra>")
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
        marker_color=CHART_COLOURS["actual"], text=[f"{share:.1f}%" for _, share in shown], textposition="auto",
        hovertemplate="%{y}: %{x:.1f}%<extra></extra>"))
    base_layout(fig, height=max(150, 60 + 34 * len(shown)), legend=False)
    fig.update_layout(bargap=0.35)
    fig.update_yaxes(autorange="reversed", rangemode=None, gridcolor=None)
    fig.update_xaxes(range=[0, 100], ticksuffix="%")
    return fig
