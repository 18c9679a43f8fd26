"""The victims profile (aggregates only): counts and shares by nationality, sex, age group, exploitation type and
destination over the victims whose value is known (as DOMAIN §7's research figures are computed), with small
counts withheld by ``indicators.disclosure`` when a threshold is given. No case code or row ever leaves here:
only counts. The Victims profile page lays these out.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session

from indicators import disclosure
from indicators.models import Case, Indicator, Programme

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
    rows = [Share(c, n, cells[c].text,
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


def programmes_with_cases(session: Session, codes: list[str]) -> list[str]:
    """Which of these programmes have recorded cases, by code."""
    return list(session.scalars(
        select(Programme.code).join(Case, Case.programme_id == Programme.id).where(Programme.code.in_(codes))
        .group_by(Programme.code).having(func.count(Case.id) > 0).order_by(Programme.code)))


def default_programme(session: Session, with_cases: list[str]) -> str:
    """The programme the profile opens on when the link names none: the one its file says
    (``victims_default``), else the first with cases; "" when none has any."""
    chosen = session.scalar(select(Programme.code).where(Programme.code.in_(with_cases), Programme.victims_default)
                            .order_by(Programme.code))
    return chosen or (with_cases[0] if with_cases else "")


def counts_victims(session: Session, codes: list[str]) -> bool:
    """Whether one of these programmes has an indicator read from case sheets."""
    return session.scalar(select(func.count(Indicator.id)).join(Programme)
                          .where(Programme.code.in_(codes), Indicator.source_kind == "cases")) > 0
