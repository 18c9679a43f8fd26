"""What the Data quality and Victims checks found over one programme's records, kept up to date on write so
their pages read one small row instead of scanning the records."""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from indicators.store.models.base import Base


class CheckResult(Base):
    """One check's findings over one programme (``name``: ``outliers:trainings``, ``victims``, ...), as plain
    JSON; refreshed in the transaction that writes the records it reads (``indicators.figures.aggregates``)."""

    __tablename__ = "check_result"
    __table_args__ = (UniqueConstraint("programme_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(40))
    found: Mapped[dict] = mapped_column(JSON)
