"""The sign-off of the quarter a page shows, said on the Logframe, Indicator and Reports pages: "Signed off by …
on …, version N", or reopened, and, where today's figures differ from the report as sent, which indicators and
a link to the comparison (the Reports page's "What changed since it was sent" panel; donor officers, who do not
see that panel's records, get the versions kept instead)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard._access import STAFF, can
from dashboard._components import format_datetime, href
from indicators.i18n import _, ngettext

CHANGES_ANCHOR = "reports-changes"
VERSIONS_ANCHOR = "reports-versions"


def comparison_href(programme: str, period: str) -> str:
    """The Reports page's comparison of a quarter with its report as sent (its versions, for a donor officer)."""
    anchor = CHANGES_ANCHOR if can(STAFF) else VERSIONS_ANCHOR
    return href("/reports", programme=programme, period=period) + f"#{anchor}"


def compared(session, programme: str, quarter, pf=None):
    """The latest kept version of the quarter against today's figures (``indicators.reporting.changes.Comparison``), or
    None when the quarter was never signed off."""
    from indicators.reporting import changes

    return changes.compare(session, programme, quarter, pf=pf, explain=False)


def sign_off_words(comparison) -> str:
    """``Signed off by claire on 7 Mar 2027, 09:12 UTC, version 2`` (or reopened, with who, when and why)."""
    c = comparison
    if c.in_force:
        return _("Signed off by {who} on {when} UTC, version {version}.").format(
            who=c.signed_by, when=format_datetime(c.signed_at), version=c.version
        )
    return _(
        "Reopened by {who} on {when} UTC ({reason}); version {version}, signed off by {signer} on "
        "{signed_at} UTC, stays kept as sent."
    ).format(
        who=c.reopened_by,
        when=format_datetime(c.reopened_at),
        reason=c.reopen_reason,
        version=c.version,
        signer=c.signed_by,
        signed_at=format_datetime(c.signed_at),
    )


def notice(comparison, *, id: str, link: bool = True) -> dbc.Alert | None:
    """The page's note on the quarter's sign-off, or None when it was never signed off."""
    if comparison is None:
        return None
    c = comparison
    body: list = [html.Strong(sign_off_words(c))]
    if c.differences:
        codes = c.indicators
        count = len(c.differences)
        body += [
            " " + _("Today's figures differ from the report as sent for") + " ",
            html.Strong(", ".join(codes)),
            " " + ngettext("({count} figure).", "({count} figures).", count).format(count=count),
        ]
        if link:
            body += [
                " ",
                dcc.Link(
                    _("What changed since it was sent →"),
                    href=comparison_href(c.programme, c.period),
                    id=f"{id}-link",
                    className="alert-link",
                ),
            ]
    elif c.figures_kept:
        body.append(" " + _("Today's figures are those of the report as sent."))
    colour = "warning" if c.differences or not c.in_force else "success"
    return dbc.Alert(body, color=colour, className="py-2 small", id=id)
