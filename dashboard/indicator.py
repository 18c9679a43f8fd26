"""Indicator: reference sheet, quarterly actual vs target with the cumulative line, disaggregations, the
records that feed it and the quarter's deviation narrative. ``/indicator?code=KEC-4.2&period=FY2019Q3``.

The page gathers the figures and lays out its sections; the cards are drawn by ``dashboard._indicator_cards``
(reference sheet, tiles, charts), ``dashboard._indicator_narrative``, ``dashboard._indicator_disaggregations``,
``dashboard._indicator_records`` and ``dashboard._editor`` (the logframe editor). Its callbacks are here."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from sqlalchemy import select

from dashboard import _drafts, _signed
from dashboard import _indicator_cards as cards
from dashboard import _indicator_narrative as deviation
from dashboard._access import EDITORS, can, refuse, require_indicator, require_role, role
from dashboard._components import (
    current_username,
    dropdown,
    first,
    href,
    not_a_quarter,
    not_found,
    page_header,
    page_title,
    query_string,
    read_session,
    safe_layout,
    store,
    viewer_plan,
    visible_programme_codes,
)
from dashboard._editor import FEEDBACK, FIELD, TARGET, indicator_form, problem_key, saved_banner, split
from dashboard._indicator_disaggregations import cards as disaggregation_cards
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
from indicators.figures.figures import figures
from indicators.i18n import N_, _, ngettext
from indicators.programmes import history
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
    chart = cards.ids.chart
    cumulative = cards.ids.cumulative
    records = "indicator-records"
    records_scope = "indicator-records-scope"
    records_note = "indicator-records-note"
    narrative = deviation.ids.narrative
    save = deviation.ids.save
    saved = deviation.ids.saved


CHANGES_SHOWN = 10
NARRATIVE, EDIT = deviation.FORM, "indicator-edit"  # the page's two forms whose drafts are kept


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
        changes = _changes(session, ind.code)
        banner = saved_banner(session, first(saved), {ind.code}) if can(EDITORS) else None
        editing = can(EDITORS)
        editor = _with_draft(indicator_form(ind, _signed_years(session, prog)), ind.code) if editing else None
    info = item.indicator
    unit = info.unit
    year_word = _("FY") if prog.calendar == "fiscal" else _("Year")
    return html.Div(
        [
            dcc.Location(id=ids.url, refresh="callback-nav"),
            dcc.Store(id=ids.context, data={"code": ind.code, "period": quarter.code}),
            _header(ind, info, prog, quarter),
            not_a_quarter(asked, prog, quarter),
            banner,
            _signed.notice(signed, id="indicator-signed"),
            dbc.Row(
                [
                    dbc.Col(cards.reference_sheet(ind, info, targets, changes), lg=4, className="mb-4"),
                    dbc.Col(
                        [
                            cards.tiles(item, unit, quarter, year_word),
                            cards.quarters_card(series, unit, quarter),
                            cards.cumulative_card(series, unit, targets.get("LOP")),
                            deviation.card(item, quarter),
                            editor,
                        ],
                        lg=8,
                    ),
                ]
            ),
            disaggregation_cards(item, unit, quarter, year_word, prog.code),
            records_card(records, info, quarter, prog.code),
        ]
    )


def _header(ind, info, prog, quarter):
    """The indicator's name and result, the quarter picker, and the way back to its programme."""
    return page_header(
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
    )


def _changes(session, code: str) -> list[tuple]:
    """The latest changes to the indicator: when, who, what, why, comment. A donor officer reads the change
    and its reason, not who in the programme typed it."""
    return [
        (c.changed_at, None if role() == "donor" else c.changed_by, history.describe(c), c.reason, c.comment)
        for c in history.changes(session, code)[:CHANGES_SHOWN]
    ]


def _with_draft(form: dbc.Card, code: str) -> dbc.Card:
    """The editor, with its draft (kept per indicator) noted above its Save button."""
    body = form.children[1]
    body.children.insert(
        len(body.children) - 2,
        _drafts.parts(
            EDIT,
            user=current_username(),
            key=f"edit|{code}",
            label=_("edit of {code}").format(code=code),
            href=href("/indicator", code=code),
        ),
    )
    return form


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
        event = _latest_edit(session, code) if done.changes else None
    problems = {problem_key(k): v for k, v in done.problems.items()}
    marks = (
        [bool(problems.get(i["key"])) for i in target_ids],
        [bool(problems.get(i["key"])) for i in field_ids],
        [problems.get(i["key"], "") for i in feedback_ids],
        "reason" in problems,
        "comment" in problems,
    )
    if problems:
        return _edit_refused(problems, marks)
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


def _latest_edit(session, code: str) -> int | None:
    """The audit entry of the edit just made to ``code`` (the banner after the redraw starts from it)."""
    return session.scalar(
        select(AuditEvent.id)
        .where(AuditEvent.action == "indicator-edited", AuditEvent.target == code)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )


def _edit_refused(problems: dict, marks: tuple) -> tuple:
    """``save_edit``'s answer when a value is refused: each field marked, the reference sheet opened when one
    of its fields is, and nothing else changed."""
    sheet_open = any(key.startswith("sheet:") for key in problems) or dash.no_update
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
