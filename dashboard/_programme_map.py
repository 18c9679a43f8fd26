"""The Programme page's map, "where the work happened": a chosen activity indicator's value per district, for
the report quarter, the year to date or the life of project to date (in the URL: ``map=KEC-4.2&span=lop``;
the page's ``choose_map`` follows the choice)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard._charts import graph
from dashboard._components import dropdown, format_number
from dashboard._map import attribution as map_attribution
from dashboard._map import district_map
from indicators.i18n import _


class ids:
    map = "programme-map"
    map_indicator = "programme-map-indicator"
    map_span = "programme-map-span"
    map_state = "programme-map-state"


def where(session, prog, quarter, result, chosen: str | None, span: str | None) -> dbc.Card | None:
    """The map card, for the indicator ``chosen`` (else the first mappable one) over ``span``; None when no
    indicator of the programme is counted by district."""
    from indicators.figures import places

    mapped = [item.indicator for item in result.indicators if places.mappable(item.indicator)]
    if not mapped:
        return None
    info = next((i for i in mapped if i.code == (chosen or "").strip().upper()), mapped[0])
    span = span if span in places.SPANS else "quarter"
    values = {d: p.value for d, p in places.by_district(session, info.code, quarter, span).items()}
    what = _map_words(info)
    return dbc.Card(
        [
            dbc.CardHeader(
                html.H2(_("Where the work happened · {code}").format(code=info.code), className="h6 mb-0")
            ),
            dbc.CardBody(
                [
                    _choices(prog, quarter, info, mapped, span),
                    html.P(
                        (
                            _(
                                "{total} {what} in {count} of Rwanda's 30 districts (districts left grey "
                                "recorded nothing)."
                            )
                            if len(values) < 30
                            else _("{total} {what} in {count} of Rwanda's 30 districts.")
                        ).format(
                            total=format_number(sum(values.values()), info.unit), what=what, count=len(values)
                        ),
                        className="small mb-1",
                        id="programme-map-summary",
                    ),
                    graph(ids.map, district_map(values, unit=info.unit, what=what), small=True),
                    map_attribution(),
                    dcc.Store(id=ids.map_state, data={"map": info.code, "span": span}),
                ]
            ),
        ],
        className="shadow-sm mb-4",
        id="programme-where",
    )


def _choices(prog, quarter, info, mapped: list, span: str) -> dbc.Row:
    """Which indicator the map shows, and over which period."""
    from indicators.figures import places

    year = _("FY") if prog.calendar == "fiscal" else _("Year")
    names = {
        "quarter": quarter.label(short=True),
        "year": _("{year} to date").format(year=year),
        "lop": _("Life of project to date"),
    }
    spans = [{"label": names[key], "value": key} for key in places.SPANS]
    return dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(_("Indicator"), html_for=ids.map_indicator, className="small text-muted mb-1"),
                    dropdown(
                        id=ids.map_indicator,
                        clearable=False,
                        searchable=False,
                        value=info.code,
                        options=[{"label": f"{i.code} · {i.name}", "value": i.code} for i in mapped],
                    ),
                ],
                lg=7,
            ),
            dbc.Col(
                [
                    dbc.Label(_("Period"), html_for=ids.map_span, className="small text-muted mb-1"),
                    dbc.RadioItems(id=ids.map_span, options=spans, value=span, inline=True),
                ],
                lg=5,
            ),
        ],
        className="g-2 mb-2",
    )


def _map_words(info) -> str:
    """What a mapped value counts, in a few words: "people trained", "trainings"."""
    name = info.name.lower()
    for prefix in ("number of ", "percentage of "):
        name = name.removeprefix(prefix)
    return name.split(" by ")[0][:60]
