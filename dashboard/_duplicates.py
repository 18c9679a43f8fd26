"""The Data quality page's possible duplicates: pairs of cases an import found alike (``indicators.figures.duplicates``),
each with where its two cases came from and the values they share that identify no one (the date and place
identified), and, for managers and administrators, the form that folds the newer of a pair into the older. The
callbacks are the page's (``dashboard.quality``).
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from dashboard._access import can
from dashboard._components import current_username, format_date
from indicators.figures.duplicates import MERGERS, Pair, Source
from indicators.i18n import N_, _


class ids:
    section = "quality-duplicates"
    pair = "quality-merge-pair"
    reason = "quality-merge-reason"
    merge = "quality-merge"
    result = "quality-merge-result"
    merged = "quality-merged"


def choice(pair: Pair) -> str:
    """The value naming a pair in the form: ``PVR:7:12`` (programme, the older case kept, the newer)."""
    return f"{pair.programme}:{pair.older.case}:{pair.newer.case}"


def parse_choice(value) -> tuple[str, int, int] | None:
    try:
        code, keep, drop = str(value).split(":")
        return code, int(keep), int(drop)
    except (TypeError, ValueError):
        return None


HEADINGS = (
    N_("Programme"),
    N_("Cases"),
    N_("Older"),
    N_("Newer"),
    N_("Date identified"),
    N_("Place identified"),
)


def source_text(source: Source) -> str:
    """Where a case came from, as ``Source.text`` says it, in the language of the request."""
    where = {"case": source.case, "sheet": source.sheet or "?", "row": source.row or "?"}
    if not source.file:
        return _("case #{case}: {sheet} row {row} of an upload no longer on record").format(**where)
    return _("case #{case}: {sheet} row {row} of {file}, uploaded {day} by {user}").format(
        file=source.file, day=f"{source.uploaded_at:%d/%m/%Y}", user=source.uploaded_by, **where
    )


def section(pairs: list[Pair], badge) -> dbc.Card:
    rows = [
        html.Tr(
            [
                html.Td(p.programme),
                html.Td(_("#{older} and #{newer}").format(older=p.older.case, newer=p.newer.case)),
                html.Td(source_text(p.older)),
                html.Td(source_text(p.newer)),
                html.Td(format_date(p.date_identified)),
                html.Td(p.location or "–"),
            ]
        )
        for p in pairs
    ]
    if pairs:
        body: Component | list[Component] = [
            html.P(
                _(
                    "New cases that agree with a stored case of the same programme on sex, citizenship, date "
                    "and place identified, with no age or birth date that disagrees. They are counted twice "
                    "until merged, if they are one person."
                ),
                className="small text-muted",
            ),
            html.Div(
                html.Table(
                    [html.Thead(html.Tr([html.Th(_(h)) for h in HEADINGS])), html.Tbody(rows)],
                    className="table table-sm table-hover mb-0",
                ),
                className="table-responsive quality-table",
            ),
            _merge_form(pairs),
        ]
    else:
        body = html.P(_("No new case is alike to a stored one."), className="text-success mb-0")
    return dbc.Card(
        [dbc.CardHeader(html.H2([_("Possible duplicates"), badge], className="h6 mb-0")), dbc.CardBody(body)],
        className="shadow-sm mb-4",
        id=ids.section,
    )


def _merge_form(pairs: list[Pair]):
    if not can(MERGERS):
        return html.P(
            _("A programme manager or administrator merges two cases that are one person."),
            className="small text-muted mt-3 mb-0",
            id="quality-merge-note",
        )
    options = [{"label": _fold_label(p), "value": choice(p)} for p in pairs]
    return html.Div(
        [
            html.H3(_("Merge two cases that are one person"), className="h6"),
            html.P(
                _(
                    "The older case is kept and takes the more complete values; the newer is removed, and a later "
                    "upload of its row updates the case kept. The figures change at once; the audit trail keeps who, "
                    "when, why and which rows. Quarters signed off cannot change."
                ),
                className="small",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label(_("Pair"), html_for=ids.pair, className="small mb-1"),
                            dbc.Select(id=ids.pair, options=options, value=options[0]["value"]),
                        ],
                        md=5,
                    ),
                    dbc.Col(
                        [
                            dbc.Label(_("Reason"), html_for=ids.reason, className="small mb-1"),
                            dbc.Input(
                                id=ids.reason,
                                placeholder=_("Why they are one person (kept in the audit trail)"),
                            ),
                        ],
                        md=5,
                    ),
                    dbc.Col(
                        dbc.Button(_("Merge"), id=ids.merge, color="primary", className="w-100"),
                        md=2,
                        className="d-flex align-items-end",
                    ),
                ],
                className="g-2",
            ),
            dcc.Loading(html.Div(id=ids.result, className="mt-2", role="status"), type="dot"),
        ],
        className="border-top pt-3 mt-3",
    )


def _fold_label(pair: Pair) -> str:
    """``PVR: fold #12 into #7 (2 July 2019, Huye)``."""
    return (
        _("{programme}: fold #{newer} into #{older} ({day}, {place})")
        if pair.location
        else _("{programme}: fold #{newer} into #{older} ({day}, no place)")
    ).format(
        programme=pair.programme,
        newer=pair.newer.case,
        older=pair.older.case,
        day=format_date(pair.date_identified),
        place=pair.location,
    )


# Drawn only for managers and administrators while pairs are listed: for Dash's callback check (see _access).
CALLBACK_COMPONENTS = [
    dbc.Select(id=ids.pair),
    dbc.Input(id=ids.reason),
    dbc.Button(id=ids.merge),
    html.Div(id=ids.result),
]


def merged_banner(session, event_id) -> dbc.Alert | None:
    """After a merge: which case went into which and why, from its audit entry (``?merged=<id>``), shown to
    whoever made it (the audit trail is for managers and administrators)."""
    from indicators.store.models import AuditEvent

    try:
        event = session.get(AuditEvent, int(event_id))
    except (TypeError, ValueError):
        return None
    if event is None or event.action != "cases-merged" or event.username != current_username():
        return None
    detail = event.detail or {}
    taken = detail.get("taken") or []
    said = [
        f"{detail.get('reason')}.",
        _("Taken from the newer case: {values}.").format(values=", ".join(taken)) if taken else None,
        _("The figures count one person."),
    ]
    return dbc.Alert(
        [
            html.Strong(
                _("Merged by {user}: {cases}.").format(user=event.username, cases=event.target) + " "
            ),
            " ".join(filter(None, said)),
        ],
        color="success",
        dismissable=True,
        className="py-2",
        id=ids.merged,
    )
