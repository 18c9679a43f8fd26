"""The victims profile (aggregates only): counts and shares by nationality, sex, age group, exploitation type and
destination over the victims whose value is known (as DOMAIN §7's research figures are computed), with small
counts withheld as ``indicators.protection.disclosure`` plans when a plan is given. No case code or row ever leaves here:
only counts. The Victims profile page lays these out. The counts are stored per programme and refreshed by
every write of its cases (``indicators.figures.aggregates`` calls ``refresh_stored``), so the page reads them.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from indicators.figures import cached
from indicators.i18n import N_
from indicators.store.models import Case, Indicator, Programme

VICTIM_STATUSES = ("Possible victim", "Actual victim")
UNKNOWN = {None, "", "Unknown", "unknown"}
STORED = "victims"  # the name of their counts in the store
DIMENSIONS = (  # labels in English (the report's too); the Victims profile shows them in the reader's language
    ("nationality", N_("Nationality"), False),
    ("sex", N_("Sex"), False),
    ("age_group", N_("Age group"), False),
    (
        "exploitation",
        N_("Exploitation type"),
        True,
    ),  # several per victim: shares may add up to more than 100%
    ("destination", N_("Destination region"), False),
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


def category_counts(victims: Counter, multiple: bool = False) -> tuple[Counter, int, int]:
    """How many victims have each value of one dimension, and how many have a known value and none, from
    how many victims have each value (for a multiple dimension, each combination as a tuple), as a GROUP BY
    returns them."""
    counts: Counter = Counter()
    known = everyone = 0
    for value, n in victims.items():
        everyone += n
        items = (
            {v for v in (value or ()) if v not in UNKNOWN}
            if multiple
            else (set() if value in UNKNOWN else {value})
        )
        if items:
            known += n
            for item in items:
                counts[item] += n
    return counts, known, everyone - known


def breakdown(dimension: str, label: str, values: list, multiple: bool = False, plan=None) -> Breakdown:
    """Counts over the known values of one dimension, as ``plan`` (``indicators.protection.disclosure``) lets them be
    shown (exact without one)."""
    return tally(dimension, label, Counter(tuple(v or ()) if multiple else v for v in values), multiple, plan)


def tally(dimension: str, label: str, victims: Counter, multiple: bool = False, plan=None) -> Breakdown:
    """``breakdown`` from how many victims have each value; a share is of the known values, and is withheld
    with its count or with the number known."""
    counts, known, unknown = category_counts(victims, multiple)
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    cell = (lambda key: plan.cell(("profile", dimension, key))) if plan is not None else None
    base = cell("known") if cell else None
    rows = []
    for category, n in ordered:
        shown = cell(category) if cell else None
        hidden = (shown is not None and shown.withheld) or (base is not None and base.withheld) or not known
        rows.append(
            Share(
                category, n, shown.text if shown else f"{n:,}", None if hidden else round(100 * n / known, 1)
            )
        )
    return Breakdown(
        dimension,
        label,
        known,
        unknown,
        rows,
        multiple,
        base.text if base else f"{known:,}",
        cell("unknown").text if cell else f"{unknown:,}",
    )


def per_dimension(groups: list) -> dict[str, Counter]:
    """From ``victim_counts``' groups, how many victims have each value of each dimension."""
    out: dict[str, Counter] = {key: Counter() for key, _, _ in DIMENSIONS}
    for *values, _location, n in groups:
        values[3] = tuple(values[3])
        for (key, _, _), value in zip(DIMENSIONS, values):
            out[key][value] += n
    return out


def profile(session, programme_id: int, plan=None) -> tuple[int, list[Breakdown]]:
    """Victims (possible or actual) of one programme, and one breakdown per dimension, from the victims'
    counts per combination of values (``victim_counts``); as ``plan`` lets them be shown, exact without one."""
    groups = victim_counts(session, programme_id)["groups"]
    total = sum(row[-1] for row in groups)
    dimensions = per_dimension(groups)
    return total, [tally(key, label, dimensions[key], multiple, plan) for key, label, multiple in DIMENSIONS]


def by_location(session: Session, programme_id: int) -> Counter:
    """Victims (possible or actual) of one programme by the place where they were identified, as written."""
    places: Counter = Counter()
    for *_values, location, n in victim_counts(session, programme_id)["groups"]:
        places[location] += n
    return places


def victim_counts(session: Session, programme_id: int) -> dict:
    """``count_victims`` as the last write of the programme's cases left it in the store (``refresh_stored``);
    counted now for a programme never stored (a store from before they were kept)."""
    stored = cached.load(session, programme_id, STORED)
    return count_victims(session, programme_id) if stored is None else stored


def count_victims(session: Session, programme_id: int) -> dict:
    """A programme's cases, and its victims (possible or actual) per combination of nationality, sex, age group,
    exploitation types (a list), destination and place identified, counted in SQL now: one GROUP BY (a few
    hundred combinations), the exploitation types by their stored JSON list.
    ``{"cases": 812, "groups": [[nationality, sex, age group, [types], destination, place, victims], ...]}``"""
    # the JSON list grouped as its text: PostgreSQL's json type has no equality to group by
    columns = (
        Case.nationality,
        Case.sex,
        Case.age_group,
        cast(Case.exploitation_types, Text),
        Case.destination_region,
        Case.location,
    )
    groups = session.execute(
        select(*columns, func.count())
        # the programme holds most cases: a scan beats a lookup per row through the programme index
        .where(Case.programme_id + 0 == programme_id, Case.status.in_(VICTIM_STATUSES))
        .group_by(*columns)
    ).all()
    cases = session.scalar(select(func.count()).select_from(Case).where(Case.programme_id == programme_id))
    return {
        "cases": cases,
        "groups": [
            [nationality, sex, age, list(json.loads(types) or ()) if types else [], destination, place, n]
            for nationality, sex, age, types, destination, place, n in groups
        ],
    }


def refresh_stored(session: Session, programme_id: int, kind: str) -> None:
    """Store the programme's victim counts anew after a write of its cases (in the writing transaction)."""
    if kind == "cases":
        cached.save(session, programme_id, STORED, count_victims(session, programme_id))


def programmes_with_cases(session: Session, codes: list[str]) -> list[str]:
    """Which of these programmes have recorded cases, by code."""
    found = session.execute(
        select(Programme.id, Programme.code).where(Programme.code.in_(codes)).order_by(Programme.code)
    ).all()
    return [code for programme_id, code in found if victim_counts(session, programme_id)["cases"]]


def default_programme(session: Session, with_cases: list[str]) -> str:
    """The programme the profile opens on when the link names none: the one its file says
    (``victims_default``), else the first with cases; "" when none has any."""
    chosen = session.scalar(
        select(Programme.code)
        .where(Programme.code.in_(with_cases), Programme.victims_default)
        .order_by(Programme.code)
    )
    return chosen or (with_cases[0] if with_cases else "")


def counts_victims(session: Session, codes: list[str]) -> bool:
    """Whether one of these programmes has an indicator read from case sheets."""
    found = session.scalar(
        select(func.count(Indicator.id))
        .join(Programme)
        .where(Programme.code.in_(codes), Indicator.source_kind == "cases")
    )
    return bool(found)
