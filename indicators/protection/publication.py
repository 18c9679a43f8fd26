"""Everything a donor or the public can be given about one programme's victims, as linked tables.

The disclosure rule (``indicators.protection.disclosure``) is judged over all of it at once, because an attacker holds
every file and answer of a channel: each report quarter's CSV, API answer and screen, and the IATI file
with every quarter, year and life of project. So the tables hold, for every indicator counted from case
sheets and every quarter of the programme as a report quarter:

- the quarter's own figure, the fiscal year to date through it and the life of project to date through it,
  for the total and for every category of every disaggregation (``("indicator", code, span, quarter,
  disaggregation, category)``, the total with empty disaggregation and category);

and, for the Victims profile, the victims to date (``("profile", "total", "")``), per dimension the known
and unknown (``("profile", dimension, "known")``) and every category, and per district where they were
identified (``("district", name)``, ``("district", "")`` for places that cannot be read).

Variables are the counts per quarter and category, which nothing publishes on its own but from which every
published figure is a sum. The relations an attacker knows: the categories of a disaggregation add up to
the quarter's total (by construction of the sums); the profile's victims are those of the indicator whose
population is the same (possible and actual victims), so its totals and categories are that indicator's
life-of-project sums; the profile's other dimensions and the districts add up to its total; victims have at
least one exploitation type each when it is known; an indicator whose filter adds a condition to another's
(referred victims among victims) counts at most as many, category by category, over the life of project.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from indicators.figures import places, victims
from indicators.figures.figures import (
    IndicatorFigures,
    figures_by_quarter,
    load_programme,
    programme_quarters,
)
from indicators.figures.measures import UNKNOWN
from indicators.protection.suppression import Tables
from indicators.store import kinds

SPANS = ("quarter", "year", "lop")
TOTAL_WEIGHT = 10.0  # an indicator's own figure is what a donor reads first: withhold categories before it
TOTAL = ("", "")
# What names a published figure: ("indicator", code, span, period, disaggregation, category),
# ("profile", dimension, category) or ("district", name).
Key = tuple[str, ...]


@dataclass
class Universe:
    """The tables (``indicators.protection.suppression``) and which published figure each key names."""

    tables: Tables = field(default_factory=Tables)
    keys: dict[Key, int] = field(default_factory=dict)  # key -> cell
    _cells: dict[tuple[int, ...], int] = field(default_factory=dict)  # variables -> cell (one cell per sum)

    def publish(self, key: Key, variables: Iterable[int], weight: float = 1.0) -> None:
        """Publish the sum of ``variables`` under ``key``; ``weight``: how much its loss costs the reader."""
        variables = tuple(sorted(set(variables)))
        if variables not in self._cells:
            self._cells[variables] = self.tables.cell(variables, weight)
        cell = self._cells[variables]
        self.tables.weights[cell] = max(self.tables.weights[cell], weight)
        self.keys[key] = cell

    def value(self, key: Key) -> int:
        return self.tables.value(self.keys[key])


def case_indicators(programme) -> list:
    """The indicators of a programme counted from a sensitive sheet kind (cases): people, one row each."""
    return [
        i for i in programme.indicators if kinds.known(i.source_kind) and kinds.kind(i.source_kind).sensitive
    ]


def universe(session: Session, programme_code: str, every_period: bool = False) -> Universe:
    """The linked tables of everything published about a programme's victims (see the module); categories
    for the life of project only, unless ``every_period``."""
    programme = load_programme(session, programme_code)
    out = Universe()
    counted = case_indicators(programme)
    quarters = programme_quarters(programme)
    by_indicator: dict[str, dict] = {}
    if counted:
        by_quarter = figures_by_quarter(session, programme.code, quarters[-1])
        for indicator in counted:
            series = [
                next(f for f in by_quarter[q.code].indicators if f.indicator.code == indicator.code)
                for q in quarters
            ]
            by_indicator[indicator.code] = _indicator_tables(
                out, indicator.code, quarters, series, every_period
            )
        _subsets(out, counted, by_indicator)
    _profile(out, session, programme, counted, by_indicator)
    return out


def _indicator_tables(
    out: Universe, code: str, quarters, series: list[IndicatorFigures], every_period: bool
) -> dict:
    """Variables per quarter for the total and each category, their relations, and the published sums: the
    totals of every span; the categories of every span with ``every_period``, else only the life of project
    to date from the last quarter with a figure on (the same sum each time: nothing to subtract)."""
    t = out.tables
    categories: dict[str, list[str]] = {}
    for figures in series:
        for cat in figures.disaggregations:
            names = categories.setdefault(cat.disaggregation, [])
            if cat.category not in names:
                names.append(cat.category)
    variables: dict[tuple[str, str], list[int]] = {TOTAL: []}
    for figures in series:
        total = t.variable(figures.quarter.actual or 0)
        variables[TOTAL].append(total)
        found = {(c.disaggregation, c.category): c.quarter.actual or 0 for c in figures.disaggregations}
        for disaggregation, names in categories.items():
            parts = []
            for name in names:
                parts.append(t.variable(found.get((disaggregation, name), 0)))
                variables.setdefault((disaggregation, name), []).append(parts[-1])
            t.add_up(parts, [total])
    latest = max((i for i, figures in enumerate(series) if figures.quarter.actual), default=len(quarters) - 1)
    for index, quarter in enumerate(quarters):
        in_year = [i for i in range(index + 1) if quarters[i].fiscal_year == quarter.fiscal_year]
        spans = {"quarter": [index], "year": in_year, "lop": list(range(index + 1))}
        for (disaggregation, category), per_quarter in variables.items():
            for span, chosen in spans.items():
                key = ("indicator", code, span, quarter.code, disaggregation, category)
                if disaggregation == "":
                    out.publish(key, [per_quarter[i] for i in chosen], TOTAL_WEIGHT)
                elif every_period or span == "lop" and index >= latest:
                    out.publish(key, [per_quarter[i] for i in chosen])
    return {"variables": variables, "categories": categories}


def _subsets(out: Universe, counted: list, by_indicator: dict) -> None:
    """An indicator whose filter holds every condition of another's and more counts a part of the other's
    people: over the life of project, at most as many in total and in each category they share."""
    for smaller in counted:
        for larger in counted:
            if smaller is larger or smaller.source_kind != larger.source_kind:
                continue
            small_filter, large_filter = dict(smaller.source_filter or {}), dict(larger.source_filter or {})
            if len(small_filter) <= len(large_filter) or any(
                small_filter.get(k) != v for k, v in large_filter.items()
            ):
                continue
            small, large = by_indicator[smaller.code]["variables"], by_indicator[larger.code]["variables"]
            for key, variables in small.items():
                if key in large:
                    out.tables.at_most(variables, large[key])


def _population_of_victims(counted: list) -> str | None:
    """The indicator counting exactly the profile's people (possible and actual victims, no other
    condition): its life-of-project figures are the profile's."""
    for indicator in counted:
        condition = dict(indicator.source_filter or {})
        statuses = condition.get("status")
        if (
            set(condition) == {"status"}
            and isinstance(statuses, list)
            and set(statuses) == set(victims.VICTIM_STATUSES)
            and (indicator.measure or {}).get("type") == "count"
        ):
            return indicator.code
    return None


def _profile(out: Universe, session: Session, programme, counted: list, by_indicator: dict) -> None:
    """The Victims profile's total, breakdowns and districts, linked to the indicator counting the same
    people where there is one."""
    t = out.tables
    groups = victims.victim_counts(session, programme.id)["groups"]
    total = sum(n for *_rest, n in groups)
    if not total:
        return
    linked = _population_of_victims(counted)
    lop = by_indicator[linked]["variables"] if linked else None
    if lop is not None and sum(t.values[v] for v in lop[TOTAL]) == total:
        everyone = list(lop[TOTAL])
    else:
        lop, everyone = None, [t.variable(total)]
    out.publish(("profile", "total", ""), everyone, TOTAL_WEIGHT)
    dimensions = victims.per_dimension(groups)
    for dimension, _label, multiple in victims.DIMENSIONS:
        counts, known, unknown = victims.category_counts(dimensions[dimension], multiple)
        if multiple:
            _several(out, dimension, counts, known, unknown, everyone)
        else:
            _one_each(out, dimension, counts, unknown, everyone, lop)
    found, unknown = places.victims_by_district(session, programme.code)
    districts = {name: place.value for name, place in found.items()}
    parts = []
    for name, value in sorted(districts.items()) + [("", unknown)]:
        parts.append(t.variable(value))
        out.publish(("district", name), [parts[-1]])
    t.add_up(parts, everyone)


def _one_each(
    out: Universe, dimension: str, counts: Counter, unknown: int, everyone: list[int], lop: dict | None
) -> None:
    """A breakdown where each victim has one value (or none known): its categories and unknown add up to the
    victims, and are the linked indicator's categories when they agree with them."""
    t = out.tables
    named = dict(counts)
    mine = {k[1]: v for k, v in (lop or {}).items() if k[0] == dimension}

    def count(category: str) -> int:
        return sum(t.values[v] for v in mine.get(category, []))

    agree = (
        bool(mine)
        and count(UNKNOWN) == unknown
        and all(count(c) == named.get(c, 0) for c in (set(mine) | set(named)) - {UNKNOWN})
    )
    if agree:
        cells = {c: mine[c] for c in named}
        known_vars = [v for c, vs in mine.items() if c != UNKNOWN for v in vs]
        unknown_vars = mine.get(UNKNOWN, [])
    else:
        cells = {c: [t.variable(n)] for c, n in named.items()}
        unknown_vars = [t.variable(unknown)]
        known_vars = [v for vs in cells.values() for v in vs]
        t.add_up(known_vars + unknown_vars, everyone)
    for category, variables in cells.items():
        out.publish(("profile", dimension, category), variables)
    out.publish(("profile", dimension, "known"), known_vars)
    out.publish(("profile", dimension, "unknown"), unknown_vars)


def _several(
    out: Universe, dimension: str, counts: Counter, known_count: int, unknown_count: int, everyone: list[int]
) -> None:
    """A breakdown where a victim may have several values (exploitation types): each type counts at most the
    victims whose types are known, and together at least as many; known and unknown add up to the victims."""
    t = out.tables
    known = t.variable(known_count)
    unknown = t.variable(unknown_count)
    t.add_up([known, unknown], everyone)
    items = []
    for category, n in counts.items():
        items.append(t.variable(n))
        t.at_most([items[-1]], [known])
        out.publish(("profile", dimension, category), [items[-1]])
    if items:
        t.at_most([known], items)
    out.publish(("profile", dimension, "known"), [known])
    out.publish(("profile", dimension, "unknown"), [unknown])
