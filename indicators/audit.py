"""The audit trail: who did what, when. Events are only added; the database refuses to change them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from indicators.models import AuditEvent

# What is recorded (the action names the dashboard shows)
ACTIONS = {
    "sign-in": "Signed in",
    "sign-in-refused": "Sign-in refused",
    "sign-out": "Signed out",
    "upload-stored": "Upload stored",
    "upload-refused": "Upload refused",
    "narrative": "Narrative edited",
    "sign-off": "Quarter signed off",
    "sign-off-reopened": "Quarter reopened",
    "user-added": "User added",
    "user-changed": "User changed",
    "user-disabled": "User disabled",
    "user-enabled": "User enabled",
    "role-changed": "Role changed",
    "password-reset": "Password reset",
    "password-changed": "Password changed",
    "report-downloaded": "Report downloaded",
    "access-refused": "Access refused",
    "token-created": "API token created",
    "token-revoked": "API token revoked",
    "api-request": "API request",
    "indicator-edited": "Indicator edited",
    "record-corrected": "Record corrected",
    "record-restored": "Record restored",
    "result-entered": "Result entered",
    "cases-merged": "Cases merged",
}


def command_line_user() -> str:
    """Who runs a command, for the audit trail: the operating system's login name."""
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 — no login name in some containers
        return "command line"


def record(session: Session, username: str, action: str, target: str | None = None, **detail) -> AuditEvent:
    event = AuditEvent(username=username or "anonymous", action=action, target=target, detail=detail)
    session.add(event)
    session.flush()
    return event


def recent(session: Session, limit: int = 500, action: str | None = None,
           username: str | None = None) -> list[AuditEvent]:
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
