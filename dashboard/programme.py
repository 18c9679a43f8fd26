"""Programme: the logframe as a tree (results → indicators) and the IPTT on screen for one quarter.

The IPTT has the columns of the donor workbook's Indicators sheet (DOMAIN §8); every figure comes from
``indicators.figures.figures.figures`` so the screen and the workbook agree. ``/programme?code=KEC&period=FY2019Q3``.
"""

from __future__ import annotations

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboard import _drafts, _signed
from dashboard._access import EDITORS, can, require_programme, require_role
from dashboard._charts import graph
from dashboard._components import (
    current_username,
    dropdown,
    first,
    format_actual,
    format_date,
    format_datetime,
    format_number,
    format_percent,
    href,
    not_found,
    page_header,
    page_title,
    query_string,
    read_session,
    safe_layout,
    status_badge,
    status_key,
    status_summary,
    store,
    viewer_plan,
    visible_programme_codes,
)
from dashboard._editor import reason_options, saved_banner
from dashboard._map import attribution as map_attribution
from dashboard._map import district_map
from dashboard._queries import default_quarter, first_programme, parse_quarter, programme, quarter_options
from indicators.figures.figures import figures
from indicators.i18n import N_, _
from indicators.numbers import rounded
from indicators.status import TARGET_TO_DATE

dash.register_page(
    __name__,
    path="/programme",
    title=page_title(N_("Logframe")),
    name=N_("Logframe"),
    scope={"code": "programme"},
)


TARGETS = "programme-targets"  # the targets grid, whose draft is kept in the browser (dashboard._drafts)


class ids:
    url = "programme-url"
    quarter = "programme-quarter"
    tree = "programme-tree"
    iptt = "programme-iptt"
    summary = "programme-summary"
    shown = "programme-shown"
    report_link = "programme-report-link"
    map = "programme-map"
    map_indicator = "programme-map-indicator"
    map_span = "programme-map-span"
    map_state = "programme-map-state"
    targets = "programme-targets-grid"
    targets_reason = "programme-targets-reason"
    targets_comment = "programme-targets-comment"
    targets_save = "programme-targets-save"
    targets_result = "programme-targets-result"


LEVEL_LABELS = {"goal": N_("Goal"), "outcome": N_("Outcome"), "output": N_("Output")}


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
        where = _where(session, prog, quarter, result, first(map), first(span))
        editing = can(EDITORS)
        banner = saved_banner(session, first(saved), {i.code for i in prog.indicators}) if editing else None
        targets_card = _targets_card(prog) if editing else None
    notice = None
    if asked and asked != quarter.code:
        notice = dbc.Alert(
            _("“{asked}” is not a quarter of {code}; showing {quarter}.").format(
                asked=asked, code=prog.code, quarter=quarter.label()
            ),
            color="info",
            dismissable=True,
            className="py-2",
        )
    year_label = _("FY") if prog.calendar == "fiscal" else _("Year")
    return html.Div(
        [
            dcc.Location(id=ids.url, refresh="callback-nav"),
            page_header(
                prog.title,
                f"{prog.donor} · {format_date(prog.start_date)} – {format_date(prog.end_date)}"
                + (
                    " · " + _("data as of {when}").format(when=format_datetime(result.data_as_of))
                    if result.data_as_of
                    else ""
                ),
                actions=html.Div(
                    [
                        dbc.Label(
                            _("Report quarter"), html_for=ids.quarter, className="small text-muted mb-1"
                        ),
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
            ),
            notice,
            banner,
            _signed.notice(signed, id="programme-signed"),
            dbc.Row(
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
            ),
            dbc.Card(
                [
                    dbc.CardHeader(html.H2(_("Logframe"), className="h6 mb-0")),
                    dbc.CardBody(logframe_tree(results, result.indicators, quarter.code), id=ids.tree),
                ],
                className="shadow-sm mb-4",
            ),
            dbc.Card(
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
                    dbc.CardBody(iptt_table(result, year_label), className="p-0"),
                ],
                className="shadow-sm mb-4",
            ),
            where,
            targets_card,
        ]
    )


def logframe_tree(results, indicator_figures, period_code: str) -> html.Div:
    """The goal on top, its results below it side by side, each with its indicators and their status."""
    by_result: dict[str, list] = {}
    for item in indicator_figures:
        by_result.setdefault(item.indicator.result_code, []).append(item)
    goals = [r for r in results if r.level == "goal"]
    others = [r for r in results if r.level != "goal"]
    return html.Div(
        [
            html.Div(
                [_result_node(r, by_result.get(r.code, []), period_code) for r in goals],
                className="tree-goals",
            ),
            html.Div(
                [
                    html.Div(_result_node(r, by_result.get(r.code, []), period_code), className="col")
                    for r in others
                ],
                className=f"row row-cols-1 row-cols-md-2 row-cols-xl-{min(max(len(others), 1), 5)} g-3 tree-results",
            ),
        ],
        className="logframe-tree",
    )


def _result_node(res, items, period_code: str) -> html.Div:
    label = _(LEVEL_LABELS.get(res.level, res.level.title())) + (
        "" if res.level == "goal" else f" {res.code}"
    )
    return html.Div(
        [
            html.Div(
                [
                    html.Span(label, className=f"level level-{res.level}"),
                    html.Span(_(res.category), className="tree-category") if res.category else None,
                ],
                className="d-flex justify-content-between align-items-baseline gap-2",
            ),
            html.P(res.statement, className="result-statement"),
            html.Ul(
                [
                    html.Li(
                        [
                            html.Div(
                                [
                                    dcc.Link(
                                        item.indicator.code,
                                        href=href("/indicator", code=item.indicator.code, period=period_code),
                                        className="fw-semibold",
                                    ),
                                    status_badge(item.status, small=True),
                                ],
                                className="d-flex justify-content-between align-items-center gap-2",
                            ),
                            html.Div(item.indicator.name, className="indicator-name"),
                        ],
                        className="tree-indicator",
                    )
                    for item in items
                ],
                className="list-unstyled mb-0",
            )
            if items
            else None,
        ],
        className=f"tree-node tree-{res.level} h-100",
        id=f"programme-result-{res.code}",
    )


IPTT_COLUMNS = (
    N_("No."),
    N_("Indicator"),
    N_("Standard indicator"),
    N_("Unit"),
    N_("Baseline"),
    N_("{y} target"),
    N_("Q1"),
    N_("Q2"),
    N_("Q3"),
    N_("Q4"),
    N_("{y} actual to date"),
    N_("% of {y} target"),
    N_("LOP target"),
    N_("LOP actual to date"),
    N_("% of LOP target"),
    N_("Target to date"),
    N_("% of target to date"),
    N_("Status"),
    N_("Deviation narrative"),
)


def iptt_table(result, year_label: str = "FY") -> html.Div:
    """The IPTT: result rows in bold, one row per indicator, the columns of the donor workbook."""
    header = html.Thead(html.Tr([html.Th(_(c).format(y=year_label), scope="col") for c in IPTT_COLUMNS]))
    rows = []
    current = None
    for item in result.indicators:
        info = item.indicator
        if info.result_code != current:
            current = info.result_code
            label = (
                _("{level} {code}:").format(
                    level=_(LEVEL_LABELS.get(info.result_level, info.result_level)), code=info.result_code
                )
                + " "
            )
            rows.append(
                html.Tr(
                    html.Th(label + info.result_statement, colSpan=len(IPTT_COLUMNS), scope="rowgroup"),
                    className="iptt-result",
                )
            )
        unit = info.unit
        quarters = [
            item.withheld_quarters.get(code) or (format_number(q, unit) if q is not None else "")
            for code, q in list(item.year_quarters.items())[:4]
        ]
        quarters += [""] * (4 - len(quarters))
        narrative = (item.narrative or "").strip()
        link = href("/indicator", code=info.code, period=result.period.code)
        rows.append(
            html.Tr(
                [
                    html.Td(dcc.Link(info.code, href=link), className="text-nowrap"),
                    html.Td(dcc.Link(info.name, href=link, className="text-reset"), className="iptt-name"),
                    html.Td(info.standard_indicator or "–", className="text-nowrap"),
                    html.Td("%" if unit == "percent" else "Number"),
                    html.Td(format_number(info.baseline, unit), className="num"),
                    html.Td(format_number(item.year_to_date.target, unit), className="num"),
                    *[html.Td(q, className="num") for q in quarters],
                    html.Td(format_actual(item.year_to_date, unit), className="num fw-semibold"),
                    html.Td(format_percent(item.year_to_date.percent_of_target), className="num"),
                    html.Td(format_number(item.lop_to_date.target, unit), className="num"),
                    html.Td(format_actual(item.lop_to_date, unit), className="num fw-semibold"),
                    html.Td(format_percent(item.lop_to_date.percent_of_target), className="num"),
                    html.Td(_target_to_date(item), className="num", title=_(TARGET_TO_DATE)),
                    html.Td(format_percent(item.judged.percent_of_target_to_date), className="num"),
                    html.Td(status_badge(item.status, small=True), className="text-nowrap"),
                    html.Td(
                        narrative
                        or (
                            html.Span(_("Narrative needed"), className="text-warning-emphasis small")
                            if item.needs_narrative
                            else ""
                        ),
                        className="iptt-narrative",
                    ),
                ],
                id=f"programme-row-{info.code}",
            )
        )
    return html.Div(
        html.Table([header, html.Tbody(rows)], className="table table-sm table-hover iptt mb-0", id=ids.iptt),
        className="table-responsive",
    )


def _target_to_date(item) -> list:
    """The target the row's status is judged against, and whose: the year's, or the LOP's without one."""
    judged = item.judged
    if judged.target_to_date is None:
        return ["–"]
    whose = "LOP" if judged is item.lop_to_date else ""
    kind = "milestone" if item.indicator.milestone else ""
    note = " · ".join(w for w in (whose, kind) if w)
    return [format_number(judged.target_to_date, item.indicator.unit)] + (
        [html.Div(note, className="small text-muted")] if note else []
    )


def _where(session, prog, quarter, result, chosen: str | None, span: str | None):
    """Where the work happened: a chosen activity indicator's value per district, for the report quarter,
    the year to date or the life of project to date (in the URL: ``map=KEC-4.2&span=lop``)."""
    from indicators.figures import places

    mapped = [item.indicator for item in result.indicators if places.mappable(item.indicator)]
    if not mapped:
        return None
    info = next((i for i in mapped if i.code == (chosen or "").strip().upper()), mapped[0])
    span = span if span in places.SPANS else "quarter"
    values = {d: p.value for d, p in places.by_district(session, info.code, quarter, span).items()}
    year = _("FY") if prog.calendar == "fiscal" else _("Year")
    spans = [
        {
            "label": {
                "quarter": quarter.label(short=True),
                "year": _("{year} to date").format(year=year),
                "lop": _("Life of project to date"),
            }[key],
            "value": key,
        }
        for key in places.SPANS
    ]
    what = _map_words(info)
    return dbc.Card(
        [
            dbc.CardHeader(
                html.H2(_("Where the work happened · {code}").format(code=info.code), className="h6 mb-0")
            ),
            dbc.CardBody(
                [
                    dbc.Row(
                        [
                            dbc.Col(
                                [
                                    dbc.Label(
                                        _("Indicator"),
                                        html_for=ids.map_indicator,
                                        className="small text-muted mb-1",
                                    ),
                                    dropdown(
                                        id=ids.map_indicator,
                                        clearable=False,
                                        searchable=False,
                                        value=info.code,
                                        options=[
                                            {"label": f"{i.code} · {i.name}", "value": i.code} for i in mapped
                                        ],
                                    ),
                                ],
                                lg=7,
                            ),
                            dbc.Col(
                                [
                                    dbc.Label(
                                        _("Period"), html_for=ids.map_span, className="small text-muted mb-1"
                                    ),
                                    dbc.RadioItems(id=ids.map_span, options=spans, value=span, inline=True),
                                ],
                                lg=5,
                            ),
                        ],
                        className="g-2 mb-2",
                    ),
                    html.P(
                        _("{total} {what} in {count} of Rwanda's 30 districts").format(
                            total=format_number(sum(values.values()), info.unit), what=what, count=len(values)
                        )
                        + (" " + _("(districts left grey recorded nothing)") if len(values) < 30 else "")
                        + ".",
                        className="small mb-1",
                        id="programme-map-summary",
                    ),
                    graph(ids.map, district_map(values, unit=info.unit, what=what), small=True),
                    map_attribution(),
                    dcc.Store(id=ids.map_state, data={"map": info.code, "span": span}),
                ]
            ),
        ],
        className="shadow-sm mb-4",
        id="programme-where",
    )


def _targets_card(prog) -> dbc.Card:
    """Managers apply a donor's revised targets here, for every indicator at once, with one reason."""
    from indicators.programmes.logframe import years

    indicators = sorted(prog.indicators, key=lambda i: i.sort_order)
    periods = years(indicators[0]) if indicators else []
    rows = [
        {
            "code": i.code,
            "name": i.name,
            "unit": "%" if i.unit == "percent" else "number",
            **{p: rounded(i.target_for(p), i.unit) for p in periods},
        }
        for i in indicators
    ]
    columns = [
        {"field": "code", "headerName": N_("Indicator"), "pinned": "left", "editable": False},
        {
            "field": "name",
            "headerName": N_("Name"),
            "editable": False,
            "wrapText": True,
            "autoHeight": True,
            "width": 320,
        },
        {"field": "unit", "headerName": N_("Unit"), "editable": False},
    ] + [
        {
            "field": p,
            "headerName": _("{period} target").format(period=p),
            "editable": True,
            "type": "numericColumn",
            "cellClass": "editable-cell",
        }
        for p in periods
    ]
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(_("Targets of {code}").format(code=prog.code), className="h6 mb-0")),
            dbc.CardBody(
                [
                    html.P(
                        _(
                            "Type the revised targets into the grid (Enter to edit a cell; blank: no target), say why, and "
                            "save: each change is kept with who made it, when and why. Reports already signed off keep "
                            "the targets they were sent with."
                        ),
                        className="small",
                    ),
                    dag.AgGrid(
                        id=ids.targets,
                        rowData=rows,
                        columnDefs=columns,
                        defaultColDef={"resizable": True, "sortable": False},
                        dashGridOptions={
                            "domLayout": "autoHeight",
                            "singleClickEdit": True,
                            "stopEditingWhenCellsLoseFocus": True,
                            "autoSizeStrategy": {
                                "type": "fitCellContents",
                                "colIds": ["code", "unit", *periods],
                            },
                        },
                        className="ct-grid mb-2",
                    ),
                    dbc.Row(
                        [
                            dbc.Col(
                                [
                                    dbc.Label(
                                        _("Reason"), html_for=ids.targets_reason, className="small mb-1"
                                    ),
                                    dbc.Select(
                                        id=ids.targets_reason,
                                        options=reason_options(),
                                        placeholder=_("Choose a reason"),
                                    ),
                                ],
                                md=4,
                            ),
                            dbc.Col(
                                [
                                    dbc.Label(
                                        _("Comment"), html_for=ids.targets_comment, className="small mb-1"
                                    ),
                                    dbc.Input(
                                        id=ids.targets_comment,
                                        placeholder=_("e.g. award modification 3, 12 June 2019"),
                                    ),
                                ],
                                md=8,
                            ),
                        ],
                        className="g-2 mb-2",
                    ),
                    _drafts.parts(
                        TARGETS,
                        user=current_username(),
                        key=f"targets|{prog.code}",
                        label=f"target changes to {prog.code}",
                        href=href("/programme", code=prog.code),
                    ),
                    dbc.Button(
                        _("Save target changes to {code}").format(code=prog.code),
                        id=ids.targets_save,
                        color="primary",
                        n_clicks=0,
                    ),
                    html.Div(id=ids.targets_result, className="mt-2", role="status"),
                ]
            ),
        ],
        className="shadow-sm mb-4",
        id="programme-targets",
    )


def _map_words(info) -> str:
    """What a mapped value counts, in a few words: "people trained", "trainings"."""
    name = info.name.lower()
    for prefix in ("number of ", "percentage of "):
        name = name.removeprefix(prefix)
    return name.split(" by ")[0][:60]


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
                if _differs(row.get(p), indicator.target_for(p))
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


def _differs(typed, stored) -> bool:
    """Whether a grid cell says something else than the stored target (the same number typed differently is not)."""
    if typed in (None, ""):
        return stored is not None
    try:
        return stored is None or float(str(typed).replace(",", "")) != float(stored)
    except ValueError:
        return True  # not a number: the edit will say so
