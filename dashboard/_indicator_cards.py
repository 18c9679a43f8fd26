"""The Indicator page's reading cards: the reference sheet with its targets and changes, the quarter's tiles
and the two charts (each quarter against its target, the life of project to date against the LOP target).
The page (``dashboard.indicator``) gathers the figures and lays these out."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard._charts import cumulative_chart, graph, quarter_chart
from dashboard._components import empty_state, format_actual, format_number, format_percent, status_badge
from indicators import vocabulary
from indicators.i18n import N_, _, format_day, format_list
from indicators.status import TARGET_TO_DATE


class ids:
    chart = "indicator-chart"
    cumulative = "indicator-cumulative"


# --- reference sheet -------------------------------------------------------------------------------


def reference_sheet(ind, info, targets: dict, changes: list) -> dbc.Card:
    """What the indicator is (the PIRS' first lines), its targets, and its latest changes."""
    unit = info.unit
    target_rows = [
        html.Tr([html.Th(period, scope="row"), html.Td(format_number(value, unit), className="num")])
        for period, value in sorted(targets.items(), key=lambda kv: (kv[0] == "LOP", kv[0]))
    ]
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(_("Reference sheet"), className="h6 mb-0")),
            dbc.CardBody(
                [
                    html.Dl(
                        [x for label, value in _facts(info) for x in (html.Dt(label), html.Dd(value))],
                        className="facts mb-3",
                    ),
                    html.H3(_("Targets"), className="h6"),
                    html.Table(html.Tbody(target_rows), className="table table-sm mb-3 targets-table"),
                    _more_of_the_sheet(ind.reference_sheet or {}),
                    html.H3(_("Changes"), className="h6 mt-3"),
                    _changes(changes),
                ]
            ),
        ],
        className="shadow-sm h-100",
        id="indicator-reference",
    )


def _facts(info) -> list[tuple[str, str]]:
    """The sheet's first lines, as (label, value)."""
    unit = info.unit
    source = info.source_kind + (
        " ("
        + "; ".join(
            f"{k} = {', '.join(v) if isinstance(v, list) else v}" for k, v in info.source_filter.items()
        )
        + ")"
        if info.source_filter
        else ""
    )
    return [
        (_("Definition"), info.definition or "–"),
        (_("Unit"), _("Percentage") if unit == "percent" else _("Number")),
        (_("Category"), _(info.category)),
        (_("Data source"), info.data_source or "–"),
        (_("Source sheet"), source),
        (_("Measure"), info.measure_words),
        (
            _("Disaggregated by"),
            format_list(_(vocabulary.DISAGGREGATIONS.get(d, d)) for d in info.disaggregations) or "–",
        ),
        (_("Baseline"), format_number(info.baseline, unit)),
        (_("Standard indicator"), info.standard_indicator or "–"),
    ]


def _changes(changes: list) -> html.Ul | html.P:
    """The latest changes to the definition and targets: when, who (unless withheld), what and why."""
    if not changes:
        return html.P(
            _("No change since the indicator was defined."),
            className="small text-muted mb-0",
            id="indicator-changes",
        )
    return html.Ul(
        [
            html.Li(
                [
                    html.Span(format_day(when, "d MMM y"), className="text-muted"),
                    f" · {who} · {what}" if who else f" · {what}",
                    html.Span(
                        f" · {_(reason)}" + (f": {comment}" if comment else ""), className="text-muted"
                    ),
                ],
                className="small",
            )
            for when, who, what, reason, comment in changes
        ],
        className="list-unstyled mb-0",
        id="indicator-changes",
    )


def _more_of_the_sheet(sheet: dict) -> html.Details:
    """The rest of the Performance Indicator Reference Sheet, folded (the PIRS export prints it whole)."""
    quality = sheet.get("data_quality") or {}
    facts = [
        (N_("Rationale"), sheet.get("rationale")),
        (N_("Method of collection"), sheet.get("collection_method")),
        (N_("Frequency"), sheet.get("frequency")),
        (N_("Responsible"), sheet.get("responsible")),
        (N_("Baseline date"), sheet.get("baseline_date")),
        (N_("Target rationale"), sheet.get("target_rationale")),
        (N_("Last data quality assessment"), quality.get("last_assessment") or _("not yet assessed")),
        (N_("Known limitations"), quality.get("limitations")),
        (N_("Mitigation"), quality.get("mitigation")),
    ]
    return html.Details(
        [
            html.Summary(_("The rest of the reference sheet (PIRS)"), className="small fw-semibold"),
            html.Dl(
                [x for label, value in facts for x in (html.Dt(_(label)), html.Dd(value or "–"))],
                className="facts mt-2 mb-0",
            ),
        ],
        id="indicator-pirs",
    )


# --- tiles -----------------------------------------------------------------------------------------


def _tile(label, value, detail=None, extra=None):
    return dbc.Col(
        html.Div(
            [
                html.Div(label, className="tile-label"),
                html.Div(value, className="tile-value"),
                html.Div(detail, className="tile-detail") if detail else None,
                extra,
            ],
            className="tile h-100",
        ),
        xs=12,
        sm=4,
    )


def tiles(item, unit, quarter, year_word) -> dbc.Row:
    """The quarter, the year to date and the life of project to date, each against its target."""
    ytd, lop = item.year_to_date, item.lop_to_date
    return dbc.Row(
        [
            _tile(
                _("Quarter {quarter}").format(quarter=quarter.label(short=True)),
                format_actual(item.quarter, unit),
            ),
            _tile(
                _("{year} to date").format(year=year_word),
                format_actual(ytd, unit),
                *_against(ytd, unit, _("no target this year")),
            ),
            _tile(
                _("Life of project to date"),
                format_actual(lop, unit),
                *_against(lop, unit, _("no LOP target")),
            ),
        ],
        className="g-3 mb-4",
        id="indicator-tiles",
    )


def _against(figure, unit, none: str) -> tuple:
    """A tile's detail: the full target and the share of it, then the target to date the status is judged
    against and the share of that, beside the status itself."""
    if figure.target is None:
        return none, None
    detail = html.Div(
        [
            html.Div(
                _("target {target} · {percent}").format(
                    target=format_number(figure.target, unit),
                    percent=format_percent(figure.percent_of_target),
                )
            ),
            html.Div(
                [
                    _("target to date {target} · {percent}").format(
                        target=format_number(figure.target_to_date, unit),
                        percent=format_percent(figure.percent_of_target_to_date),
                    )
                ],
                title=_(TARGET_TO_DATE),
            ),
        ]
    )
    return detail, status_badge(figure.status, small=True)


# --- charts ----------------------------------------------------------------------------------------


def quarters_card(series: list[dict], unit, quarter) -> dbc.Card:
    """Each quarter's actual against its target, through the quarter shown."""
    return dbc.Card(
        [
            dbc.CardHeader(
                html.H2(
                    _("Each quarter against its target, through {quarter}").format(
                        quarter=quarter.label(short=True)
                    ),
                    className="h6 mb-0",
                )
            ),
            dbc.CardBody(
                graph(ids.chart, quarter_chart(series, unit))
                if series
                else empty_state(_("No quarters yet."))
            ),
        ],
        className="shadow-sm mb-4",
    )


def cumulative_card(series: list[dict], unit, lop_target) -> dbc.Card:
    """The life of project to date, quarter by quarter, against the LOP target to date."""
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(_("Life of project to date against the LOP target"), className="h6 mb-0")),
            dbc.CardBody(
                graph(ids.cumulative, cumulative_chart(series, unit, lop_target))
                if series
                else empty_state(_("No quarters yet."))
            ),
        ],
        className="shadow-sm mb-4",
    )
