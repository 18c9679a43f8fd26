"""What the quarterly progress report holds besides the report's tables (``indicators.report``): the manager's
sections, whether the document is a draft, who prepared it, and the victims as the donor's channel shows them.

- Standing: a report made for a sign-off (``signing_by``), or of a quarter whose sign-off is in force, is final
  and says who signed it off; any other is a draft and says so on every page.
- Sections: the quarter's highlights, challenges and lessons, next quarter's plans as they stand
  (``indicators.reporting.sections``); one never written is kept, empty, so the document shows a placeholder for it.
- Victims identified and assisted: the rest of the document is the award's deliverable (exact figures, like
  the IPTT), but this section follows the rules of the donor's own channel (``indicators.protection.disclosure``): the
  figures of the indicators counted from case sheets through ``Plan.figures`` (totals per quarter, year to date
  and life of project to date; categories for the life of project only) and the Victims profile through
  ``victims.profile`` with the same plan, so it says nothing a donor's screen or file would not. Only the text
  as it may be shown ("12", "<5", "*") is kept: no exact withheld count reaches the writer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from indicators.figures import signoff, victims
from indicators.figures.figures import IndicatorFigures
from indicators.figures.figures import figures as quarter_figures
from indicators.numbers import format_value
from indicators.protection import disclosure
from indicators.report import NOT_PUBLISHED, Figure, Report, day_in_words, label
from indicators.reporting.sections import SectionText, sections_for
from indicators.store.models import Programme


@dataclass(frozen=True)
class VictimCategory:
    disaggregation: str  # Sex
    category: str  # Female
    shown: str  # the life-of-project-to-date count as it may be shown: "12", "<5", "*"


@dataclass(frozen=True)
class VictimIndicator:
    code: str
    name: str
    quarter: str  # as shown
    year_to_date: str
    lop_to_date: str
    categories: tuple[VictimCategory, ...] = ()  # life of project to date


@dataclass(frozen=True)
class VictimShare:
    category: str
    shown: str  # "12", "<5", "*"
    share: float | None  # percent of the known values; None when withheld


@dataclass(frozen=True)
class VictimBreakdown:
    label: str  # Nationality
    known: str
    unknown: str
    rows: tuple[VictimShare, ...]
    multiple: bool  # several values per victim: shares add up to more than 100%


@dataclass(frozen=True)
class VictimsPart:
    threshold: int | None  # counts under it are withheld ("<5"); None: nothing withheld
    indicators: tuple[VictimIndicator, ...]
    total: str  # victims identified to date, as shown
    breakdowns: tuple[VictimBreakdown, ...]


@dataclass(frozen=True)
class Drafting:
    sections: tuple[SectionText, ...]
    final: bool  # signed off (or being signed off): not a draft
    standing: str  # "Draft" | "Final: signed off by claire on 5 January 2027"
    prepared_by: str | None
    victims: VictimsPart | None  # None: the programme counts nobody from case sheets


def build(
    session: Session,
    report: Report,
    *,
    small_cell: int,
    prepared_by: str | None = None,
    signing_by: str | None = None,
) -> Drafting:
    """The quarterly report's own parts for ``report``'s programme and quarter. ``signing_by``: the manager
    signing the quarter off with this very document; ``small_cell``: the donor channel's threshold."""
    c = report.cover
    programme = session.scalars(select(Programme).where(Programme.code == c.programme_code)).one()
    final, standing = _standing(session, programme.id, c.period_code, signing_by, report.cover.prepared)
    sections = tuple(sections_for(session, c.programme_code, c.period_code))
    counted = any(ind.counts_people for ind in report.indicators)
    return Drafting(
        sections,
        final,
        standing,
        prepared_by or signing_by,
        _victims(session, programme, c.period_code, small_cell) if counted else None,
    )


def _standing(
    session: Session, programme_id: int, quarter: str, signing_by: str | None, prepared: datetime
) -> tuple[bool, str]:
    if signing_by:  # the sign-off keeping this very file: the quarter's next version
        kept = signoff.latest(session, programme_id, quarter)
        version = (kept.version if kept is not None else 0) + 1
        return (
            True,
            f"Final: signed off by {signing_by} on {day_in_words(prepared.date())} (version {version})",
        )
    record = signoff.in_force(session, programme_id, quarter)
    if record is not None:
        return True, (
            f"Final: signed off by {record.signed_by} on {day_in_words(record.signed_at.date())} "
            f"(version {record.version})"
        )
    return False, "Draft"


def _victims(session: Session, programme: Programme, quarter: str, small_cell: int) -> VictimsPart:
    plan = disclosure.plan(session, programme.code, small_cell)
    pf = quarter_figures(session, programme.code, quarter)
    if plan is not None:
        pf = plan.figures(pf)
    lines = tuple(_indicator(f) for f in pf.indicators if f.indicator.source_kind == "cases")
    total, breakdowns = victims.profile(session, programme.id, plan)
    shown_total = plan.cell(("profile", "total", "")).text if plan is not None else f"{total:,}"
    parts = tuple(
        VictimBreakdown(
            b.label,
            b.shown_known,
            b.shown_unknown,
            tuple(VictimShare(r.category, r.shown_count, r.share) for r in b.rows),
            b.multiple,
        )
        for b in breakdowns
    )
    return VictimsPart(plan.threshold if plan is not None else None, lines, shown_total, parts)


def _indicator(line: IndicatorFigures) -> VictimIndicator:
    unit = line.indicator.unit
    categories = tuple(
        VictimCategory(label(cat.disaggregation), cat.category, _shown(cat.lop_to_date, unit))
        for cat in line.disaggregations
        if cat.lop_to_date.withheld != NOT_PUBLISHED
    )
    return VictimIndicator(
        line.indicator.code,
        line.indicator.name,
        _shown(line.quarter, unit),
        _shown(line.year_to_date, unit),
        _shown(line.lop_to_date, unit),
        categories,
    )


def _shown(figure: Figure, unit: str) -> str:
    return figure.withheld or format_value(figure.actual, unit)
