"""The quarter's own sections of the progress report (highlights, challenges and lessons, next quarter's plans),
as the programme manager writes them: one row per version, never changed afterwards, so the history is kept;
a section's text is its latest version's (an empty text clears it)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from indicators.store.models.base import Base, utcnow


class QuarterSection(Base):
    """One version of one section of a programme's quarter: its text, who wrote it and when."""

    __tablename__ = "quarter_section"
    __table_args__ = (UniqueConstraint("programme_id", "period", "section", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(12))  # the report quarter: FY2019Q3 | 2012Q1
    section: Mapped[str] = mapped_column(String(20))  # highlights | challenges | plans
    version: Mapped[int] = mapped_column(Integer)  # 1, 2, ... per programme, quarter and section
    text: Mapped[str] = mapped_column(Text)  # "" when the manager cleared it
    written_by: Mapped[str] = mapped_column(String(80))
    written_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
