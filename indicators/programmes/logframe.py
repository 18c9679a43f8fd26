"""Editing an indicator in the browser: its targets (each year and LOP), baseline, definition and reference-sheet
fields, with a reason and a comment, every change kept in its change log (``indicators.programmes.history``) and the audit
trail, in one transaction. The rules are those of the programme files (``indicators.programmes.definitions``): a target is
a number of 0 or more (a percentage at most 100) for a year of the programme or LOP.

A target of a year with a signed-off quarter may be changed: the reports kept at sign-off are unaffected, and
``Edit.signed_off`` says which sign-offs the change does not reach. The caller owns the transaction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from indicators import periods
from indicators.access import audit
from indicators.figures import signoff
from indicators.programmes import history
from indicators.store.models import Indicator, Target

TEXT_FIELDS = {"name": 500, "definition": 4000, "standard_indicator": 30, "data_source": 2000}
SHEET_FIELDS = {
    "rationale": 2000,
    "collection_method": 2000,
    "frequency": 500,
    "responsible": 500,
    "target_rationale": 2000,
    "data_quality.limitations": 2000,
    "data_quality.mitigation": 2000,
}
SHEET_DATES = ("baseline_date", "data_quality.last_assessment")
LABELS = {
    "name": "Name",
    "definition": "Definition",
    "standard_indicator": "Standard indicator",
    "data_source": "Data source",
    "baseline": "Baseline",
    "rationale": "Rationale",
    "collection_method": "Method of collection",
    "frequency": "Frequency",
    "responsible": "Responsible",
    "target_rationale": "Target rationale",
    "baseline_date": "Baseline date",
    "data_quality.last_assessment": "Last data quality assessment",
    "data_quality.limitations": "Known limitations",
    "data_quality.mitigation": "Mitigation",
}


@dataclass
class Edit:
    """What an edit changed (``history.describe`` lines), or why it was refused: field -> message."""

    code: str
    changes: list[str] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)
    signed_off: list[str] = field(
        default_factory=list
    )  # sign-offs whose kept reports the change does not reach

    @property
    def ok(self) -> bool:
        return not self.problems


def years(indicator: Indicator) -> list[str]:
    """The target periods an indicator may have: its programme's years, then LOP."""
    programme = indicator.programme
    return [
        y.code for y in periods.years_between(programme.start_date, programme.end_date, programme.calendar)
    ] + ["LOP"]


def load(session: Session, code: str) -> Indicator | None:
    return session.scalar(
        select(Indicator)
        .where(Indicator.code == (code or "").strip().upper())
        .options(selectinload(Indicator.targets), selectinload(Indicator.programme))
    )


def edit(
    session: Session,
    code: str,
    *,
    by: str,
    reason: str,
    comment: str,
    targets: dict | None = None,
    values: dict | None = None,
    sheet: dict | None = None,
) -> Edit:
    """Check and apply an edit: ``targets`` period -> number or blank (no target), ``values`` of
    ``TEXT_FIELDS`` and ``baseline``, ``sheet`` of ``SHEET_FIELDS`` and ``SHEET_DATES``. Only what differs is
    changed; nothing is changed when any value is refused."""
    indicator = load(session, code)
    result = Edit((code or "").strip().upper())
    if indicator is None:
        result.problems["indicator"] = f"no indicator {code!r}"
        return result
    if reason not in history.REASONS:
        result.problems["reason"] = f"a reason: {', '.join(history.REASONS)}"
    if not (comment or "").strip():
        result.problems["comment"] = (
            "a comment saying what the change is (e.g. the donor's modification number)"
        )
    wanted_targets = _targets(indicator, targets or {}, result)
    wanted_values = _values(indicator, values or {}, result)
    wanted_sheet = _sheet(indicator, sheet or {}, result)
    if not result.ok:
        return result
    said = {"by": by, "reason": reason, "comment": comment}
    changed_periods = _apply_targets(session, indicator, wanted_targets, said, result)
    for name, value in wanted_values.items():
        before = getattr(indicator, name)
        if history.record(session, indicator, name, before, value, **said):
            setattr(indicator, name, value)
            result.changes.append(
                f"{LABELS[name].lower()}: {history.text(before) or '–'} → {history.text(value) or '–'}"
            )
    _apply_sheet(session, indicator, wanted_sheet, said, result)
    if result.changes:
        session.flush()
        result.signed_off = _signed_off(session, indicator, changed_periods)
        audit.record(
            session,
            by,
            "indicator-edited",
            indicator.code,
            reason=reason,
            comment=comment.strip(),
            changes=result.changes,
            signed_off=result.signed_off or None,
        )
    return result


def _apply_targets(
    session: Session,
    indicator: Indicator,
    wanted: dict[str, float | None],
    said: dict[str, str],
    result: Edit,
) -> list[str]:
    """Set the checked targets that differ, each logged with ``said`` (by, reason, comment); the periods
    changed."""
    by_period = {t.period: t for t in indicator.targets}
    changed = []
    for period, value in wanted.items():
        before = by_period[period].value if period in by_period else None
        if history.record(session, indicator, "target", before, value, period=period, **said) is None:
            continue
        if value is None:
            indicator.targets.remove(by_period[period])
        elif period in by_period:
            by_period[period].value = value
        else:
            indicator.targets.append(Target(period=period, value=value))
        changed.append(period)
        result.changes.append(
            f"{period} target: {history.text(before) or '–'} → {history.text(value) or '–'}"
        )
    return changed


def _apply_sheet(
    session: Session, indicator: Indicator, wanted: dict[str, Any], said: dict[str, str], result: Edit
) -> None:
    """Set the checked reference-sheet fields that differ, each logged with ``said``."""
    stored = _copy(indicator.reference_sheet or {})
    for key, value in wanted.items():
        path = key.split(".")
        before = _get(stored, path)
        if history.record(session, indicator, f"reference_sheet.{key}", before, value, **said):
            _set(stored, path, value)
            result.changes.append(
                f"{LABELS[key].lower()}: {history.text(before) or '–'} → {history.text(value) or '–'}"
            )
    if stored != (indicator.reference_sheet or {}):
        indicator.reference_sheet = stored


def _targets(indicator: Indicator, targets: dict, result: Edit) -> dict[str, float | None]:
    allowed = years(indicator)
    out = {}
    for period, raw in targets.items():
        if period not in allowed:
            result.problems[f"target:{period}"] = (
                f"a year of {indicator.programme.code} ({', '.join(allowed)})"
            )
            continue
        value = _number(raw)
        if value is _BAD:
            result.problems[f"target:{period}"] = "a number of 0 or more, or blank for no target"
        elif value is not None and indicator.unit == "percent" and value > 100:
            result.problems[f"target:{period}"] = "a percentage from 0 to 100"
        else:
            out[period] = value
    return out


def _values(indicator: Indicator, values: dict, result: Edit) -> dict:
    out = {}
    for name, raw in values.items():
        if name == "baseline":
            value = _number(raw)
            if value is _BAD:
                result.problems[name] = "a number of 0 or more, or blank for no baseline"
            elif value is not None and indicator.unit == "percent" and value > 100:
                result.problems[name] = "a percentage from 0 to 100"
            else:
                out[name] = value
        elif name in TEXT_FIELDS:
            text = (raw or "").strip() or None
            if name == "name" and text is None:
                result.problems[name] = "the indicator's name"
            elif text is not None and len(text) > TEXT_FIELDS[name]:
                result.problems[name] = f"at most {TEXT_FIELDS[name]:,} characters (found {len(text):,})"
            else:
                out[name] = text
    return out


def _sheet(indicator: Indicator, sheet: dict, result: Edit) -> dict:
    out = {}
    for key, raw in sheet.items():
        if key in SHEET_DATES:
            text = (raw or "").strip()
            try:
                out[key] = date.fromisoformat(text).isoformat() if text else None
            except ValueError:
                result.problems[key] = "a date written yyyy-mm-dd, or blank"
        elif key in SHEET_FIELDS:
            text = (raw or "").strip() or None
            if text is not None and len(text) > SHEET_FIELDS[key]:
                result.problems[key] = f"at most {SHEET_FIELDS[key]:,} characters (found {len(text):,})"
            else:
                out[key] = text
    return out


_BAD = object()


def _number(raw):
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = float(str(raw).replace(",", "").strip())
    except ValueError:
        return _BAD
    return _BAD if value < 0 or math.isnan(value) else value


def _signed_off(session: Session, indicator: Indicator, changed: list[str]) -> list[str]:
    """The sign-offs of quarters in the years whose targets changed (LOP: any): their reports stay as kept."""
    if not changed:
        return []
    found = []
    for record in signoff.signed_in(session, indicator.programme_id):
        year = periods.parse(record.period, indicator.programme.calendar).fiscal_year.code
        if "LOP" in changed or year in changed:
            found.append(f"{record.period} (signed off by {record.signed_by} on {record.signed_at:%Y-%m-%d})")
    return found


def _copy(tree: dict) -> dict:
    return {k: (_copy(v) if isinstance(v, dict) else v) for k, v in tree.items()}


def _get(tree: Any, path: list[str]) -> Any:
    for key in path:
        tree = tree.get(key) if isinstance(tree, dict) else None
    return tree


def _set(tree: dict, path: list[str], value) -> None:
    for key in path[:-1]:
        tree = tree.setdefault(key, {})
    if value is None:
        tree.pop(path[-1], None)
    else:
        tree[path[-1]] = value
