"""The Indicator page's disaggregations: one card per disaggregation, its categories' quarter, year-to-date and
LOP-to-date actuals in a chart. Figures withheld from this reader (victims, for a donor officer:
``indicators.protection.disclosure``) read as their label, in the chart's hover and in a table under it."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard._charts import category_chart, graph
from dashboard._components import format_actual, href, settings, short_category
from indicators import vocabulary
from indicators.i18n import _

SPANS = ("quarter", "year_to_date", "lop_to_date")


def cards(item, unit, quarter, year_word, programme_code: str = "") -> dbc.Row | None:
    """One card per disaggregation (None when the indicator has none)."""
    if not item.disaggregations:
        return None
    grouped: dict[str, list] = {}
    for cat in item.disaggregations:
        grouped.setdefault(cat.disaggregation, []).append(cat)
    withheld = any(getattr(c, span).withheld for c in item.disaggregations for span in SPANS)
    return dbc.Row(
        [
            _card(name, cats, unit, quarter, year_word, programme_code, withheld)
            for name, cats in grouped.items()
        ]
    )


def _card(name: str, cats: list, unit, quarter, year_word, programme_code: str, withheld: bool) -> dbc.Col:
    labels = [short_category(c.category) for c in cats]
    year_label = _("{year} to date").format(year=year_word)
    quarters, years, lops = [[getattr(c, p).actual for c in cats] for p in SPANS]
    marks = [[getattr(c, p).withheld for c in cats] for p in SPANS]
    fig = category_chart(
        labels, quarters, years, lops, unit, quarter_label=quarter.code, year_label=year_label, withheld=marks
    )
    what = _(vocabulary.DISAGGREGATIONS.get(name, name)).lower()
    drawn = (
        graph(f"indicator-by-{name}", fig, small=True)
        if any(v is not None for row in (quarters, years, lops) for v in row)
        else _nothing_to_draw(what, programme_code)
    )
    return dbc.Col(
        dbc.Card(
            [
                dbc.CardHeader(
                    html.H2(_("By {disaggregation}").format(disaggregation=what), className="h6 mb-0")
                ),
                dbc.CardBody(
                    [
                        drawn,
                        _table(name, labels, cats, unit, quarter, year_word) if withheld else None,
                        html.P(withheld_note(), className="small text-muted mb-0") if withheld else None,
                    ]
                ),
            ],
            className="shadow-sm h-100",
        ),
        md=6,
        className="mb-4",
    )


def _table(name: str, labels: list[str], cats: list, unit, quarter, year_word) -> html.Table:
    """The card's figures as they read for this reader (withheld ones as their label)."""
    headings = (quarter.code, _("{year} to date").format(year=year_word), _("LOP to date"))
    return html.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(_(vocabulary.DISAGGREGATIONS.get(name, name))),
                        *(html.Th(h, className="num") for h in headings),
                    ]
                )
            ),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(label),
                            *(html.Td(format_actual(getattr(c, p), unit), className="num") for p in SPANS),
                        ]
                    )
                    for label, c in zip(labels, cats)
                ]
            ),
        ],
        className="table table-sm mb-0",
        id=f"indicator-table-{name}",
    )


def _nothing_to_draw(what: str, programme_code: str) -> html.P:
    """In place of a chart with no bar: every figure of the card withheld from this reader."""
    return html.P(
        [
            _(
                "Victims by {disaggregation} are published for the life of project to date only, as they "
                "stand now (on this page for the latest quarter with a figure); the"
            ).format(disaggregation=what),
            " ",
            dcc.Link(_("Victims profile"), href=href("/victims", programme=programme_code)),
            " ",
            _("shows them too."),
        ],
        className="small mb-2 indicator-not-published",
    )


def withheld_note() -> str:
    limit = settings().small_cell
    return _(
        "Victims are counted by category for the life of project to date only (n/p: not published for a "
        "single quarter or year); “<{limit}” is fewer than {limit} people, and * is withheld so that such a "
        "count cannot be worked out from the other figures."
    ).format(limit=limit)
