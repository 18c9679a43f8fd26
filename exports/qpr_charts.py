"""The quarterly report's charts, drawn as pictures without a network or a browser (matplotlib's Agg canvas).

Why matplotlib and not Plotly's own static export: kaleido 1.x draws through a Chromium it starts for every
export (about 4 s before the first picture, and it asks a CDN for MathJax unless told not to), and needs the
plotly package that ``exports`` must not import; matplotlib draws the same bars in a fraction of a second, in
process, with nothing to reach. The look is the screen's (``dashboard._charts``: plotly_white): the screen's
colours (``COLOURS`` equals ``dashboard._components.CHART_COLOURS``, which a test checks), light grid lines
under the bars, no frame, the legend under the plot.

One chart per result: each indicator's actual as a percentage of its target to date (what its status is
judged on, ``indicators.figures.figures``), so indicators counted in trainings, people and percentages share an axis;
the band of ±15% around the target to date is on track. The picture's alt text says every bar in words.
"""

from __future__ import annotations

from io import BytesIO

from indicators.numbers import format_percent
from indicators.report import IndicatorRow, ResultGroup
from indicators.status import look

# the screen's chart colours (dashboard._components.CHART_COLOURS)
COLOURS = {
    "actual": "#0033a0",
    "target": "#9fb3d9",
    "cumulative": "#b35c00",
    "lop": "#6c757d",
    "quarter": "#0033a0",
    "year": "#5b7fc7",
    "lop_cat": "#b8c7e6",
}
GRID = "#e9ecef"  # the screen's grid lines (dashboard._charts.base_layout)
TEXT = "#212529"  # the screen's font colour
BAND = "#e2f3ea"  # on track: the status's own fill (indicators.status)
DPI = 200


def judged(row: IndicatorRow) -> int | None:
    """The indicator's actual as a whole percentage of its target to date, or None (no target, no data)."""
    return row.judged.percent_of_target_to_date if row.judged is not None else None


def result_chart(group: ResultGroup) -> tuple[bytes, str] | None:
    """The result's chart as a PNG and its alt text; None when no indicator of it has a percentage to draw."""
    drawn = [(row, value) for row in group.indicators if (value := judged(row)) is not None]
    if not drawn:
        return None
    import matplotlib

    matplotlib.use("Agg")  # no display: a file, never a window
    from matplotlib.figure import Figure

    codes = [row.code for row, _ in drawn]
    values = [value for _, value in drawn]
    height = 0.75 + 0.4 * len(drawn)  # inches: the bars, then the axis and the legend under it
    figure = Figure(figsize=(6.5, height), dpi=DPI)
    axes = figure.add_subplot()
    top = max(130, *(v + 20 for v in values))
    axes.axvspan(85, 115, color=BAND, zorder=0, label="On track: within ±15%")
    axes.axvline(
        100,
        color=COLOURS["lop"],
        linestyle=(0, (4, 3)),
        linewidth=1.2,
        zorder=1,
        label="Target to date (100%)",
    )
    bars = axes.barh(
        codes,
        values,
        color=COLOURS["actual"],
        height=0.55,
        zorder=2,
        label="Actual as % of the target to date",
    )
    for bar, (row, value) in zip(bars, drawn):
        axes.text(
            bar.get_width() + top * 0.01,
            bar.get_y() + bar.get_height() / 2,
            f"{format_percent(value)} · {row.status or 'no status'}",
            va="center",
            fontsize=8,
            color="#" + look(row.status).colour,
        )
    _style(axes, top)
    figure.legend(loc="lower left", ncols=3, fontsize=7, frameon=False, bbox_to_anchor=(0.01, 0.0))
    figure.subplots_adjust(left=0.12, right=0.98, top=1 - 0.08 / height, bottom=0.55 / height)
    out = BytesIO()
    figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue(), alt_text(group, drawn)


def _style(axes, top: float) -> None:
    axes.set_xlim(0, top * 1.18)
    axes.invert_yaxis()  # indicators read top down, in the logframe's order
    axes.xaxis.grid(True, color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    axes.xaxis.set_major_formatter(lambda value, _pos: f"{value:.0f}%")
    for side in ("top", "right", "left", "bottom"):
        axes.spines[side].set_visible(False)
    axes.tick_params(colors=TEXT, labelsize=8, length=0)


def alt_text(group: ResultGroup, drawn: list[tuple[IndicatorRow, int]]) -> str:
    """Every bar in words, and the indicators not drawn with why."""
    said = "; ".join(
        f"{row.code} {format_percent(value)} ({row.status or 'no status'})" for row, value in drawn
    )
    left = [row.code for row in group.indicators if judged(row) is None]
    rest = f". Not drawn (no target to date or no data): {', '.join(left)}" if left else ""
    return (
        f"Result {group.code}: each indicator's actual as a percentage of its target to date, with the "
        f"on-track band from 85% to 115%: {said}{rest}."
    )
