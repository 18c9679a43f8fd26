"""The Reports page's card for the quarter's own sections of the quarterly progress report (highlights,
challenges and lessons learned, next quarter's plans: ``indicators.reporting.sections``).

Administrators and programme managers write them while the quarter is open; everyone else, and everyone once
the quarter is closed by a sign-off, reads them. Saving writes the three sections of the quarter the page
shows (the button names it) in one transaction; a section whose text did not change keeps its version. A
closed quarter refuses the save with the sign-off that closes it, and nothing is written. The callback is the
Reports page's (``dashboard.reports``: a callback runs for the page that registers it), calling ``save``."""

from __future__ import annotations

from datetime import datetime

import dash
import dash_bootstrap_components as dbc
from dash import html

from dashboard._access import EDITORS, ROLE_NAMES, can, require_programme
from dashboard._components import current_username, empty_state, format_datetime, store
from dashboard._queries import parse_quarter, programme
from indicators.i18n import _, said, translated
from indicators.reporting import sections
from indicators.reporting.sections import SECTIONS  # noqa: F401  (the page's callback names one field per section)


class ids:
    card = "reports-sections"
    text = "reports-section-{key}"  # one textarea per section
    save = "reports-sections-save"
    result = "reports-sections-result"
    context = "reports-sections-context"


def text_id(key: str) -> str:
    return ids.text.format(key=key)


# Drawn only for a writer on an open quarter: listed for Dash's callback check (see dashboard._access).
CALLBACK_COMPONENTS = [dbc.Textarea(id=text_id(key)) for key in sections.SECTIONS] + [
    dbc.Button(id=ids.save),
    html.Div(id=ids.result),
]


def card(session, code: str, quarter, what: str) -> dbc.Card:
    """The sections of ``code``'s ``quarter`` as they stand: a form for a writer on an open quarter, else the
    texts (or that none is written yet)."""
    shown = sections.sections_for(session, code, quarter.code)
    shut = sections.closed(session, code, quarter.code)
    intro = html.P(
        [
            _("Written here, they appear in the "),
            html.Strong(_("Quarterly report (Word)")),
            " " + _("in the donor's order; a section left empty shows there as a placeholder to fill."),
        ],
        className="small",
    )
    if shut is None and can(EDITORS):
        body = (
            [intro]
            + [_field(s) for s in shown]
            + [
                dbc.Button(
                    _("Save sections for {what}").format(what=what),
                    id=ids.save,
                    color="primary",
                    size="sm",
                    n_clicks=0,
                ),
                html.Div(id=ids.result, className="small mt-2", role="status"),
            ]
        )
    else:
        why = (
            _("{reason}; reopen it to change them.").format(reason=translated(shut))
            if shut is not None
            else _("Only {managers} and {admins} write these sections.").format(
                managers=_(ROLE_NAMES["manager"]), admins=_(ROLE_NAMES["admin"])
            )
        )
        body = [dbc.Alert(why, color="info", className="py-2 small", id="reports-sections-readonly")]
        body += [_reading(s) for s in shown]
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(_("Report sections · {what}").format(what=what), className="h6 mb-0")),
            dbc.CardBody(body),
        ],
        className="shadow-sm mb-4",
        id=ids.card,
    )


def _field(section) -> html.Div:
    written = (
        _("Version {version}, {who}, {when} UTC").format(
            version=section.version, who=section.written_by, when=format_datetime(section.written_at)
        )
        if section.version
        else _("Not written yet")
    )
    return html.Div(
        [
            html.Label(
                _(section.heading),
                htmlFor=text_id(section.key),
                className="form-label small fw-semibold mb-1",
            ),
            dbc.Textarea(
                id=text_id(section.key), value=section.text or "", rows=4, maxLength=sections.TEXT_LIMIT
            ),
            html.Div(written, className="form-text"),
        ],
        className="mb-3",
    )


def _reading(section) -> html.Div:
    return html.Div(
        [
            html.H3(_(section.heading), className="h6 mb-1"),
            html.P(section.text, className="mb-0 section-text", style={"whiteSpace": "pre-wrap"})
            if section.text
            else empty_state(_("Not written yet.")),
        ],
        className="mb-3",
        id=f"reports-section-read-{section.key}",
    )


def save(texts, state, chosen_programme, chosen_period):
    """Writes the three sections of the quarter the page shows (the Reports page's callback, ``dashboard.reports``,
    after its role check); nothing if the page is changing to another quarter, or if the quarter is closed."""
    state = state if isinstance(state, dict) else {}
    if (chosen_programme, chosen_period) != (state.get("programme"), state.get("period")):
        return html.Span(
            _("Nothing saved: the page is changing to another quarter. Check the texts and save again."),
            className="text-danger",
        )
    with store().begin() as session:
        code = require_programme(session, state.get("programme"))
        quarter = parse_quarter(programme(session, code), state.get("period"))
        if quarter is None:
            raise dash.exceptions.PreventUpdate
        what = f"{code} · {quarter.label(short=True)}"
        before = {s.key: s.version for s in sections.sections_for(session, code, quarter.code)}
        try:
            after = [
                sections.set_section(session, code, quarter.code, key, text, current_username())
                for key, text in zip(sections.SECTIONS, texts)
            ]
        except sections.SectionError as exc:
            session.rollback()
            return html.Span(
                _("Nothing saved for {what}: {reason}.").format(what=what, reason=said(exc)),
                className="text-danger",
                id="reports-sections-refused",
            )
    changed = [s for s in after if s.version != before[s.key]]
    if not changed:
        return html.Span(
            _("Nothing to save for {what}: the sections are as kept.").format(what=what),
            className="text-muted",
        )
    words = ", ".join(
        (_("{section} (version {version})") if s.text else _("{section} (cleared)")).format(
            section=_(s.heading).lower(), version=s.version
        )
        for s in changed
    )
    return html.Span(
        _("Saved for {what} at {time}: {sections}.").format(
            what=what, time=f"{datetime.now():%H:%M}", sections=words
        ),
        className="text-success",
        id="reports-sections-saved",
    )
