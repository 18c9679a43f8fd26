"""People who sign in, their sessions, what they did (the audit trail), failed sign-ins, quarter sign-offs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from indicators.store.models.base import Base, utcnow

ROLES = ("admin", "manager", "officer", "donor")


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))
    donor: Mapped[str | None] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # A one-time password set by an administrator: the user must choose their own before anything else.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Two-step sign-in (TOTP, RFC 6238): the secret once confirmed by a code, the one being set up, the last
    # time step accepted (a code is good once), and SHA-256 digests of the unused recovery codes.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_pending: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    recovery_codes: Mapped[list | None] = mapped_column(JSON)
    # The dashboard's language the user chose (``indicators.i18n``: a catalogue's code); None: the browser's.
    language: Mapped[str | None] = mapped_column(String(16))


class UserSession(Base):
    """One signed-in browser. The cookie carries a random token; the store keeps only its SHA-256, so a copy
    of the database opens no session. Deleting the row ends the session for every copy of the cookie."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    address: Mapped[str | None] = mapped_column(String(64))


class ApiToken(Base):
    """A personal access token for the JSON API. The token is shown once; the store keeps its SHA-256, so a
    copy of the database opens nothing. It acts as its user, with the user's role and donor, until revoked
    or expired. ``window_*`` count its requests in the current minute, for the rate limit."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))  # the first characters, to tell tokens apart in lists
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None] = mapped_column(String(80))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    window_start: Mapped[datetime | None] = mapped_column(DateTime)
    window_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class AuditEvent(Base):
    """One thing someone did. Rows are only ever added: the database refuses updates and deletes."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class LoginThrottle(Base):
    """Sign-in attempts per key (``name:<user name>``, known or not, and ``address:<client address>``):
    counted atomically before the password is checked, slowed, then locked for a while."""

    __tablename__ = "login_throttle"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # failed attempts and those still being checked
    pending: Mapped[int] = mapped_column(
        Integer, default=0, server_default="0"
    )  # of which still being checked
    last_failure: Mapped[datetime | None] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)


class AuditTally(Base):
    """Refusals that come in floods (requests to the JSON API without a valid token), written down as one
    counted entry per client address and minute instead of a row each. Counted by one atomic upsert, which
    also throttles the address; the database refuses to delete an entry or lower its count."""

    __tablename__ = "audit_tally"
    __table_args__ = (UniqueConstraint("action", "key", "window_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(120))  # the client address
    window_start: Mapped[datetime] = mapped_column(DateTime, index=True)
    count: Mapped[int] = mapped_column(Integer, default=1)
    last_at: Mapped[datetime] = mapped_column(DateTime)


class SignOff(Base):
    """One version of a programme quarter's report as sent: signed off by a manager, with the file as sent and
    the figures it was made from (the quarter's results rows, as data), kept for good.

    A sign-off is *in force* until a manager or administrator reopens it (``reopened_*``, with the reason):
    while in force no upload may change that quarter or any before it (their figures feed its year-to-date
    and life-of-project figures). Signing off again after a reopen keeps a new version (``version`` counts
    from 1 per programme and quarter); every version downloads again byte for byte.
    """

    __tablename__ = "sign_off"
    __table_args__ = (UniqueConstraint("programme_id", "period", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(10))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    signed_by: Mapped[str] = mapped_column(String(80))
    signed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    report_format: Mapped[str] = mapped_column(String(20))  # exports.formats.KEY_LENGTH
    report_filename: Mapped[str] = mapped_column(String(200))
    report: Mapped[bytes] = mapped_column(LargeBinary)
    report_sha256: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    # the quarter's results rows when it was signed off ({"columns": [...], "rows": [[...], ...]}): what
    # "as sent" is compared with; None for a sign-off made before figures were kept
    figures: Mapped[dict | None] = mapped_column(JSON)
    # indicators whose figures differ from the version this one replaces (the re-issued cover names them)
    changed: Mapped[list | None] = mapped_column(JSON)
    reopened_at: Mapped[datetime | None] = mapped_column(DateTime)
    reopened_by: Mapped[str | None] = mapped_column(String(80))
    reopen_reason: Mapped[str | None] = mapped_column(Text)

    @property
    def in_force(self) -> bool:
        return self.reopened_at is None
