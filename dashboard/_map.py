"""Maps of Rwanda's 30 districts, drawn from the app's own copy of their boundaries (``indicators/figures/geo``): each
district a filled polygon on plain axes, so the browser fetches nothing from anywhere (Plotly's geo maps would
fetch a base map from a CDN). Every map carries the boundaries' attribution under it.

A district is coloured by the class its value falls in (five classes of equal width, from the largest value);
a district with nothing is drawn grey and says so; a small count withheld from a donor is hatched grey and
reads "<5", never coloured by its count.
"""

from __future__ import annotations

import math

from dash import html

from dashboard._charts import FONT, template
from dashboard._components import format_number
from indicators.i18n import N_, _

ATTRIBUTION = N_("District boundaries © WASAC Ltd., CC BY 4.0")
# Sequential blues (light to dark), readable with the common colour-vision deficiencies.
CLASSES = ("#d6e4f3", "#a9c7e6", "#6f9fd2", "#3c74b8", "#0b3f86")
NOTHING, WITHHELD, EDGE = "#f1f3f5", "#dee2e6", "#6c757d"
NOTHING_LABEL = N_("nothing recorded")


def districts() -> dict[str, list[list[tuple[float, float]]]]:
    """District name -> its outer rings as (longitude, latitude) points (``indicators.figures.geography``)."""
    from indicators.figures.geography import boundaries

    return boundaries()


def _classes(top: float) -> list[tuple[float, float]]:
    """Five classes of equal width up to ``top``, on whole numbers."""
    step = max(1, math.ceil(top / len(CLASSES)))
    return [(i * step + 1, (i + 1) * step) for i in range(len(CLASSES))]


def district_map(
    values: dict[str, float],
    *,
    unit: str = "number",
    what: str,
    withheld: dict[str, str] | None = None,
    details: dict[str, str] | None = None,
    limit: int = 5,
    height: int = 430,
    whole: float | None = None,
) -> dict:
    """A choropleth of ``values`` (district -> value). ``withheld``: districts whose count is not shown, each
    with what it reads instead ("<5 victims", or why a larger one is withheld too), hatched grey; ``details``
    adds a line to a district's hover (the camps counted in it). Plotly's JSON, as ``dashboard._charts`` writes
    its figures. A district's share is of ``whole`` (every victim, withheld districts included), of the sum of
    the values when nothing is withheld, and not given when neither is known."""
    withheld = withheld or {}
    details = details or {}
    withheld_label = _("withheld (fewer than {limit}, or so that one cannot be worked out)").format(
        limit=limit
    )
    total = whole if whole is not None or withheld else sum(values.values())
    shown = [v for d, v in values.items() if d not in withheld and v]
    classes = _classes(max(shown)) if shown else []
    drawn = []
    for name, rings in districts().items():
        value = values.get(name)
        if name in withheld:
            colour, group, label = WITHHELD, withheld_label, f"{name}: {withheld[name]}"
        elif not value:
            colour, group = NOTHING, _(NOTHING_LABEL)
            label = _("{district}: nothing recorded").format(district=name)
        else:
            colour, group = _class_of(value, classes)
            share = (
                " · " + _("{share} of the total").format(share=format_number(100 * value / total, "percent"))
                if total
                else ""
            )
            label = f"{name}: {format_number(value, unit)} {what}{share}"
        if details.get(name):
            label += f"<br>{details[name]}"
        drawn.append((name, rings, colour, group, label))
    # the legend first, in class order, then the districts (without legend entries of their own)
    legend = [
        (f"{format_number(low)}–{format_number(high)}", colour)
        for (low, high), colour in zip(classes, CLASSES)
    ]
    legend += [(_(NOTHING_LABEL), NOTHING), (withheld_label, WITHHELD)]
    used = {group for *_, group, _label in drawn}
    data = [_legend_entry(group, colour) for group, colour in legend if group in used]
    for name, rings, colour, group, label in drawn:
        data += [_district_shape(name, ring, colour, group, label, group == withheld_label) for ring in rings]
    return {"data": data, "layout": _layout(what, height)}


def _class_of(value: float, classes: list[tuple[float, float]]) -> tuple[str, str]:
    """The colour and legend group of the class ``value`` falls in (the last takes anything above it)."""
    index = next(i for i, (_low, high) in enumerate(classes) if value <= high or i == len(classes) - 1)
    low, high = classes[index]
    return CLASSES[index], f"{format_number(low)}–{format_number(high)}"


def _legend_entry(group: str, colour: str) -> dict:
    """A legend entry: an invisible point, so that the legend shows the class once whatever its districts."""
    return {
        "type": "scatter",
        "x": [None],
        "y": [None],
        "mode": "markers",
        "name": group,
        "legendgroup": group,
        "hoverinfo": "skip",
        "marker": {"symbol": "square", "size": 14, "color": colour, "line": {"color": EDGE, "width": 1}},
    }


def _district_shape(name: str, ring, colour: str, group: str, label: str, hatched: bool) -> dict:
    """One ring of a district, filled with its class's colour (hatched grey when withheld)."""
    xs, ys = zip(*ring)
    shape: dict[str, object] = {
        "type": "scatter",
        "x": xs,
        "y": ys,
        "mode": "lines",
        "fill": "toself",
        "fillcolor": colour,
        "line": {"color": EDGE, "width": 0.8},
        "name": name,
        "legendgroup": group,
        "showlegend": False,
        "hoveron": "fills",
        "text": label,
        "hoverinfo": "text",
    }
    if hatched:
        shape["fillpattern"] = {"shape": "/", "fgcolor": EDGE, "bgcolor": WITHHELD}
    return shape


def _layout(what: str, height: int) -> dict:
    """Plain axes, fixed (a map is not zoomed), the legend to the right titled with what is counted."""
    return {
        "template": template(),
        "font": FONT,
        "height": height,
        "margin": {"l": 4, "r": 4, "t": 8, "b": 4},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "hoverlabel": {"font": FONT},
        "legend": {
            "title": {"text": what},
            "orientation": "v",
            "x": 1.0,
            "xanchor": "left",
            "y": 1,
            "traceorder": "normal",
        },
        "xaxis": {"visible": False, "fixedrange": True},
        "yaxis": {"visible": False, "scaleanchor": "x", "fixedrange": True},
        "dragmode": False,
    }


def attribution() -> html.P:
    return html.P(_(ATTRIBUTION), className="small text-muted mb-0 map-attribution")


def victims_map_card(found, plan=None, period=None):
    """Victims by the district (or camp, in its district) where they were identified, to date. For a donor
    officer (a ``plan``, ``indicators.protection.disclosure``) a district reads as planned: "<5" or "*", hatched and not
    coloured, shares of the whole and no camp inside a district; staff see exact counts and the camps. ``period``:
    the control choosing what the map counts (drawn above it)."""
    import dash_bootstrap_components as dbc

    from dashboard._charts import graph

    places, unknown = found
    if not places and period is None:
        return None
    counts = {d: p.value for d, p in places.items()}
    limit = plan.threshold if plan is not None else 0
    withheld = {}
    total = sum(counts.values()) + unknown
    details = {} if plan is not None else _camps(places)
    if plan is not None:
        withheld = _withheld_districts(plan, counts, limit)
        total = plan.cell(("profile", "total", "")).value  # shares are of every victim, or none when withheld
        unknown_cell = plan.cell(("district", ""))
        unknown = unknown_cell.value if not unknown_cell.withheld else None
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(_("Where victims were identified"), className="h6 mb-0")),
            dbc.CardBody(
                [
                    period,
                    html.P(_victims_note(limit, bool(withheld), unknown), className="small text-muted mb-1"),
                    graph(
                        "victims-map",
                        district_map(
                            counts,
                            what=_("victims"),
                            withheld=withheld,
                            details=details,
                            limit=limit,
                            whole=total,
                        ),
                        small=True,
                    ),
                    attribution(),
                ]
            ),
        ],
        className="shadow-sm mb-4",
        id="victims-where",
    )


def _withheld_districts(plan, counts: dict, limit: int) -> dict[str, str]:
    """The districts a donor officer's plan withholds, each with what it reads instead."""
    withheld = {}
    for district in counts:
        cell = plan.cell(("district", district))
        if cell.withheld:
            withheld[district] = (
                _("<{limit} victims (withheld)").format(limit=limit)
                if not cell.complementary
                else _("withheld, so that a smaller count cannot be worked out")
            )
    return withheld


def _camps(places: dict) -> dict[str, str]:
    """For staff, the refugee camps counted in each district, as a line of its hover."""
    return {
        d: _("of whom {camps}").format(
            camps=", ".join(
                _("{camp} camp {count}").format(camp=camp, count=format_number(n)) for camp, n in p.detail
            )
        )
        for d, p in places.items()
        if p.detail
    }


def _victims_note(limit: int, withheld: bool, unknown) -> str:
    """What the map counts, how small counts read, and the victims whose place cannot be read."""
    note = (
        _(
            "Districts with fewer than {limit} victims, or withheld so that one cannot be worked out, are hatched "
            "grey and not coloured by their count."
        ).format(limit=limit)
        if withheld
        else ""
    )
    return " ".join(
        filter(
            None,
            [
                _(
                    "Possible and actual victims by the district where they were identified; a refugee camp counts "
                    "in its district."
                ),
                note,
                _("{count} identified in a place that cannot be read are left out.").format(
                    count=format_number(unknown)
                )
                if unknown
                else "",
            ],
        )
    )
