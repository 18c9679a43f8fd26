"""The change log of indicators: every change to a target, a baseline or a definition, kept with who, when, the
value before and after, and why (the reasons TolaData asks for). Programme files loaded by ``ctmonitor init``
log their changes as "Programme file edited"; changes made in the browser give their own reason and comment.
Shown on the Indicator page and in the reference sheet's (PIRS) change log; only ever added to."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from indicators.i18n import N_
from indicators.numbers import plain
from indicators.store.models import Indicator, IndicatorChange, utcnow

FROM_FILE = "Programme file edited"
REASONS = (N_("Donor-approved modification"), N_("Budget realignment"), N_("Data correction"), N_("Other"))
FIELD_NAMES = {
    "target": "target",
    "baseline": "baseline",
    "definition": "definition",
    "name": "name",
    "standard_indicator": "standard indicator",
    "data_source": "data source",
}


def text(value) -> str | None:
    """A value as the log keeps it: numbers as the reports write them, dates as ISO, the rest as text."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return plain(value)
    return str(value)


def record(
    session: Session,
    indicator: Indicator,
    field: str,
    old,
    new,
    *,
    by: str,
    reason: str,
    comment: str | None = None,
    period: str | None = None,
) -> IndicatorChange | None:
    """Log one change (nothing when the value did not change)."""
    before, after = text(old), text(new)
    if before == after:
        return None
    change = IndicatorChange(
        indicator=indicator,
        field=field,
        period=period,
        old_value=before,
        new_value=after,
        reason=reason,
        comment=(comment or "").strip() or None,
        changed_by=by or "unknown",
        changed_at=utcnow(),
    )
    session.add(change)
    return change


def changes(session: Session, indicator_code: str) -> list[IndicatorChange]:
    """An indicator's changes, newest first."""
    return list(
        session.scalars(
            select(IndicatorChange)
            .join(Indicator, Indicator.id == IndicatorChange.indicator_id)
            .where(Indicator.code == indicator_code)
            .order_by(IndicatorChange.changed_at.desc(), IndicatorChange.id.desc())
        )
    )


def browser_edits(session: Session, indicator: Indicator) -> dict[tuple[str, str | None], IndicatorChange]:
    """The values of an indicator edited in the browser and still in force: (field, period) -> the change,
    for each field whose latest change is a browser edit (any reason but a programme file's)."""
    latest: dict[tuple[str, str | None], IndicatorChange] = {}
    for change in session.scalars(
        select(IndicatorChange)
        .where(IndicatorChange.indicator_id == indicator.id)
        .order_by(IndicatorChange.changed_at, IndicatorChange.id)
    ):
        latest[(change.field, change.period)] = change
    return {key: change for key, change in latest.items() if change.reason != FROM_FILE}


def what(change: IndicatorChange) -> str:
    """``FY2019 target`` or ``definition`` or ``reference sheet: rationale``."""
    if change.field == "target":
        return f"{change.period} target"
    if change.field.startswith("reference_sheet."):
        return "reference sheet: " + change.field.split(".", 1)[1].replace("_", " ")
    return FIELD_NAMES.get(change.field, change.field.replace("_", " "))


def describe(change: IndicatorChange) -> str:
    """``FY2019 target: 400 → 450``."""
    return f"{what(change)}: {change.old_value or '–'} → {change.new_value or '–'}"


def entries(indicator: Indicator) -> list[dict]:
    """An indicator's change log, oldest first, as a programme file carries it (``programmes export``)."""
    session = object_session(indicator)
    if session is None or indicator.id is None:
        return []
    return [
        {
            "field": c.field,
            "period": c.period,
            "old": c.old_value,
            "new": c.new_value,
            "reason": c.reason,
            "comment": c.comment,
            "by": c.changed_by,
            "at": c.changed_at,
        }
        for c in session.scalars(
            select(IndicatorChange)
            .where(IndicatorChange.indicator_id == indicator.id)
            .order_by(IndicatorChange.changed_at, IndicatorChange.id)
        )
    ]


def restore(session: Session, indicator: Indicator, logged: list[dict]) -> int:
    """Add the change-log entries of a programme file (``entries``' form) that the indicator does not hold yet,
    as they were (who, when, why): a deployment moved with ``programmes export`` and ``init`` keeps the
    history of its reference sheets. Loading the same file again adds nothing. Returns how many were added."""
    if not logged:
        return 0
    held = set()
    if indicator.id is not None:
        held = {
            (c.field, c.period, c.old_value, c.new_value, c.changed_by, c.changed_at.replace(microsecond=0))
            for c in session.scalars(
                select(IndicatorChange).where(IndicatorChange.indicator_id == indicator.id)
            )
        }
    added = 0
    for entry in logged:
        at = entry["at"].replace(tzinfo=None)
        key = (
            entry["field"],
            entry.get("period"),
            entry.get("old"),
            entry.get("new"),
            entry["by"],
            at.replace(microsecond=0),
        )
        if key in held:
            continue
        held.add(key)
        session.add(
            IndicatorChange(
                indicator=indicator,
                field=entry["field"],
                period=entry.get("period"),
                old_value=entry.get("old"),
                new_value=entry.get("new"),
                reason=entry["reason"],
                comment=entry.get("comment"),
                changed_by=entry["by"],
                changed_at=at,
            )
        )
        added += 1
    return added
