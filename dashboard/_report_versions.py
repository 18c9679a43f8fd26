"""The Reports page's parts about reports as sent: reopening a signed-off quarter (with its reason), the versions
kept (who, when, format, why reopened, SHA-256, each downloadable byte for byte) and "What changed since it was
sent" (every figure that differs from the latest version, as sent → now, with the uploads, corrections and
target edits that explain it). The callbacks are the Reports page's (``dashboard.reports``)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html
from dash.development.base_component import Component

from dashboard._access import STAFF, can
from dashboard._components import aria, format_datetime
from dashboard._signed import CHANGES_ANCHOR, VERSIONS_ANCHOR, sign_off_words
from exports.formats import short_name
from indicators.figures.signoff import REASON_LIMIT, REOPENERS
from indicators.i18n import _


class ids:
    reopen_reason = "reports-reopen-reason"
    reopen_button = "reports-reopen-button"
    reopen_result = "reports-reopen-result"
    version = "reports-version"  # {"type": version, "version": N}: download version N
    version_file = "reports-version-file"
    version_done = "reports-version-done"
    versions = VERSIONS_ANCHOR
    changes = CHANGES_ANCHOR


def reopen_form(what: str, donor: str) -> list:
    """For a manager or an administrator, under a quarter in force: the reason and the button."""
    if not can(REOPENERS):
        return []
    return [
        html.Hr(className="my-2"),
        html.P(
            f"If {donor} asks for a corrected report, or the quarter was signed off by mistake, reopen it: "
            "the report sent stays kept as its version, the quarter takes uploads and corrections again, and "
            "signing off again keeps a new version.",
            className="small mb-2",
        ),
        dbc.Label(
            _("Reason for reopening (kept with the version and in the audit trail)"),
            html_for=ids.reopen_reason,
            className="small mb-1",
        ),
        dbc.Textarea(
            id=ids.reopen_reason,
            value="",
            maxLength=REASON_LIMIT,
            rows=2,
            className="mb-2",
            placeholder=_("e.g. USAID asked on 3 March for the trainings of April to be corrected"),
        ),
        dbc.Button(
            f"Reopen {what}",
            id=ids.reopen_button,
            color="danger",
            outline=True,
            n_clicks=0,
            className="w-100",
        ),
        html.Div(id=ids.reopen_result, className="mt-2", role="status"),
    ]


def reopened_note(comparison, what: str) -> dbc.Alert:
    """A quarter reopened and not signed off again: by whom, when, why, and what stays kept."""
    next_time = (
        f"Sign it off again once the corrected report is sent: it is kept as version "
        f"{comparison.version + 1}, and its cover says it replaces version {comparison.version}."
    )
    return dbc.Alert(
        [html.Strong(f"{what}: {sign_off_words(comparison)}"), html.Br(), next_time],
        color="warning",
        className="py-2 small",
        id="reports-reopened",
    )


def versions_card(versions: list) -> dbc.Card | None:
    """Every version kept of the quarter's report, each downloadable as sent."""
    if not versions:
        return None
    rows = []
    for v in reversed(versions):
        reopened = (
            f"Reopened by {v.reopened_by} on {format_datetime(v.reopened_at)} UTC: {v.reopen_reason}"
            if v.reopened_at
            else "In force"
        )
        rows.append(
            html.Tr(
                [
                    html.Th(f"{v.version}", scope="row"),
                    html.Td(
                        [
                            v.signed_by,
                            html.Br(),
                            html.Span(f"{format_datetime(v.signed_at)} UTC", className="text-muted"),
                        ]
                    ),
                    html.Td(short_name(v.report_format)),
                    html.Td(reopened, className="small"),
                    html.Td(
                        html.Code(v.report_sha256, className="sha small text-break"), className="version-sha"
                    ),
                    html.Td(
                        dbc.Button(
                            f"Download version {v.version}",
                            id={"type": ids.version, "version": v.version},
                            size="sm",
                            color="primary",
                            outline=True,
                            n_clicks=0,
                            title=v.report_filename,
                        )
                    ),
                ],
                id=f"reports-version-{v.version}",
            )
        )
    table = html.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(h, scope="col")
                        for h in ("Version", "Signed off", "Format", "Reopened", "SHA-256", "File as sent")
                    ]
                )
            ),
            html.Tbody(rows),
        ],
        className="table table-sm align-middle mb-2 versions-table",
    )
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(f"Versions sent ({len(versions)})", className="h6 mb-0")),
            dbc.CardBody(
                [
                    html.Div(
                        table,
                        className="table-responsive",
                        tabIndex="0",
                        **aria(label="Versions sent (scrolls sideways)"),
                    ),
                    html.Div(id=ids.version_done, className="small", role="status"),
                ]
            ),
        ],
        className="shadow-sm mb-4",
        id=ids.versions,
    )


def changes_card(comparison) -> dbc.Card | None:
    """What differs now from the latest version sent. Donor officers see which indicators, not the records."""
    if comparison is None:
        return None
    c = comparison
    title = f"What changed since version {c.version} was sent"
    if not c.figures_kept:
        body: Component = html.P(
            f"Version {c.version} was signed off before the figures were kept with it: nothing to compare "
            "it with.",
            className="small text-muted mb-0",
        )
    elif not c.differences:
        body = dbc.Alert(
            f"No figure differs from version {c.version} as sent.",
            color="success",
            className="py-2 small mb-0",
        )
    elif not can(STAFF):
        body = html.P(
            [
                f"{len(c.differences)} figure(s) differ from version {c.version} as sent, for ",
                html.Strong(", ".join(c.indicators)),
                ". IOM will send a revised report.",
            ],
            className="small mb-0",
        )
    else:
        body = html.Div(
            [
                html.P(
                    [
                        f"{len(c.differences)} figure(s) differ from version {c.version} as sent, for ",
                        html.Strong(", ".join(c.indicators)),
                        ".",
                    ],
                    className="small",
                ),
                html.Table(
                    [
                        html.Thead(
                            html.Tr(
                                [
                                    html.Th(h, scope="col")
                                    for h in ("Indicator", "As sent → now", "Since the sign-off")
                                ]
                            )
                        ),
                        html.Tbody(
                            [_change_row(code, group, why) for code, group, why in _groups(c.differences)]
                        ),
                    ],
                    className="table table-sm align-top mb-0 changes-table",
                ),
            ],
            className="table-responsive",
            tabIndex="0",
            **aria(label="Figures changed (scrolls sideways)"),
        )
    return dbc.Card(
        [dbc.CardHeader(html.H2(title, className="h6 mb-0")), dbc.CardBody(body)],
        className="shadow-sm mb-4" + (" border-warning" if c.differences else ""),
        id=ids.changes,
    )


def _groups(differences) -> list[tuple[str, list, tuple[str, ...]]]:
    """The differences of each indicator that the same records explain, together, in report order."""
    groups: dict[tuple[str, tuple[str, ...]], list] = {}
    for explained in differences:
        groups.setdefault((explained.difference.indicator, explained.explained_by), []).append(
            explained.difference
        )
    return [(code, group, why) for (code, why), group in groups.items()]


def _change_row(code: str, group: list, why: tuple[str, ...]) -> html.Tr:
    return html.Tr(
        [
            html.Th(code, scope="row", className="text-nowrap"),
            html.Td(
                html.Ul(
                    [
                        html.Li(
                            [f"{d.period} · {d.split}: ", html.Span(d.change, className="fw-semibold")],
                            className="change-figure",
                        )
                        for d in group
                    ],
                    className="list-unstyled small mb-0",
                )
            ),
            html.Td(
                html.Ul([html.Li(reason) for reason in why], className="list-unstyled small mb-0")
                if why
                else html.Span(_("nothing recorded since explains it"), className="small text-muted")
            ),
        ],
        className="change",
    )
