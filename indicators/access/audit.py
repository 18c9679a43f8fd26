"""The audit trail: who did what, when. Events are only added; the database refuses to change them.

Nothing secret is written down: a token in an address (``?access_token=…``, ``token=``, ``api_key=``,
``password=``, …) and anything shaped like an API token are replaced by ``[redacted]`` before an event is
stored, whatever records it. Floods of refusals that no one signed for (API requests without a valid token)
are kept as counted entries (``tally``): one per client address and minute, with the number of requests.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from indicators.i18n import N_
from indicators.store.models import AuditEvent, AuditTally, utcnow

TALLY_WINDOW = timedelta(minutes=1)
_SECRET_PARAMETER = re.compile(r"(?i)((?:^|[?&;])[\w.-]*(?:token|secret|password|passwd|api_?key)=)[^&;#\s]*")
_TOKEN = re.compile(r"ctm_[A-Za-z0-9_-]{20,}")  # a whole API token (its 12 shown characters are not secret)

# What is recorded (the action names the dashboard shows)
ACTIONS = {
    "sign-in": N_("Signed in"),
    "sign-in-refused": N_("Sign-in refused"),
    "sign-out": N_("Signed out"),
    "upload-stored": N_("Upload stored"),
    "upload-refused": N_("Upload refused"),
    "narrative": N_("Narrative edited"),
    "quarter-section": N_("Report section edited"),
    "sign-off": N_("Quarter signed off"),
    "sign-off-reopened": N_("Quarter reopened"),
    "user-added": N_("User added"),
    "user-changed": N_("User changed"),
    "user-disabled": N_("User disabled"),
    "user-enabled": N_("User enabled"),
    "role-changed": N_("Role changed"),
    "password-reset": N_("Password reset"),
    "password-changed": N_("Password changed"),
    "report-downloaded": N_("Report downloaded"),
    "access-refused": N_("Access refused"),
    "token-created": N_("API token created"),
    "token-revoked": N_("API token revoked"),
    "tokens-revoked": N_("API tokens revoked"),
    "api-request": N_("API request"),
    "api-refused": N_("API request without a valid token"),
    "password-refused": N_("Current password refused"),
    "two-step-enabled": N_("Two-step sign-in set up"),
    "two-step-disabled": N_("Two-step sign-in turned off"),
    "two-step-refused": N_("Sign-in code refused"),
    "recovery-code-used": N_("Recovery code used"),
    "indicator-edited": N_("Indicator edited"),
    "record-corrected": N_("Record corrected"),
    "record-restored": N_("Record restored"),
    "result-entered": N_("Result entered"),
    "provider-added": N_("Provider added"),
    "pseudonym-key-adopted": N_("Pseudonym key adopted"),
    "cases-merged": N_("Cases merged"),
}


def command_line_user() -> str:
    """Who runs a command, for the audit trail: the operating system's login name."""
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 — no login name in some containers
        return "command line"


def redact(value):
    """``value`` (text, or lists and mappings of it) with secrets in it replaced by ``[redacted]``."""
    if isinstance(value, str):
        return _TOKEN.sub("ctm_[redacted]", _SECRET_PARAMETER.sub(r"\1[redacted]", value))
    if isinstance(value, dict):
        return {key: redact(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(item) for item in value]
    return value


def record(session: Session, username: str, action: str, target: str | None = None, **detail) -> AuditEvent:
    event = AuditEvent(
        username=redact(username or "anonymous")[:80],
        action=action,
        target=redact(target)[:200] if target else target,
        detail=redact(detail),
    )
    session.add(event)
    session.flush()
    return event


def tally(session: Session, action: str, key: str, now: datetime | None = None) -> tuple[int, int]:
    """Count one more ``action`` for ``key`` (a client address) in the current minute, atomically: the count
    so far in that minute, and the seconds until it ends (at least 1)."""
    now = now or utcnow()
    start = now.replace(second=0, microsecond=0)
    t = AuditTally.__table__
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(t)
        .values(action=action, key=redact(key)[:120], window_start=start, count=1, last_at=now)
        .on_conflict_do_update(
            index_elements=[t.c.action, t.c.key, t.c.window_start],
            set_={"count": t.c.count + 1, "last_at": now},
        )
        .returning(t.c.count)
    )
    left = (start + TALLY_WINDOW - now).total_seconds()
    return session.execute(statement).scalar_one(), max(1, int(left + 0.999))


def recent_tallies(session: Session, limit: int = 200, action: str | None = None) -> list[AuditTally]:
    query = select(AuditTally).order_by(AuditTally.window_start.desc(), AuditTally.id.desc()).limit(limit)
    if action:
        query = query.where(AuditTally.action == action)
    return list(session.scalars(query))


def recent(
    session: Session, limit: int = 500, action: str | None = None, username: str | None = None
) -> list[AuditEvent]:
    """The latest events first, optionally of one action and/or one user."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    if action:
        query = query.where(AuditEvent.action == action)
    if username:
        query = query.where(AuditEvent.username == username)
    return list(session.scalars(query))


def usernames(session: Session) -> list[str]:
    """Everyone who appears in the trail, for a filter."""
    return list(session.scalars(select(AuditEvent.username).distinct().order_by(AuditEvent.username)))
