"""The Reports page's view of the quarter: its programme, data date and statuses counted, and the indicators
more than 15% off their target to date without a deviation narrative (listed first: the donor will ask)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard._components import format_datetime, format_percent, href, status_badge, status_counts
from indicators.i18n import _, ngettext
from indicators.status import AHEAD, BEHIND, ON_TRACK


class ids:
    heading = "reports-heading"
    flagged = "reports-flagged"


def summary_card(prog, quarter, result) -> dbc.Card:
    """The programme and quarter, the date of its data, and how many indicators are in each status."""
    counts = status_counts(i.status for i in result.indicators)
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(f"{prog.code} · {quarter.label()}", className="h6 mb-0", id=ids.heading)),
            dbc.CardBody(
                [
                    html.P(
                        [f"{prog.title} · {prog.donor}"]
                        + (
                            [
                                html.Br(),
                                _("Data as of {when}").format(when=format_datetime(result.data_as_of)),
                            ]
                            if result.data_as_of
                            else []
                        ),
                        className="mb-2",
                    ),
                    html.Div(
                        [
                            html.Span(
                                [html.Strong(f"{counts[s]} "), status_badge(s, small=True)], className="me-3"
                            )
                            for s in (AHEAD, ON_TRACK, BEHIND)
                        ],
                        className="mb-0",
                    ),
                ]
            ),
        ],
        className="shadow-sm mb-4",
    )


def flagged_card(flagged, quarter) -> dbc.Card:
    """The indicators the report needs a narrative for, each linked to its page for the quarter."""
    if not flagged:
        return dbc.Card(
            [
                dbc.CardHeader(html.H2(_("Deviation narratives"), className="h6 mb-0")),
                dbc.CardBody(
                    dbc.Alert(
                        _("Every indicator more than 15% off its target to date has a deviation narrative."),
                        color="success",
                        className="mb-0 py-2",
                    ),
                    id=ids.flagged,
                ),
            ],
            className="shadow-sm mb-4",
        )
    body = html.Div(
        [
            html.P(
                ngettext(
                    "{count} indicator is more than 15% off the target to date without a deviation narrative. "
                    "The report can be downloaded, but the donor will ask why.",
                    "{count} indicators are more than 15% off the target to date without a deviation narrative. "
                    "The report can be downloaded, but the donor will ask why.",
                    len(flagged),
                ).format(count=len(flagged)),
                className="small",
            ),
            html.Ul(
                [
                    html.Li(
                        [
                            dcc.Link(
                                item.indicator.code,
                                href=href("/indicator", code=item.indicator.code, period=quarter.code),
                                className="fw-semibold me-2",
                            ),
                            item.indicator.name,
                            " ",
                            status_badge(item.status, small=True),
                            html.Span(
                                " "
                                + _("{percent} of the target to date").format(
                                    percent=format_percent(item.judged.percent_of_target_to_date)
                                ),
                                className="small text-muted",
                            ),
                        ],
                        className="mb-1",
                    )
                    for item in flagged
                ],
                className="list-unstyled mb-0",
            ),
        ]
    )
    return dbc.Card(
        [
            dbc.CardHeader(
                html.H2(
                    _("Before sending: narratives missing ({count})").format(count=len(flagged)),
                    className="h6 mb-0",
                )
            ),
            dbc.CardBody(body, id=ids.flagged),
        ],
        className="shadow-sm mb-4 border-warning",
    )
