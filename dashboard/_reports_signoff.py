"""The Reports page's sign-off card for the quarter shown: who signed it off and when, with the way to reopen
it (``dashboard._report_versions``); until then, for a manager, the way to sign it off, acknowledging the
indicators off target without a narrative. The callbacks are the page's (``dashboard.reports``)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import _report_versions as sent
from dashboard._access import SIGNERS, can
from dashboard._components import format_datetime
from exports.formats import short_name
from indicators.i18n import _, ngettext, translated


class ids:
    signoff = "reports-signoff"
    signoff_confirm = "reports-signoff-confirm"
    signoff_acknowledge = "reports-signoff-acknowledge"
    signoff_button = "reports-signoff-button"
    signoff_result = "reports-signoff-result"


def card(prog, quarter, what: str, signed, closed, flagged, comparison) -> dbc.Card:
    """The quarter's sign-off (``what``: the quarter as the buttons name it): who and when once it is done,
    and for a manager or an administrator the way to reopen it; for a manager until then (or after a
    reopen), the way to do it."""
    body: list = []
    if signed is not None:
        body.append(_signed(signed, quarter, what))
        body += sent.reopen_form(what, prog.donor)
    else:
        if comparison is not None:
            body.append(sent.reopened_note(comparison, what))
        if closed is not None:
            body.append(_closed(closed, quarter))
        if can(SIGNERS):
            body += _form(prog, quarter, what, [i.indicator.code for i in flagged])
        elif closed is None:
            body.append(
                html.P(
                    _("{quarter} has not been signed off yet.").format(quarter=quarter.code),
                    className="small text-muted mb-0",
                )
            )
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(_("Sign-off · {what}").format(what=what), className="h6 mb-0")),
            dbc.CardBody(body, id=ids.signoff),
        ],
        className="shadow-sm mb-4" + (" signoff-done" if signed is not None else ""),
    )


def _signed(signed, quarter, what: str) -> dbc.Alert:
    """Who signed the quarter off, when, and the report kept then."""
    return dbc.Alert(
        [
            html.Strong(
                _("{what} was signed off by {who} on {when} UTC, version {version}.").format(
                    what=what,
                    who=signed.signed_by,
                    when=format_datetime(signed.signed_at),
                    version=signed.version,
                )
            ),
            html.Br(),
            _(
                "The {format} report sent then is kept ({file}, SHA-256 {digest}…); {quarter} and the quarters "
                "before it can no longer change."
            ).format(
                format=translated(short_name(signed.report_format)),
                file=signed.report_filename,
                digest=signed.report_sha256[:12],
                quarter=quarter.code,
            ),
        ],
        color="success",
        className="py-2 mb-0 small",
        id="reports-signed",
    )


def _closed(closed, quarter) -> dbc.Alert:
    """A later quarter is signed off: this one can no longer change either."""
    return dbc.Alert(
        _(
            "Closed: {period} was signed off by {who} on {when}, so {quarter}'s figures can no longer change."
        ).format(
            period=closed.signed_period, who=closed.signed_by, when=closed.signed_at, quarter=quarter.code
        ),
        color="info",
        className="py-2 small",
    )


def _form(prog, quarter, what: str, codes: list[str]) -> list:
    """A manager's way to sign the quarter off: the report sent confirmed, the missing narratives
    acknowledged, and the button naming what it signs off."""
    return [
        html.P(
            _(
                "Once the report has been sent to {donor}, sign the quarter off: the {format} report is "
                "kept as sent, and no upload may change {quarter} or an earlier quarter any more."
            ).format(
                donor=prog.donor,
                format=translated(short_name(prog.report_format)),
                quarter=quarter.label(short=True),
            ),
            className="small",
        ),
        dbc.Checkbox(
            id=ids.signoff_confirm,
            value=False,
            className="mb-2",
            label=_("The {what} report has been sent to {donor}").format(what=what, donor=prog.donor),
        ),
        _acknowledge(codes)
        if codes
        else dbc.Checkbox(id=ids.signoff_acknowledge, value=False, style={"display": "none"}),
        dbc.Button(
            _("Sign off {what}").format(what=what),
            id=ids.signoff_button,
            color="success",
            outline=True,
            n_clicks=0,
            className="w-100",
        ),
        dcc.Loading(html.Div(id=ids.signoff_result, className="mt-2", role="status"), type="dot"),
    ]


def _acknowledge(codes: list[str]) -> html.Div:
    """The indicators off target without a narrative, and the box acknowledging them (kept in the audit)."""
    return html.Div(
        [
            html.P(
                [
                    ngettext(
                        "{count} indicator is more than 15% off the target to date without a deviation "
                        "narrative:",
                        "{count} indicators are more than 15% off the target to date "
                        "without a deviation narrative:",
                        len(codes),
                    ).format(count=len(codes))
                    + " ",
                    html.Strong(", ".join(codes)),
                    ".",
                ],
                className="small mb-1",
            ),
            dbc.Checkbox(
                id=ids.signoff_acknowledge,
                value=False,
                className="mb-2",
                label=_("Sign off without narratives for {codes} (kept in the audit trail)").format(
                    codes=", ".join(codes)
                ),
            ),
        ],
        className="signoff-acknowledge",
    )


def done(record, what: str, when: str, changed, acknowledged: list[str]) -> dbc.Alert:
    """What a sign-off did (``record``: the sign-off kept; ``changed``: the indicators whose figures differ from
    the version it replaces, None for a first sign-off; ``acknowledged``: the narratives missing signed off
    without)."""
    said = [
        _(
            "Signed off {what} by {who} on {when} UTC. The {format} report {file} is kept as sent, version "
            "{version}."
        ).format(
            what=what,
            who=record.signed_by,
            when=when,
            format=translated(short_name(record.report_format)),
            file=record.report_filename,
            version=record.version,
        )
    ]
    if changed is not None:
        said.append(
            _("It replaces version {version}; indicators changed since: {codes}.").format(
                version=record.version - 1, codes=", ".join(changed) or _("none")
            )
        )
    if acknowledged:
        said.append(
            _("Signed off without narratives for {codes}, as acknowledged.").format(
                codes=", ".join(acknowledged)
            )
        )
    return dbc.Alert(" ".join(said), color="success", className="py-2 small mb-0", id="reports-signoff-done")
