"""Per-quarter sums of every indicator, kept up to date on import so figures never scan activity rows."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, String, UniqueConstraint
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
