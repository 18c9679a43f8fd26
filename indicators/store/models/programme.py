"""Programmes and their logframes: phases, results, indicators, targets and deviation narratives.

All of it is loaded from the definition files in ``programmes/``; none of it is written in Python.
Targets are keyed by period code: ``FY2019`` (fiscal year), ``2012`` (calendar year) or ``LOP``.
Percent indicators keep targets and actuals on a 0–100 scale.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from indicators.store.models.base import Base, utcnow


class Programme(Base):
    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    short_title: Mapped[str | None] = mapped_column(String(120))
    donor: Mapped[str] = mapped_column(String(120))
    award_number: Mapped[str | None] = mapped_column(String(60))
    partners: Mapped[list] = mapped_column(JSON, default=list)
    government_lead: Mapped[str | None] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    # "fiscal" (US federal fiscal year, FY2019Q3) or "calendar" (2012Q1)
    calendar: Mapped[str] = mapped_column(String(10))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    description: Mapped[str | None] = mapped_column(Text)
    source_file: Mapped[str | None] = mapped_column(String(200))
    # What the donor is sent by default: a report format's key (iptt, ppr, csv, iati)
    # as long as a sign-off's (exports.formats.KEY_LENGTH)
    report_format: Mapped[str] = mapped_column(String(20), default="iptt", server_default="iptt")
    # donor or partner name -> IATI organisation type, in words (vocabulary.IATI_ORGANISATION_TYPES)
    organisation_types: Mapped[dict | None] = mapped_column(JSON)
    # the programme the Victims profile opens on when the link names none
    victims_default: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # what the IATI file publishes beyond the logframe (``definitions.IatiDef``): organisations' IATI
    # identifiers, DAC sectors, the humanitarian flag and the contact
    iati: Mapped[dict | None] = mapped_column(JSON)

    phases: Mapped[list[Phase]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="Phase.start_date"
    )
    results: Mapped[list[Result]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="Result.sort_order"
    )
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="Indicator.sort_order"
    )


class Phase(Base):
    __tablename__ = "phase"
    __table_args__ = (UniqueConstraint("programme_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    budget: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    pledged: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=0)
    pledged_by: Mapped[str | None] = mapped_column(String(200))

    programme: Mapped[Programme] = relationship(back_populates="phases")

    @property
    def funding_gap(self) -> Decimal:
        return self.budget - (self.pledged or 0)


class Result(Base):
    """A logframe result (goal, outcome or output) belonging to one activity category."""

    __tablename__ = "result"
    __table_args__ = (UniqueConstraint("programme_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("result.id", ondelete="SET NULL"))
    code: Mapped[str] = mapped_column(String(30))
    level: Mapped[str] = mapped_column(String(10))
    category: Mapped[str | None] = mapped_column(String(40))
    statement: Mapped[str] = mapped_column(Text)
    # what the result covers, in a few sentences (the IATI file's result description)
    description: Mapped[str | None] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    programme: Mapped[Programme] = relationship(back_populates="results")
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="result", order_by="Indicator.sort_order"
    )


class Indicator(Base):
    """A logframe indicator: what it counts (source kind, filter, measure) and how it is split."""

    __tablename__ = "indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("result.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(Text)
    definition: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(10))  # number | percent
    category: Mapped[str] = mapped_column(String(40))
    source_kind: Mapped[str] = mapped_column(String(20))  # trainings, awareness, ..., results
    # {"column": value | [values] | {"not_null": true}}
    source_filter: Mapped[dict] = mapped_column(JSON, default=dict)
    # {"type": "count"} | {"type": "sum", "columns": [...]} | {"type": "stage", "field": ..., "stage": ...}
    # | {"type": "ratio", "numerator": [...], "denominator": [...]}
    measure: Mapped[dict] = mapped_column(JSON)
    # the column whose date attributes a row to a quarter, when it is not the row's own date
    date_field: Mapped[str | None] = mapped_column(String(40))
    disaggregations: Mapped[list] = mapped_column(JSON, default=list)
    baseline: Mapped[float | None] = mapped_column(Float)
    standard_indicator: Mapped[str | None] = mapped_column(String(30))
    data_source: Mapped[str | None] = mapped_column(Text)
    # The reference sheet's (PIRS) fields held nowhere else: type, direction of change, PPR flag, rationale,
    # collection method, frequency, responsible, data storage, baseline date, target rationale, data quality,
    # notes, last updated (see indicators.programmes.reference_sheet.ReferenceSheetDef).
    reference_sheet: Mapped[dict | None] = mapped_column(JSON, default=dict)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    # the definition (source, measure, disaggregations) its stored per-quarter sums were computed for
    sums_signature: Mapped[str | None] = mapped_column(String(64))

    programme: Mapped[Programme] = relationship(back_populates="indicators")
    result: Mapped[Result] = relationship(back_populates="indicators")
    targets: Mapped[list[Target]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan", order_by="Target.period"
    )

    def target_for(self, period: str) -> float | None:
        for target in self.targets:
            if target.period == period:
                return target.value
        return None


class Target(Base):
    __tablename__ = "target"
    __table_args__ = (UniqueConstraint("indicator_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(12))  # FY2019, 2012 or LOP
    value: Mapped[float] = mapped_column(Float)

    indicator: Mapped[Indicator] = relationship(back_populates="targets")


class Narrative(Base):
    """The programme manager's deviation narrative for one indicator and one quarter."""

    __tablename__ = "narrative"
    __table_args__ = (UniqueConstraint("indicator_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str | None] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class IndicatorChange(Base):
    """One change to an indicator's definition or targets: what, from what to what, who, when and why. Kept
    for the reference sheet's change log and the Indicator page; only ever added to."""

    __tablename__ = "indicator_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(
        String(60)
    )  # target, baseline, definition, reference_sheet.rationale ...
    period: Mapped[str | None] = mapped_column(String(12))  # a target's period: FY2019, 2012 or LOP
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(60))
    comment: Mapped[str | None] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(String(80))
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    indicator: Mapped[Indicator] = relationship()
