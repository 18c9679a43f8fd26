"""Victims profile (aggregates only): shares by nationality, sex, age group, exploitation type and destination
over the victims whose value is known (as DOMAIN §7's research figures are computed). A donor officer sees
small counts withheld by ``indicators.disclosure`` (under ``CTMONITOR_SMALL_CELL``, 5 by default: "<5",
with complementary suppression, shares withheld); programme staff see exact counts. No case code or row ever
leaves the server. ``/victims?programme=PVR``.

Staff see it; a donor officer only when one of their own programmes counts victims (an indicator read from
case sheets, as PVR's are)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

import dash
import dash_bootstrap_components as dbc
from dash import html
from sqlalchemy import String, func, select, type_coerce

from dashboard._access import ALL_ROLES, role
from dashboard._charts import graph, share_chart
from dashboard._components import (
    first,
    not_found,
    page_header,
    read_session,
    safe_layout,
    settings,
    short_category,
    visible_programme_codes,
)
from dashboard._queries import programme
from dashboard._map import victims_map_card
from indicators import disclosure, places
from indicators.models import Case, Indicator, Programme


def donor_may_see() -> bool:
    """Staff always; a donor officer when one of their programmes has an indicator read from case sheets."""
    if role() != "donor":
        return True
    with read_session() as session:
        visible = visible_programme_codes(session)
        return session.scalar(select(func.count(Indicator.id)).join(Programme)
                              .where(Programme.code.in_(visible), Indicator.source_kind == "cases")) > 0


dash.register_page(__name__, path="/victims", title="Victims profile · ctmonitor", name="Victims profile", order=50,
                   roles=ALL_ROLES, allowed=donor_may_see, scope={"programme": "programme"})

VICTIM_STATUSES = ("Possible victim", "Actual victim")
UNKNOWN = {None, "", "Unknown", "unknown"}
DIMENSIONS = (
    ("nationality", "Nationality", False),
    ("sex", "Sex", False),
    ("age_group", "Age group", False),
    ("exploitation", "Exploitation type", True),  # several per victim: shares may add up to more than 100%
    ("destination", "Destination region", False),
)


@dataclass(frozen=True)
class Share:
    category: str
    count: int
    shown_count: str  # "12", "<5" or "*"
    share: float | None  # percent of the known values; None when withheld


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    label: str
    known: int
    unknown: int
    rows: list[Share]
    multiple: bool
    shown_known: str = ""
    shown_unknown: str = ""


def threshold() -> int:
    """Small counts are withheld from donor officers only; staff see exact figures."""
    return settings().small_cell if role() == "donor" else 0


def shown(count: int, limit: int = disclosure.DEFAULT_THRESHOLD) -> str:
    return disclosure.suppress({"": count}, limit)[""].text


def breakdown(dimension: str, label: str, values: list, multiple: bool = False,
              limit: int = disclosure.DEFAULT_THRESHOLD) -> Breakdown:
    """Counts over the known values, small ones withheld (with a second one where one alone would show)."""
    return tally(dimension, label, Counter(tuple(v or ()) if multiple else v for v in values), multiple, limit)


def tally(dimension: str, label: str, victims: Counter, multiple: bool = False,
          limit: int = disclosure.DEFAULT_THRESHOLD) -> Breakdown:
    """``breakdown`` from how many victims have each value (for a multiple dimension, each combination as a
    tuple), as a GROUP BY returns them."""
    counts: Counter = Counter()
    known = 0
    for value, n in victims.items():
        items = {v for v in (value or ()) if v not in UNKNOWN} if multiple else (set() if value in UNKNOWN else {value})
        if items:
            known += n
            for item in items:
                counts[item] += n
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    # Known and unknown add up to the total too: they are a breakdown of their own.
    cells = disclosure.suppress(dict(ordered), limit, complementary=not multiple)
    base = disclosure.suppress({"known": known, "unknown": sum(victims.values()) - known}, limit)
    withhold_all = known < limit
    rows = [Share(short_category(c), n, cells[c].text,
                  None if (cells[c].withheld or withhold_all) else round(100 * n / known, 1))
            for c, n in ordered]
    return Breakdown(dimension, label, known, sum(victims.values()) - known, rows, multiple,
                     base["known"].text, base["unknown"].text)


def profile(session, programme_id: int, limit: int = disclosure.DEFAULT_THRESHOLD) -> tuple[int, list[Breakdown]]:
    """Victims (possible or actual) of one programme, and one breakdown per dimension, counted in SQL: one
    GROUP BY over every dimension at once (a few hundred combinations), the exploitation types by their
    stored JSON list."""
    columns = (Case.nationality, Case.sex, Case.age_group, Case.exploitation_types, Case.destination_region)
    groups = session.execute(
        select(*[type_coerce(c, String) if c is Case.exploitation_types else c for c in columns], func.count())
        # the programme holds most cases: a scan beats a lookup per row through the programme index
        .where(Case.programme_id + 0 == programme_id, Case.status.in_(VICTIM_STATUSES))
        .group_by(*columns)).all()
    per_dimension = {key: Counter() for key, _, _ in DIMENSIONS}
    for *values, n in groups:
        values[3] = tuple(json.loads(values[3]) or ()) if values[3] else ()
        for (key, _, _), value in zip(DIMENSIONS, values):
            per_dimension[key][value] += n
    return sum(n for *_, n in groups), [tally(key, label, per_dimension[key], multiple, limit)
                                        for key, label, multiple in DIMENSIONS]


@safe_layout
def layout(programme=None, **_query):
    with read_session() as session:
        visible = visible_programme_codes(session)
        with_cases = list(session.scalars(
            select(Programme.code).join(Case, Case.programme_id == Programme.id).where(Programme.code.in_(visible))
            .group_by(Programme.code).having(func.count(Case.id) > 0).order_by(Programme.code)))
        code = (first(programme) or ("PVR" if "PVR" in with_cases else (with_cases[0] if with_cases else ""))).upper()
        prog = _programme(session, code)
        if code and (prog is None or prog.code not in visible):
            return not_found(f"There is no programme with the code “{code}”.")
        limit = threshold()
        total, breakdowns = profile(session, prog.id, limit) if prog else (0, [])
        session_values = places.victims_by_district(session, prog.code) if prog else ({}, 0)
    switcher = html.Div([
        dbc.Button(c, href=f"/victims?programme={c}", color="primary", outline=c != code, size="sm", className="me-1")
        for c in with_cases
    ]) if len(with_cases) > 1 else None
    if not prog or not total:
        body = dbc.Alert("No victim has been recorded yet.", color="info")
    else:
        body = html.Div([
            dbc.Row([
                dbc.Col(html.Div([html.Div("Victims identified", className="tile-label"),
                                  html.Div(shown(total, limit), className="tile-value", id="victims-total"),
                                  html.Div("possible and actual victims, to date", className="tile-detail")],
                                 className="tile h-100"), xs=12, sm=6, lg=3),
                dbc.Col(html.P(
                    "Shares are of the victims whose value is known: unknown values are left out of the base. "
                    + (f"Counts under {limit} are shown as “<{limit}” and their shares withheld (a count marked * "
                       "is withheld so that a small one cannot be worked out). " if limit > 1 else
                       "Counts are exact: small counts are withheld from donor accounts. ")
                    + "No case is shown on its own.",
                    className="small text-muted mb-0"), className="d-flex align-items-center"),
            ], className="g-3 mb-4"),
            victims_map_card(session_values, limit),
            dbc.Row([dbc.Col(_breakdown_card(b), lg=6, className="mb-4") for b in breakdowns]),
        ])
    return html.Div([
        page_header("Victims profile", f"{prog.code if prog else ''} · aggregates only, never individual cases",
                    actions=switcher),
        body,
    ])


def _programme(session, code):
    return programme(session, code) if code else None


def _breakdown_card(b: Breakdown) -> dbc.Card:
    table = html.Table([
        html.Thead(html.Tr([html.Th(b.label), html.Th("Victims", className="num"),
                            html.Th("Share of known", className="num")])),
        html.Tbody([html.Tr([html.Td(r.category), html.Td(r.shown_count, className="num"),
                             html.Td("–" if r.share is None else f"{r.share:.1f}%", className="num")])
                    for r in b.rows]),
    ], className="table table-sm mb-2")
    note = f"Known for {b.shown_known} victims; unknown for {b.shown_unknown}."
    if b.multiple:
        note += " A victim may suffer several types of exploitation, so shares add up to more than 100%."
    return dbc.Card([
        dbc.CardHeader(html.H2(b.label, className="h6 mb-0")),
        dbc.CardBody([
            graph(f"victims-chart-{b.dimension}", share_chart([r.category for r in b.rows], [r.share for r in b.rows]),
                  small=True)
            if any(r.share is not None for r in b.rows) else None,
            html.Div(table, className="table-responsive"),
            html.P(note, className="small text-muted mb-0"),
        ]),
    ], className="shadow-sm h-100", id=f"victims-{b.dimension}")
