"""Victim figures for anyone outside the programme team: one policy for every outward channel (DOMAIN §4).

Who gets what:
- programme staff: exact figures everywhere;
- the donor's quarterly workbook (IPTT, SF-PPR-B), whoever downloads it: exact figures, as the award requires
  (its cover says it holds confidential small counts);
- everything else a donor account receives (screens: tiles, tables, charts, map hovers and shares; the JSON
  API for its tokens; the CSV and every other download) and the public IATI file: the figures of indicators
  counted from case sheets, and the Victims profile, pass through this module and no other way.

The policy for those channels, judged over everything they can publish about a programme at once
(``indicators.protection.publication``: every report quarter's figures, the IATI file's quarters, years and life of
project, the Victims profile and its map):

1. an indicator counted from case sheets is published as its total for every quarter, year to date and life of
   project to date;
2. its disaggregations (sex, age group, nationality) for the life of project to date only, as they stand now
   (from the last quarter with a figure on, when they are the Victims profile's own numbers): a category of one
   quarter or one year is not published ("n/p"), so no two published figures differ by a small count;
3. the Victims profile: victims to date, each dimension's categories, known and unknown, and each district
   where victims were identified (never a camp inside one);
4. over all of it, ``indicators.protection.suppression`` withholds every count from 1 to threshold − 1 ("<5") and as
   many others ("*") as its auditor needs until no withheld count can be narrowed down by someone holding
   everything above: a "<5" stays anywhere from 1 to threshold − 1, a "*" uncertain by at least the threshold.
   Zeros are shown; a percentage or status of a withheld figure is withheld with it.

``plan`` makes the decision for a programme and the threshold (``CTMONITOR_SMALL_CELL``; 0 or 1: nothing
withheld) and audits it before anything uses it; ``Plan.figures`` and ``Plan.series`` apply it to the figures a
screen or a report is built from, ``Plan.cell`` to the profile and the map, and ``Plan.check`` refuses any
figure that would leave other than as planned.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from indicators.figures.figures import IndicatorFigures, ProgrammeFigures
from indicators.protection import publication, suppression
from indicators.protection.publication import Key
from indicators.report import COMPLEMENTARY, NOT_PUBLISHED, Figure

DEFAULT_THRESHOLD = 5
NOTE_COMPLEMENTARY = "withheld so that a small count cannot be worked out"
NOTE_NOT_PUBLISHED = "not published for a single quarter or year: see the life of project to date"


class DisclosureError(RuntimeError):
    """A figure was about to leave other than as the plan says: nothing is sent."""


@dataclass(frozen=True)
class Shown:
    """A count as it may be shown: ``value`` is the count, or None when withheld or not published."""

    value: float | None
    text: str  # "12", "<5", "*", "n/p", or "–" for no figure at all
    withheld: bool = False
    complementary: bool = False  # withheld only so that another cannot be worked out

    @property
    def published(self) -> bool:
        return self.text != NOT_PUBLISHED


def small_label(threshold: int) -> str:
    return f"<{threshold}"


def exact(value: float | None) -> Shown:
    """A count shown as it is (staff, the donor's workbook)."""
    return Shown(None, "–") if value is None else Shown(value, _number(value))


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


@dataclass(frozen=True)
class Plan:
    """What a donor or the public may see of one programme's victims (see the module)."""

    programme: str
    threshold: int
    labels: Mapping[Key, str]  # withheld key -> "<5" or "*"
    values: Mapping[Key, int]  # every published key -> its exact count
    indicators: frozenset[str]  # the indicators counted from case sheets

    def cell(self, key: Key) -> Shown:
        """How the figure ``key`` (``indicators.protection.publication``'s keys) may be shown."""
        if key not in self.values:
            return Shown(None, NOT_PUBLISHED, withheld=True)
        label = self.labels.get(key)
        if label is None:
            return Shown(self.values[key], _number(self.values[key]))
        return Shown(None, label, withheld=True, complementary=label == COMPLEMENTARY)

    def covers(self, indicator_code: str) -> bool:
        return indicator_code in self.indicators

    # --- the figures a screen or a report is built from ---------------------------------------------

    def figures(self, pf: ProgrammeFigures) -> ProgrammeFigures:
        """The programme's figures for one report quarter with every case-based figure as planned."""
        lines = [
            self._indicator(pf.period.code, line) if self.covers(line.indicator.code) else line
            for line in pf.indicators
        ]
        return replace(pf, indicators=lines)

    def _indicator(self, quarter: str, line: IndicatorFigures) -> IndicatorFigures:
        code = line.indicator.code

        def key(span: str, period: str = quarter, disaggregation: str = "", category: str = "") -> Key:
            return ("indicator", code, span, period, disaggregation, category)

        quarters, marks = {}, {}
        for period, actual in line.year_quarters.items():
            shown = self.cell(key("quarter", period)) if actual is not None else None
            self.check(key("quarter", period), actual if shown is None or not shown.withheld else None)
            quarters[period] = None if shown is not None and shown.withheld else actual
            if shown is not None and shown.withheld:
                marks[period] = shown.text
        categories = [
            replace(
                cat,
                quarter=self._figure(cat.quarter, key("quarter", quarter, cat.disaggregation, cat.category)),
                year_to_date=self._figure(
                    cat.year_to_date, key("year", quarter, cat.disaggregation, cat.category)
                ),
                lop_to_date=self._figure(
                    cat.lop_to_date, key("lop", quarter, cat.disaggregation, cat.category)
                ),
            )
            for cat in line.disaggregations
        ]
        return replace(
            line,
            quarter=self._figure(line.quarter, key("quarter")),
            year_to_date=self._figure(line.year_to_date, key("year")),
            lop_to_date=self._figure(line.lop_to_date, key("lop")),
            year_quarters=quarters,
            withheld_quarters=marks,
            disaggregations=categories,
        )

    def _figure(self, figure: Figure, key: Key) -> Figure:
        shown = self.cell(key)
        if not shown.withheld:
            self.check(key, figure.actual)
            return figure
        return withhold(figure, shown.text)

    def series(self, code: str, points: Iterable) -> list:
        """An indicator's points per quarter (``indicators.figures.queries.SeriesPoint``) with every withheld actual,
        year to date and life of project to date left out (None), and the label in ``withheld``."""
        if not self.covers(code):
            return list(points)
        out = []
        for point in points:
            marks: dict[str, str] = {}
            changes: dict[str, float | None] = {}
            for field, span, parts in (
                ("actual", "quarter", ("numerator", "denominator")),
                ("year_to_date", "year", ()),
                ("lop_to_date", "lop", ("lop_numerator", "lop_denominator")),
            ):
                shown = self.cell(("indicator", code, span, point.quarter, "", ""))
                if shown.withheld:
                    marks[field] = shown.text
                    changes[field] = None
                    changes.update({p: None for p in parts})
                else:
                    self.check(("indicator", code, span, point.quarter, "", ""), getattr(point, field))
            out.append(replace(point, withheld=marks, **changes))
        return out

    # --- the last word before anything leaves ---------------------------------------------------------

    def check(self, key: Key, value: float | None) -> None:
        """Refuse a figure that would leave other than as planned: a withheld or unpublished one with a value,
        or a shown one whose value is not the count the plan was audited with."""
        shown = self.cell(key)
        if value is None:
            return
        if shown.withheld or shown.value is None or abs(float(value) - shown.value) > 1e-9:
            raise DisclosureError(
                f"{self.programme}: {key} would be published as {value}, planned {shown.text}"
            )


def withhold(figure: Figure, label: str) -> Figure:
    """A figure whose actual is withheld: its targets stay (they are public), and so nothing derived from the
    actual (percentages, status, the sums of a ratio) is left."""
    return Figure(
        actual=None,
        target=figure.target,
        percent_of_target=None,
        status=None,
        numerator=None,
        denominator=None,
        target_to_date=figure.target_to_date,
        percent_of_target_to_date=None,
        withheld=label,
    )


def plan(session: Session, programme_code: str, threshold: int) -> Plan | None:
    """The audited plan for a programme and threshold; None when nothing is withheld (a threshold of 0 or 1)
    or the programme publishes nothing about victims. ``DisclosureError`` if the auditor finds a withheld
    count that can be narrowed down (then nothing is sent)."""
    if threshold <= 1:
        return None
    world = publication.universe(session, programme_code)
    if not world.keys:
        return None
    cells = suppression.protect(world.tables, threshold)
    found = suppression.failures(world.tables, cells, threshold)
    if found:
        raise DisclosureError(f"{programme_code}: {len(found)} withheld counts could be narrowed down")
    small = small_label(threshold)
    labels = {
        key: (small if cells[cell] == suppression.PRIMARY else COMPLEMENTARY)
        for key, cell in world.keys.items()
        if cell in cells
    }
    values = {key: world.tables.value(cell) for key, cell in world.keys.items()}
    codes = frozenset(key[1] for key in world.keys if key[0] == "indicator")
    return Plan(programme_code, threshold, labels, values, codes)


def for_audience(session: Session, programme_code: str, protected: bool, threshold: int) -> Plan | None:
    """The plan a channel applies: None (exact figures) for staff and the donor's workbook."""
    return plan(session, programme_code, threshold) if protected else None
