"""What the store keeps to protect the people in its cases: the service providers a referral may name (the
shipped list is ``indicators.providers``; administrators add to it) and facts about the store itself, such as
the fingerprint of the key its case pseudonyms were made with (never the key)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from indicators.models.base import Base, utcnow


class Provider(Base):
    """A service provider added by an administrator (or further names of a shipped one): a case's referred
    organisation is kept only when it names one of these or a shipped provider."""

    __tablename__ = "provider"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    aliases: Mapped[list] = mapped_column(JSON, default=list)
    added_by: Mapped[str] = mapped_column(String(80))
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class StoreFact(Base):
    """One named fact about the store (``pseudonym_key_fingerprint``), written once and checked on start."""

    __tablename__ = "store_fact"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    written_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
