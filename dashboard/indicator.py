"""Indicator: reference sheet, quarterly actual vs target with the cumulative line, disaggregations, the
records that feed it and the quarter's deviation narrative. ``/indicator?code=KEC-4.2&period=FY2019Q3``."""

from __future__ import annotations

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboard._access import EDITORS, can, refuse, require_indicator, require_role, role
from dashboard._charts import category_chart, cumulative_chart, graph, quarter_chart
from dashboard._components import (
    current_username,
    data_grid,
    empty_state,
    first,
    format_number,
    format_percent,
    href,
    not_found,
    page_header,
    query_string,
    read_session,
    safe_layout,
    settings,
    short_category,
    status_badge,
    status_help,
    store,
    visible_programme_codes,
)
from dashboard._queries import (
    default_quarter,
    first_programme,
    indicator,
    parse_quarter,
    programme,
    quarter_options,
)
from indicators import disclosure, kinds, vocabulary
from indicators.figures import figures
from indicators.status import TARGET_TO_DATE

dash.register_page(__name__, path="/indicator", title="Indicator · ctmonitor", name="Indicator",
                   scope={"code": "indicator"})


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


RECORD_LIMIT = 500


@safe_layout
def layout(code=None, period=None, **_query):
    with read_session() as session:
        visible = visible_programme_codes(session)
        code = (first(code) or "").strip().upper()
        if not code:  # no code in the link: the first indicator of the first programme one may see
            prog = programme(session, first_programme(session, visible))
            code = prog.indicators[0].code if prog and prog.indicators else ""
        ind = indicator(session, code)
        if ind is None or ind.programme.code not in visible:
            return not_found(f"There is no indicator with the code “{code}”." if code else "No indicator is loaded.")
        prog = ind.programme
        asked = first(period)
        quarter = parse_quarter(prog, asked) or default_quarter(prog)
        programme_figures = figures(session, prog.code, quarter)
        item = next(i for i in programme_figures.indicators if i.indicator.code == ind.code)
        series = _series(session, ind, prog, quarter)
        records = None if _records_withheld() else _records(session, ind, quarter.code)
        targets = {t.period: t.value for t in ind.targets}
    info = item.indicator
    unit = info.unit
    year_word = "FY" if prog.calendar == "fiscal" else "Year"
    notice = None
    if asked and asked != quarter.code:
        notice = dbc.Alert(f"“{asked}” is not a quarter of {prog.code}; showing {quarter.label()}.", color="info",
                           dismissable=True, className="py-2")
    return html.Div([
        dcc.Location(id=ids.url, refresh="callback-nav"),
        dcc.Store(id=ids.context, data={"code": ind.code, "period": quarter.code}),
        page_header(
            f"{ind.code} · {ind.name}",
            f"{prog.code} · {info.result_level.title()} {info.result_code}: {info.result_statement}",
            actions=html.Div([
                dbc.Label("Quarter", html_for=ids.quarter, className="small text-muted mb-1"),
                dcc.Dropdown(id=ids.quarter, options=quarter_options(prog), value=quarter.code, clearable=False,
                             searchable=False, className="quarter-dropdown"),
            ]),
            crumbs=[("Portfolio", "/"), (prog.code, href("/programme", code=prog.code, period=quarter.code)),
                    (ind.code, None)],
        ),
        notice,
        dbc.Row([
            dbc.Col(_reference_sheet(ind, info, targets), lg=4, className="mb-4"),
            dbc.Col([
                _tiles(item, unit, quarter, year_word),
                dbc.Card([
                    dbc.CardHeader(html.H2(f"Each quarter against its target, through {quarter.label(short=True)}",
                                           className="h6 mb-0")),
                    dbc.CardBody(graph(ids.chart, quarter_chart(series, unit)) if series
                                 else empty_state("No quarters yet.")),
                ], className="shadow-sm mb-4"),
                dbc.Card([
                    dbc.CardHeader(html.H2("Life of project to date against the LOP target", className="h6 mb-0")),
                    dbc.CardBody(graph(ids.cumulative, cumulative_chart(series, unit, targets.get("LOP")))
                                 if series else empty_state("No quarters yet.")),
                ], className="shadow-sm mb-4"),
                _narrative_card(item, quarter),
            ], lg=8),
        ]),
        _disaggregation_cards(item, unit, quarter, year_word,
                              settings().small_cell if _counts_withheld(ind) else 0),
        _records_card(records, info, quarter, prog.code),
    ])


def _records_card(records, info, quarter, programme_code: str) -> dbc.Card:
    """The records an indicator counts, each with its upload, sheet and row (``None``: withheld)."""
    if records is None:
        if _people(info.source_kind):
            text = ["Case records are one row per person: they are shown to IOM staff only. The figures above",
                    " show them as totals."]
        else:
            text = ["The quarter's activities behind these figures are listed in the ",
                    dcc.Link(f"{programme_code} · {quarter.label(short=True)} report",
                             href=href("/reports", programme=programme_code, period=quarter.code)),
                    " (its Activities sheet)."]
        return dbc.Card([
            dbc.CardHeader(html.H2("Records that feed this indicator", className="h6 mb-0")),
            dbc.CardBody(html.P(text, className="small text-muted mb-0", id="indicator-records-withheld")),
        ], className="shadow-sm mb-4")
    return dbc.Card([
        dbc.CardHeader(html.Div([
            html.H2("Records that feed this indicator", className="h6 mb-0"),
            dbc.RadioItems(id=ids.records_scope, options=[
                {"label": quarter.label(short=True), "value": "quarter"},
                {"label": "All quarters", "value": "all"}], value="quarter", inline=True,
                className="small"),
        ], className="d-flex flex-wrap justify-content-between align-items-center gap-2")),
        dbc.CardBody([
            html.P(_records_note(records), id=ids.records_note, className="small text-muted"),
            records_grid(records, info.source_kind),
        ]),
    ], className="shadow-sm mb-4")


def _counts_withheld(ind) -> bool:
    """A donor officer sees small counts of victims as "<5" (DOMAIN §4): the case-based categories only."""
    return _people(ind.source_kind) and role() == "donor"


def _people(kind: str) -> bool:
    """Whether a sheet kind's records are people (cases): shown as totals, never one by one."""
    return kinds.known(kind) and kinds.kind(kind).sensitive


def _records_withheld() -> bool:
    """A donor officer sees figures, never records row by row (nor the internal files they came from): the
    activities of a quarter reach them in that quarter's report."""
    return role() == "donor"


# --- data ------------------------------------------------------------------------------------------


def _series(session, ind, prog, quarter) -> list[dict]:
    """Per quarter through the report quarter: actual, the quarter's target and the LOP actual to date with
    the LOP target to date, by the figures' own rules (``quarter_target``, ``target_to_date``)."""
    from indicators.figures import elapsed_share, is_milestone, quarter_target, target_to_date
    from indicators.queries import indicator_series
    from indicators.periods import LOP, parse

    lop_target = ind.target_for(LOP.code)
    rows = []
    for point in indicator_series(session, ind.code, through=quarter):
        period = parse(point.quarter, prog.calendar)
        due = None
        if lop_target is not None and ind.unit != "percent" and not is_milestone(ind.measure):
            due = float(target_to_date(lop_target, elapsed_share(LOP, period, prog.start_date, prog.end_date)))
        rows.append({"quarter": point.quarter, "actual": point.actual, "cumulative": point.lop_to_date,
                     "target": quarter_target(point.year_target, period, prog.start_date, prog.end_date,
                                              ind.unit, ind.measure),
                     "lop_target_to_date": due})
    return rows


# Record columns worth showing, in order; the rest (ids, hashes, timestamps) stay out of the grid.
RECORD_FIRST = ("reference", "counted_in")
RECORD_LAST = ("value", "numerator", "denominator", "upload_filename", "uploaded_at", "uploaded_by",
               "source_sheet", "source_row")
RECORD_HIDDEN = {"id", "programme_id", "upload_id", "created_at", "updated_at", "row_hash", "quarter",
                 "indicator_id"}
# Cases are people: the indicator page shows what was counted, never who (no code, age, origin or dates).
CASE_SHOWN = ("counted_in", "sex", "age_group", "status", "value", "upload_filename", "uploaded_at",
              "source_sheet", "source_row")


def _records(session, ind, quarter_code: str | None) -> list[dict]:
    from indicators.queries import feeding_records

    rows = feeding_records(session, ind.code, quarter=quarter_code, limit=RECORD_LIMIT + 1)
    if not rows:
        return []
    if _people(ind.source_kind):
        keys = [k for k in CASE_SHOWN if k in rows[0]]
    else:
        middle = [k for k in rows[0] if k not in RECORD_HIDDEN and k not in RECORD_FIRST and k not in RECORD_LAST]
        keys = [k for k in RECORD_FIRST if k in rows[0]] + middle + [k for k in RECORD_LAST if k in rows[0]]
    return [{k: _plain(row.get(k)) for k in keys} for row in rows]


def _plain(value):
    if hasattr(value, "hour"):
        return value.isoformat(sep=" ", timespec="minutes")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value))
    return value


def _records_note(records: list[dict]) -> str:
    if len(records) > RECORD_LIMIT:
        return f"The first {RECORD_LIMIT} records; the Activities page lists them all."
    return f"{len(records)} record{'s' if len(records) != 1 else ''}; each with the upload, sheet and row it came from."


RECORD_HEADERS = {"counted_in": "Counted in", "upload_filename": "Upload file", "uploaded_at": "Uploaded",
                  "uploaded_by": "By", "source_sheet": "Sheet", "source_row": "Row", "value": "Counts",
                  "passed_post_test": "Passed post-test", "instrument_type": "Type", "under_18": "Under 18"}


def records_grid(records: list[dict], kind: str) -> dag.AgGrid:
    keys = list(records[0]) if records else list(RECORD_FIRST + RECORD_LAST)
    columns = [{"field": k, "headerName": RECORD_HEADERS.get(k, k.replace("_", " ").capitalize()),
                **({"type": "numericColumn"} if k in ("value", "numerator", "denominator", "female", "male",
                                                      "source_row") else {})}
               for k in keys]
    return data_grid(ids.records, records[:RECORD_LIMIT], columns,
                     flexible=("topic", "activity", "instrument", "title", "comment"), page_size=20, height=None,
                     empty="No record counts in this quarter.")


# --- pieces ----------------------------------------------------------------------------------------


def _reference_sheet(ind, info, targets: dict) -> dbc.Card:
    unit = info.unit
    source = info.source_kind + (
        " (" + "; ".join(f"{k} = {', '.join(v) if isinstance(v, list) else v}" for k, v in info.source_filter.items())
        + ")" if info.source_filter else "")
    facts = [
        ("Definition", info.definition or "–"),
        ("Unit", "Percentage" if unit == "percent" else "Number"),
        ("Category", info.category),
        ("Data source", info.data_source or "–"),
        ("Source sheet", source),
        ("Measure", info.measure_words),
        ("Disaggregated by", ", ".join(vocabulary.DISAGGREGATIONS.get(d, d) for d in info.disaggregations) or "–"),
        ("Baseline", format_number(info.baseline, unit)),
        ("Standard indicator", info.standard_indicator or "–"),
    ]
    target_rows = [html.Tr([html.Th(period, scope="row"), html.Td(format_number(value, unit), className="num")])
                   for period, value in sorted(targets.items(), key=lambda kv: (kv[0] == "LOP", kv[0]))]
    return dbc.Card([
        dbc.CardHeader(html.H2("Reference sheet", className="h6 mb-0")),
        dbc.CardBody([
            html.Dl([x for label, value in facts for x in (html.Dt(label), html.Dd(value))], className="facts mb-3"),
            html.H3("Targets", className="h6"),
            html.Table(html.Tbody(target_rows), className="table table-sm mb-0 targets-table"),
        ]),
    ], className="shadow-sm h-100", id="indicator-reference")


def _tile(label, value, detail=None, extra=None):
    return dbc.Col(html.Div([
        html.Div(label, className="tile-label"),
        html.Div(value, className="tile-value"),
        html.Div(detail, className="tile-detail") if detail else None,
        extra,
    ], className="tile h-100"), xs=12, sm=4)


def _tiles(item, unit, quarter, year_word) -> dbc.Row:
    ytd, lop = item.year_to_date, item.lop_to_date
    return dbc.Row([
        _tile(f"Quarter {quarter.label(short=True)}", format_number(item.quarter.actual, unit)),
        _tile(f"{year_word} to date", format_number(ytd.actual, unit), *_against(ytd, unit, "no target this year")),
        _tile("Life of project to date", format_number(lop.actual, unit), *_against(lop, unit, "no LOP target")),
    ], className="g-3 mb-4", id="indicator-tiles")


def _against(figure, unit, none: str) -> tuple:
    """A tile's detail: the full target and the share of it, then the target to date the status is judged
    against and the share of that, beside the status itself."""
    if figure.target is None:
        return none, None
    detail = html.Div([
        html.Div(f"target {format_number(figure.target, unit)} · {format_percent(figure.percent_of_target)}"),
        html.Div([f"target to date {format_number(figure.target_to_date, unit)} · "
                  f"{format_percent(figure.percent_of_target_to_date)}"], title=TARGET_TO_DATE),
    ])
    return detail, status_badge(figure.status, small=True)


def _narrative_card(item, quarter) -> dbc.Card:
    """Managers and administrators write the narrative; everyone else reads it. The button names the
    indicator and quarter it saves for: the ones the page shows."""
    status = item.status
    target = f"{item.indicator.code} · {quarter.label(short=True)}"
    header = dbc.CardHeader(html.Div([html.H2(f"Deviation narrative · {target}", className="h6 mb-0"),
                                      status_badge(status, small=True)],
                                     className="d-flex justify-content-between align-items-center"))
    if not can(EDITORS):
        text = (item.narrative or "").strip()
        return dbc.Card([header, dbc.CardBody(
            html.P(text, className="mb-0 narrative-text", id="indicator-narrative-text") if text
            else empty_state("No narrative for this quarter."))], className="shadow-sm mb-4")
    prompt = (f"{status_help(status)} Explain the deviation for the donor."
              if status in ("Ahead", "Behind") else "Optional: context for this quarter's figures.")
    return dbc.Card([
        header,
        dbc.CardBody([
            dbc.Alert("More than 15% off the target to date and no narrative yet: the report needs one.",
                      color="warning", className="py-2 small") if item.needs_narrative else None,
            dbc.Label(prompt, html_for=ids.narrative, className="small text-muted"),
            dbc.Textarea(id=ids.narrative, value=item.narrative or "", rows=4, maxLength=4000,
                         placeholder="What explains the difference from the target, and what is being done."),
            html.Div([
                dbc.Button(f"Save narrative for {target}", id=ids.save, color="primary", size="sm", n_clicks=0),
                html.Span(id=ids.saved, className="small ms-2", role="status"),
            ], className="mt-2 d-flex align-items-center flex-wrap gap-1"),
        ]),
    ], className="shadow-sm mb-4")


def _disaggregation_cards(item, unit, quarter, year_word, limit: int = 0) -> dbc.Row | None:
    """One card per disaggregation; with a ``limit`` (a donor reading case counts) small counts are withheld
    as ``indicators.disclosure`` says, in the chart and in the table under it."""
    if not item.disaggregations:
        return None
    grouped: dict[str, list] = {}
    for cat in item.disaggregations:
        grouped.setdefault(cat.disaggregation, []).append(cat)
    cols = []
    for name, cats in grouped.items():
        labels = [short_category(c.category) for c in cats]
        periods = [[getattr(c, p).actual for c in cats] for p in ("quarter", "year_to_date", "lop_to_date")]
        shown = [list(disclosure.suppress(dict(enumerate(v)), limit).values()) if limit else None for v in periods]
        values = [[s.value for s in cells] if cells else v for v, cells in zip(periods, shown)]
        fig = category_chart(labels, *values, unit, quarter_label=quarter.code, year_label=f"{year_word} to date")
        table = html.Table([
            html.Thead(html.Tr([html.Th(vocabulary.DISAGGREGATIONS.get(name, name)),
                                *(html.Th(h, className="num") for h in (quarter.code, f"{year_word} to date",
                                                                         "LOP to date"))])),
            html.Tbody([html.Tr([html.Td(label), *(html.Td(cells[i].text, className="num") for cells in shown)])
                        for i, label in enumerate(labels)]),
        ], className="table table-sm mb-0", id=f"indicator-table-{name}") if limit else None
        cols.append(dbc.Col(dbc.Card([
            dbc.CardHeader(html.H2(f"By {vocabulary.DISAGGREGATIONS.get(name, name).lower()}", className="h6 mb-0")),
            dbc.CardBody([graph(f"indicator-by-{name}", fig, small=True), table,
                          html.P(f"Counts under {limit} people are withheld (“<{limit}”; * withheld so that a small "
                                 "count cannot be worked out from the total).", className="small text-muted mb-0")
                          if limit else None]),
        ], className="shadow-sm h-100"), md=6, className="mb-4"))
    return dbc.Row(cols)


# --- callbacks -------------------------------------------------------------------------------------


@callback(Output(ids.url, "search"), Input(ids.quarter, "value"), State(ids.context, "data"),
          prevent_initial_call=True)
def choose_quarter(period, context):
    if not period or period == (context or {}).get("period"):
        raise dash.exceptions.PreventUpdate
    with read_session() as session:
        code = require_indicator(session, (context or {}).get("code"))
    return query_string(code=code, period=period)


@callback(Output(ids.records, "rowData"), Output(ids.records_note, "children"),
          Input(ids.records_scope, "value"), State(ids.context, "data"), prevent_initial_call=True)
def change_records_scope(scope, context):
    with read_session() as session:
        ind = indicator(session, require_indicator(session, (context or {}).get("code")))
        if _records_withheld():
            refuse(f"records of {ind.code}", reason="records are for staff")
        rows = _records(session, ind, None if scope == "all" else context["period"])
    return rows[:RECORD_LIMIT], _records_note(rows)


@callback(Output(ids.saved, "children"), Input(ids.save, "n_clicks"), State(ids.narrative, "value"),
          State(ids.context, "data"), State(ids.quarter, "value"), prevent_initial_call=True)
def save_narrative(n_clicks, text, context, chosen):
    """Saves for the indicator and quarter the page shows (its context), and says which; if the quarter
    picker has moved on and the page is not yet redrawn, nothing is saved."""
    from datetime import datetime

    from indicators.narratives import set_narrative

    if not n_clicks:
        raise dash.exceptions.PreventUpdate
    require_role(EDITORS, "narrative")
    context = context or {}
    if chosen and chosen != context.get("period"):
        return html.Span(f"Nothing saved: the page is changing to {chosen}. Check the text and save again.",
                         className="text-danger")
    with store().begin() as session:
        code = require_indicator(session, context.get("code"))
        row = set_narrative(session, code, context["period"], (text or "").strip(), current_username())
        quarter = parse_quarter(indicator(session, code).programme, context["period"])
    what = f"{code} · {quarter.label(short=True)}"
    done = "Saved the narrative" if row is not None else "Cleared the narrative"
    return html.Span(f"{done} for {what} at {datetime.now():%H:%M}.", className="text-success",
                     id="indicator-saved-done")
