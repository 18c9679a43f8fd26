"""Cases that may be one person: the pairs an import found (a new case alike to a stored one), and the cases a
manager merged, kept so that a later upload of the merged-away row updates the case it was folded into."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from indicators.store.models.base import Base, utcnow


class PossibleDuplicate(Base):
    """A new case (``case_id``) alike to a case stored before it (``other_id``) in sex, citizenship, date and
    place identified, with no age or birth date that disagrees. Gone with either case (a merge drops one)."""

    __tablename__ = "possible_duplicate"
    __table_args__ = (UniqueConstraint("case_id", "other_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("victim_case.id", ondelete="CASCADE"))
    other_id: Mapped[int] = mapped_column(ForeignKey("victim_case.id", ondelete="CASCADE"), index=True)
    found_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CaseMerge(Base):
    """A case folded into another (``case_id``, the one kept): what a later upload recognises the dropped case
    by (its key, the hash of its row as uploaded), who merged it and when (the audit trail says why)."""

    __tablename__ = "case_merge"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("victim_case.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str | None] = mapped_column(String(80))
    row_hash: Mapped[str] = mapped_column(String(64))
    merged_by: Mapped[str] = mapped_column(String(80))
    merged_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
