"""Data quality: quarters without data per indicator, outliers, possible duplicate cases, uploads with warnings
or refused, and disaggregation gaps (figures falling in an Unknown category). ``/quality?programme=KEC``.

The rules are ``indicators.figures.quality``'s and ``indicators.figures.duplicates``'; this page lays out what they find, per
programme the user may see. Managers and administrators merge two cases that are one person here
(``dashboard._duplicates`` draws the form; ``merge_cases`` below runs it).
"""

from __future__ import annotations

from urllib.parse import parse_qs

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboard import _duplicates
from dashboard._access import STAFF, require_programme, require_role
from dashboard._components import (
    current_username,
    first,
    format_datetime,
    format_number,
    href,
    page_header,
    page_title,
    query_string,
    read_session,
    safe_layout,
    store,
    visible_programme_codes,
)
from dashboard._queries import default_quarter, programmes
from dashboard._upload_panels import OUTCOMES
from indicators import vocabulary
from indicators.figures import duplicates, quality
from indicators.i18n import N_, _, ngettext

dash.register_page(
    __name__,
    path="/quality",
    title=page_title(N_("Data quality")),
    name=N_("Data quality"),
    order=40,
    roles=STAFF,
    scope={"programme": "programme"},
)

URL = "quality-url"
CALLBACK_COMPONENTS = _duplicates.CALLBACK_COMPONENTS


# An upload's outcome as stored, in words the reader's language has.
@safe_layout
def layout(programme=None, merged=None, **_query):
    with read_session() as session:
        visible = visible_programme_codes(session)
        chosen = (first(programme) or "").strip().upper()
        codes = [chosen] if chosen in visible else visible
        progs = programmes(session, codes)
        gaps, outliers, unknowns, more_outliers = [], [], [], 0
        for prog in progs:
            checks = quality.programme_checks(session, prog, default_quarter(prog))
            gaps += checks.gaps
            outliers += checks.outliers
            more_outliers += checks.more_outliers
            unknowns += checks.unknowns
        flagged_uploads = quality.problem_uploads(session, [p.code for p in progs])
        pairs = duplicates.pairs(session, [p.id for p in progs])
        banner = _duplicates.merged_banner(session, first(merged)) if merged else None
    return html.Div(
        [
            dcc.Location(id=URL, refresh="callback-nav"),
            page_header(
                _("Data quality"),
                _("What to check before the figures go to a donor"),
                actions=_switcher(visible, chosen),
            ),
            banner,
            _gaps(gaps),
            _outliers(outliers, more_outliers),
            _duplicates.section(pairs, _badge(len(pairs))),
            _uploads(flagged_uploads),
            _unknowns(unknowns),
        ]
    )


def _switcher(visible: list[str], chosen: str) -> html.Div:
    """Every programme the user may see together, or one of them."""
    return html.Div(
        [
            dbc.Button(
                _("All"),
                href="/quality",
                color="primary",
                outline=chosen in visible,
                size="sm",
                className="me-1",
            )
        ]
        + [
            dbc.Button(
                c,
                href=f"/quality?programme={c}",
                color="primary",
                outline=c != chosen,
                size="sm",
                className="me-1",
            )
            for c in visible
        ]
    )


def _gaps(gaps: list) -> dbc.Card:
    return _section(
        _("Quarters without data"),
        "quality-gaps",
        gaps,
        [N_("Programme"), N_("Indicator"), N_("Quarters without data"), N_("Which")],
        lambda r: [
            r.programme,
            _indicator_link(r.indicator, r.name),
            _("{count} of {elapsed}").format(count=len(r.empty), elapsed=r.elapsed),
            ", ".join(r.empty),
        ],
        _("Every indicator has data in every quarter so far."),
    )


def _outliers(outliers: list, more: int) -> dbc.Card:
    return _section(
        _("Outliers"),
        "quality-outliers",
        outliers,
        [N_("Programme"), N_("Record"), N_("Quarter"), N_("Found"), N_("Why it stands out"), N_("Source")],
        lambda r: [r.programme, r.record, r.quarter, r.value, r.why, r.source],
        _("No record stands out."),
        more=more,
        more_text=ngettext(
            "… and {count} more record breaks these rules; only the first of each kind are listed.",
            "… and {count} more records break these rules; only the first of each kind are listed.",
            more,
        ).format(count=format_number(more)),
    )


def _uploads(uploads: list) -> dbc.Card:
    return _section(
        _("Uploads with warnings or refused"),
        "quality-uploads",
        uploads,
        [N_("When"), N_("File"), N_("By"), N_("Outcome"), N_("Errors"), N_("Warnings"), N_("First problem")],
        lambda r: [
            format_datetime(r.when),
            r.file,
            r.by,
            _(OUTCOMES.get(r.outcome, r.outcome)),
            r.errors,
            r.warnings,
            r.first,
        ],
        _("Every upload went through without a warning."),
    )


def _unknowns(unknowns: list) -> dbc.Card:
    return _section(
        _("Disaggregation gaps"),
        "quality-unknowns",
        unknowns,
        [
            N_("Programme"),
            N_("Indicator"),
            N_("Disaggregation"),
            N_("Unknown, life of project"),
            N_("Share of total"),
        ],
        lambda r: [
            r.programme,
            _indicator_link(r.indicator, r.name),
            _disaggregation(r.disaggregation),
            r.unknown,
            r.share,
        ],
        _("Every figure is fully disaggregated."),
    )


def _disaggregation(words: str) -> str:
    """A disaggregation as the checks name it ("age group"), in the reader's language."""
    label = vocabulary.DISAGGREGATIONS.get(words.replace(" ", "_"))
    return _(label).lower() if label and label.lower() == words else _(words)


def _indicator_link(code, name):
    return html.Span(
        [
            dcc.Link(code, href=href("/indicator", code=code), className="fw-semibold me-1"),
            html.Span(name, className="small text-muted"),
        ]
    )


def _section(title, id, rows, headers, cells, empty, more=0, more_text="") -> dbc.Card:
    """A card listing ``rows``; ``more`` rows left out are counted under the table (``more_text`` says so)."""
    badge = _badge(len(rows) + more)
    body = (
        html.Div(
            html.Table(
                [
                    html.Thead(html.Tr([html.Th(_(h)) for h in headers])),
                    html.Tbody([html.Tr([html.Td(c) for c in cells(r)]) for r in rows]),
                ],
                className="table table-sm table-hover mb-0",
            ),
            className="table-responsive quality-table",
        )
        if rows
        else (html.P(empty, className="text-success mb-0"))
    )
    if more:
        body = html.Div([body, html.P(more_text, className="small text-muted mt-2 mb-0")])
    return dbc.Card(
        [dbc.CardHeader(html.H2([title, badge], className="h6 mb-0")), dbc.CardBody(body)],
        className="shadow-sm mb-4",
        id=id,
    )


def _badge(count: int) -> dbc.Badge:
    return dbc.Badge(
        format_number(count),
        color="warning" if count else "success",
        text_color="dark" if count else None,
        className="ms-2",
    )


@callback(
    Output(_duplicates.ids.result, "children"),
    Output(URL, "search"),
    Input(_duplicates.ids.merge, "n_clicks"),
    State(_duplicates.ids.pair, "value"),
    State(_duplicates.ids.reason, "value"),
    State(URL, "search"),
    prevent_initial_call=True,
)
def merge_cases(n_clicks, chosen, reason, search):
    """Fold the newer case of the chosen pair into the older (managers and administrators); the page is drawn
    again with what was merged, or says why nothing was."""
    if not n_clicks:
        raise dash.exceptions.PreventUpdate
    require_role(duplicates.MERGERS, "case merge")
    parsed = _duplicates.parse_choice(chosen)
    if parsed is None:
        raise dash.exceptions.PreventUpdate
    code, keep, drop = parsed
    with store().begin() as session:
        code = require_programme(session, code)
        try:
            event = duplicates.merge(session, code, keep, drop, by=current_username(), reason=reason)
        except duplicates.MergeRefused as exc:
            session.rollback()
            return dbc.Alert(
                [html.Strong(_("Nothing merged: ")), f"{exc}."],
                color="danger",
                className="py-2 small mb-0",
                id="quality-merge-refused",
            ), dash.no_update
    programme = first(parse_qs((search or "").lstrip("?")).get("programme"))
    return (
        dbc.Alert(_("Merged."), color="success", className="py-2 small mb-0"),
        query_string(programme=programme, merged=event.id),
    )
