"""Where the work happened: an indicator's value per district, and victims per district of identification, for
the maps. Same sums as the figures (``indicators.figures.sums``), grouped by the sheet's district.

- An indicator is mapped when its measure says it can be (``Measure.mappable``: it adds up rows, as a count or
  a sum of trainings or awareness events do) and its sheet names a district; percentages, stages and direct
  entries are not mapped (a district has no share of them).
- A span is the report quarter, the year to date or the life of project to date, as in the figures.
- Victims (possible or actual) are placed where they were identified: a district, or a refugee camp, which
  counts in its district and is named in the district's detail. A place no one can read is left out of the
  map and counted as unknown.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indicators import vocabulary
from indicators.figures import tallies, victims
from indicators.figures.figures import load_programme, programme_quarters, report_quarter
from indicators.figures.measures import Measure, measure_type
from indicators.figures.sums import Source, compute_quarter_sums
from indicators.periods import Period
from indicators.store import kinds
from indicators.store.models import Case, Indicator

SPANS = {"quarter": "Report quarter", "year": "Year to date", "lop": "Life of project to date"}
_DISTRICTS = {d.casefold(): d for d in vocabulary.DISTRICTS}
_CAMPS = {c.casefold(): c for c in vocabulary.CAMPS}


@dataclass(frozen=True)
class Place:
    """What one district shows on a map: its value, and the camps or places counted in it."""

    district: str
    value: float
    detail: tuple[tuple[str, float], ...] = ()  # (camp, count) counted in the district


def mappable(indicator) -> bool:
    """Whether an indicator's value can be split by district (an ``Indicator`` row or ``IndicatorInfo``): its
    measure says so, its sheet names a district, and it is not a percentage."""
    kind = getattr(indicator, "source_kind", None)
    measure = getattr(indicator, "measure", None)
    measured = type(measure) if isinstance(measure, Measure) else measure_type(measure)
    if not isinstance(kind, str) or not kinds.known(kind) or measured is None or not measured.mappable:
        return False
    return "district" in kinds.kind(kind).table.c and getattr(indicator, "unit", "") != "percent"


def span_quarters(programme, report: Period, span: str) -> list[Period]:
    """The quarters a span adds up: the report quarter, its year to date, or the life of project to date."""
    so_far = [q for q in programme_quarters(programme) if q <= report]
    if span == "quarter":
        return [report]
    if span == "year":
        return [q for q in so_far if q.fiscal_year == report.fiscal_year]
    return so_far


def by_district(
    session: Session, indicator_code: str, report: str | Period, span: str = "quarter"
) -> dict[str, Place]:
    """An activity indicator's value per district over a span (districts with nothing are left out)."""
    indicator = session.scalar(
        select(Indicator).where(Indicator.code == (indicator_code or "").strip().upper())
    )
    if indicator is None or not mappable(indicator):
        return {}
    programme = load_programme(session, indicator.programme.code)
    quarter = report_quarter(programme, report)
    source = replace(Source.of(indicator), disaggregations=("district",))
    codes = [q.code for q in span_quarters(programme, quarter, span)]
    found = tallies.by_district(session, source, codes)
    totals = computed_by_district(session, source, codes) if found is None else found
    return {d: Place(d, v) for d, v in totals.items() if v and d in vocabulary.DISTRICTS}


def computed_by_district(session: Session, source: Source, codes: list[str]) -> dict[str, float]:
    """An indicator's value per district over the quarters ``codes``, from its records (any measure)."""
    totals: defaultdict[str, float] = defaultdict(float)
    for (_quarter, disaggregation, district), sums in compute_quarter_sums(session, source, codes).items():
        if disaggregation == "district":
            totals[district] += sums.numerator
    return dict(totals)


def victims_by_district(
    session: Session, programme_code: str, report: str | Period | None = None, span: str = "lop"
) -> tuple[dict[str, Place], int]:
    """Possible and actual victims of a programme by the district (or the camp, in its district) where they
    were identified, to date (no ``report``), or over a ``span`` of a report quarter (the quarter, its year to
    date, the life of project to date); and how many were identified in no place that can be read."""
    programme = load_programme(session, programme_code)
    rows: Iterable[tuple[str | None, int]]
    if report is None:
        rows = victims.by_location(session, programme.id).items()  # stored, refreshed by every write of cases
    else:
        codes = [q.code for q in span_quarters(programme, report_quarter(programme, report), span)]
        rows = session.execute(
            select(Case.location, func.count())
            .where(
                Case.programme_id == programme.id,
                Case.status.in_(victims.VICTIM_STATUSES),
                Case.quarter.in_(codes),
            )
            .group_by(Case.location)
        ).all()
    return _placed(rows)


def _placed(rows) -> tuple[dict[str, Place], int]:
    """(place as written, victims) -> districts with their camps, and the victims whose place no one can read."""
    districts: Counter = Counter()
    camps: dict[str, Counter] = {}
    unknown = 0
    for location, n in rows:
        text = (location or "").strip().casefold()
        camp = _CAMPS.get(text) or _CAMPS.get(text.removesuffix(" camp").strip())
        if camp is not None:
            district = vocabulary.CAMPS[camp]
            districts[district] += n
            camps.setdefault(district, Counter())[camp] += n
        elif text in _DISTRICTS:
            districts[_DISTRICTS[text]] += n
        else:
            unknown += n
    return {d: Place(d, v, tuple(sorted(camps.get(d, {}).items()))) for d, v in districts.items()}, unknown
