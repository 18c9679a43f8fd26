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
from indicators.i18n import _, ngettext, translated


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
            _(
                "If {donor} asks for a corrected report, or the quarter was signed off by mistake, reopen it: "
                "the report sent stays kept as its version, the quarter takes uploads and corrections again, "
                "and signing off again keeps a new version."
            ).format(donor=donor),
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
            _("Reopen {what}").format(what=what),
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
    next_time = _(
        "Sign it off again once the corrected report is sent: it is kept as version {next}, and its cover "
        "says it replaces version {version}."
    ).format(next=comparison.version + 1, version=comparison.version)
    return dbc.Alert(
        [
            html.Strong(_("{what}: {status}").format(what=what, status=sign_off_words(comparison))),
            html.Br(),
            next_time,
        ],
        color="warning",
        className="py-2 small",
        id="reports-reopened",
    )


def reopened(what: str, when: str, version: int, page: str) -> dbc.Alert:
    """What a reopen did, with a link to the quarter as it is now (``page``)."""
    done = _(
        "Reopened {what} on {when} UTC. Version {version} stays kept as sent; the quarter takes uploads and "
        "corrections again."
    ).format(what=what, when=when, version=version)
    return dbc.Alert(
        [done + " ", html.A(_("Show the quarter as it is now"), href=page, className="alert-link")],
        color="success",
        className="py-2 small mb-0",
        id="reports-reopen-done",
    )


def versions_card(versions: list) -> dbc.Card | None:
    """Every version kept of the quarter's report, each downloadable as sent."""
    if not versions:
        return None
    headers = (_("Version"), _("Signed off"), _("Format"), _("Reopened"), "SHA-256", _("File as sent"))
    table = html.Table(
        [
            html.Thead(html.Tr([html.Th(h, scope="col") for h in headers])),
            html.Tbody([_version_row(v) for v in reversed(versions)]),
        ],
        className="table table-sm align-middle mb-2 versions-table",
    )
    return dbc.Card(
        [
            dbc.CardHeader(
                html.H2(_("Versions sent ({count})").format(count=len(versions)), className="h6 mb-0")
            ),
            dbc.CardBody(
                [
                    html.Div(
                        table,
                        className="table-responsive",
                        tabIndex="0",
                        **aria(label=_("Versions sent (scrolls sideways)")),
                    ),
                    html.Div(id=ids.version_done, className="small", role="status"),
                ]
            ),
        ],
        className="shadow-sm mb-4",
        id=ids.versions,
    )


def _version_row(v) -> html.Tr:
    """One version kept: who signed it off and when, its format, whether and why it was reopened, its SHA-256
    and the button downloading it as sent."""
    reopened = (
        _("Reopened by {who} on {when} UTC: {reason}").format(
            who=v.reopened_by, when=format_datetime(v.reopened_at), reason=v.reopen_reason
        )
        if v.reopened_at
        else _("In force")
    )
    return html.Tr(
        [
            html.Th(f"{v.version}", scope="row"),
            html.Td(
                [
                    v.signed_by,
                    html.Br(),
                    html.Span(f"{format_datetime(v.signed_at)} UTC", className="text-muted"),
                ]
            ),
            html.Td(translated(short_name(v.report_format))),
            html.Td(reopened, className="small"),
            html.Td(html.Code(v.report_sha256, className="sha small text-break"), className="version-sha"),
            html.Td(
                dbc.Button(
                    _("Download version {version}").format(version=v.version),
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


def changes_card(comparison) -> dbc.Card | None:
    """What differs now from the latest version sent. Donor officers see which indicators, not the records."""
    if comparison is None:
        return None
    c = comparison
    title = _("What changed since version {version} was sent").format(version=c.version)
    if not c.figures_kept:
        body: Component = html.P(
            _(
                "Version {version} was signed off before the figures were kept with it: nothing to compare "
                "it with."
            ).format(version=c.version),
            className="small text-muted mb-0",
        )
    elif not c.differences:
        body = dbc.Alert(
            _("No figure differs from version {version} as sent.").format(version=c.version),
            color="success",
            className="py-2 small mb-0",
        )
    elif not can(STAFF):
        body = html.P([*_differ(c), ". " + _("IOM will send a revised report.")], className="small mb-0")
    else:
        body = html.Div(
            [
                html.P([*_differ(c), "."], className="small"),
                html.Table(
                    [
                        html.Thead(
                            html.Tr(
                                [
                                    html.Th(h, scope="col")
                                    for h in (_("Indicator"), _("As sent → now"), _("Since the sign-off"))
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
            **aria(label=_("Figures changed (scrolls sideways)")),
        )
    return dbc.Card(
        [dbc.CardHeader(html.H2(title, className="h6 mb-0")), dbc.CardBody(body)],
        className="shadow-sm mb-4" + (" border-warning" if c.differences else ""),
        id=ids.changes,
    )


def _differ(c) -> list[str | Component]:
    """How many figures differ from the version sent, and for which indicators (the sentence's end is the
    caller's)."""
    count = len(c.differences)
    return [
        ngettext(
            "{count} figure differs from version {version} as sent, for",
            "{count} figures differ from version {version} as sent, for",
            count,
        ).format(count=count, version=c.version)
        + " ",
        html.Strong(", ".join(c.indicators)),
    ]


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
                            [
                                _("{period} · {split}:").format(period=d.period, split=translated(d.split))
                                + " ",
                                html.Span(translated(d.change), className="fw-semibold"),
                            ],
                            className="change-figure",
                        )
                        for d in group
                    ],
                    className="list-unstyled small mb-0",
                )
            ),
            html.Td(
                html.Ul([html.Li(translated(reason)) for reason in why], className="list-unstyled small mb-0")
                if why
                else html.Span(_("nothing recorded since explains it"), className="small text-muted")
            ),
        ],
        className="change",
    )
