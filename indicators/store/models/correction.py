"""Corrections made to stored records in the browser: one row per field changed (or per record voided), kept
beside the record's own provenance (the upload, sheet and row it came from), never changed afterwards except
to say that a later upload's value was chosen over it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from indicators.store.models.base import Base, utcnow

VOID = "void"  # the field of a correction that voids the whole record
RESTORE = (
    "restore"  # the field of a correction that brings a voided record back (the void is then superseded)
)


class RecordCorrection(Base):
    """One change to one stored record: the field (``void`` for the whole record), before → after, who, when,
    why. ``record_id`` is the row's id in its kind's table (kept when voided, as ``snapshot`` keeps the row).

    ``original_hash`` is the record's ``row_hash`` (the row as uploaded), ``reference`` its key: what a later
    upload of the same workbook is recognised by, so a correction is never undone silently. A correction is
    *in force* until a re-upload's value is chosen over it (``superseded_*``); a void is also superseded when
    the record is restored in the browser (``superseded_upload_id`` then stays empty, and a ``restore`` entry
    follows it)."""

    __tablename__ = "record_correction"
    __table_args__ = (Index("ix_record_correction_programme_kind", "programme_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str | None] = mapped_column(String(80))
    original_hash: Mapped[str] = mapped_column(String(64))
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("upload.id", ondelete="SET NULL"))
    source_sheet: Mapped[str | None] = mapped_column(String(100))
    source_row: Mapped[int | None] = mapped_column(Integer)
    quarter: Mapped[str] = mapped_column(String(10))  # the record's quarter before the correction
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    snapshot: Mapped[dict | None] = mapped_column(JSON)  # a voided record's stored values
    reason: Mapped[str] = mapped_column(String(60))
    comment: Mapped[str | None] = mapped_column(Text)
    corrected_by: Mapped[str] = mapped_column(String(80))
    corrected_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime)
    superseded_by: Mapped[str | None] = mapped_column(String(80))
    superseded_upload_id: Mapped[int | None] = mapped_column(ForeignKey("upload.id", ondelete="SET NULL"))
