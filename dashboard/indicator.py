"""Indicator: reference sheet, quarterly actual vs target with the cumulative line, disaggregations, the
records that feed it and the quarter's deviation narrative. ``/indicator?code=KEC-4.2&period=FY2019Q3``."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from sqlalchemy import select

from dashboard import _drafts, _signed
from dashboard._access import EDITORS, can, refuse, require_indicator, require_role, role
from dashboard._charts import category_chart, cumulative_chart, graph, quarter_chart
from dashboard._components import (
    current_username,
    dropdown,
    empty_state,
    first,
    format_actual,
    format_number,
    format_percent,
    href,
    not_found,
    page_header,
    page_title,
    query_string,
    read_session,
    safe_layout,
    settings,
    short_category,
    status_badge,
    status_help,
    store,
    viewer_plan,
    visible_programme_codes,
)
from dashboard._editor import FEEDBACK, FIELD, TARGET, indicator_form, problem_key, saved_banner, split
from dashboard._indicator_records import RECORD_LIMIT, records_card, records_note
from dashboard._indicator_records import records as record_rows
from dashboard._queries import (
    default_quarter,
    first_programme,
    indicator,
    parse_quarter,
    programme,
    quarter_options,
)
from indicators import vocabulary
from indicators.figures.figures import figures
from indicators.i18n import N_, _, format_day, format_list, ngettext
from indicators.programmes import history
from indicators.status import TARGET_TO_DATE
from indicators.store import kinds
from indicators.store.models import AuditEvent

dash.register_page(
    __name__,
    path="/indicator",
    title=page_title(N_("Indicator")),
    name=N_("Indicator"),
    scope={"code": "indicator"},
)


class ids:
    url = "indicator-url"
    quarter = "indicator-quarter"
    context = "indicator-context"
    chart = "indicator-chart"
    cumulative = "indicator-cumulative"
    records = "indicator-records"
    records_scope = "indicator-records-scope"
    records_note = "indicator-records-note"
    narrative = "indicator-narrative"
    save = "indicator-save"
    saved = "indicator-saved"


CHANGES_SHOWN = 10
NARRATIVE, EDIT = "indicator-narrative", "indicator-edit"  # the page's two forms whose drafts are kept


@safe_layout
def layout(code=None, period=None, saved=None, **_query):
    with read_session() as session:
        visible = visible_programme_codes(session)
        code = (first(code) or "").strip().upper()
        if not code:  # no code in the link: the first indicator of the first programme one may see
            prog = programme(session, first_programme(session, visible))
            code = prog.indicators[0].code if prog and prog.indicators else ""
        ind = indicator(session, code)
        if ind is None or ind.programme.code not in visible:
            return not_found(
                _("There is no indicator with the code “{code}”.").format(code=code)
                if code
                else _("No indicator is loaded.")
            )
        prog = ind.programme
        asked = first(period)
        quarter = parse_quarter(prog, asked) or default_quarter(prog)
        plan = viewer_plan(session, prog.code)
        exact = figures(session, prog.code, quarter)
        programme_figures = plan.figures(exact) if plan is not None else exact
        item = next(i for i in programme_figures.indicators if i.indicator.code == ind.code)
        signed = _signed.compared(session, prog.code, quarter, pf=exact)
        series = _series(session, ind, prog, quarter, plan)
        records = None if _records_withheld() else record_rows(session, ind, quarter.code)
        targets = {t.period: t.value for t in ind.targets}
        # a donor officer reads the change and its reason, not who in the programme typed it
        changes = [
            (
                c.changed_at,
                None if role() == "donor" else c.changed_by,
                history.describe(c),
                c.reason,
                c.comment,
            )
            for c in history.changes(session, ind.code)[:CHANGES_SHOWN]
        ]
        banner = saved_banner(session, first(saved), {ind.code}) if can(EDITORS) else None
        editing = can(EDITORS)
        editor = _with_draft(indicator_form(ind, _signed_years(session, prog)), ind.code) if editing else None
    info = item.indicator
    unit = info.unit
    year_word = _("FY") if prog.calendar == "fiscal" else _("Year")
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
    return html.Div(
        [
            dcc.Location(id=ids.url, refresh="callback-nav"),
            dcc.Store(id=ids.context, data={"code": ind.code, "period": quarter.code}),
            page_header(
                f"{ind.code} · {ind.name}",
                f"{prog.code} · "
                + _("{level} {code}:").format(level=_(info.result_level.title()), code=info.result_code)
                + f" {info.result_statement}",
                actions=html.Div(
                    [
                        dbc.Label(_("Quarter"), html_for=ids.quarter, className="small text-muted mb-1"),
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
                crumbs=[
                    (_("Portfolio"), "/"),
                    (prog.code, href("/programme", code=prog.code, period=quarter.code)),
                    (ind.code, None),
                ],
            ),
            notice,
            banner,
            _signed.notice(signed, id="indicator-signed"),
            dbc.Row(
                [
                    dbc.Col(_reference_sheet(ind, info, targets, changes), lg=4, className="mb-4"),
                    dbc.Col(
                        [
                            _tiles(item, unit, quarter, year_word),
                            dbc.Card(
                                [
                                    dbc.CardHeader(
                                        html.H2(
                                            _("Each quarter against its target, through {quarter}").format(
                                                quarter=quarter.label(short=True)
                                            ),
                                            className="h6 mb-0",
                                        )
                                    ),
                                    dbc.CardBody(
                                        graph(ids.chart, quarter_chart(series, unit))
                                        if series
                                        else empty_state(_("No quarters yet."))
                                    ),
                                ],
                                className="shadow-sm mb-4",
                            ),
                            dbc.Card(
                                [
                                    dbc.CardHeader(
                                        html.H2(
                                            _("Life of project to date against the LOP target"),
                                            className="h6 mb-0",
                                        )
                                    ),
                                    dbc.CardBody(
                                        graph(
                                            ids.cumulative, cumulative_chart(series, unit, targets.get("LOP"))
                                        )
                                        if series
                                        else empty_state(_("No quarters yet."))
                                    ),
                                ],
                                className="shadow-sm mb-4",
                            ),
                            _narrative_card(item, quarter),
                            editor,
                        ],
                        lg=8,
                    ),
                ]
            ),
            _disaggregation_cards(item, unit, quarter, year_word, prog.code),
            records_card(records, info, quarter, prog.code),
        ]
    )


def _with_draft(form: dbc.Card, code: str) -> dbc.Card:
    """The editor, with its draft (kept per indicator) noted above its Save button."""
    body = form.children[1]
    body.children.insert(
        len(body.children) - 2,
        _drafts.parts(
            EDIT,
            user=current_username(),
            key=f"edit|{code}",
            label=f"edit of {code}",
            href=href("/indicator", code=code),
        ),
    )
    return form


def _people(kind: str) -> bool:
    """Whether a sheet kind's records are people (cases): shown as totals, never one by one."""
    return kinds.known(kind) and kinds.kind(kind).sensitive


def _signed_years(session, prog) -> set[str]:
    """The years holding a signed-off quarter (their kept reports do not change with a target)."""
    from indicators import periods
    from indicators.figures import signoff

    return {
        periods.parse(s.period, prog.calendar).fiscal_year.code for s in signoff.signed_in(session, prog.id)
    }


def _records_withheld() -> bool:
    """A donor officer sees figures, never records row by row (nor the internal files they came from): the
    activities of a quarter reach them in that quarter's report."""
    return role() == "donor"


# --- data ------------------------------------------------------------------------------------------


def _series(session, ind, prog, quarter, plan=None) -> list[dict]:
    """Per quarter through the report quarter: actual, the quarter's target and the LOP actual to date with
    the LOP target to date, by the figures' own rules (``quarter_target``, ``target_to_date``); victim figures
    as ``plan`` (``indicators.protection.disclosure``) lets this reader see them."""
    from indicators.figures.figures import elapsed_share, is_milestone, quarter_target, target_to_date
    from indicators.figures.queries import indicator_series
    from indicators.numbers import whole
    from indicators.periods import LOP, parse

    lop_target = ind.target_for(LOP.code)
    rows = []
    points = indicator_series(session, ind.code, through=quarter)
    for point in plan.series(ind.code, points) if plan is not None else points:
        period = parse(point.quarter, prog.calendar)
        due = None
        if lop_target is not None and ind.unit != "percent" and not is_milestone(ind.measure):
            due = whole(
                target_to_date(lop_target, elapsed_share(LOP, period, prog.start_date, prog.end_date))
            )
        rows.append(
            {
                "quarter": point.quarter,
                "actual": point.actual,
                "cumulative": point.lop_to_date,
                "target": quarter_target(
                    point.year_target, period, prog.start_date, prog.end_date, ind.unit, ind.measure
                ),
                "lop_target_to_date": due,
                "withheld": {
                    "actual": point.withheld.get("actual"),
                    "cumulative": point.withheld.get("lop_to_date"),
                },
            }
        )
    return rows


def _reference_sheet(ind, info, targets: dict, changes: list) -> dbc.Card:
    unit = info.unit
    source = info.source_kind + (
        " ("
        + "; ".join(
            f"{k} = {', '.join(v) if isinstance(v, list) else v}" for k, v in info.source_filter.items()
        )
        + ")"
        if info.source_filter
        else ""
    )
    facts = [
        (_("Definition"), info.definition or "–"),
        (_("Unit"), _("Percentage") if unit == "percent" else _("Number")),
        (_("Category"), _(info.category)),
        (_("Data source"), info.data_source or "–"),
        (_("Source sheet"), source),
        (_("Measure"), info.measure_words),
        (
            _("Disaggregated by"),
            format_list(_(vocabulary.DISAGGREGATIONS.get(d, d)) for d in info.disaggregations) or "–",
        ),
        (_("Baseline"), format_number(info.baseline, unit)),
        (_("Standard indicator"), info.standard_indicator or "–"),
    ]
    target_rows = [
        html.Tr([html.Th(period, scope="row"), html.Td(format_number(value, unit), className="num")])
        for period, value in sorted(targets.items(), key=lambda kv: (kv[0] == "LOP", kv[0]))
    ]
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(_("Reference sheet"), className="h6 mb-0")),
            dbc.CardBody(
                [
                    html.Dl(
                        [x for label, value in facts for x in (html.Dt(label), html.Dd(value))],
                        className="facts mb-3",
                    ),
                    html.H3(_("Targets"), className="h6"),
                    html.Table(html.Tbody(target_rows), className="table table-sm mb-3 targets-table"),
                    _more_of_the_sheet(ind.reference_sheet or {}),
                    html.H3(_("Changes"), className="h6 mt-3"),
                    html.Ul(
                        [
                            html.Li(
                                [
                                    html.Span(format_day(when, "d MMM y"), className="text-muted"),
                                    f" · {who} · {what}" if who else f" · {what}",
                                    html.Span(
                                        f" · {_(reason)}" + (f": {comment}" if comment else ""),
                                        className="text-muted",
                                    ),
                                ],
                                className="small",
                            )
                            for when, who, what, reason, comment in changes
                        ],
                        className="list-unstyled mb-0",
                        id="indicator-changes",
                    )
                    if changes
                    else html.P(
                        _("No change since the indicator was defined."),
                        className="small text-muted mb-0",
                        id="indicator-changes",
                    ),
                ]
            ),
        ],
        className="shadow-sm h-100",
        id="indicator-reference",
    )


def _more_of_the_sheet(sheet: dict) -> html.Details:
    """The rest of the Performance Indicator Reference Sheet, folded (the PIRS export prints it whole)."""
    quality = sheet.get("data_quality") or {}
    facts = [
        (N_("Rationale"), sheet.get("rationale")),
        (N_("Method of collection"), sheet.get("collection_method")),
        (N_("Frequency"), sheet.get("frequency")),
        (N_("Responsible"), sheet.get("responsible")),
        (N_("Baseline date"), sheet.get("baseline_date")),
        (N_("Target rationale"), sheet.get("target_rationale")),
        (N_("Last data quality assessment"), quality.get("last_assessment") or _("not yet assessed")),
        (N_("Known limitations"), quality.get("limitations")),
        (N_("Mitigation"), quality.get("mitigation")),
    ]
    return html.Details(
        [
            html.Summary(_("The rest of the reference sheet (PIRS)"), className="small fw-semibold"),
            html.Dl(
                [x for label, value in facts for x in (html.Dt(_(label)), html.Dd(value or "–"))],
                className="facts mt-2 mb-0",
            ),
        ],
        id="indicator-pirs",
    )


def _tile(label, value, detail=None, extra=None):
    return dbc.Col(
        html.Div(
            [
                html.Div(label, className="tile-label"),
                html.Div(value, className="tile-value"),
                html.Div(detail, className="tile-detail") if detail else None,
                extra,
            ],
            className="tile h-100",
        ),
        xs=12,
        sm=4,
    )


def _tiles(item, unit, quarter, year_word) -> dbc.Row:
    ytd, lop = item.year_to_date, item.lop_to_date
    return dbc.Row(
        [
            _tile(
                _("Quarter {quarter}").format(quarter=quarter.label(short=True)),
                format_actual(item.quarter, unit),
            ),
            _tile(
                _("{year} to date").format(year=year_word),
                format_actual(ytd, unit),
                *_against(ytd, unit, _("no target this year")),
            ),
            _tile(
                _("Life of project to date"),
                format_actual(lop, unit),
                *_against(lop, unit, _("no LOP target")),
            ),
        ],
        className="g-3 mb-4",
        id="indicator-tiles",
    )


def _against(figure, unit, none: str) -> tuple:
    """A tile's detail: the full target and the share of it, then the target to date the status is judged
    against and the share of that, beside the status itself."""
    if figure.target is None:
        return none, None
    detail = html.Div(
        [
            html.Div(
                _("target {target} · {percent}").format(
                    target=format_number(figure.target, unit),
                    percent=format_percent(figure.percent_of_target),
                )
            ),
            html.Div(
                [
                    _("target to date {target} · {percent}").format(
                        target=format_number(figure.target_to_date, unit),
                        percent=format_percent(figure.percent_of_target_to_date),
                    )
                ],
                title=_(TARGET_TO_DATE),
            ),
        ]
    )
    return detail, status_badge(figure.status, small=True)


def _narrative_card(item, quarter) -> dbc.Card:
    """Managers and administrators write the narrative; everyone else reads it. The button names the
    indicator and quarter it saves for: the ones the page shows."""
    status = item.status
    target = f"{item.indicator.code} · {quarter.label(short=True)}"
    header = dbc.CardHeader(
        html.Div(
            [
                html.H2(_("Deviation narrative · {what}").format(what=target), className="h6 mb-0"),
                status_badge(status, small=True),
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
    prompt = (
        f"{status_help(status)} " + _("Explain the deviation for the donor.")
        if status in ("Ahead", "Behind")
        else _("Optional: context for this quarter's figures.")
    )
    return dbc.Card(
        [
            header,
            dbc.CardBody(
                [
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
                        placeholder=_(
                            "What explains the difference from the target, and what is being done."
                        ),
                    ),
                    _drafts.parts(
                        NARRATIVE,
                        user=current_username(),
                        key=f"narrative|{item.indicator.code}|{quarter.code}",
                        label=f"narrative for {target}",
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
            ),
        ],
        className="shadow-sm mb-4",
    )


def _disaggregation_cards(item, unit, quarter, year_word, programme_code: str = "") -> dbc.Row | None:
    """One card per disaggregation. Figures withheld from this reader (victims, for a donor officer:
    ``indicators.protection.disclosure``) read as their label, in the chart's hover and in a table under it."""
    if not item.disaggregations:
        return None
    grouped: dict[str, list] = {}
    for cat in item.disaggregations:
        grouped.setdefault(cat.disaggregation, []).append(cat)
    withheld = any(
        getattr(c, span).withheld
        for c in item.disaggregations
        for span in ("quarter", "year_to_date", "lop_to_date")
    )
    cols = []
    for name, cats in grouped.items():
        labels = [short_category(c.category) for c in cats]
        spans = ("quarter", "year_to_date", "lop_to_date")
        values = [[getattr(c, p).actual for c in cats] for p in spans]
        marks = [[getattr(c, p).withheld for c in cats] for p in spans]
        fig = category_chart(
            labels,
            *values,
            unit,
            quarter_label=quarter.code,
            year_label=_("{year} to date").format(year=year_word),
            withheld=marks,
        )
        table = (
            html.Table(
                [
                    html.Thead(
                        html.Tr(
                            [
                                html.Th(_(vocabulary.DISAGGREGATIONS.get(name, name))),
                                *(
                                    html.Th(h, className="num")
                                    for h in (
                                        quarter.code,
                                        _("{year} to date").format(year=year_word),
                                        _("LOP to date"),
                                    )
                                ),
                            ]
                        )
                    ),
                    html.Tbody(
                        [
                            html.Tr(
                                [
                                    html.Td(label),
                                    *(
                                        html.Td(format_actual(getattr(c, p), unit), className="num")
                                        for p in spans
                                    ),
                                ]
                            )
                            for label, c in zip(labels, cats)
                        ]
                    ),
                ],
                className="table table-sm mb-0",
                id=f"indicator-table-{name}",
            )
            if withheld
            else None
        )
        what = _(vocabulary.DISAGGREGATIONS.get(name, name)).lower()
        drawn = (
            graph(f"indicator-by-{name}", fig, small=True)
            if any(v is not None for row in values for v in row)
            else _nothing_to_draw(what, programme_code)
        )
        cols.append(
            dbc.Col(
                dbc.Card(
                    [
                        dbc.CardHeader(
                            html.H2(_("By {disaggregation}").format(disaggregation=what), className="h6 mb-0")
                        ),
                        dbc.CardBody(
                            [
                                drawn,
                                table,
                                html.P(withheld_note(), className="small text-muted mb-0")
                                if withheld
                                else None,
                            ]
                        ),
                    ],
                    className="shadow-sm h-100",
                ),
                md=6,
                className="mb-4",
            )
        )
    return dbc.Row(cols)


def _nothing_to_draw(what: str, programme_code: str) -> html.P:
    """In place of a chart with no bar: every figure of the card withheld from this reader."""
    return html.P(
        [
            _(
                "Victims by {disaggregation} are published for the life of project to date only, as they "
                "stand now (on this page for the latest quarter with a figure); the"
            ).format(disaggregation=what),
            " ",
            dcc.Link(_("Victims profile"), href=href("/victims", programme=programme_code)),
            " ",
            _("shows them too."),
        ],
        className="small mb-2 indicator-not-published",
    )


def withheld_note() -> str:
    limit = settings().small_cell
    return _(
        "Victims are counted by category for the life of project to date only (n/p: not published for a "
        "single quarter or year); “<{limit}” is fewer than {limit} people, and * is withheld so that such a "
        "count cannot be worked out from the other figures."
    ).format(limit=limit)


# --- callbacks -------------------------------------------------------------------------------------


@callback(
    Output(ids.url, "search"),
    Input(ids.quarter, "value"),
    State(ids.context, "data"),
    prevent_initial_call=True,
)
def choose_quarter(period, context):
    if not period or period == (context or {}).get("period"):
        raise dash.exceptions.PreventUpdate
    with read_session() as session:
        code = require_indicator(session, (context or {}).get("code"))
    return query_string(code=code, period=period)


@callback(
    Output(ids.records, "rowData"),
    Output(ids.records_note, "children"),
    Input(ids.records_scope, "value"),
    State(ids.context, "data"),
    prevent_initial_call=True,
)
def change_records_scope(scope, context):
    with read_session() as session:
        ind = indicator(session, require_indicator(session, (context or {}).get("code")))
        if _records_withheld():
            refuse(f"records of {ind.code}", reason="records are for staff")
        rows = record_rows(session, ind, None if scope == "all" else context["period"])
    return rows[:RECORD_LIMIT], records_note(rows)


@callback(
    Output(ids.saved, "children"),
    Input(ids.save, "n_clicks"),
    State(ids.narrative, "value"),
    State(ids.context, "data"),
    State(ids.quarter, "value"),
    prevent_initial_call=True,
)
def save_narrative(n_clicks, text, context, chosen):
    """Saves for the indicator and quarter the page shows (its context), and says which; if the quarter
    picker has moved on and the page is not yet redrawn, nothing is saved. Once saved (``…-done``), the text
    is no longer a draft kept in the browser (``_drafts.register``'s ``saved_by``)."""
    from datetime import datetime

    from indicators.reporting.narratives import set_narrative

    if not n_clicks:
        raise dash.exceptions.PreventUpdate
    require_role(EDITORS, "narrative")
    context = context or {}
    if chosen and chosen != context.get("period"):
        return html.Span(
            _("Nothing saved: the page is changing to {quarter}. Check the text and save again.").format(
                quarter=chosen
            ),
            className="text-danger",
        )
    with store().begin() as session:
        code = require_indicator(session, context.get("code"))
        row = set_narrative(session, code, context["period"], (text or "").strip(), current_username())
        quarter = parse_quarter(indicator(session, code).programme, context["period"])
    what = f"{code} · {quarter.label(short=True)}"
    done = (
        _("Saved the narrative for {what} at {time}.")
        if row is not None
        else _("Cleared the narrative for {what} at {time}.")
    ).format(what=what, time=f"{datetime.now():%H:%M}")
    return html.Span(done, className="text-success", id="indicator-saved-done")


@callback(
    Output("indicator-edit-result", "children"),
    Output({"type": TARGET, "key": ALL}, "invalid"),
    Output({"type": FIELD, "key": ALL}, "invalid"),
    Output({"type": FEEDBACK, "key": ALL}, "children"),
    Output(ids.url, "search", allow_duplicate=True),
    Output("indicator-edit-reason", "invalid"),
    Output("indicator-edit-comment", "invalid"),
    Output("indicator-edit-sheet", "open"),
    Output(_drafts.store_id(EDIT), "data", allow_duplicate=True),
    Input("indicator-edit-save", "n_clicks"),
    State({"type": TARGET, "key": ALL}, "value"),
    State({"type": FIELD, "key": ALL}, "value"),
    State("indicator-edit-reason", "value"),
    State("indicator-edit-comment", "value"),
    State(ids.context, "data"),
    State(_drafts.store_id(EDIT), "data"),
    State(_drafts.info_id(EDIT), "data"),
    prevent_initial_call=True,
)
def save_edit(n_clicks, target_values, field_values, reason, comment, context, drafts=None, draft=None):
    """Save the editor's changes with their reason; a refused value is marked next to its field, and what was
    typed stays. Once saved the page is drawn again from its URL, with what the save changed."""
    from indicators.programmes import logframe

    if not n_clicks:
        raise dash.exceptions.PreventUpdate
    require_role(EDITORS, "indicator edit")
    target_ids = [item["id"] for item in ctx.states_list[0]]
    field_ids = [item["id"] for item in ctx.states_list[1]]
    feedback_ids = [item["id"] for item in ctx.outputs_list[3]]
    targets, values, sheet = split(list(zip(target_ids + field_ids, target_values + field_values)))
    username = current_username()
    with store().begin() as session:
        code = require_indicator(session, (context or {}).get("code"))
        done = logframe.edit(
            session,
            code,
            by=username,
            reason=reason,
            comment=comment or "",
            targets=targets,
            values=values,
            sheet=sheet,
        )
        if not done.ok:
            session.rollback()
        event = (
            session.scalar(
                select(AuditEvent.id)
                .where(AuditEvent.action == "indicator-edited", AuditEvent.target == code)
                .order_by(AuditEvent.id.desc())
                .limit(1)
            )
            if done.changes
            else None
        )
    problems = {problem_key(k): v for k, v in done.problems.items()}
    marks = (
        [bool(problems.get(i["key"])) for i in target_ids],
        [bool(problems.get(i["key"])) for i in field_ids],
        [problems.get(i["key"], "") for i in feedback_ids],
        "reason" in problems,
        "comment" in problems,
    )
    sheet_open = any(key.startswith("sheet:") for key in problems) or dash.no_update
    if problems:
        return (
            dbc.Alert(
                ngettext(
                    "Nothing saved: {count} value to correct (marked below each field).",
                    "Nothing saved: {count} values to correct (marked below each field).",
                    len(problems),
                ).format(count=len(problems)),
                color="danger",
                className="py-2 small mb-0",
            ),
            marks[0],
            marks[1],
            marks[2],
            dash.no_update,
            marks[3],
            marks[4],
            sheet_open,
            dash.no_update,
        )
    if not done.changes:
        return (
            dbc.Alert(
                _("Nothing to save: every value is as stored."), color="info", className="py-2 small mb-0"
            ),
            *marks[:3],
            dash.no_update,
            False,
            False,
            dash.no_update,
            dash.no_update,
        )
    return (
        dbc.Alert(_("Saved."), color="success", className="py-2 small mb-0"),
        *marks[:3],
        query_string(code=code, period=context.get("period"), saved=event),
        False,
        False,
        dash.no_update,
        _drafts.cleared(drafts, draft),
    )


_drafts.register(NARRATIVE, [(ids.narrative, "value")], saved_by=(ids.saved, "children"))
_drafts.register(
    EDIT,
    [
        ({"type": TARGET, "key": ALL}, "value"),
        ({"type": FIELD, "key": ALL}, "value"),
        ("indicator-edit-reason", "value"),
        ("indicator-edit-comment", "value"),
    ],
)
