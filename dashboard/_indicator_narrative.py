"""The Indicator page's deviation narrative for the quarter shown: read by everyone, written by managers and
administrators (its draft kept in the browser, ``dashboard._drafts``). The save is the page's callback
(``dashboard.indicator.save_narrative``)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard import _drafts
from dashboard._access import EDITORS, can
from dashboard._components import current_username, empty_state, href, status_badge, status_help
from indicators.i18n import _

FORM = "indicator-narrative"  # the form whose drafts are kept (dashboard._drafts)


class ids:
    narrative = "indicator-narrative"
    save = "indicator-save"
    saved = "indicator-saved"


def card(item, quarter) -> dbc.Card:
    """Managers and administrators write the narrative; everyone else reads it. The button names the
    indicator and quarter it saves for: the ones the page shows."""
    target = f"{item.indicator.code} · {quarter.label(short=True)}"
    header = dbc.CardHeader(
        html.Div(
            [
                html.H2(_("Deviation narrative · {what}").format(what=target), className="h6 mb-0"),
                status_badge(item.status, small=True),
            ],
            className="d-flex justify-content-between align-items-center",
        )
    )
    if not can(EDITORS):
        text = (item.narrative or "").strip()
        return dbc.Card(
            [
                header,
                dbc.CardBody(
                    html.P(text, className="mb-0 narrative-text", id="indicator-narrative-text")
                    if text
                    else empty_state(_("No narrative for this quarter."))
                ),
            ],
            className="shadow-sm mb-4",
        )
    return dbc.Card([header, dbc.CardBody(_form(item, quarter, target))], className="shadow-sm mb-4")


def _form(item, quarter, target: str) -> list:
    """The narrative's text box, its draft and its Save button naming what it saves for."""
    status = item.status
    prompt = (
        f"{status_help(status)} " + _("Explain the deviation for the donor.")
        if status in ("Ahead", "Behind")
        else _("Optional: context for this quarter's figures.")
    )
    return [
        dbc.Alert(
            _("More than 15% off the target to date and no narrative yet: the report needs one."),
            color="warning",
            className="py-2 small",
        )
        if item.needs_narrative
        else None,
        dbc.Label(prompt, html_for=ids.narrative, className="small text-muted"),
        dbc.Textarea(
            id=ids.narrative,
            value=item.narrative or "",
            rows=4,
            maxLength=4000,
            placeholder=_("What explains the difference from the target, and what is being done."),
        ),
        _drafts.parts(
            FORM,
            user=current_username(),
            key=f"narrative|{item.indicator.code}|{quarter.code}",
            label=_("narrative for {what}").format(what=target),
            group=f"narrative|{item.indicator.code}",
            href=href("/indicator", code=item.indicator.code, period=quarter.code),
        ),
        html.Div(
            [
                dbc.Button(
                    _("Save narrative for {what}").format(what=target),
                    id=ids.save,
                    color="primary",
                    size="sm",
                    n_clicks=0,
                ),
                html.Span(id=ids.saved, className="small ms-2", role="status"),
            ],
            className="mt-2 d-flex align-items-center flex-wrap gap-1",
        ),
    ]
