"""Programme: the logframe as a tree (results → indicators) and the IPTT on screen for one quarter.

The IPTT has the columns of the donor workbook's Indicators sheet (DOMAIN §8); every figure comes from
``indicators.figures.figures.figures`` so the screen and the workbook agree. ``/programme?code=KEC&period=FY2019Q3``.

The page gathers the figures and lays out its sections: the tree and the IPTT (``dashboard._programme_logframe``),
the map (``dashboard._programme_map``) and, for managers and administrators, the targets
(``dashboard._programme_targets``). Its callbacks are here.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboard import _drafts, _signed
from dashboard import _programme_logframe as tables
from dashboard import _programme_map as where_map
from dashboard import _programme_targets as target_edits
from dashboard._access import EDITORS, can, require_programme, require_role
from dashboard._components import (
    current_username,
    dropdown,
    first,
    format_date,
    format_datetime,
    href,
    not_a_quarter,
    not_found,
    page_header,
    page_title,
    query_string,
    read_session,
    safe_layout,
    status_key,
    status_summary,
    store,
    viewer_plan,
    visible_programme_codes,
)
from dashboard._editor import saved_banner
from dashboard._queries import default_quarter, first_programme, parse_quarter, programme, quarter_options
from indicators.figures.figures import figures
from indicators.i18n import N_, _

dash.register_page(
    __name__,
    path="/programme",
    title=page_title(N_("Logframe")),
    name=N_("Logframe"),
    scope={"code": "programme"},
)


TARGETS = target_edits.FORM  # the targets grid, whose draft is kept in the browser (dashboard._drafts)


class ids:
    url = "programme-url"
    quarter = "programme-quarter"
    tree = "programme-tree"
    iptt = tables.ids.iptt
    summary = "programme-summary"
    shown = "programme-shown"
    report_link = "programme-report-link"
    map = where_map.ids.map
    map_indicator = where_map.ids.map_indicator
    map_span = where_map.ids.map_span
    map_state = where_map.ids.map_state
    targets = target_edits.ids.targets
    targets_reason = target_edits.ids.targets_reason
    targets_comment = target_edits.ids.targets_comment
    targets_save = target_edits.ids.targets_save
    targets_result = target_edits.ids.targets_result


# the map's choices are drawn only for a programme with a mapped indicator; the validation layout still needs
# them whichever programme it draws first (e.g. one holding only directly entered results)
CALLBACK_COMPONENTS = [
    dcc.Dropdown(id=ids.map_indicator),
    dbc.RadioItems(id=ids.map_span),
    dcc.Store(id=ids.map_state),
]


@safe_layout
def layout(code=None, period=None, map=None, span=None, saved=None, **_query):
    with read_session() as session:
        visible = visible_programme_codes(session)
        code = (first(code) or first_programme(session, visible)).strip().upper()
        prog = programme(session, code, full=True)
        if prog is None or prog.code not in visible:  # one the user may not see was refused before this
            return not_found(
                _("There is no programme with the code “{code}”.").format(code=code)
                if code
                else _("No programme is loaded.")
            )
        asked = first(period)
        quarter = parse_quarter(prog, asked) or default_quarter(prog)
        exact = figures(session, prog.code, quarter)
        plan = viewer_plan(session, prog.code)
        result = plan.figures(exact) if plan is not None else exact
        signed = _signed.compared(session, prog.code, quarter, pf=exact)
        results = list(prog.results)
        where = where_map.where(session, prog, quarter, result, first(map), first(span))
        editing = can(EDITORS)
        banner = saved_banner(session, first(saved), {i.code for i in prog.indicators}) if editing else None
        targets_card = target_edits.card(prog) if editing else None
    year_label = _("FY") if prog.calendar == "fiscal" else _("Year")
    return html.Div(
        [
            dcc.Location(id=ids.url, refresh="callback-nav"),
            _header(prog, quarter, result),
            not_a_quarter(asked, prog, quarter),
            banner,
            _signed.notice(signed, id="programme-signed"),
            _at_a_glance(prog, quarter, result),
            dbc.Card(
                [
                    dbc.CardHeader(html.H2(_("Logframe"), className="h6 mb-0")),
                    dbc.CardBody(tables.logframe_tree(results, result.indicators, quarter.code), id=ids.tree),
                ],
                className="shadow-sm mb-4",
            ),
            _iptt_card(result, quarter, year_label),
            where,
            targets_card,
        ]
    )


def _header(prog, quarter, result):
    """The programme's title, donor, period and data date, and the report quarter picker."""
    return page_header(
        prog.title,
        f"{prog.donor} · {format_date(prog.start_date)} – {format_date(prog.end_date)}"
        + (
            " · " + _("data as of {when}").format(when=format_datetime(result.data_as_of))
            if result.data_as_of
            else ""
        ),
        actions=html.Div(
            [
                dbc.Label(_("Report quarter"), html_for=ids.quarter, className="small text-muted mb-1"),
                dropdown(
                    id=ids.quarter,
                    options=quarter_options(prog),
                    value=quarter.code,
                    clearable=False,
                    searchable=False,
                    className="quarter-dropdown",
                ),
            ]
        ),
        crumbs=[(_("Portfolio"), "/"), (prog.code, None)],
    )


def _at_a_glance(prog, quarter, result) -> dbc.Row:
    """The quarter's statuses counted, the quarter shown and the way to its report."""
    return dbc.Row(
        [
            dbc.Col(status_summary([f.status for f in result.indicators], id=ids.summary), md="auto"),
            dbc.Col(
                html.Div(
                    [
                        html.Span(quarter.label(), className="fw-semibold d-block", id=ids.shown),
                        dcc.Link(
                            _("Report for {code} · {quarter} →").format(
                                code=prog.code, quarter=quarter.label(short=True)
                            ),
                            href=href("/reports", programme=prog.code, period=quarter.code),
                            className="small",
                            id=ids.report_link,
                        ),
                    ]
                ),
                className="d-flex align-items-center",
            ),
        ],
        className="g-3 mb-4 align-items-stretch",
    )


def _iptt_card(result, quarter, year_label: str) -> dbc.Card:
    """The IPTT for the quarter, with the key to its statuses."""
    return dbc.Card(
        [
            dbc.CardHeader(
                html.Div(
                    [
                        html.H2(
                            _("Indicator performance tracking table · {quarter}").format(
                                quarter=quarter.label()
                            ),
                            className="h6 mb-0",
                            id="programme-iptt-heading",
                        ),
                        status_key(),
                    ],
                    className="d-flex flex-wrap justify-content-between align-items-center gap-2",
                )
            ),
            dbc.CardBody(tables.iptt_table(result, year_label), className="p-0"),
        ],
        className="shadow-sm mb-4",
    )


@callback(
    Output(ids.url, "search"),
    Input(ids.quarter, "value"),
    State(ids.url, "search"),
    prevent_initial_call=True,
)
def choose_quarter(period, search):
    """Choosing a quarter changes the URL; the page is drawn again from it, so the view stays a link."""
    from urllib.parse import parse_qs

    query = {k: v[-1] for k, v in parse_qs((search or "").lstrip("?")).items()}
    if not period or query.get("period") == period:
        raise dash.exceptions.PreventUpdate
    return _with(query, period=period)


@callback(
    Output(ids.url, "search", allow_duplicate=True),
    Input(ids.map_indicator, "value"),
    Input(ids.map_span, "value"),
    State(ids.map_state, "data"),
    State(ids.url, "search"),
    prevent_initial_call=True,
)
def choose_map(indicator, span, shown, search):
    """Choosing the map's indicator or period changes the URL too; the page follows."""
    from urllib.parse import parse_qs

    wanted = {"map": indicator, "span": span}
    if not indicator or wanted == (shown or {}):
        raise dash.exceptions.PreventUpdate
    query = {k: v[-1] for k, v in parse_qs((search or "").lstrip("?")).items()}
    return _with(query, **wanted)


def _with(query: dict, **changes) -> str:
    """The page's query with ``changes``, the programme checked against what the user may see."""
    with read_session() as session:
        if query.get("code"):  # a link without one shows the first programme the user may see
            query["code"] = require_programme(session, query["code"])
    query.update(changes)
    return query_string(**query)


@callback(
    Output(ids.targets_result, "children"),
    Output(ids.url, "search", allow_duplicate=True),
    Output(_drafts.store_id(TARGETS), "data", allow_duplicate=True),
    Input(ids.targets_save, "n_clicks"),
    State(ids.targets, "rowData"),
    State(ids.targets_reason, "value"),
    State(ids.targets_comment, "value"),
    State(ids.url, "search"),
    State(_drafts.store_id(TARGETS), "data"),
    State(_drafts.info_id(TARGETS), "data"),
    prevent_initial_call=True,
)
def save_targets(n_clicks, rows, reason, comment, search, drafts=None, draft=None):
    """Every changed target of the grid, with one reason, all or nothing; the page is drawn again from its URL
    once saved, with what the save changed (and the grid's draft kept in the browser is gone)."""
    from urllib.parse import parse_qs

    from sqlalchemy import select

    from indicators.programmes import logframe
    from indicators.store.models import AuditEvent

    if not n_clicks:
        raise dash.exceptions.PreventUpdate
    require_role(EDITORS, "target edit")
    query = {k: v[-1] for k, v in parse_qs((search or "").lstrip("?")).items()}
    username = current_username()
    problems, changed = [], 0
    with store().begin() as session:
        shown = logframe.load(session, (rows or [{}])[0].get("code"))  # the programme the grid shows
        code = require_programme(session, shown.programme.code if shown else query.get("code"))
        first_event = None
        for row in rows or []:
            indicator = logframe.load(session, row.get("code"))
            if indicator is None or indicator.programme.code != code:
                continue
            wanted = {
                p: row.get(p)
                for p in logframe.years(indicator)
                if target_edits.differs(row.get(p), indicator.target_for(p))
            }
            if not wanted:
                continue
            done = logframe.edit(
                session, indicator.code, by=username, reason=reason, comment=comment or "", targets=wanted
            )
            problems += [
                f"{indicator.code} {key.removeprefix('target:')}: {message}"
                for key, message in done.problems.items()
            ]
            changed += len(done.changes)
            if done.changes and first_event is None:
                first_event = session.scalar(
                    select(AuditEvent.id)
                    .where(AuditEvent.action == "indicator-edited")
                    .order_by(AuditEvent.id.desc())
                    .limit(1)
                )
        if problems:
            session.rollback()
    if problems:
        return (
            dbc.Alert(
                [html.Strong(_("Nothing saved:")), html.Ul([html.Li(p) for p in problems], className="mb-0")],
                color="danger",
                className="py-2 small mb-0",
            ),
            dash.no_update,
            dash.no_update,
        )
    if not changed:
        return (
            dbc.Alert(
                _("Nothing to save: every target is as stored."), color="info", className="py-2 small mb-0"
            ),
            dash.no_update,
            dash.no_update,
        )
    query["saved"] = first_event
    return (
        dbc.Alert(_("Saved."), color="success", className="py-2 small mb-0"),
        query_string(**query),
        _drafts.cleared(drafts, draft),
    )


_drafts.register(
    TARGETS,
    [(ids.targets, "rowData"), (ids.targets_reason, "value"), (ids.targets_comment, "value")],
    grid=ids.targets,
)
