"""An attacker of the published victim figures, written apart from the product's own auditor: it reads only what
a donor or the public receives (the IATI XML, the API's JSON rows, the Victims profile as drawn) and reasons
over it by linear programming with SciPy's HiGHS (the product uses its own model through ``highspy``).

What it knows besides the figures: the programme's quarters; that each figure of a year or the life of project
to date is the sum of its quarters; that the categories of a disaggregation add up to the quarter's total; that
the Victims profile counts the people of the indicator whose population it states (possible and actual victims),
so its categories are that indicator's over the life of project; that each profile dimension and the districts
add up to the victims. For every withheld figure it computes the least and greatest value it can prove, and
reports the ones narrower than the label allows: a "<5" pinned inside 1–4, a "*" known within less than the
threshold (unless it may still be any count from 1 to 4, which is no more than a "<5" says).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from scipy.optimize import linprog

TOTAL = ("", "")


@dataclass(frozen=True)
class Fact:
    """One published figure: an indicator's (or ``profile``'s) total or category over a run of quarters (by
    index; ``None`` for the profile's own dimensions), and its value or the label shown instead."""

    indicator: str
    quarters: tuple[int, ...] | None
    dimension: tuple[str, str]  # ("", "") for the total
    value: float | None
    label: str | None = None


@dataclass(frozen=True)
class Pinned:
    fact: Fact
    low: float
    high: float


@dataclass
class Attacker:
    quarters: list[tuple[date, date]]  # the programme's quarters, first to last
    threshold: int = 5
    facts: list[Fact] = field(default_factory=list)
    # the indicator whose people the Victims profile counts ("PVR-3.1")
    profile_of: str | None = None

    # --- reading what was published ----------------------------------------------------------------

    def quarters_in(self, start: date, end: date) -> tuple[int, ...]:
        """The quarters a published period adds up: those ending inside it (a period is clipped to the
        programme, whose first quarter may begin before it does)."""
        return tuple(i for i, (_first, last) in enumerate(self.quarters) if start <= last <= end)

    def read_iati(self, xml: bytes, indicators: Iterable[str]) -> None:
        """Every actual of the named indicators in an IATI file: quarters, years and LOP to date."""
        wanted = set(indicators)
        root = ET.fromstring(xml)
        for indicator in root.iter("indicator"):
            code = indicator.find("title/narrative").text.split()[0]
            if code not in wanted:
                continue
            for period in indicator.iter("period"):
                start = date.fromisoformat(period.find("period-start").get("iso-date"))
                end = date.fromisoformat(period.find("period-end").get("iso-date"))
                for actual in period.findall("actual"):
                    comment = " ".join(n.text or "" for n in actual.findall("comment/narrative"))
                    through = re.search(r"ending (\d+ \w+ \d{4})", comment)
                    last = _words_to_date(through.group(1)) if through else end
                    dimension = actual.find("dimension")
                    key = (dimension.get("name"), dimension.get("value")) if dimension is not None else TOTAL
                    value = actual.get("value")
                    label = None
                    if value is None:
                        label = "<" if "fewer than" in comment else ("*" if "Withheld" in comment else None)
                        if label is None:
                            continue  # a ratio of nothing: no figure at all
                    self.facts.append(
                        Fact(
                            code,
                            self.quarters_in(start, last),
                            key,
                            float(value) if value is not None else None,
                            label,
                        )
                    )

    def read_api(self, answer: bytes | str | dict, quarter: int, indicators: Iterable[str]) -> None:
        """The figures of one report quarter as the JSON API gives them (the quarter, the year to date, LOP to
        date)."""
        body = json.loads(answer) if isinstance(answer, (bytes, str)) else answer
        wanted = set(indicators)
        year_start = self._year_start(quarter)
        for row in body["figures"]:
            if row["indicator"] not in wanted:
                continue
            period = row["period"]
            run = (
                (quarter,)
                if re.fullmatch(r"(FY)?\d{4}Q\d", period)
                else (tuple(range(year_start, quarter + 1)) if period != "LOP" else tuple(range(quarter + 1)))
            )
            label = row.get("withheld")
            self.facts.append(
                Fact(
                    row["indicator"],
                    run,
                    (row["disaggregation"], row["category"]),
                    row["actual"] if label is None else None,
                    ("<" if label.startswith("<") else "*") if label else None,
                )
            )

    def read_profile(self, total: str, breakdowns: Iterable, districts: dict[str, str]) -> None:
        """The Victims profile as drawn: the total tile, each breakdown's rows, known and unknown, and the map's
        district readings (text as shown: "12", "<5", "*")."""
        self.facts.append(_shown("profile", None, TOTAL, total))
        for b in breakdowns:
            for row in b.rows:
                self.facts.append(_shown("profile", None, (b.dimension, row.category), row.shown_count))
            self.facts.append(_shown("profile", None, (b.dimension, "\0known"), b.shown_known))
            self.facts.append(_shown("profile", None, (b.dimension, "\0unknown"), b.shown_unknown))
        for district, text in districts.items():
            self.facts.append(_shown("profile", None, ("\0district", district), text))

    def _year_start(self, quarter: int) -> int:
        """The first quarter of the US fiscal year (1 October) of quarter ``quarter``."""
        first, _ = self.quarters[quarter]
        year_begins = date(first.year if first.month >= 10 else first.year - 1, 10, 1)
        return min(i for i, (start, _) in enumerate(self.quarters) if start >= year_begins or i == quarter)

    # --- reasoning -------------------------------------------------------------------------------------

    def pinned(self) -> list[Pinned]:
        """Every withheld figure the attacker can narrow down more than its label allows."""
        model = _Model(self)
        found = []
        for fact in {f for f in self.facts if f.label}:
            low, high = model.interval(fact)
            any_small = low <= 1 + 1e-6 and high >= self.threshold - 1 - 1e-6
            if fact.label == "<":
                narrow = not any_small
            else:  # a "*" must stay uncertain by the threshold, or be any small count (no more than a "<5")
                narrow = not any_small and high - low < self.threshold - 1e-6
            if narrow:
                found.append(Pinned(fact, low, high))
        return found


class _Model:
    """Variables: per indicator, quarter and category (and the total); the profile's dimensions that no
    indicator gives, and the districts, over the life of project."""

    def __init__(self, attacker: Attacker):
        self.attacker = attacker
        self.index: dict[tuple, int] = {}
        categories: dict[str, set] = {}
        for fact in attacker.facts:
            if fact.indicator != "profile":
                categories.setdefault(fact.indicator, set()).add(fact.dimension)
        self.categories = categories
        n_quarters = len(attacker.quarters)
        equal: list[tuple[dict[int, float], float]] = []
        upper: list[tuple[dict[int, float], float]] = []
        for code, keys in categories.items():
            keys.add(TOTAL)
            by_dimension: dict[str, list] = {}
            for key in keys:
                if key != TOTAL:
                    by_dimension.setdefault(key[0], []).append(key)
            for q in range(n_quarters):
                total = self._var((code, q, TOTAL))
                for members in by_dimension.values():
                    terms = {self._var((code, q, key)): 1.0 for key in members}
                    terms[total] = terms.get(total, 0.0) - 1.0
                    equal.append((terms, 0.0))
        self.equal, self.upper = equal, upper
        self._profile_relations()
        self.rows_equal, self.rows_upper = list(self.equal), list(self.upper)
        for fact in attacker.facts:
            terms = self.terms(fact)
            if fact.label is None:
                self.rows_equal.append((terms, float(fact.value)))
            elif fact.label == "<":
                self.rows_upper.append(({v: -c for v, c in terms.items()}, -1.0))
                self.rows_upper.append((terms, attacker.threshold - 1.0))

    def _var(self, key: tuple) -> int:
        return self.index.setdefault(key, len(self.index))

    def _profile_relations(self) -> None:
        """The profile's dimensions add up to its victims; a dimension its indicator also gives is that
        indicator's categories over every quarter; several exploitation types per victim are allowed."""
        a = self.attacker
        profile = [f for f in a.facts if f.indicator == "profile"]
        if not profile:
            return
        everyone = self._profile_terms(TOTAL)
        dimensions: dict[str, list] = {}
        for fact in profile:
            if fact.dimension != TOTAL and not fact.dimension[1].startswith("\0"):
                dimensions.setdefault(fact.dimension[0], []).append(fact.dimension)
        for dimension, keys in dimensions.items():
            known = self._profile_terms((dimension, "\0known"))
            unknown = self._profile_terms((dimension, "\0unknown"))
            self.equal.append((_minus(_merge(known, unknown), everyone), 0.0))
            if dimension == "exploitation":  # several per victim: each at most the known, together at least
                items = [self._profile_terms(k) for k in keys]
                for item in items:
                    self.upper.append((_minus(item, known), 0.0))
                together: dict[int, float] = {}
                for item in items:
                    together = _merge(together, item)
                self.upper.append((_minus(known, together), 0.0))
            else:
                together = {}
                for key in keys:
                    together = _merge(together, self._profile_terms(key))
                self.equal.append((_minus(together, known), 0.0))
        districts = [f.dimension for f in profile if f.dimension[0] == "\0district"]
        if districts:
            together = {}
            for key in districts:
                together = _merge(together, self._profile_terms(key))
            self.equal.append((_minus(together, everyone), 0.0))

    def _profile_terms(self, key: tuple) -> dict[int, float]:
        """A profile figure: the linked indicator's categories over every quarter where it has them."""
        code = self.attacker.profile_of
        if code in self.categories and (key == TOTAL or key in self.categories[code]):
            return {self._var((code, q, key)): 1.0 for q in range(len(self.attacker.quarters))}
        return {self._var(("profile", key)): 1.0}

    def terms(self, fact: Fact) -> dict[int, float]:
        if fact.indicator == "profile":
            return self._profile_terms(fact.dimension)
        return {self._var((fact.indicator, q, fact.dimension)): 1.0 for q in fact.quarters}

    def interval(self, fact: Fact) -> tuple[float, float]:
        n = len(self.index)
        a_eq, b_eq = _matrix(self.rows_equal, n)
        a_ub, b_ub = _matrix(self.rows_upper, n)
        objective = np.zeros(n)
        for v, c in self.terms(fact).items():
            objective[v] = c
        ends = []
        for sign in (1.0, -1.0):
            result = linprog(
                sign * objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs"
            )
            if result.status == 3:
                ends.append(float("inf"))
                continue
            assert result.status == 0, result.message
            ends.append(sign * result.fun)
        return ends[0], ends[1]


def _shown(indicator: str, quarters, key: tuple, text: str) -> Fact:
    text = (text or "").strip()
    if text.startswith("<"):
        return Fact(indicator, quarters, key, None, "<")
    if text == "*":
        return Fact(indicator, quarters, key, None, "*")
    return Fact(indicator, quarters, key, float(text.replace(",", "")))


def _matrix(rows, n):
    if not rows:
        return None, None
    a = np.zeros((len(rows), n))
    b = np.zeros(len(rows))
    for r, (terms, bound) in enumerate(rows):
        for v, c in terms.items():
            a[r, v] += c
        b[r] = bound
    return a, b


def _merge(one: dict, other: dict) -> dict:
    out = dict(one)
    for v, c in other.items():
        out[v] = out.get(v, 0.0) + c
    return out


def _minus(one: dict, other: dict) -> dict:
    return _merge(one, {v: -c for v, c in other.items()})


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _words_to_date(text: str) -> date:
    day, month, year = text.split()
    return date(int(year), MONTHS.index(month) + 1, int(day))
