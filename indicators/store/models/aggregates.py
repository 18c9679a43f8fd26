"""Per-quarter sums of every indicator, kept up to date on import so figures never scan activity rows."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from indicators.store.models.base import Base


class IndicatorSums(Base):
    """What one quarter adds to one indicator, in total (empty disaggregation and category) and per
    category: the count or sum, and for a ratio its denominator, so every period's ratio is recomputed."""

    __tablename__ = "indicator_sums"
    __table_args__ = (
        UniqueConstraint("indicator_id", "quarter", "disaggregation", "category"),
        Index("ix_indicator_sums_indicator_quarter", "indicator_id", "quarter"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    quarter: Mapped[str] = mapped_column(String(10))
    disaggregation: Mapped[str] = mapped_column(String(40), default="")
    category: Mapped[str] = mapped_column(String(120), default="")
    numerator: Mapped[float] = mapped_column(Float, default=0)
    denominator: Mapped[float | None] = mapped_column(Float)


class QuarterTally(Base):
    """How many records of one kind a programme's quarter holds, per upload, place, group and district, with
    the people they reached: what the report reads besides the figures (its annex's summary, its districts,
    its sources), so a report never reads the records themselves. ``other_quarter``: the second quarter a
    record is attributed to (a case's referral quarter), so a row is counted once for either."""

    __tablename__ = "quarter_tally"
    __table_args__ = (Index("ix_quarter_tally_programme_kind_quarter", "programme_id", "kind", "quarter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    quarter: Mapped[str] = mapped_column(String(10))
    other_quarter: Mapped[str | None] = mapped_column(String(10))
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("upload.id", ondelete="SET NULL"))
    place: Mapped[str | None] = mapped_column(String(200))
    grp: Mapped[str | None] = mapped_column(String(60))
    district: Mapped[str | None] = mapped_column(String(40))
    records: Mapped[int] = mapped_column(Integer)
    female: Mapped[int | None] = mapped_column(Integer)
    male: Mapped[int | None] = mapped_column(Integer)
    attended: Mapped[int | None] = mapped_column(Integer)
